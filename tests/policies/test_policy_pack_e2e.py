"""The pack started as the engine starts it, driven over the Analyzer gRPC protocol; every
request of every test here is sent to the pack (no answer is reused)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from policy_harness import BAD_FIXTURES, bad_stack, good_stack, resource, write_pack
from pulumi.runtime.proto import analyzer_pb2

from tools.policy_runner import PolicyRunner, PreparedResource, StackResource, Violation

ROOT = Path(__file__).resolve().parents[2]

RESOURCE_POLICIES = {
    "workflow-must-reference-template",
    "cronworkflow-must-reference-template",
    "no-cluster-workflow-templates",
    "workflowtemplate-in-managed-namespace",
    "sensor-workflows-must-reference-template",
    "workfloweventbinding-managed-template",
    "kubernetes-type-matches-object",
    "helm-releases-allow-listed",
}
STACK_POLICIES = {
    "controller-template-referencing-enforced",
    "no-cluster-wide-argo-grants",
    "only-deployer-changes-what-runs",
    "argo-install-unchanged",
    "workflowtemplates-follow-catalog-rules",
}

INLINE_WORKFLOW = resource(
    "kubernetes:argoproj.io/v1alpha1:Workflow",
    "inline",
    {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {"generateName": "inline-", "namespace": "argo-events"},
        "spec": {"templates": [{"name": "main"}], "workflowTemplateRef": {"name": "hello"}},
    },
)


@pytest.fixture
def runner(pack: PolicyRunner) -> Iterator[PolicyRunner]:
    """The pack started for the dev stack (conftest.py), sending every request."""
    pack.reuse_answers = False
    reused = pack.counts["analyze_reused"]
    try:
        yield pack
    finally:
        pack.reuse_answers = True
    assert pack.counts["analyze_reused"] == reused, "an answer was reused"


@pytest.fixture
def default_config(runner: PolicyRunner) -> Iterator[PolicyRunner]:
    """The runner, configured back to the defaults after the test."""
    yield runner
    runner.configure(None)


def describe(violations: list[Violation]) -> str:
    return "\n".join(f"{v.policy_name} [{v.enforcement_level}] {v.message}" for v in violations)


def test_analyzer_info(runner: PolicyRunner) -> None:
    info = runner.info()
    assert info.name == "argo-workflows-guard"
    assert info.supportsConfig
    policies = {policy.name: policy for policy in info.policies}
    assert set(policies) == RESOURCE_POLICIES | STACK_POLICIES
    for name, policy in policies.items():
        assert policy.enforcementLevel == analyzer_pb2.MANDATORY, name
        assert policy.description, name
        expected_type = (
            analyzer_pb2.POLICY_TYPE_RESOURCE
            if name in RESOURCE_POLICIES
            else analyzer_pb2.POLICY_TYPE_STACK
        )
        assert policy.policy_type == expected_type, name
    schema = policies["workflowtemplate-in-managed-namespace"].configSchema.properties
    assert schema["managedNamespace"]["default"] == "argo-events"
    assert schema["managedNamespace"]["type"] == "string"
    schema = policies["no-cluster-workflow-templates"].configSchema.properties
    assert schema["allowClusterWorkflowTemplates"]["default"] is False
    schema = policies["workflow-must-reference-template"].configSchema.properties
    assert list(schema["extraAllowedWorkflowFields"]["default"]) == []
    schema = policies["controller-template-referencing-enforced"].configSchema.properties
    assert schema["configMapName"]["default"] == "workflow-controller-configmap"
    assert schema["controlNamespace"]["default"] == "argo"


def test_configure_sends_every_policy_with_schema_defaults(runner: PolicyRunner) -> None:
    config = runner.effective_config
    assert set(config) == RESOURCE_POLICIES | STACK_POLICIES
    assert all(c.enforcement_level == "mandatory" for c in config.values())
    assert config["no-cluster-wide-argo-grants"].properties["workflowServiceAccount"] == "workflow"


def test_good_stack_has_no_violation(runner: PolicyRunner) -> None:
    violations = runner.analyze(good_stack())
    assert violations == [], describe(violations)


@pytest.mark.parametrize("fixture", BAD_FIXTURES, ids=lambda path: path.stem)
def test_bad_fixture_is_a_mandatory_violation_of_the_expected_policy(
    runner: PolicyRunner, fixture: Path
) -> None:
    resources, expected = bad_stack(fixture)
    violations = runner.analyze(resources)
    assert {v.policy_name for v in violations} == expected, describe(violations)
    assert all(v.enforcement_level == "mandatory" for v in violations), describe(violations)


def test_analyze_attributes_violations_to_the_resource(runner: PolicyRunner) -> None:
    [violation] = runner.analyze([*good_stack(), INLINE_WORKFLOW])
    assert violation.urn == INLINE_WORKFLOW.urn
    assert 'Workflow "argo-events/inline-*" (Pulumi resource "inline"): spec.templates' in (
        violation.message
    )


def test_configure_changes_levels_and_settings(default_config: PolicyRunner) -> None:
    default_config.configure(
        {
            "workflow-must-reference-template": "advisory",
            "workflowtemplate-in-managed-namespace": {"managedNamespace": "team-a"},
            "no-cluster-workflow-templates": {"enforcementLevel": "disabled"},
        }
    )
    cwft = resource(
        "kubernetes:argoproj.io/v1alpha1:ClusterWorkflowTemplate",
        "cwft",
        {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "ClusterWorkflowTemplate",
            "metadata": {"name": "c"},
        },
    )
    violations = default_config.analyze([*good_stack(), INLINE_WORKFLOW, cwft])
    levels = {(v.policy_name, v.enforcement_level) for v in violations}
    assert levels == {
        ("workflow-must-reference-template", "advisory"),
        ("workflowtemplate-in-managed-namespace", "mandatory"),
        # the stack policy judges templates with the stack's install, whatever this config
        ("workflowtemplates-follow-catalog-rules", "mandatory"),
    }, describe(violations)
    moved = [v for v in violations if v.policy_name == "workflowtemplate-in-managed-namespace"]
    assert all("set metadata.namespace to team-a" in v.message for v in moved)


def test_all_sets_every_level(default_config: PolicyRunner) -> None:
    config = default_config.configure({"all": "advisory"})
    assert {c.enforcement_level for c in config.values()} == {"advisory"}
    violations = default_config.analyze([*good_stack(), INLINE_WORKFLOW])
    assert violations and {v.enforcement_level for v in violations} == {"advisory"}


def test_shared_settings_reach_every_policy_that_declares_them(
    default_config: PolicyRunner,
) -> None:
    config = default_config.configure(shared={"managedNamespace": "team-a"})
    assert config["workflowtemplate-in-managed-namespace"].properties["managedNamespace"] == (
        "team-a"
    )
    assert config["no-cluster-wide-argo-grants"].properties["managedNamespace"] == "team-a"
    assert "managedNamespace" not in config["workflow-must-reference-template"].properties


@pytest.mark.parametrize(
    ("config", "shared", "error"),
    [
        ({"workflowtemplate-in-managed-namespace": {"managedNamespace": 3}}, None, "not of type"),
        ({"workflowtemplate-in-managed-namespace": {"managedNamespace": "Bad_NS"}}, None, "match"),
        ({"no-such-policy": "advisory"}, None, "policies the pack does not have"),
        ({"all": {"managedNamespace": "x"}}, None, "takes only an enforcement level"),
        ({"all": "strict"}, None, "is not an enforcement level"),
        (None, {"managedNamespaces": "x"}, "shared config keys no policy declares"),
    ],
    ids=[
        "wrong type",
        "not a namespace name",
        "unknown policy",
        "all with properties",
        "bad level",
        "unknown shared key",
    ],
)
def test_invalid_config_is_refused(
    default_config: PolicyRunner, config: dict | None, shared: dict | None, error: str
) -> None:
    with pytest.raises(ValueError, match=error):
        default_config.configure(config, shared=shared)


def test_readme_config_example_is_valid(default_config: PolicyRunner) -> None:
    readme = (ROOT / "policies" / "README.md").read_text()
    [example] = re.findall(r"```json\n(.*?)```", readme, flags=re.DOTALL)
    config = default_config.configure(json.loads(example))
    assert config["no-cluster-workflow-templates"].enforcement_level == "advisory"
    assert config["no-cluster-wide-argo-grants"].properties["workflowServiceAccount"] == "runner"


def test_main_readme_config_example_is_valid(default_config: PolicyRunner) -> None:
    readme = (ROOT / "README.md").read_text()
    [example] = re.findall(r"```json\n(.*?)```", readme, flags=re.DOTALL)
    config = default_config.configure(json.loads(example))
    assert config["workflowtemplate-in-managed-namespace"].properties["managedNamespace"] == (
        "argo-events"
    )
    assert config["no-cluster-workflow-templates"].enforcement_level == "advisory"
    assert config["workflow-must-reference-template"].enforcement_level == "mandatory"


def test_unknown_preview_value_is_reported_as_advisory(runner: PolicyRunner) -> None:
    unknown_string = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    workflow = resource(
        "kubernetes:argoproj.io/v1alpha1:Workflow",
        "pending",
        {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Workflow",
            "metadata": {"name": "w", "namespace": "argo-events"},
            "spec": {"workflowTemplateRef": {"name": unknown_string}},
        },
    )
    [violation] = runner.analyze([*good_stack(), workflow])
    assert violation.policy_name == "workflow-must-reference-template"
    assert violation.enforcement_level == "advisory"
    assert "can't be known during preview" in violation.message


def _object(api_version: str, kind: str, name: str, namespace: str, **fields) -> StackResource:
    """One object of the managed or control namespace as a typed resource registers it."""
    module = api_version if "/" in api_version else f"core/{api_version}"
    return resource(
        f"kubernetes:{module}:{kind}",
        kind.lower(),
        {
            "apiVersion": api_version,
            "kind": kind,
            "metadata": {"name": name, "namespace": namespace},
            **fields,
        },
    )


def _template_with(security_context: dict, name: str = "privileged") -> StackResource:
    container = {"image": "alpine:3.20", "command": ["id"], "securityContext": security_context}
    spec = {"entrypoint": "main", "templates": [{"name": "main", "container": container}]}
    return _object("argoproj.io/v1alpha1", "WorkflowTemplate", name, "argo-events", spec=spec)


UNKNOWN_BOOL = (
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"  # pulumi_policy proxy.py UNKNOWN_BOOLEAN_VALUE
)
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # UNKNOWN_STRING_VALUE


def test_a_template_value_unknown_at_preview_is_refused(runner: PolicyRunner) -> None:
    """The template rules are a stack policy, which `pulumi up` runs only after it has
    created the template: a value they cannot read at preview is refused, and named."""
    sc = "spec.templates[0].container.securityContext"
    [refused] = runner.analyze(
        [
            *good_stack(),
            _template_with(
                {"allowPrivilegeEscalation": UNKNOWN_BOOL, "privileged": UNKNOWN_BOOL},
                name=UNKNOWN_STRING,
            ),
        ]
    )
    assert refused.policy_name == "workflowtemplates-follow-catalog-rules"
    assert refused.enforcement_level == "mandatory"
    note = refused.message.split("3 values are unknown during preview: ")[1].split(" — ")[0]
    assert sorted(note.split(", ")) == [
        "metadata.name",
        f"{sc}.allowPrivilegeEscalation",
        f"{sc}.privileged",
    ], refused.message
    assert "only after the update has applied it" in refused.message, refused.message
    # known, the value is judged: refused for what it is
    known = runner.analyze([*good_stack(), _template_with({"privileged": True})])
    assert [(v.policy_name, v.enforcement_level) for v in known] == [
        ("workflowtemplates-follow-catalog-rules", "mandatory")
    ], describe(known)
    assert f"{sc}.privileged: found true" in known[0].message, known[0].message
    # and a literal template that breaks no rule passes
    assert runner.analyze([*good_stack(), _template_with({"privileged": False})]) == []


def test_many_unknown_template_values_are_named_in_one_violation(runner: PolicyRunner) -> None:
    template = _template_with({"privileged": False})
    template.inputs["metadata"]["namespace"] = UNKNOWN_STRING
    template.inputs["spec"]["templates"][0]["container"]["command"] = [UNKNOWN_STRING] * 6
    found = runner.analyze([*good_stack(), template])
    # The resource policy judges the namespace again at `pulumi up` before the template is
    # created: advisory. The stack policy cannot: refused.
    assert sorted((v.policy_name, v.enforcement_level) for v in found) == [
        ("workflowtemplate-in-managed-namespace", "advisory"),
        ("workflowtemplates-follow-catalog-rules", "mandatory"),
    ], describe(found)
    [refused] = [v for v in found if v.policy_name == "workflowtemplates-follow-catalog-rules"]
    command = "spec.templates[0].container.command"
    shown = ", ".join(f"{command}[{i}]" for i in range(4))
    # the namespace once, with the rest (not also as a message of its own)
    assert refused.message.count("metadata.namespace") == 1, refused.message
    assert f"7 values are unknown during preview: metadata.namespace, {shown} (and 2 more)" in (
        refused.message
    ), refused.message


def _role_binding(role: str, namespace: str = "argo-events") -> StackResource:
    return _object(
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
        "grant",
        namespace,
        roleRef={"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role},
        subjects=[{"kind": "ServiceAccount", "name": "ci", "namespace": namespace}],
    )


def test_a_stack_policy_refuses_what_it_cannot_judge_at_preview(runner: PolicyRunner) -> None:
    """A role unknown at preview could let anyone write templates; at `pulumi up` the stack
    policy would see it only once the binding exists. (A resource policy reports its unknowns
    as advisory: test_unknown_preview_value_is_reported_as_advisory.)"""
    found = runner.analyze([*good_stack(), _role_binding(UNKNOWN_STRING)])
    assert [(v.policy_name, v.enforcement_level) for v in found] == [
        ("only-deployer-changes-what-runs", "mandatory")
    ], describe(found)
    assert "the role it grants is unknown during preview" in found[0].message
    assert "only after the update has applied it" in found[0].message
    # known, a role that grants nothing of Argo passes
    assert runner.analyze([*good_stack(), _role_binding("view-pods")]) == []


def _config_map(name: str, namespace: str) -> StackResource:
    data = {"workflowRestrictions": "templateReferencing: ''"}
    return _object("v1", "ConfigMap", name, namespace, data=data)


@pytest.mark.parametrize(
    ("namespace", "refused"),
    [("argo", True), (UNKNOWN_STRING, True), ("team-a", False)],
    ids=["control namespace", "namespace unknown", "another namespace"],
)
def test_a_configmap_of_unknown_name_is_judged_where_the_controller_reads(
    runner: PolicyRunner, namespace: str, refused: bool
) -> None:
    """It may be the controller's (then it switches the restriction off) only in the
    control namespace; elsewhere it is none of the controller's business."""
    found = runner.analyze([*good_stack(), _config_map(UNKNOWN_STRING, namespace)])
    expected = [("controller-template-referencing-enforced", "mandatory")] if refused else []
    assert [(v.policy_name, v.enforcement_level) for v in found] == expected, describe(found)


def _live(inputs: dict, number: int) -> dict:
    """An object as pulumi-kubernetes reports it in a resource's outputs after a (dry-run)
    apply: the metadata the API server sets, and the provider's own keys beside the object
    (provider/pkg/provider/provider.go, checkpointObject)."""
    live = copy.deepcopy(inputs)
    stamp = "2026-11-28T12:00:00Z"
    live.setdefault("metadata", {}).update(
        uid=f"6f1c3a52-0c1e-4b7a-9d1e-{number:012d}",
        resourceVersion=str(41000 + number),
        generation=1,
        creationTimestamp=stamp,
        managedFields=[
            {
                "apiVersion": inputs.get("apiVersion"),
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:metadata": {"f:labels": {}}},
                "manager": "pulumi-kubernetes-3f9a2c1d",
                "operation": "Apply",
                "time": stamp,
            }
        ],
    )
    _server_defaults(live)
    live["__inputs"] = copy.deepcopy(inputs)
    live["__initialApiVersion"] = inputs.get("apiVersion")
    live["__fieldManager"] = "pulumi-kubernetes-3f9a2c1d"
    return live


def _server_defaults(live: dict) -> None:
    """Some of what the API server fills in (k8s.io/kubernetes pkg/apis/*/v1 defaults.go)
    and the status it reports, for the kinds of the install."""
    kind = live.get("kind")
    if kind == "Namespace":
        live.setdefault("spec", {})["finalizers"] = ["kubernetes"]
        live["status"] = {"phase": "Active"}
    if kind == "Deployment":
        spec = live["spec"]
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("progressDeadlineSeconds", 600)
        pod = spec["template"]["spec"]
        pod.setdefault("restartPolicy", "Always")
        pod.setdefault("dnsPolicy", "ClusterFirst")
        pod.setdefault("schedulerName", "default-scheduler")
        pod.setdefault("terminationGracePeriodSeconds", 30)
        if "serviceAccountName" in pod:
            pod["serviceAccount"] = pod["serviceAccountName"]  # the deprecated twin
        for container in pod.get("containers", []):
            container.setdefault("terminationMessagePath", "/dev/termination-log")
            container.setdefault("terminationMessagePolicy", "File")
            container.setdefault("imagePullPolicy", "IfNotPresent")
        live["status"] = {"observedGeneration": 1, "replicas": spec.get("replicas", 1)}
    if kind == "CustomResourceDefinition":
        live["spec"].setdefault("conversion", {"strategy": "None"})
        names = live["spec"]["names"]
        live["status"] = {
            "acceptedNames": names,
            "storedVersions": [v["name"] for v in live["spec"]["versions"] if v.get("storage")],
            "conditions": [{"type": "Established", "status": "True"}],
        }
    if kind == "Service":
        live["spec"].setdefault("sessionAffinity", "None")
        live["spec"].setdefault("clusterIP", "10.96.12.34")
        live["status"] = {"loadBalancer": {}}


def test_the_dev_stack_passes_as_the_engine_reports_its_outputs(
    runner: PolicyRunner, dev_program: list[PreparedResource]
) -> None:
    """AnalyzeStack receives each resource's outputs (pulumi/pulumi
    pkg/resource/deploy/step_generator.go AnalyzeResources), for pulumi-kubernetes the live
    object: its server-set metadata and the provider's keys are no violation."""
    live = [
        StackResource(
            r.type,
            r.name,
            r.urn,
            r.inputs,
            r.parent,
            outputs=_live(r.inputs, n) if "apiVersion" in r.inputs else None,
        )
        for n, r in enumerate(dev_program)
    ]
    assert sum(r.outputs is not None for r in live) > 30
    assert runner.analyze(live) == []
    # and a live template is still judged: privileged there is refused
    template = _template_with({"privileged": True})
    template.outputs = _live(template.inputs, 999)
    found = runner.analyze([*live, template])
    assert [(v.policy_name, v.enforcement_level) for v in found] == [
        ("workflowtemplates-follow-catalog-rules", "mandatory")
    ], describe(found)


def test_pack_starts_from_its_folder_and_stops_cleanly() -> None:
    with PolicyRunner() as started:
        assert started.info().name == "argo-workflows-guard"
    assert started.returncode == 0, started.stderr


_RUNTIME_PACK = """\
import sys

sys.path.insert(0, {policies!r})
import pulumi
import shared_analysis
from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ResourceValidationPolicy,
    StackValidationPolicy,
)


def report(args, report_violation):
    report_violation(
        f"{{pulumi.get_organization()}}/{{pulumi.get_project()}}/{{pulumi.get_stack()}} "
        f"dry run {{pulumi.runtime.is_dry_run()}} "
        f"version {{pulumi.Config('argo-workflows').get('version')}}"
    )


shared_analysis.install()
PolicyPack(
    name="runtime",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        ResourceValidationPolicy(name="resource-runtime", description="d", validate=report),
        StackValidationPolicy(name="stack-runtime", description="d", validate=report),
    ],
)
"""


def test_a_pack_reads_the_stack_settings_the_engine_starts_it_with(tmp_path: Path) -> None:
    """Every request, each served in a fresh context, sees the stack's settings (the
    shared servicer sets the runtime up once for them)."""
    pack_dir = write_pack(tmp_path / "pack", _RUNTIME_PACK)
    config = {"argo-workflows:version": "v4.1.2"}
    things = [resource("test:index:Thing", f"t{n}", {"n": n}) for n in range(3)]
    with PolicyRunner(pack_dir=pack_dir, stack="prod", stack_config=config) as started:
        found = started.analyze(things)
    assert sorted(v.policy_name for v in found) == ["resource-runtime"] * 3 + ["stack-runtime"]
    assert {v.message.splitlines()[-1] for v in found} == {
        "organization/argo-workflows/prod dry run True version v4.1.2"
    }
    assert started.returncode == 0, started.stderr


def test_a_pack_that_cannot_start_is_reported_with_its_stderr(tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text('raise SystemExit("broken pack")\n')
    broken = PolicyRunner(pack_dir=tmp_path)
    with pytest.raises(RuntimeError, match="did not print its port") as failure, broken:
        pass
    assert "broken pack" in str(failure.value)


def test_program_stacks_have_no_violation(default_config: PolicyRunner, stack_render) -> None:
    """Every resource both committed stacks register passes every policy (the defaults
    are the program's names)."""
    stacks = sorted(path.name.split(".")[1] for path in ROOT.glob("Pulumi.*.yaml"))
    assert len(stacks) >= 2, stacks
    default_config.configure(None)
    for stack in stacks:
        resources = stack_render(stack).resources
        assert any(r.type.startswith("kubernetes:argoproj.io/") for r in resources), stack
        violations = default_config.analyze(resources)
        assert violations == [], f"{stack}:\n{describe(violations)}"

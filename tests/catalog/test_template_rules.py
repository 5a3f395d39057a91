"""The WorkflowTemplate rules shared by the catalog and the policy pack, one rule at a time.

Every file under fixtures/rules/ holds a valid template and its invalid twin, which
differs in the one field the rule is about. The valid one passes every rule; the twin is
refused at exactly the expected paths, each naming what it found.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import shutil
from pathlib import Path

import pytest
import yaml

from components import workflow_pod_defaults as defaults
from components.catalog import CatalogError, load_catalog
from policies.argo_rules.template_problem import Problem, Unread
from policies.argo_rules.template_rules import TemplateContext, template_problems

FIXTURES = Path(__file__).parent / "fixtures"
RULES = FIXTURES / "rules"
EXAMPLES = FIXTURES / "argo_examples"
NS = "argo-events"

# The context of the stack defaults: the controller ConfigMap of this install.
STACK = TemplateContext(
    main_container=defaults.MAIN_CONTAINER,
    executor=defaults.EXECUTOR,
    workflow_defaults={"spec": {"securityContext": defaults.WORKFLOW_POD_SECURITY_CONTEXT}},
    catalog=None,
    require_description=True,
)

T0 = "spec.templates[0]"
SC = f"{T0}.container.securityContext"
# rule -> {path of the twin's problem: text the problem must contain}
EXPECTED: dict[str, dict[str, str]] = {
    # Item 1: Pod Security, judged on the pod the controller builds
    "ps-host-network": {"spec.hostNetwork": "found true"},
    "ps-host-pid": {f"{T0}.podSpecPatch.hostPID": "found true"},
    "ps-host-ipc": {"spec.podSpecPatch.hostIPC": "found true"},
    "ps-run-as-non-root-false": {f"{T0}.securityContext.runAsNonRoot": "found false"},
    "ps-seccomp-unconfined": {f"{SC}.seccompProfile.type": "found 'Unconfined'"},
    "ps-executor-service-account": {f"{T0}.executor.serviceAccountName": "found 'argo'"},
    "ps-capabilities-add": {f"{SC}.capabilities.add": "found SYS_ADMIN"},
    "ps-capabilities-drop-replaced": {f"{SC}.capabilities.drop": "found ['NET_RAW']"},
    "ps-sidecar": {
        f"{T0}.sidecars[0].securityContext.allowPrivilegeEscalation": "found nothing",
        f"{T0}.sidecars[0].securityContext.capabilities.drop": "found nothing",
    },
    "ps-init-container": {
        f"{T0}.initContainers[0].securityContext.allowPrivilegeEscalation": "found nothing",
        f"{T0}.initContainers[0].securityContext.capabilities.drop": "found nothing",
    },
    "ps-template-context-replaces": {
        f"{T0}.sidecars[0].securityContext.runAsNonRoot": "found nothing",
        f"{T0}.sidecars[0].securityContext.seccompProfile.type": "found nothing",
    },
    "ps-privileged": {f"{SC}.privileged": "found true"},
    "ps-run-as-root": {f"{SC}.runAsUser": "found 0"},
    "ps-template-defaults": {f"{SC}.allowPrivilegeEscalation": "found true"},
    "ps-container-set": {f"{T0}.containerSet.containers[0].securityContext.privileged": "true"},
    "ps-host-path": {"spec.volumes[0].hostPath": "hostPath volume"},
    # Item 2: the schema of Argo v4.1.2
    "schema-fields-since-4.0.5": {f"{T0}.pendingTimout": "did you mean 'pendingTimeout'"},
    "schema-unknown-field": {f"{T0}.container.imagePullPolicyy": "did you mean 'imagePullPolicy'"},
    "schema-letter-case": {f"{T0}.container.workingdir": "did you mean 'workingDir'"},
    "pod-metadata-controller-key": {
        f"{T0}.metadata.labels['workflows.argoproj.io/workflow']": "a key outside "
        "workflows.argoproj.io/"
    },
    "schema-pod-spec-patch-letter-case": {
        f"{T0}.podSpecPatch.TerminationGracePeriodSeconds": "did you mean "
        "'terminationGracePeriodSeconds'"
    },
    "schema-pod-spec-patch-type": {
        "spec.podSpecPatch.activeDeadlineSeconds": "expected an integer, found string '600'"
    },
    "schema-int-or-string": {f"{T0}.activeDeadlineSeconds": "found a list"},
    "schema-quantity": {f"{T0}.container.resources.requests.cpu": "found a list"},
    "schema-any-string": {"spec.arguments.parameters[0].value": "found a mapping"},
    "schema-enum-image-pull-policy": {f"{T0}.container.imagePullPolicy": "'Sometimes'"},
    "schema-enum-retry-policy": {f"{T0}.retryStrategy.retryPolicy": "'OnFailures'"},
    "schema-enum-pod-gc": {"spec.podGC.strategy": "'OnPodDone'"},
    "schema-enum-resource-action": {f"{T0}.resource.action": "'upsert'"},
    "executor-plugins": {"spec.executorPlugins": "executor plugins are not enabled"},
    "plugin-template": {f"{T0}.plugin": "executor plugins are not enabled"},
    # Item 3: Argo's own validation, and more
    "dag-cycle": {f"{T0}.dag.tasks": "a -> b -> a"},
    "depends-unknown-task": {f"{T0}.dag.tasks[1].depends": "found 'c'"},
    "depends-syntax": {f"{T0}.dag.tasks[2].depends": "ends where a task is expected"},
    "depends-with-dependencies": {f"{T0}.dag.tasks[2].dependencies": "uses depends"},
    "dependencies-unknown-task": {f"{T0}.dag.tasks[1].dependencies[0]": "found 'z'"},
    "continue-on-with-depends": {f"{T0}.dag.tasks[0].continueOn": "uses depends"},
    "items-result-without-loop": {f"{T0}.dag.tasks[1].depends": "a.AnySucceeded"},
    "dag-target": {f"{T0}.dag.target": "found 'c'"},
    "empty-dag": {f"{T0}.dag.tasks": "no task"},
    "var-inputs": {f"{T0}.container.command[1]": "{{inputs.parameters.mesage}}"},
    "var-steps": {
        f"{T0}.steps[1][0].arguments.parameters[0].value": "{{steps.frist.outputs.result}}"
    },
    "var-tasks": {f"{T0}.dag.tasks[1].arguments.parameters[0].value": "no task 'a'"},
    "var-output-parameter": {
        f"{T0}.steps[1][0].arguments.parameters[0].value": "no output parameter 'result'"
    },
    "var-result": {
        f"{T0}.steps[1][0].arguments.parameters[0].value": "resource template it runs has no"
    },
    "var-workflow-parameters": {f"{T0}.container.command[1]": "{{workflow.parameters.greting}}"},
    "var-item": {f"{T0}.steps[0][0].arguments.parameters[0].value": "no key 'version'"},
    "parallelism-on-leaf": {f"{T0}.parallelism": "steps and dag templates"},
    "deadline-on-steps": {f"{T0}.activeDeadlineSeconds": "only leaf templates"},
    "pending-timeout-on-steps": {f"{T0}.pendingTimeout": "only leaf templates"},
    "negative-deadline": {"spec.activeDeadlineSeconds": "found integer -1"},
    "output-parameter-source": {f"{T0}.outputs.parameters[0].valueFrom": "found nothing"},
    "output-parameter-source-type": {f"{T0}.outputs.parameters[0].valueFrom": "found jsonPath"},
    "with-items-and-with-param": {f"{T0}.steps[0][0]": "withItems, withParam"},
    "reserved-container-name": {f"{T0}.sidecars[0].name": "found 'wait'"},
    "template-name": {f"{T0}.name": "found 'say_hi'"},
    "step-name": {f"{T0}.steps[1][0].name": "found 'second.step'"},
    "task-name": {f"{T0}.dag.tasks[1].name": "found '1b'"},
    "parameter-name": {"spec.arguments.parameters[0].name": "found 'my param'"},
    "resource-without-manifest": {f"{T0}.resource.manifest": "found nothing"},
    "resource-manifest-yaml": {f"{T0}.resource.manifest": "does not parse"},
    "container-without-image": {f"{T0}.container.image": "found nothing"},
    "metric-name": {f"{T0}.metrics.prometheus[0].name": "found 'runs-total'"},
    "metric-help": {f"{T0}.metrics.prometheus[0].help": "required field missing"},
    "timeout-duration": {f"{T0}.timeout": "found '90 minutes'"},
    "timeout-whole-number": {f"{T0}.timeout": "found '90'"},
    "suspend-duration": {f"{T0}.suspend.duration": "found 'two minutes'"},
    "when-syntax": {f"{T0}.steps[0][0].when": "unbalanced parentheses"},
    "volume-mount-unknown": {f"{T0}.container.volumeMounts[0].name": "found 'wrok'"},
    "retry-limit": {f"{T0}.retryStrategy.limit": "found 'three'"},
    "hook-expression": {"spec.hooks.running.expression": "found nothing"},
    "container-set-dependency": {
        f"{T0}.containerSet.containers[1].dependencies[0]": "found 'mian'"
    },
    "step-argument-value": {f"{T0}.steps[0][0].arguments.parameters[0].value": "found nothing"},
    "pod-gc-delay": {"spec.podGC.deleteDelayDuration": "found '10 minutes'"},
    "pod-spec-patch-mapping": {f"{T0}.podSpecPatch": "not a YAML or JSON mapping"},
    "duplicate-volume": {f"{T0}.volumes": "two volumes named 'scratch'"},
    "duplicate-container": {f"{T0}.initContainers and sidecars": "two containers named 'proxy'"},
    "argument-artifact-source": {f"{T0}.steps[0][0].arguments.artifacts[0]": "no source"},
    # Artifact garbage collection: its pods' account and patch
    "artifact-gc-service-account": {"spec.artifactGC.serviceAccountName": "found 'argo-server'"},
    "artifact-gc-artifact-service-account": {
        f"{T0}.outputs.artifacts[0].artifactGC.serviceAccountName": "found 'workflow'"
    },
    "artifact-gc-pod-spec-patch": {"spec.artifactGC.podSpecPatch.hostNetwork": "found true"},
    "artifact-gc-pod-spec-patch-account": {
        "spec.artifactGC.podSpecPatch": "ServiceAccountName 'argo-server'",
        # the key is in other letter case: the patch's schema check names it too
        "spec.artifactGC.podSpecPatch.ServiceAccountName": "did you mean 'serviceAccountName'",
    },
    "artifact-gc-pod-spec-patch-variable": {"spec.artifactGC.podSpecPatch": "variable"},
    "input-not-supplied": {f"{T0}.steps[0][0].arguments.parameters": "no parameter 'message'"},
}


# libyaml's parser where PyYAML has it: the same documents, far faster than the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _twins(rule: str) -> tuple[dict, dict]:
    valid, invalid = yaml.load_all((RULES / f"{rule}.yaml").read_text(), Loader=_LOADER)
    return valid, invalid


def test_every_rule_fixture_has_an_expectation():
    assert sorted(p.stem for p in RULES.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_valid_twin_passes(rule):
    valid, _ = _twins(rule)
    assert [str(p) for p in template_problems(valid, STACK)] == []


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_invalid_twin_is_refused_where_it_differs(rule):
    _, invalid = _twins(rule)
    problems = template_problems(invalid, STACK)
    assert {p.path for p in problems} == set(EXPECTED[rule]), [str(p) for p in problems]
    for p in problems:
        assert EXPECTED[rule][p.path] in str(p)
        assert p.found and p.expected  # every problem says what it found and expected


def test_problems_name_found_and_expected():
    _, invalid = _twins("schema-enum-retry-policy")
    (problem,) = template_problems(invalid, STACK)
    assert problem.found == "'OnFailures'"
    assert problem.expected == "one of Always, OnFailure, OnError, OnTransientError"


# --- Artifact garbage collection --------------------------------------------------------------

GC_ACCOUNT = "argo-artifact-gc"
GC_PATHS = {
    "spec.artifactGC.serviceAccountName",
    f"{T0}.outputs.artifacts[0].artifactGC.serviceAccountName",
    "spec.artifactGC.podSpecPatch",
}


def _gc_template(account: str) -> dict:
    """A template that names ``account`` wherever artifact GC takes one."""
    valid, _ = _twins("artifact-gc-artifact-service-account")
    valid["spec"]["artifactGC"] = {
        "serviceAccountName": account,
        "podSpecPatch": f'{{"serviceAccountName": "{account}"}}',
    }
    valid["spec"]["templates"][0]["outputs"]["artifacts"][0]["artifactGC"]["serviceAccountName"] = (
        account
    )
    return valid


def _with(**fields) -> TemplateContext:
    return dataclasses.replace(STACK, **fields)


def test_a_template_may_name_the_install_artifact_gc_account():
    gc_on = _with(artifact_gc_account=GC_ACCOUNT)
    assert template_problems(_gc_template(GC_ACCOUNT), gc_on) == []
    # Not a workflow account either: the GC pod mounts the artifact repository's credentials.
    assert {p.path for p in template_problems(_gc_template("workflow"), gc_on)} == GC_PATHS
    # An install without artifact GC has no account for it.
    assert {p.path for p in template_problems(_gc_template(GC_ACCOUNT), STACK)} == GC_PATHS


def test_the_pack_takes_the_artifact_gc_account_from_the_controller_defaults():
    # The controller reads workflowDefaults as Go binds JSON keys: letter case ignored.
    for gc in ({"serviceAccountName": GC_ACCOUNT}, {"ServiceAccountName": GC_ACCOUNT}):
        defaults = {"spec": {**STACK.workflow_defaults["spec"], "artifactgc": gc}}
        context = _with(workflow_defaults=defaults)
        assert template_problems(_gc_template(GC_ACCOUNT), context) == []
        paths = {p.path for p in template_problems(_gc_template("argo-server"), context)}
        assert paths == GC_PATHS


def test_a_patch_may_not_clear_the_service_account():
    # In a strategic merge patch null deletes the field: the pod would run as `default`.
    valid, _ = _twins("ps-host-ipc")
    valid["spec"]["podSpecPatch"] = '{"serviceAccountName": null}'
    (found,) = template_problems(valid, STACK)
    assert (found.path, found.found) == ("spec.podSpecPatch", "serviceAccountName None")


# --- Pod spec patches, read as the controller decodes them ----------------------------------

# Where a template may set a podSpecPatch, and how to put one there.
_PATCH_HOLDERS = {
    "spec.podSpecPatch": lambda spec: spec,
    "spec.templateDefaults.podSpecPatch": lambda spec: spec.setdefault("templateDefaults", {}),
    "spec.artifactGC.podSpecPatch": lambda spec: spec.setdefault(
        "artifactGC", {"strategy": "OnWorkflowDeletion"}
    ),
    f"{T0}.podSpecPatch": lambda spec: spec["templates"][0],
}
# Patches that Go's case-insensitive decoding turns into what Pod Security refuses (each
# key spelt as the PodSpec does is refused by the Pod Security judge: see "exact" below),
# with the key the schema check names and the spelling it suggests.
_CASE_FOLDED_PATCHES = {
    "host-network": ('{"HostNetwork": true}', "HostNetwork", "hostNetwork"),
    "privileged": (
        '{"containers": [{"name": "main", "SecurityContext": {"Privileged": true}}]}',
        "containers[0].SecurityContext",
        "securityContext",
    ),
    "host-path": (
        "volumes:\n- name: host\n  HostPath: {path: /}\n",
        "volumes[0].HostPath",
        "hostPath",
    ),
}


def _patched(path: str, patch: str) -> dict:
    valid, _ = _twins("ps-host-ipc")
    _PATCH_HOLDERS[path](valid["spec"])["podSpecPatch"] = patch
    return valid


@pytest.mark.parametrize("where", sorted(_PATCH_HOLDERS))
@pytest.mark.parametrize("case", sorted(_CASE_FOLDED_PATCHES))
@pytest.mark.parametrize("level", ["restricted", "baseline"])
def test_patch_keys_in_other_letter_case_are_refused(where, case, level):
    # An adopted managed namespace may enforce no Pod Security level at all: the rules are
    # then the only guard, and the controller would bind `HostNetwork` to hostNetwork
    # (workflow/util/util.go ApplyPodSpecPatch decodes with encoding/json).
    patch, key, spelling = _CASE_FOLDED_PATCHES[case]
    for context in (_with(pod_security=level), _with(require_restricted=False)):
        problems = [str(p) for p in template_problems(_patched(where, patch), context)]
        named = f"{where}.{key}: unknown field (did you mean {spelling!r}?)"
        assert named in problems, problems


@pytest.mark.parametrize("where", sorted(_PATCH_HOLDERS))
def test_patches_spelt_as_the_pod_spec_does_pass_or_meet_pod_security(where):
    harmless = (
        '{"terminationGracePeriodSeconds": 5, "containers": [{"name": "main", '
        '"resources": {"limits": {"memory": "64Mi"}}}]}'
    )
    assert template_problems(_patched(where, harmless), STACK) == []
    # The same hostile patches spelt exactly reach the Pod Security judge instead.
    exact = {
        '{"hostNetwork": true}': f"{where}.hostNetwork",
        '{"containers": [{"name": "main", "securityContext": {"privileged": true}}]}': (
            f"{where}.containers[0].securityContext.privileged"
        ),
        '{"volumes": [{"name": "host", "hostPath": {"path": "/"}}]}': (
            f"{where}.volumes[0].hostPath"
        ),
    }
    for patch, path in exact.items():
        assert [p.path for p in template_problems(_patched(where, patch), STACK)] == [path]


# Literal patches of the shapes public templates use: more memory or ephemeral storage for
# the main container, numbers for quantities, one build pod per node, a fixed node.
_PATCHES_IN_USE = [
    "containers:\n- name: main\n  resources:\n    requests: {memory: 50Gi}\n"
    "    limits: {memory: 50Gi}\n",
    '{"containers": [{"name": "main", "resources": {"limits": {"ephemeral-storage": "10Gi"}}}]}',
    "containers:\n- name: main\n  resources:\n    requests: {cpu: 100m, memory: 128Mi}\n"
    "    limits: {cpu: 2, memory: 4Gi}\n",
    "affinity:\n  podAntiAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n"
    "    - labelSelector:\n        matchExpressions:\n        - {key: build, operator: Exists}\n"
    "      topologyKey: kubernetes.io/hostname\n",
    "nodeName: virtual-node\n",
]


@pytest.mark.parametrize("where", sorted(_PATCH_HOLDERS))
@pytest.mark.parametrize("patch", _PATCHES_IN_USE)
def test_patches_of_the_shapes_in_use_pass(where, patch):
    assert [str(p) for p in template_problems(_patched(where, patch), STACK)] == []


# A container a patch adds, as a sidecar would be written without a securityContext.
_NEW_CONTAINER = '{"containers": [{"name": "helper", "image": "alpine:3.18"}]}'
_RESTRICTED_CONTAINER = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}


@pytest.mark.parametrize("where", sorted(_PATCH_HOLDERS))
def test_a_container_a_patch_adds_is_judged_whole(where):
    # A name no container of the pod has: the strategic merge appends it as written, and
    # no mainContainer defaults reach it (they reach main containers only).
    paths = [p.path for p in template_problems(_patched(where, _NEW_CONTAINER), STACK)]
    context = f"{where}.containers[0].securityContext"
    assert f"{context}.allowPrivilegeEscalation" in paths
    assert f"{context}.capabilities.drop" in paths
    restricted = json.dumps(
        {
            "containers": [
                {"name": "helper", "image": "alpine:3.18", "securityContext": _RESTRICTED_CONTAINER}
            ]
        }
    )
    assert template_problems(_patched(where, restricted), STACK) == []


def test_a_workflow_patch_names_a_container_of_the_pod_only_if_every_pod_has_it():
    # The sidecar `log` is in the first template's pod only: for the other pods the
    # workflow-wide patch adds it, so it is judged whole; the template's own patch merges.
    valid, _ = _twins("ps-host-ipc")
    first = valid["spec"]["templates"][0]
    first["sidecars"] = [
        {"name": "log", "image": "alpine:3.18", "securityContext": _RESTRICTED_CONTAINER}
    ]
    second = {**copy.deepcopy(first), "name": "second"}
    del second["sidecars"]
    valid["spec"]["templates"].append(second)
    merge = '{"containers": [{"name": "log", "resources": {"limits": {"memory": "64Mi"}}}]}'
    first["podSpecPatch"] = merge
    assert template_problems(valid, STACK) == []
    valid["spec"]["podSpecPatch"] = merge
    paths = {p.path for p in template_problems(valid, STACK)}
    assert "spec.podSpecPatch.containers[0].securityContext.allowPrivilegeEscalation" in paths


def test_a_container_template_runs_its_container_as_main():
    # The controller names the main container `main` whatever the template calls it
    # (workflowpod.go createWorkflowPod): a patch naming the template's own name adds one.
    valid, _ = _twins("ps-host-ipc")
    template = valid["spec"]["templates"][0]
    template["container"]["name"] = "helper"
    template["podSpecPatch"] = _NEW_CONTAINER
    paths = {p.path for p in template_problems(valid, STACK)}
    assert f"{T0}.podSpecPatch.containers[0].securityContext.allowPrivilegeEscalation" in paths


@pytest.mark.parametrize("where", sorted(_PATCH_HOLDERS))
@pytest.mark.parametrize(
    ("patch", "deleted"),
    [
        ('{"securityContext": null}', "securityContext"),
        ('{"securityContext": {"runAsNonRoot": null}}', "securityContext.runAsNonRoot"),
        ('{"securityContext": {"seccompProfile": null}}', "securityContext.seccompProfile"),
        (
            '{"containers": [{"name": "main", "securityContext": null}]}',
            "containers[0].securityContext",
        ),
        (
            "containers:\n- name: main\n  securityContext:\n    capabilities: {drop: null}\n",
            "containers[0].securityContext.capabilities.drop",
        ),
        (
            '{"initContainers": [{"name": "init", "securityContext": '
            '{"allowPrivilegeEscalation": null}}]}',
            "initContainers[0].securityContext.allowPrivilegeEscalation",
        ),
    ],
)
def test_a_null_that_deletes_a_restricted_setting_is_refused(where, patch, deleted):
    # A strategic merge patch deletes a field set to null (strategicpatch mergeMap): the
    # pod would lose what the controller's restricted defaults set.
    problems = template_problems(_patched(where, patch), STACK)
    assert f"{where}.{deleted}" in {p.path for p in problems}, [str(p) for p in problems]
    # Baseline requires none of these fields.
    baseline = _with(pod_security="baseline")
    assert template_problems(_patched(where, patch), baseline) == []


def test_a_catalog_file_with_a_case_folded_patch_is_refused_naming_file_and_key(tmp_path):
    valid, _ = _twins("ps-host-ipc")
    valid["spec"]["templates"][0]["podSpecPatch"] = '{"HostPID": true}'
    (tmp_path / "greet.yaml").write_text(yaml.safe_dump(valid))
    with pytest.raises(CatalogError) as raised:
        load_catalog(tmp_path, managed_namespace=NS)
    message = str(raised.value)
    assert f"{tmp_path.name}/greet.yaml[0]: {T0}.podSpecPatch.HostPID" in message
    assert "did you mean 'hostPID'" in message


# --- Pod labels and annotations ---------------------------------------------------------------

# Where a template gives a pod labels and annotations, and how to put them there.
T1 = "spec.templates[1]"
_POD_METADATA_HOLDERS = {
    "spec.podMetadata": lambda spec: spec.setdefault("podMetadata", {}),
    "spec.templateDefaults.metadata": lambda spec: spec.setdefault(
        "templateDefaults", {}
    ).setdefault("metadata", {}),
    "spec.artifactGC.podMetadata": lambda spec: spec.setdefault(
        "artifactGC", {"strategy": "OnWorkflowDeletion"}
    ).setdefault("podMetadata", {}),
    f"{T1}.metadata": lambda spec: spec["templates"][1].setdefault("metadata", {}),
    f"{T0}.steps[0][0].inline.metadata": lambda spec: spec["templates"][0]["steps"][0][0][
        "inline"
    ].setdefault("metadata", {}),
    f"{T1}.outputs.artifacts[0].artifactGC.podMetadata": lambda spec: spec["templates"][1][
        "outputs"
    ]["artifacts"][0]["artifactGC"].setdefault("podMetadata", {}),
}


def _with_pod_metadata(where: str, field: str, key: str) -> dict:
    """A valid template (steps: an inline container, then a container that writes an
    artifact) with ``field: {key: ...}`` at ``where``."""
    container = {"image": "alpine:3.18", "command": ["sh", "-c", "echo hi > /tmp/out"]}
    spec = {
        "entrypoint": "main",
        "templates": [
            {
                "name": "main",
                "steps": [
                    [{"name": "first", "inline": {"container": dict(container)}}],
                    [{"name": "second", "template": "work"}],
                ],
            },
            {
                "name": "work",
                "container": dict(container),
                "outputs": {
                    "artifacts": [
                        {
                            "name": "out",
                            "path": "/tmp/out",
                            "artifactGC": {"strategy": "OnWorkflowDeletion"},
                        }
                    ]
                },
            },
        ],
    }
    _POD_METADATA_HOLDERS[where](spec)[field] = {key: "x"}
    valid, _ = _twins("ps-host-ipc")
    return {**valid, "spec": spec}


@pytest.mark.parametrize("where", sorted(_POD_METADATA_HOLDERS))
@pytest.mark.parametrize(
    ("field", "key"),
    [
        # which workflow and node a pod is, and whether it is done (workflowpod.go)
        ("labels", "workflows.argoproj.io/workflow"),
        ("labels", "workflows.argoproj.io/completed"),
        ("annotations", "workflows.argoproj.io/node-id"),
        ("annotations", "workflows.argoproj.io/node-name"),
    ],
)
def test_pod_metadata_under_the_controller_prefix_is_refused(where, field, key):
    problems = template_problems(_with_pod_metadata(where, field, key), STACK)
    assert [p.path for p in problems] == [f"{where}.{field}[{key!r}]"], [str(p) for p in problems]


@pytest.mark.parametrize("where", sorted(_POD_METADATA_HOLDERS))
def test_pod_metadata_outside_the_controller_prefix_passes(where):
    for field, key in (
        ("labels", "app.kubernetes.io/name"),
        ("labels", "workflows.example.com/workflow"),
        ("annotations", "workflows.argoproj.io/progress"),  # documented for templates
    ):
        assert template_problems(_with_pod_metadata(where, field, key), STACK) == []


@pytest.mark.parametrize(
    ("field", "key", "value"),
    [
        # who submitted it, whether it is done, which controller runs it (common.go)
        ("labels", "workflows.argoproj.io/creator", "someone-else"),
        ("labels", "workflows.argoproj.io/completed", "true"),
        ("labels", "workflows.argoproj.io/controller-instanceid", "other"),
        ("labelsFrom", "workflows.argoproj.io/creator", {"expression": "workflow.name"}),
        ("annotations", "workflows.argoproj.io/pod-name-format", "v1"),
    ],
)
def test_workflow_metadata_under_the_controller_prefix_is_refused(field, key, value):
    # The controller writes workflowMetadata over the Workflow's own labels and annotations
    # (operator.go updateWorkflowMetadata).
    valid, _ = _twins("ps-host-ipc")
    valid["spec"]["workflowMetadata"] = {field: {key: value}}
    problems = template_problems(valid, STACK)
    expected = f"spec.workflowMetadata.{field}[{key!r}]"
    assert [p.path for p in problems] == [expected], [str(p) for p in problems]


def test_each_metadata_problem_states_its_own_expectation():
    """A refused key and an unknown field in one workflowMetadata: each problem says what
    it expects, not what the one before it did."""
    valid, _ = _twins("ps-host-ipc")
    valid["spec"]["workflowMetadata"] = {
        "labels": {"workflows.argoproj.io/creator": "someone-else"},
        "annotations": _UNKNOWN,
    }
    found = {p.path: p.expected for p in template_problems(valid, STACK)}
    assert found == {
        "spec.workflowMetadata.labels['workflows.argoproj.io/creator']": (
            "a key outside workflows.argoproj.io/"
        ),
        "spec.workflowMetadata.annotations": "labels and annotations known at preview",
    }


def test_workflow_metadata_outside_the_controller_prefix_passes():
    valid, _ = _twins("ps-host-ipc")
    valid["spec"]["workflowMetadata"] = {
        "labels": {"team": "data", "workflows.example.com/creator": "x"},
        "labelsFrom": {"team-from": {"expression": "workflow.name"}},
        # the two Argo documents for the UI (docs/title-and-description.md)
        "annotations": {
            "workflows.argoproj.io/title": "Build",
            "workflows.argoproj.io/description": "Builds the thing",
        },
    }
    assert template_problems(valid, STACK) == []


# --- Values unknown during a preview (the policy pack) -----------------------------------------


# The rules see an unknown value as one that is not JSON (template_problem.opaque); the pack's
# own marker reaches them through the running pack in the red-team corpus (c11-*).
_UNKNOWN = object()


def _unknown_at(path: str) -> dict:
    """A valid template (the pod metadata one) with the value at ``path`` (dotted, list
    indexes as numbers) unknown, as the pack reads a preview."""
    manifest = _with_pod_metadata("spec.podMetadata", "labels", "app")
    *parents, last = path.split(".")
    holder = manifest
    for step in parents:
        holder = holder[int(step)] if step.isdigit() else holder.setdefault(step, {})
    holder[int(last) if last.isdigit() else last] = _UNKNOWN
    return manifest


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("spec.podSpecPatch", "spec.podSpecPatch"),
        ("spec.templates.1.podSpecPatch", f"{T1}.podSpecPatch"),
        ("spec.artifactGC", "spec.artifactGC"),
        (
            "spec.templates.1.outputs.artifacts.0.artifactGC",
            f"{T1}.outputs.artifacts[0].artifactGC",
        ),
        ("spec.podMetadata", "spec.podMetadata"),
        ("spec.podMetadata.labels", "spec.podMetadata.labels"),
        ("spec.templates.1.metadata", f"{T1}.metadata"),
        ("spec.templates.1.metadata.annotations", f"{T1}.metadata.annotations"),
        ("spec.workflowMetadata", "spec.workflowMetadata"),
        ("spec.workflowMetadata.labelsFrom", "spec.workflowMetadata.labelsFrom"),
    ],
)
def test_a_value_the_rules_need_unknown_during_preview_is_refused(path, where):
    # It may hold anything at `pulumi up`: an account, HostNetwork, the controller's keys.
    # A label's value no rule needs is only noted as unread (the pack's advisory).
    noted = template_problems(_unknown_at("spec.podMetadata.labels.app"), STACK)
    assert [(type(p), p.path) for p in noted] == [(Unread, "spec.podMetadata.labels.app")]
    found = [p for p in template_problems(_unknown_at(path), STACK) if p.path == where]
    # refused once: not also noted as a value judged later
    assert [(type(p), p.found) for p in found] == [(Problem, "a value unknown during preview")]


@pytest.mark.parametrize(
    ("path", "where"),
    [
        # what the Pod Security judge reads, where an unknown value would read as unset
        ("spec.templates.1.container.securityContext", f"{T1}.container.securityContext"),
        ("spec.templates.1.container.image", f"{T1}.container.image"),
        ("spec.templates.1.container", f"{T1}.container"),
        ("spec.templates.1.sidecars", f"{T1}.sidecars"),
        ("spec.hostNetwork", "spec.hostNetwork"),
        ("spec.volumes", "spec.volumes"),
        ("spec.securityContext", "spec.securityContext"),
        ("spec", "spec"),
        ("metadata", "metadata"),
        ("metadata.name", "metadata.name"),
        # names other templates refer to: no reference is refused while one is unknown
        ("spec.templates", "spec.templates"),
        ("spec.templates.1", T1),
        ("spec.templates.1.name", f"{T1}.name"),
        # inside a value of any shape
        ("spec.templates.0.steps.1.0.withItems", f"{T0}.steps[1][0].withItems"),
    ],
)
def test_a_value_no_rule_refuses_unknown_during_preview_is_noted_not_refused(path, where):
    """Noted, not refused for a reason it does not have: the pack refuses the template
    for the unknown value itself (template_content, reporting.py). Under Pod Security
    "baseline"; "restricted": the next tests."""
    found = template_problems(
        _unknown_at(path), dataclasses.replace(STACK, pod_security="baseline")
    )
    assert [(type(p), p.path) for p in found] == [(Unread, where)]


@pytest.mark.parametrize(
    "field",
    [
        "securityContext",
        "securityContext.allowPrivilegeEscalation",
        "securityContext.capabilities",
        "securityContext.capabilities.drop",
        "securityContext.runAsNonRoot",
        "securityContext.seccompProfile",
        "securityContext.seccompProfile.type",
    ],
)
@pytest.mark.parametrize("context", ["the stack's", "no controller defaults"])
def test_an_unknown_field_restricted_requires_is_noted_not_read_as_unset(field, context):
    """Under "restricted" an unknown value of a field the level requires is not refused as
    if unset ("found nothing"): it is noted, and judged when it is known."""
    judged = STACK if context == "the stack's" else TemplateContext(catalog=None)
    manifest = _unknown_at(f"spec.templates.1.container.{field}")
    if context == "no controller defaults":  # everything else restricted asks for is set
        manifest["spec"]["securityContext"] = {
            "runAsNonRoot": True,
            "seccompProfile": {"type": "RuntimeDefault"},
        }
        for container in (
            manifest["spec"]["templates"][0]["steps"][0][0]["inline"]["container"],
            manifest["spec"]["templates"][1]["container"],
        ):
            context = container.setdefault("securityContext", {})
            if isinstance(context, dict):
                context.setdefault("allowPrivilegeEscalation", False)
                context.setdefault("capabilities", {"drop": ["ALL"]})
    found = template_problems(manifest, judged)
    assert [(type(p), p.path) for p in found if "executor" not in p.path] == [
        (Unread, f"{T1}.container.{field}")
    ]


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("seccompProfile", {"type": _UNKNOWN}, "seccompProfile.type"),
        ("capabilities", {"drop": [_UNKNOWN]}, "capabilities.drop[0]"),
        ("capabilities", {"drop": ["ALL"], "add": [_UNKNOWN]}, "capabilities.add[0]"),
        ("procMount", _UNKNOWN, "procMount"),
    ],
)
def test_an_unknown_value_inside_a_restricted_field_is_noted_not_refused(field, value, where):
    """Without the controller's defaults and a pod seccomp profile to fall back on, each of
    these would read as unset or wrong if the unknown value were taken for one."""
    manifest = _unknown_at("spec.podMetadata.labels.app")
    manifest["spec"]["securityContext"] = {"runAsNonRoot": True}
    restricted = {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    inline = manifest["spec"]["templates"][0]["steps"][0][0]["inline"]["container"]
    inline["securityContext"] = dict(restricted)
    manifest["spec"]["templates"][1]["container"]["securityContext"] = {
        **restricted,
        field: value,
    }
    found = template_problems(manifest, TemplateContext(catalog=None))
    assert {(type(p), p.path) for p in found} == {
        (Unread, "spec.podMetadata.labels.app"),
        (Unread, f"{T1}.container.securityContext.{where}"),
    }


def test_unknown_pod_security_context_values_are_noted_not_refused():
    """Values Pod Security refuses when known to be wrong (a sysctl, an SELinux type, a
    seccomp type) are not refused while unknown."""
    manifest = _unknown_at("spec.podMetadata.labels.app")
    manifest["spec"]["securityContext"] = {
        "runAsNonRoot": True,
        "seccompProfile": {"type": _UNKNOWN},
        "seLinuxOptions": {"type": _UNKNOWN},
        "sysctls": [{"name": _UNKNOWN, "value": "1"}],
    }
    found = template_problems(manifest, STACK)
    assert {(type(p), p.path) for p in found} == {
        (Unread, "spec.podMetadata.labels.app"),
        (Unread, "spec.securityContext.seccompProfile.type"),
        (Unread, "spec.securityContext.seLinuxOptions.type"),
        (Unread, "spec.securityContext.sysctls[0].name"),
    }
    manifest["spec"]["securityContext"] = {
        "runAsNonRoot": True,
        "seccompProfile": {"type": "Unconfined"},
        "seLinuxOptions": {"type": "spc_t"},
        "sysctls": [{"name": "kernel.msgmax", "value": "1"}],
    }
    refused = {p.path for p in template_problems(manifest, STACK) if type(p) is Problem}
    assert refused == {
        "spec.securityContext.seccompProfile.type",
        "spec.securityContext.seLinuxOptions.type",
        "spec.securityContext.sysctls[0].name",
    }


def test_unknown_values_inside_a_value_of_any_shape_are_noted():
    manifest = _unknown_at("spec.podMetadata.labels.app")
    step = manifest["spec"]["templates"][0]["steps"][1][0]
    step["withItems"] = [{"size": "1Gi", "mode": _UNKNOWN}, [_UNKNOWN]]
    found = template_problems(manifest, STACK)
    assert {(type(p), p.path) for p in found} == {
        (Unread, "spec.podMetadata.labels.app"),
        (Unread, f"{T0}.steps[1][0].withItems[0].mode"),
        (Unread, f"{T0}.steps[1][0].withItems[1][0]"),
    }


# --- Pod Security by construction ------------------------------------------------------------


def test_containers_without_security_context_pass_only_with_the_controller_defaults():
    valid, _ = _twins("ps-privileged")
    del valid["spec"]["templates"][0]["container"]["securityContext"]
    assert template_problems(valid, STACK) == []
    bare = TemplateContext(catalog=None)
    paths = {p.path for p in template_problems(valid, bare)}
    assert paths == {
        f"{SC}.allowPrivilegeEscalation",
        f"{SC}.capabilities.drop",
        f"{SC}.runAsNonRoot",
        f"{SC}.seccompProfile.type",
    }


def test_executor_config_is_judged():
    valid, _ = _twins("ps-privileged")
    loose = TemplateContext(
        main_container=defaults.MAIN_CONTAINER,
        executor={"securityContext": {"privileged": True}},
        workflow_defaults=STACK.workflow_defaults,
        catalog=None,
    )
    paths = {p.path for p in template_problems(valid, loose)}
    assert any(path.startswith("executor") and path.endswith(".privileged") for path in paths)


def test_baseline_namespace_refuses_only_what_baseline_refuses():
    baseline = TemplateContext(
        pod_security="baseline",
        main_container=defaults.MAIN_CONTAINER,
        executor=defaults.EXECUTOR,
        catalog=None,
    )
    # Restricted-only: a sidecar with no securityContext, added capabilities baseline allows.
    _, sidecar = _twins("ps-sidecar")
    assert template_problems(sidecar, baseline) == []
    for rule in ("ps-privileged", "ps-host-network", "ps-host-path", "ps-seccomp-unconfined"):
        _, invalid = _twins(rule)
        assert [p.path for p in template_problems(invalid, baseline)] == list(EXPECTED[rule])
    _, root = _twins("ps-run-as-root")
    assert template_problems(root, baseline) == []


def test_require_restricted_switches_pod_security_off():
    _, invalid = _twins("ps-privileged")
    off = TemplateContext(catalog=None, require_restricted=False)
    assert template_problems(invalid, off) == []


def test_plugins_pass_when_the_install_enables_them():
    _, invalid = _twins("plugin-template")
    enabled = TemplateContext(catalog=None, plugins_enabled=True)
    assert template_problems(invalid, enabled) == []


# --- Results of the nodes a step or task runs ------------------------------------------------

DESCRIPTION = "workflows.argoproj.io/description"
# The called template -> whether its node has outputs.result and exitCode. From Argo's
# validate.go addOutputsToScope: Template.HasOutput (container, script, containerSet with a
# container named main, data, http, plugin), and a looped script or containerSet aggregates one.
_ECHO = {"image": "alpine:3.18", "command": ["echo", "hi"]}
_CALLED: dict[str, tuple[dict, bool]] = {
    "container": ({"container": _ECHO}, True),
    "script": ({"script": {"image": "alpine:3.18", "source": "echo hi"}}, True),
    "container-set-main": ({"containerSet": {"containers": [{"name": "main", **_ECHO}]}}, True),
    "container-set-looped": ({"containerSet": {"containers": [{"name": "a", **_ECHO}]}}, True),
    "http": ({"http": {"url": "https://example.com"}}, True),
    "suspend": ({"suspend": {"duration": "10s"}}, False),
    "resource": ({"resource": {"action": "delete", "manifest": "kind: ConfigMap"}}, False),
    "steps": ({"steps": [[{"name": "inner", "template": "leaf"}]]}, False),
    "dag": ({"dag": {"tasks": [{"name": "inner", "template": "leaf"}]}}, False),
}


def _reading(called: dict, tag: str, *, dag: bool, looped: bool) -> dict:
    first = {"name": "first", "template": "called"}
    if looped:
        first["withItems"] = ["a", "b"]
    second = {
        "name": "second",
        "template": "leaf",
        "arguments": {"parameters": [{"name": "message", "value": tag}]},
    }
    if dag:
        second["depends"] = "first"
        caller = {"name": "main", "dag": {"tasks": [first, second]}}
    else:
        caller = {"name": "main", "steps": [[first], [second]]}
    leaf = {
        "name": "leaf",
        "inputs": {"parameters": [{"name": "message", "value": "x"}]},
        "container": {"image": "alpine:3.18", "command": ["echo", "{{inputs.parameters.message}}"]},
    }
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": "reads-a-result", "annotations": {DESCRIPTION: "Reads a result."}},
        "spec": {"entrypoint": "main", "templates": [caller, {"name": "called", **called}, leaf]},
    }


@pytest.mark.parametrize("dag", [False, True], ids=["steps", "dag"])
@pytest.mark.parametrize("attribute", ["outputs.result", "exitCode"])
@pytest.mark.parametrize("kind", sorted(_CALLED))
def test_only_nodes_that_print_have_a_result(kind, attribute, dag):
    called, has_result = _CALLED[kind]
    head = "tasks" if dag else "steps"
    tag = "{{" + f"{head}.first.{attribute}" + "}}"
    doc = _reading(called, tag, dag=dag, looped="looped" in kind)
    problems = [p for p in template_problems(doc, STACK) if p.path.endswith(".value")]
    if has_result:
        assert problems == [], [str(p) for p in problems]
    else:
        assert len(problems) == 1, [str(p) for p in template_problems(doc, STACK)]
        assert f"has no {attribute}" in str(problems[0])


# --- One round ----------------------------------------------------------------------------


def test_every_rule_runs_even_where_the_schema_check_failed():
    _, invalid = _twins("dag-cycle")
    invalid["spec"]["templates"][0]["dag"]["taskz"] = []  # a schema problem too
    invalid["spec"]["templates"][1]["container"]["securityContext"] = {"privileged": True}
    paths = {p.path for p in template_problems(invalid, STACK)}
    assert {
        f"{T0}.dag.taskz",
        f"{T0}.dag.tasks",
        "spec.templates[1].container.securityContext.privileged",
    } <= paths


def test_ill_typed_documents_do_not_stop_the_rules():
    broken = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": "broken"},
        "spec": {
            "templates": [
                "not a template",
                {"name": "x", "steps": "nope", "dag": {"tasks": "nope"}, "inputs": [1]},
                {"name": "y", "container": {"securityContext": "nope", "volumeMounts": {}}},
            ],
            "arguments": {"parameters": "nope"},
            "hooks": [],
        },
    }
    problems = template_problems(broken, STACK)
    assert problems and all(p.path for p in problems)


# --- Real templates ------------------------------------------------------------------------


def test_argo_examples_load_unchanged(tmp_path):
    for path in EXAMPLES.glob("*.yaml"):
        shutil.copy(path, tmp_path)
    loaded = load_catalog(tmp_path, managed_namespace=NS)
    assert len(loaded) == len(list(EXAMPLES.glob("*.yaml"))) >= 20


def test_argo_examples_a_restricted_install_refuses():
    with pytest.raises(CatalogError) as caught:
        load_catalog(EXAMPLES / "refused", managed_namespace=NS)
    text = "\n".join(caught.value.problems)
    assert "plugin-hello.yaml[0]: spec.templates[0].plugin:" in text
    assert "sidecar-nginx.yaml[0]: spec.templates[0].sidecars[0].securityContext" in text


def test_one_misspelt_field_of_a_real_template_is_named(tmp_path):
    for path in sorted(EXAMPLES.glob("*.yaml")):
        data = yaml.load(path.read_text(), Loader=_LOADER)
        data["spec"]["entrypiont"] = data["spec"].pop("entrypoint")
        problems = [str(p) for p in template_problems(data, STACK)]
        assert "spec.entrypiont: unknown field (did you mean 'entrypoint'?)" in problems, path


_LIBRARY = """\
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: library
  annotations: {workflows.argoproj.io/description: Used through templateRef only.}
spec:
  templates:
  - name: deploy
    container:
      image: alpine:3.18
      command: [echo, "{{workflow.parameters.region}}"]
"""
_CALLER = """\
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: caller
  annotations: {workflows.argoproj.io/description: Calls the library.}
spec:
  entrypoint: main
  arguments:
    parameters: [{name: region, value: eu-west-1}]
  templates:
  - name: main
    steps:
    - - name: deploy
        templateRef: {name: library, template: deploy}
"""


def test_library_templates_may_use_the_workflow_parameters_of_their_callers(tmp_path):
    (tmp_path / "library.yaml").write_text(_LIBRARY)
    (tmp_path / "caller.yaml").write_text(_CALLER)
    assert {t.name for t in load_catalog(tmp_path, managed_namespace=NS)} == {"library", "caller"}
    (tmp_path / "caller.yaml").unlink()
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path, managed_namespace=NS)
    (problem,) = caught.value.problems
    assert "spec.templates[0].container.command[1]: found {{workflow.parameters.region}}" in problem


_CALLER_HEAD = _CALLER.split("  templates:")[0]
_REF = "{name: library, template: deploy}"
# the rest of a step or task named `wait` (indented for either) that runs `pause` and
# calls the library from its exit hook, then the `pause` template
_WAIT_WITH_EXIT_HOOK = f"""\
        template: pause
        hooks:
          exit:
            templateRef: {_REF}
  - name: pause
    suspend: {{duration: "1"}}
"""
# Where the controller reads a templateRef: WorkflowStep, DAGTask and LifecycleHook are the
# types with the field (pkg/apis/workflow/v1alpha1/workflow_types.go).
_CALLS = {
    "step": f"""\
  templates:
  - name: main
    steps:
    - - name: deploy
        templateRef: {_REF}
""",
    "task": f"""\
  templates:
  - name: main
    dag:
      tasks:
      - name: deploy
        templateRef: {_REF}
""",
    "inline-step": f"""\
  templates:
  - name: main
    steps:
    - - name: outer
        inline:
          steps:
          - - name: deploy
              templateRef: {_REF}
""",
    "spec-hook": f"""\
  hooks:
    exit:
      templateRef: {_REF}
  templates:
  - name: main
    suspend: {{duration: "1"}}
""",
    "step-hook": f"""\
  templates:
  - name: main
    steps:
    - - name: wait
{_WAIT_WITH_EXIT_HOOK}""",
    "task-hook": f"""\
  templates:
  - name: main
    dag:
      tasks:
      - name: wait
{_WAIT_WITH_EXIT_HOOK}""",
}


@pytest.mark.parametrize("where", sorted(_CALLS))
def test_a_library_template_is_called_from_steps_tasks_and_hooks(tmp_path, where):
    (tmp_path / "library.yaml").write_text(_LIBRARY)
    (tmp_path / "caller.yaml").write_text(_CALLER_HEAD + _CALLS[where])
    assert {t.name for t in load_catalog(tmp_path, managed_namespace=NS)} == {"library", "caller"}


def test_a_template_ref_where_the_controller_reads_none_calls_nothing(tmp_path):
    """A withItems entry shaped like a templateRef is data: it calls no template, so the
    library's workflow parameter stays undeclared."""
    (tmp_path / "library.yaml").write_text(_LIBRARY)
    caller = _CALLS["step"].replace(f"templateRef: {_REF}", "template: pause") + (
        f"""\
        withItems: [{{templateRef: {_REF}}}]
  - name: pause
    suspend: {{duration: "1"}}
"""
    )
    (tmp_path / "caller.yaml").write_text(_CALLER_HEAD + caller)
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path, managed_namespace=NS)
    (problem,) = caught.value.problems
    assert "library.yaml[0]: spec.templates[0].container.command[1]" in problem
    assert "{{workflow.parameters.region}}" in problem


def test_a_template_ref_in_other_letter_case_calls_nothing(tmp_path):
    """The API server's schema prunes `TemplateRef` (the schema check refuses it, naming the
    spelling): it calls no template, so the library's workflow parameter stays undeclared."""
    (tmp_path / "library.yaml").write_text(_LIBRARY)
    caller = _CALLS["step"].replace("templateRef:", "TemplateRef:")
    (tmp_path / "caller.yaml").write_text(_CALLER_HEAD + caller)
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path, managed_namespace=NS)
    text = "\n".join(caught.value.problems)
    assert "caller.yaml[0]: spec.templates[0].steps[0][0].TemplateRef" in text
    assert "library.yaml[0]: spec.templates[0].container.command[1]" in text
    assert "{{workflow.parameters.region}}" in text


def test_controller_settings_come_from_the_rendered_config_map(tmp_path):
    from components.controller import build_controller_config
    from components.program import install_args
    from components.settings import parse_settings
    from policies.argo_rules.template_rules import controller_settings
    from tools.stack_config import merged_config

    config, secrets = merged_config("dev", {})
    data = build_controller_config(install_args(parse_settings(config, secrets)).controller)
    settings = controller_settings(data)
    assert settings["main_container"] == defaults.MAIN_CONTAINER
    assert settings["executor"] == defaults.EXECUTOR
    pod = settings["workflow_defaults"]["spec"]["securityContext"]
    assert pod == defaults.WORKFLOW_POD_SECURITY_CONTEXT
    # One `config` key holding everything, keys in other letter case, as Go reads them.
    single = {"config": "MainContainer:\n  securityContext: {privileged: true}\n"}
    assert controller_settings(single)["main_container"] == {
        "securityContext": {"privileged": True}
    }
    assert controller_settings(None) == {
        "main_container": None,
        "executor": None,
        "workflow_defaults": None,
    }


def test_the_defaults_are_container_fields():
    """mainContainer and executor are corev1.Containers (config/config.go): the defaults
    use only fields of a container, as a template's container would."""
    from policies.argo_rules.schema import load_schema

    schema = load_schema()
    path = ("spec", "templates", 0, "container")
    container = schema.type(schema.at(schema.root("WorkflowTemplate"), path).ref)
    for value in (defaults.MAIN_CONTAINER, defaults.EXECUTOR):
        assert set(value) <= set(container.fields)
    context = schema.type(container.fields["securityContext"].ref)
    assert set(defaults.RESTRICTED_CONTAINER) <= set(context.fields)


def test_template_inputs_are_workflow_parameters():
    """A submitted workflow may choose the entrypoint and fills its inputs from its
    arguments, so the inputs of the spec's templates are workflow parameters too."""
    manifest = yaml.safe_load(
        """\
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: sync-switch
  annotations: {workflows.argoproj.io/description: Sync one switch pair.}
spec:
  entrypoint: sync
  templates:
  - name: sync
    inputs:
      parameters: [{name: group}, {name: dry_run}]
    container:
      image: alpine:3.18
      args: [sync, "{{workflow.parameters.group}}", "{{workflow.parameters.dry_run}}"]
"""
    )
    assert template_problems(manifest, STACK) == []
    manifest["spec"]["templates"][0]["inputs"]["parameters"].pop()
    (problem,) = template_problems(manifest, STACK)
    assert problem.path == "spec.templates[0].container.args[2]"
    assert problem.found == "{{workflow.parameters.dry_run}}"


def test_main_container_and_executor_are_controller_config_containers():
    """The ConfigMap keys exist in the controller's Config and take a corev1.Container."""
    from policies.argo_rules.schema import load_schema
    from policies.argo_rules.template_schema import check_value

    schema = load_schema()
    config = schema.type(schema.root("ControllerConfig"))
    for key, value in (("mainContainer", defaults.MAIN_CONTAINER), ("executor", defaults.EXECUTOR)):
        assert config.fields[key].ref == "Container"
        assert check_value(value, "Container", key, "v4.1.2") == []
    assert check_value({"securityContext": {"runAsNonroot": True}}, "Container", "x", "v4.1.2")


def _paths(value, path=()):
    yield path
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        yield from _paths(item, (*path, key))


@pytest.mark.parametrize("name", ["dag-targets-and-items", "fibonacci-conditional-param"])
def test_a_value_of_any_type_anywhere_is_reported_not_raised(name):
    """Every rule reads defensively: whatever a field holds, the result is problems."""
    import copy

    document = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text())
    for path in list(_paths(document))[1:]:
        for value in ([], {"a": None}, 7):
            mutated = copy.deepcopy(document)
            holder = mutated
            for key in path[:-1]:
                holder = holder[key]
            holder[path[-1]] = value
            template_problems(mutated, STACK)  # raises on a bug


def test_values_that_are_not_json_are_noted_and_the_rest_is_judged():
    """A value the pack cannot know during a preview is noted as unread (the pack's
    advisory), not refused; the rest is judged."""

    class Unknown:
        pass

    valid, invalid = _twins("schema-unknown-field")
    for document in (valid, invalid):
        container = document["spec"]["templates"][0]["container"]
        container["image"] = Unknown()
        container["command"] = Unknown()
    unread = {(Unread, f"{T0}.container.image"), (Unread, f"{T0}.container.command")}
    found = template_problems(valid, STACK)
    assert {(type(p), p.path) for p in found} == unread
    # what the catalog says of one (a Hera model gone wrong); the pack reports the paths
    assert str(found[0]) == (
        f"{T0}.container.image: found a Unknown, expected a JSON value "
        "(a string, number, boolean, null, list or mapping)"
    )
    assert {(type(p), p.path) for p in template_problems(invalid, STACK)} == {
        *unread,
        (Problem, f"{T0}.container.imagePullPolicyy"),
    }

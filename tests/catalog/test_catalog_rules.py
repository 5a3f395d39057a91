"""One bad catalog per validation rule, each with the exact message it must produce.

Every folder under fixtures/bad/ is a complete catalog that breaks exactly one rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from components.catalog import CatalogError, load_catalog

BAD = Path(__file__).parent / "fixtures" / "bad"
MULTI = Path(__file__).parent / "fixtures" / "multi"
NS = "argo-events"

_TEMPLATE_ONLY = (
    "this install runs templates only: the catalog holds WorkflowTemplates, and every "
    "workflow is submitted with a workflowTemplateRef to one of them"
)
_TYPES = "container, containerSet, dag, data, http, plugin, resource, script, steps, suspend"
_LITERAL_PATCH = (
    "found a '{{...}}' variable or expression, expected a literal patch; Argo fills it in "
    "from values the submitter chooses, which could change the pod spec (service account, "
    "security context)"
)
_NAME_RULE = (
    "expected a DNS-1123 name (lowercase letters, digits, '-' and '.', starting and ending "
    "with a letter or digit, at most 63 characters)"
)

# case folder -> the one problem it must report (without the "<case>/" prefix)
# Cases checked with the Pod Security rules on; the others leave them out, so each case
# shows only the problem it is about.
_POD_SECURITY = "pod-security-"
_RESTRICTED = 'the managed namespace enforces Pod Security "restricted" and would refuse the pod'

EXPECTED = {
    # Pod Security "restricted"
    "pod-security-privilege-escalation": "t.yaml[0]: spec.templates[0].container."
    f"securityContext.allowPrivilegeEscalation: found true, expected false; {_RESTRICTED}",
    "pod-security-capabilities": "t.yaml[0]: spec.templates[0].script.securityContext."
    f"capabilities.add: found SYS_ADMIN, expected only NET_BIND_SERVICE; {_RESTRICTED}",
    "pod-security-sidecar": "t.yaml[0]: spec.templates[0].sidecars[0].securityContext."
    f"capabilities.drop: found nothing, expected a list including ALL; {_RESTRICTED}",
    "pod-security-host-path": "t.yaml[0]: spec.volumes[0].hostPath: found a hostPath volume, "
    "expected one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, "
    f"projected, secret; {_RESTRICTED}",
    "pod-security-patch": "t.yaml[0]: spec.templates[0].podSpecPatch.containers[0]."
    f"securityContext.privileged: found true, expected false or nothing; {_RESTRICTED}",
    "pod-security-host-port": "t.yaml[0]: spec.templates[0].container.ports[0].hostPort: "
    f"found integer 8080, expected no host port; {_RESTRICTED}",
    "spec-workflow-template-ref": "t.yaml[0]: spec.workflowTemplateRef: a catalog template "
    "defines its own templates; call another catalog template with templateRef from a step "
    "or task",
    "pod-security-root": "t.yaml[0]: spec.securityContext.runAsUser: found 0 (root), expected "
    f"a non-zero user id; {_RESTRICTED}",
    # Parsing
    "yaml-syntax": "t.yaml[0]: YAML does not parse at line 5, column 15: "
    "mapping values are not allowed in this context",
    "duplicate-key": "t.yaml[0]: YAML does not parse at line 9, column 3: "
    "duplicate key 'entrypoint'",
    "empty-file": "t.yaml: the file holds no document",
    "not-a-mapping": "t.yaml[0]: found a list, expected a WorkflowTemplate mapping",
    # apiVersion and kind
    "api-version": "t.yaml[0]: apiVersion: found 'argoproj.io/v1', expected 'argoproj.io/v1alpha1'",
    "wrong-kind": "t.yaml[0]: kind: found 'ConfigMap', expected 'WorkflowTemplate'",
    "workflow": "t.yaml[0]: kind: Workflow is refused: a Workflow cannot live in the "
    f"catalog; {_TEMPLATE_ONLY}",
    "cron-workflow": "t.yaml[0]: kind: CronWorkflow is refused: a CronWorkflow cannot live "
    f"in the catalog; {_TEMPLATE_ONLY} (schedules are created separately and reference a "
    "catalog template)",
    "cluster-workflow-template": "t.yaml[0]: kind: ClusterWorkflowTemplate is refused: "
    "ClusterWorkflowTemplates are not available: the controller runs in managed-namespace "
    f"mode and reads templates from the managed namespace only; {_TEMPLATE_ONLY}",
    # metadata
    "missing-name": "t.yaml[0]: metadata.name: found nothing, expected a name; required",
    "invalid-name": f"t.yaml[0]: metadata.name: found 'Hello_World', {_NAME_RULE}",
    "long-name": f"t.yaml[0]: metadata.name: found '{'a' * 64}', {_NAME_RULE}",
    "generate-name": "t.yaml[0]: metadata.generateName: found 'ok-', expected a fixed "
    "metadata.name; workflowTemplateRef and templateRef point at the name",
    "duplicate-name": "sub/b.yaml[0]: metadata.name: 'ok' is already defined in "
    "duplicate-name/a.yaml[0]",
    "wrong-namespace": "t.yaml[0]: metadata.namespace: found 'default', expected the managed "
    f"namespace '{NS}' or nothing",
    "server-set-metadata": "t.yaml[0]: metadata.resourceVersion: found a field the API server "
    "sets, expected nothing; remove it from the catalog",
    "unknown-metadata-field": "t.yaml[0]: metadata.lables: unknown field (did you mean 'labels'?)",
    "missing-description": "t.yaml[0]: metadata.annotations"
    "['workflows.argoproj.io/description']: found nothing, expected a description; say what "
    "the template does, for reviewers and the Argo UI",
    # Schema (Argo v4.1.2, strictly)
    "unknown-top-level-field": "t.yaml[0]: status: unknown field",
    "unknown-field": "t.yaml[0]: spec.templates[1].container.imagePullPolicyy: unknown field "
    "(did you mean 'imagePullPolicy'?)",
    "snake-case-field": "t.yaml[0]: spec.templates[0].container.image_pull_policy: unknown "
    "field (did you mean 'imagePullPolicy'?)",
    "wrong-type-integer": "t.yaml[0]: spec.parallelism: expected an integer, found string '5'",
    "wrong-type-string": "t.yaml[0]: spec.templates[0].container.command[1]: expected a "
    "string, found boolean true (quote the value to make it a string)",
    "wrong-type-mapping": "t.yaml[0]: spec.templates[0].container: expected a mapping, found "
    "string 'busybox:1.36.1'",
    "missing-required-field": "t.yaml[0]: spec.templates[0].inputs.parameters[0].name: "
    "required field missing",
    # Templates and references
    "template-type": f"t.yaml[0]: spec.templates[0]: set exactly one of {_TYPES} "
    "(found container, script)",
    "duplicate-template-name": "t.yaml[0]: spec.templates[1].name: found 'main', expected a "
    "name unique among the templates; already used by spec.templates[0]",
    "entrypoint": "t.yaml[0]: spec.entrypoint: 'mian' is not a template of this spec "
    "(templates: main)",
    "step-template": "t.yaml[0]: spec.templates[0].steps[1][0].template: 'ehco' is not a "
    "template of this spec (templates: echo, main)",
    "task-template": "t.yaml[0]: spec.templates[0].dag.tasks[1].template: 'missing' is not "
    "a template of this spec (templates: echo, main)",
    "task-dependency": "t.yaml[0]: spec.templates[0].dag.tasks[1].dependencies[0]: found "
    "'frist', expected a task of this DAG; tasks: first, second",
    "call-ambiguous": "t.yaml[0]: spec.templates[0].dag.tasks[0]: set exactly one of "
    "template, templateRef, inline (found template, templateRef)",
    "templateref-name": "t.yaml[0]: spec.templates[0].steps[0][0].templateRef.name: "
    "'not-in-catalog' is not a WorkflowTemplate of the catalog",
    "templateref-template": "t.yaml[0]: spec.templates[0].dag.tasks[0].templateRef.template: "
    "'mian' is not a template of catalog template 'lib' (templates: main)",
    "templateref-cluster-scope": "t.yaml[0]: "
    "spec.templates[0].steps[0][0].templateRef.clusterScope: found true, expected false or "
    "nothing; ClusterWorkflowTemplates are not available in managed-namespace mode; "
    "reference a WorkflowTemplate of the catalog",
    "enum": "t.yaml[0]: spec.templates[0].inputs.parameters[0].default: found 'verbose', "
    "expected one of its enum (debug, info)",
    # Service accounts
    "service-account-spec": "t.yaml[0]: spec.serviceAccountName: found 'argo-server', "
    "expected an allowed service account (workflow)",
    "service-account-template": "t.yaml[0]: spec.templates[0].serviceAccountName: found "
    "'default', expected an allowed service account (workflow)",
    "service-account-template-defaults": "t.yaml[0]: spec.templateDefaults.serviceAccountName: "
    "found 'argo-server', expected an allowed service account (workflow)",
    "service-account-inline": "t.yaml[0]: spec.templates[0].dag.tasks[0].inline."
    "serviceAccountName: found 'default', expected an allowed service account (workflow)",
    "service-account-pod-spec-patch": "t.yaml[0]: spec.templates[0].podSpecPatch: found "
    "serviceAccountName 'argo', expected an allowed service account (workflow)",
    # Pod spec patches
    "pod-spec-patch-expression": f"t.yaml[0]: spec.templates[0].podSpecPatch: {_LITERAL_PATCH}",
    "pod-spec-patch-expression-spec": f"t.yaml[0]: spec.podSpecPatch: {_LITERAL_PATCH}",
    # Hera files
    "hera-import-error": "broken.py: import failed at line 3: RuntimeError: catalog file is broken",
    "hera-no-template": "helpers.py: defines no Hera WorkflowTemplate at module level",
    "hera-template": "wt.py[template]: spec.entrypoint: 'mian' is not a template of this "
    "spec (templates: main)",
}


def test_every_fixture_has_an_expectation():
    assert sorted(p.name for p in BAD.iterdir()) == sorted(EXPECTED)
    assert len(EXPECTED) >= 20


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_catalog_reports_its_problem(case):
    with pytest.raises(CatalogError) as caught:
        load_catalog(BAD / case, managed_namespace=NS, require_restricted=_POD_SECURITY in case)
    assert caught.value.problems == [f"{case}/{EXPECTED[case]}"]


def test_description_requirement_can_be_switched_off():
    (template,) = load_catalog(
        BAD / "missing-description",
        managed_namespace=NS,
        require_description=False,
        require_restricted=False,
    )
    assert template.name == "ok"


def test_allowed_service_accounts_come_from_the_caller():
    (template,) = load_catalog(
        BAD / "service-account-spec",
        managed_namespace=NS,
        allowed_service_accounts=("workflow", "argo-server"),
        require_restricted=False,
    )
    assert template.manifest["spec"]["serviceAccountName"] == "argo-server"


_PATCHED = """\
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: patched
  annotations:
    workflows.argoproj.io/description: A template with pod spec patches.
spec:
  entrypoint: main
  arguments:
    parameters: [{{name: host, value: "false"}}, {{name: account, value: workflow}}]
  templateDefaults:
    podSpecPatch: |
      {defaults}
  templates:
    - name: main
      steps:
        - - name: inner
            inline:
              podSpecPatch: |
                {inline}
              container:
                image: busybox:1.36.1
"""


def test_pod_spec_patches_with_expressions_are_refused_everywhere(tmp_path):
    (tmp_path / "t.yaml").write_text(
        _PATCHED.format(
            defaults='{"hostNetwork": {{workflow.parameters.host}}}',
            inline='{"serviceAccount": "{{workflow.parameters.account}}"}',
        )
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path, managed_namespace=NS, require_restricted=False)
    shown = f"{tmp_path.name}/t.yaml[0]"
    assert caught.value.problems == [
        f"{shown}: spec.templateDefaults.podSpecPatch: {_LITERAL_PATCH}",
        f"{shown}: spec.templates[0].steps[0][0].inline.podSpecPatch: {_LITERAL_PATCH}",
    ]


def test_literal_pod_spec_patches_stay_allowed(tmp_path):
    (tmp_path / "t.yaml").write_text(
        _PATCHED.format(
            defaults='{"terminationGracePeriodSeconds": 5}',
            inline='{"serviceAccountName": "workflow"}',
        )
    )
    (template,) = load_catalog(tmp_path, managed_namespace=NS, require_restricted=False)
    inline = template.manifest["spec"]["templates"][0]["steps"][0][0]["inline"]
    assert inline["podSpecPatch"] == '{"serviceAccountName": "workflow"}\n'


def test_problems_of_every_file_are_reported_together():
    with pytest.raises(CatalogError) as caught:
        load_catalog(MULTI, managed_namespace=NS, require_restricted=False)
    assert caught.value.problems == [
        "multi/a.yaml[0]: metadata.annotations['workflows.argoproj.io/description']: "
        "found nothing, expected a description; say what the template does, for reviewers "
        "and the Argo UI",
        "multi/a.yaml[0]: spec.templates[0].container.imagePullPolicyy: unknown field "
        "(did you mean 'imagePullPolicy'?)",
        "multi/nested/b.yaml[0]: kind: Workflow is refused: a Workflow cannot live in the "
        f"catalog; {_TEMPLATE_ONLY}",
        "multi/nested/b.yaml[1]: metadata.namespace: found 'argo', expected the managed "
        f"namespace '{NS}' or nothing",
        "multi/nested/b.yaml[1]: spec.templates[0].steps[0][0].templateRef.template: 'mian' "
        "is not a template of catalog template 'first' (templates: main)",
        "multi/nested/b.yaml[1]: spec.serviceAccountName: found 'argo', expected an allowed "
        "service account (workflow)",
        "multi/nested/c.py: import failed at line 4: NameError: name 'undefined_name' is not "
        "defined",
        "multi/z.yml[1]: YAML does not parse at line 17, column 1: did not find expected ',' "
        "or '}'",
    ]
    message = str(caught.value)
    assert message.splitlines() == [
        "8 problems in the WorkflowTemplate catalog:",
        *caught.value.problems,
    ]


_DEFAULTS_HEAD = """\
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: defaults
  annotations: {workflows.argoproj.io/description: Security from templateDefaults.}
spec:
  entrypoint: main
"""
_DEFAULTS = """\
  templateDefaults:
    container:
      image: busybox:1.36.1
      securityContext:
        allowPrivilegeEscalation: false
        capabilities: {drop: [ALL]}
"""
_DEFAULTS_TEMPLATES = """\
  templates:
    - name: main
      container: {image: busybox:1.36.1, securityContext: {runAsNonRoot: true}}
"""


def test_container_settings_from_template_defaults_count(tmp_path):
    (tmp_path / "t.yaml").write_text(_DEFAULTS_HEAD + _DEFAULTS + _DEFAULTS_TEMPLATES)
    (template,) = load_catalog(tmp_path, managed_namespace=NS)
    assert template.name == "defaults"
    # Without the defaults the same container is refused.
    (tmp_path / "t.yaml").write_text(_DEFAULTS_HEAD + _DEFAULTS_TEMPLATES)
    (template,) = load_catalog(tmp_path, managed_namespace=NS)  # mainContainer defaults
    # A templateDefaults container that opts out is merged in, and refused.
    (tmp_path / "t.yaml").write_text(
        _DEFAULTS_HEAD + _DEFAULTS.replace("false", "true") + _DEFAULTS_TEMPLATES
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path, managed_namespace=NS)
    assert caught.value.problems == [
        f"{tmp_path.name}/t.yaml[0]: spec.templates[0].container.securityContext."
        f"allowPrivilegeEscalation: found true, expected false; {_RESTRICTED}"
    ]

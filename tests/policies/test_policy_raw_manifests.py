"""Objects inline in yaml ConfigGroup / ConfigFile inputs are held to the same rules."""

from __future__ import annotations

import pytest
import resource_policies as rp
from k8s_objects import UNKNOWN, Unjudged
from policy_harness import validate_resource
from stack_view import compute_stack_view

GROUP_V2 = "kubernetes:yaml/v2:ConfigGroup"
GROUP_V1 = "kubernetes:yaml:ConfigGroup"
FILE_V2 = "kubernetes:yaml/v2:ConfigFile"
FILE_V1 = "kubernetes:yaml:ConfigFile"

INLINE_WORKFLOW_DOC = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: smuggled, namespace: argo-events}
spec:
  entrypoint: main
  templates: [{name: main, container: {image: alpine}}]
"""
CONFIG_MAP_DOC = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: innocent, namespace: argo-events}
data: {a: b}
"""
REF_WORKFLOW_DOC = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: ok-, namespace: argo-events}
spec: {workflowTemplateRef: {name: hello}}
"""
INLINE_WORKFLOW_OBJ = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "Workflow",
    "metadata": {"name": "smuggled-obj", "namespace": "argo-events"},
    "spec": {"templates": [{"name": "main"}], "workflowTemplateRef": {"name": "hello"}},
}


def test_string_smuggling_yaml_and_objs_are_both_caught() -> None:
    """A multi-document `yaml` string hiding a Workflow, and a Workflow dict in `objs`."""
    props = {"yaml": f"{CONFIG_MAP_DOC}---\n{INLINE_WORKFLOW_DOC}", "objs": [INLINE_WORKFLOW_OBJ]}
    messages = validate_resource(rp.WORKFLOW_POLICY, GROUP_V2, props, name="extras")
    assert messages == [
        'Workflow "argo-events/smuggled" in document 2 of input yaml of '
        'kubernetes:yaml/v2:ConfigGroup "extras": spec.workflowTemplateRef is not set; move the '
        "templates into a reviewed WorkflowTemplate and reference it with "
        "spec.workflowTemplateRef.name",
        'Workflow "argo-events/smuggled" in document 2 of input yaml of '
        'kubernetes:yaml/v2:ConfigGroup "extras": spec.templates is not allowed next to '
        "workflowTemplateRef (the controller's Strict allow-list); move it into the "
        "WorkflowTemplate or remove it",
        'Workflow "argo-events/smuggled-obj" in input objs[0] of '
        'kubernetes:yaml/v2:ConfigGroup "extras": spec.templates is not allowed next to '
        "workflowTemplateRef (the controller's Strict allow-list); move it into the "
        "WorkflowTemplate or remove it",
    ]


PASSES = {
    "v2 yaml with a ConfigMap and a referencing Workflow": (
        rp.WORKFLOW_POLICY,
        GROUP_V2,
        {"yaml": f"{CONFIG_MAP_DOC}---\n{REF_WORKFLOW_DOC}"},
    ),
    "v1 yaml list of compliant documents": (
        rp.WORKFLOW_POLICY,
        GROUP_V1,
        {"yaml": [CONFIG_MAP_DOC, REF_WORKFLOW_DOC]},
    ),
    "files are left to the expanded children": (
        rp.WORKFLOW_POLICY,
        GROUP_V2,
        {"files": ["manifests/*.yaml"]},
    ),
    "ConfigFile inputs name a file only": (rp.CRON_WORKFLOW_POLICY, FILE_V2, {"file": "x.yaml"}),
    "v1 ConfigFile registers no inputs": (rp.WORKFLOW_POLICY, FILE_V1, {}),
    "WorkflowTemplate in the managed namespace, in objs": (
        rp.WORKFLOW_TEMPLATE_POLICY,
        GROUP_V2,
        {
            "objs": [
                {
                    "apiVersion": "argoproj.io/v1alpha1",
                    "kind": "WorkflowTemplate",
                    "metadata": {"name": "t", "namespace": "argo-events"},
                }
            ]
        },
    ),
    "the same kind name in another group is not Argo's": (
        rp.WORKFLOW_POLICY,
        GROUP_V2,
        {"objs": [{"apiVersion": "example.com/v1", "kind": "Workflow", "spec": {}}]},
    ),
}

FAILS = {
    "v1 yaml list hides a Workflow": (
        rp.WORKFLOW_POLICY,
        GROUP_V1,
        {"yaml": [CONFIG_MAP_DOC, INLINE_WORKFLOW_DOC]},
        "in document 1 of input yaml[1] of kubernetes:yaml:ConfigGroup",
    ),
    "objs as a single object": (
        rp.WORKFLOW_POLICY,
        GROUP_V2,
        {"objs": INLINE_WORKFLOW_OBJ},
        "in input objs[0] of kubernetes:yaml/v2:ConfigGroup",
    ),
    "Kubernetes List in yaml": (
        rp.CLUSTER_WORKFLOW_TEMPLATE_POLICY,
        GROUP_V2,
        {
            "yaml": "apiVersion: v1\nkind: List\nitems:\n- apiVersion: argoproj.io/v1alpha1\n"
            "  kind: ClusterWorkflowTemplate\n  metadata: {name: c}\n"
        },
        'ClusterWorkflowTemplate "c" in document 1 of input yaml',
    ),
    "CronWorkflow in objs": (
        rp.CRON_WORKFLOW_POLICY,
        GROUP_V2,
        {
            "objs": [
                {
                    "apiVersion": "argoproj.io/v1alpha1",
                    "kind": "CronWorkflow",
                    "metadata": {"name": "c", "namespace": "argo-events"},
                    "spec": {},
                }
            ]
        },
        "spec.workflowSpec is missing",
    ),
    "WorkflowTemplate in the wrong namespace, as text": (
        rp.WORKFLOW_TEMPLATE_POLICY,
        GROUP_V1,
        {
            "yaml": [
                "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\n"
                "metadata: {name: t, namespace: argo}\n"
            ]
        },
        "it is in namespace argo",
    ),
    "Sensor in yaml": (
        rp.SENSOR_POLICY,
        GROUP_V2,
        {
            "yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Sensor\nmetadata: {name: s}\n"
            "spec:\n  triggers:\n  - template:\n      name: t\n      argoWorkflow:\n"
            "        source: {url: {path: 'https://example.com'}}\n"
        },
        'Sensor "s" in document 1 of input yaml of kubernetes:yaml/v2:ConfigGroup',
    ),
    "YAML that does not parse": (
        rp.WORKFLOW_POLICY,
        GROUP_V2,
        {"yaml": "kind: Workflow\n  bad: [indent\n"},
        'input yaml of kubernetes:yaml/v2:ConfigGroup "raw" is not valid YAML',
    ),
}


@pytest.mark.parametrize(("policy", "type_token", "props"), PASSES.values(), ids=list(PASSES))
def test_raw_manifest_passes(policy, type_token: str, props: dict) -> None:
    assert validate_resource(policy, type_token, props) == []


@pytest.mark.parametrize(
    ("policy", "type_token", "props", "expected"), FAILS.values(), ids=list(FAILS)
)
def test_raw_manifest_fails(policy, type_token: str, props: dict, expected: str) -> None:
    messages = validate_resource(policy, type_token, props, name="raw")
    assert messages
    assert all(expected in message for message in messages), messages


# --- Objects hidden from the stack policies during a preview ------------------------------

_TEMPLATE = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "WorkflowTemplate",
    "metadata": {"name": "lib", "namespace": "argo-events"},
}


class _Resource:
    def __init__(self, resource_type: str, props: dict) -> None:
        self.resource_type, self.name, self.props, self.urn = resource_type, "r", props, "urn:r"


@pytest.mark.parametrize(
    ("type_token", "props", "hidden"),
    [
        (GROUP_V2, {"yaml": UNKNOWN}, "input yaml of"),
        (GROUP_V2, {"objs": UNKNOWN}, "input objs of"),
        (GROUP_V2, {"objs": [UNKNOWN]}, "input objs[0] of"),
        (GROUP_V2, {"objs": [[UNKNOWN]]}, "an object in input objs[0] of"),
        (GROUP_V2, {"objs": [{**_TEMPLATE, "kind": UNKNOWN}]}, "an object in input objs[0]"),
        (FILE_V1, {"objs": [{**_TEMPLATE, "apiVersion": UNKNOWN}]}, "an object in input objs[0]"),
        (
            GROUP_V1,
            {"objs": [{"apiVersion": "v1", "kind": "List", "items": UNKNOWN}]},
            "an object in input objs[0]",
        ),
        (
            "kubernetes:core/v1:List",
            {"apiVersion": "v1", "kind": "List", "items": [{**_TEMPLATE, "kind": UNKNOWN}]},
            "the items of kubernetes:core/v1:List",
        ),
        (GROUP_V2, {"objs": [_TEMPLATE], "yaml": CONFIG_MAP_DOC}, None),
        ("kubernetes:core/v1:List", {"apiVersion": "v1", "kind": "List", "items": []}, None),
    ],
)
def test_objects_hidden_during_preview_are_noted_for_the_stack_policies(
    type_token: str, props: dict, hidden: str | None
) -> None:
    """What the stack policies would see only at `pulumi up`, after the update is applied."""
    view = compute_stack_view([_Resource(type_token, props)])
    notes = [note for note, _ in view.hidden]
    if hidden is None:
        assert notes == []
    else:
        assert len(notes) == 1 and hidden in notes[0], notes
        assert isinstance(notes[0], Unjudged)

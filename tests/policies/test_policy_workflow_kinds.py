"""Validators of the four Argo Workflows kinds, called as the SDK calls them."""

from __future__ import annotations

from typing import Any

import pytest
import resource_policies as rp
from policy_harness import validate_resource

WF = "kubernetes:argoproj.io/v1alpha1:Workflow"
WF_PATCH = "kubernetes:argoproj.io/v1alpha1:WorkflowPatch"
CWF = "kubernetes:argoproj.io/v1alpha1:CronWorkflow"
CWF_PATCH = "kubernetes:argoproj.io/v1alpha1:CronWorkflowPatch"
CWFT = "kubernetes:argoproj.io/v1alpha1:ClusterWorkflowTemplate"
CWFT_PATCH = "kubernetes:argoproj.io/v1alpha1:ClusterWorkflowTemplatePatch"
WFT = "kubernetes:argoproj.io/v1alpha1:WorkflowTemplate"
WFT_PATCH = "kubernetes:argoproj.io/v1alpha1:WorkflowTemplatePatch"
CM = "kubernetes:core/v1:ConfigMap"

INLINE_TEMPLATES = [{"name": "main", "container": {"image": "alpine:3.20"}}]


def argo(kind: str, spec: Any = None, namespace: str | None = "argo-events", **meta: Any):
    metadata = {"name": f"{kind.lower()}-x", **meta}
    if namespace is not None:
        metadata["namespace"] = namespace
    manifest: dict[str, Any] = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": kind,
        "metadata": metadata,
    }
    if spec is not None:
        manifest["spec"] = spec
    return manifest


def workflow(spec: Any = None, **meta: Any) -> dict[str, Any]:
    return argo("Workflow", spec, **meta)


def cron(workflow_spec: Any = None, **spec: Any) -> dict[str, Any]:
    body = {"schedules": ["0 1 * * *"], **spec}
    if workflow_spec is not None:
        body["workflowSpec"] = workflow_spec
    return argo("CronWorkflow", body)


REF = {"workflowTemplateRef": {"name": "hello"}}

# --- Workflow -------------------------------------------------------------------------

WORKFLOW_PASSES = {
    "reference only": (WF, workflow(REF), None),
    "every allow-listed field": (
        WF,
        workflow(
            {
                **REF,
                "arguments": {"parameters": [{"name": "a", "value": "1"}]},
                "entrypoint": "main",
                "shutdown": "Stop",
                "suspend": False,
                "activeDeadlineSeconds": 600,
                "priority": 1,
                "ttlStrategy": {"secondsAfterSuccess": 60},
                "podGC": {"strategy": "OnPodSuccess"},
                "volumeClaimGC": {"strategy": "OnWorkflowSuccess"},
                "archiveLogs": True,
                "workflowMetadata": {"labels": {"a": "b"}},
                "metrics": {"prometheus": []},
                "artifactGC": {"strategy": "OnWorkflowDeletion"},
            }
        ),
        None,
    ),
    "field allowed by config": (
        WF,
        workflow({**REF, "nodeSelector": {"pool": "batch"}}),
        {"extraAllowedWorkflowFields": ["nodeSelector"]},
    ),
    "patch that only suspends": (WF_PATCH, workflow({"suspend": True}), None),
    "not a workflow": (CM, {"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "b"}}, None),
    "clusterScope false": (
        WF,
        workflow({"workflowTemplateRef": {"name": "hello", "clusterScope": False}}),
        None,
    ),
}

WORKFLOW_FAILS = {
    "inline templates": (
        WF,
        workflow({"entrypoint": "main", "templates": INLINE_TEMPLATES}),
        None,
        ["spec.workflowTemplateRef is not set", "spec.templates is not allowed"],
    ),
    "reference plus templates": (
        WF,
        workflow({**REF, "templates": INLINE_TEMPLATES}),
        None,
        ["spec.templates is not allowed"],
    ),
    "cluster scope": (
        WF,
        workflow({"workflowTemplateRef": {"name": "hello", "clusterScope": True}}),
        None,
        ["clusterScope is true"],
    ),
    "reference without a name": (
        WF,
        workflow({"workflowTemplateRef": {}}),
        None,
        ["spec.workflowTemplateRef.name must name a WorkflowTemplate"],
    ),
    "no spec": (WF, workflow(None), None, ["spec is missing"]),
    "override outside allow-list": (
        WF,
        workflow({**REF, "serviceAccountName": "argo", "podSpecPatch": "{}"}),
        None,
        ["spec.podSpecPatch, spec.serviceAccountName are not allowed"],
    ),
    "config extends the list, not replaces it": (
        WF,
        workflow({**REF, "hostNetwork": True}),
        {"extraAllowedWorkflowFields": ["nodeSelector"]},
        ["spec.hostNetwork is not allowed"],
    ),
    "patch adding templates": (
        WF_PATCH,
        workflow({"templates": INLINE_TEMPLATES}),
        None,
        ['WorkflowPatch "argo-events/workflow-x" (Pulumi resource "wf"): spec.templates is not'],
    ),
}


@pytest.mark.parametrize(
    ("type_token", "props", "config"), WORKFLOW_PASSES.values(), ids=list(WORKFLOW_PASSES)
)
def test_workflow_passes(type_token: str, props: dict, config: dict | None) -> None:
    assert validate_resource(rp.WORKFLOW_POLICY, type_token, props, config=config) == []


@pytest.mark.parametrize(
    ("type_token", "props", "config", "expected"), WORKFLOW_FAILS.values(), ids=list(WORKFLOW_FAILS)
)
def test_workflow_fails(
    type_token: str, props: dict, config: dict | None, expected: list[str]
) -> None:
    messages = validate_resource(rp.WORKFLOW_POLICY, type_token, props, name="wf", config=config)
    assert len(messages) == len(expected)
    for message, fragment in zip(messages, expected, strict=True):
        assert fragment in message
        assert 'Pulumi resource "wf"' in message


def test_workflow_message_names_resource_and_fix() -> None:
    [message] = validate_resource(
        rp.WORKFLOW_POLICY, WF, workflow({**REF, "templates": []}), name="my-run"
    )
    assert message.startswith('Workflow "argo-events/workflow-x" (Pulumi resource "my-run")')
    assert "move it into the WorkflowTemplate or remove it" in message


# --- CronWorkflow ---------------------------------------------------------------------

CRON_PASSES = {
    "reference": (CWF, cron(REF), None),
    "schedule fields and allowed overrides": (
        CWF,
        cron(
            {**REF, "arguments": {"parameters": [{"name": "a", "value": "1"}]}, "priority": 3},
            concurrencyPolicy="Forbid",
            timezone="UTC",
            startingDeadlineSeconds=60,
        ),
        None,
    ),
    "field allowed by config": (
        CWF,
        cron({**REF, "nodeSelector": {"pool": "batch"}}),
        {"extraAllowedWorkflowFields": ["nodeSelector"]},
    ),
    "patch of the schedule only": (CWF_PATCH, argo("CronWorkflow", {"suspend": True}), None),
    "a Workflow is not its business": (WF, workflow({"templates": INLINE_TEMPLATES}), None),
}

CRON_FAILS = {
    "inline workflowSpec": (
        CWF,
        cron({"entrypoint": "main", "templates": INLINE_TEMPLATES}),
        None,
        ["spec.workflowSpec.workflowTemplateRef is not set", "spec.workflowSpec.templates"],
    ),
    "no workflowSpec": (CWF, cron(None), None, ["spec.workflowSpec is missing"]),
    "cluster scope": (
        CWF,
        cron({"workflowTemplateRef": {"name": "hello", "clusterScope": True}}),
        None,
        ["spec.workflowSpec.workflowTemplateRef.clusterScope is true"],
    ),
    "override outside allow-list": (
        CWF,
        cron({**REF, "serviceAccountName": "argo"}),
        None,
        ["spec.workflowSpec.serviceAccountName is not allowed"],
    ),
    "patch adding templates": (
        CWF_PATCH,
        argo("CronWorkflow", {"workflowSpec": {"templates": INLINE_TEMPLATES}}),
        None,
        ["spec.workflowSpec.templates is not allowed"],
    ),
}


@pytest.mark.parametrize(
    ("type_token", "props", "config"), CRON_PASSES.values(), ids=list(CRON_PASSES)
)
def test_cron_workflow_passes(type_token: str, props: dict, config: dict | None) -> None:
    assert validate_resource(rp.CRON_WORKFLOW_POLICY, type_token, props, config=config) == []


@pytest.mark.parametrize(
    ("type_token", "props", "config", "expected"), CRON_FAILS.values(), ids=list(CRON_FAILS)
)
def test_cron_workflow_fails(
    type_token: str, props: dict, config: dict | None, expected: list[str]
) -> None:
    messages = validate_resource(rp.CRON_WORKFLOW_POLICY, type_token, props, config=config)
    assert len(messages) == len(expected)
    for message, fragment in zip(messages, expected, strict=True):
        assert fragment in message
        assert "CronWorkflow" in message


# --- ClusterWorkflowTemplate ----------------------------------------------------------

CWFT_PASSES = {
    "allowed by config": (
        CWFT,
        argo("ClusterWorkflowTemplate", {"templates": INLINE_TEMPLATES}, namespace=None),
        {"allowClusterWorkflowTemplates": True},
    ),
    "namespaced template": (WFT, argo("WorkflowTemplate", {"templates": INLINE_TEMPLATES}), None),
    "reference by name is the Workflow policy's business": (
        WF,
        workflow({"workflowTemplateRef": {"name": "x", "clusterScope": True}}),
        None,
    ),
}

CWFT_FAILS = {
    "typed": (CWFT, argo("ClusterWorkflowTemplate", {"templates": []}, namespace=None), None),
    "patch": (CWFT_PATCH, argo("ClusterWorkflowTemplate", {}, namespace=None), None),
    "explicitly not allowed": (
        CWFT,
        argo("ClusterWorkflowTemplate", {}, namespace=None),
        {"allowClusterWorkflowTemplates": False},
    ),
}


@pytest.mark.parametrize(
    ("type_token", "props", "config"), CWFT_PASSES.values(), ids=list(CWFT_PASSES)
)
def test_cluster_workflow_template_passes(
    type_token: str, props: dict, config: dict | None
) -> None:
    assert (
        validate_resource(rp.CLUSTER_WORKFLOW_TEMPLATE_POLICY, type_token, props, config=config)
        == []
    )


@pytest.mark.parametrize(
    ("type_token", "props", "config"), CWFT_FAILS.values(), ids=list(CWFT_FAILS)
)
def test_cluster_workflow_template_fails(type_token: str, props: dict, config: dict | None) -> None:
    [message] = validate_resource(
        rp.CLUSTER_WORKFLOW_TEMPLATE_POLICY, type_token, props, config=config
    )
    assert "ClusterWorkflowTemplate" in message
    assert "make it a WorkflowTemplate in namespace argo-events" in message


# --- WorkflowTemplate -----------------------------------------------------------------

WFT_PASSES = {
    "managed namespace": (WFT, argo("WorkflowTemplate", {"templates": INLINE_TEMPLATES}), None),
    "configured managed namespace": (
        WFT,
        argo("WorkflowTemplate", {}, namespace="team-a"),
        {"managedNamespace": "team-a"},
    ),
    "patch in the managed namespace": (WFT_PATCH, argo("WorkflowTemplate", {}), None),
    "other kinds are not its business": (CWF, cron(None), None),
}

WFT_FAILS = {
    "control namespace": (
        WFT,
        argo("WorkflowTemplate", {}, namespace="argo"),
        None,
        "it is in namespace argo",
    ),
    "no namespace": (
        WFT,
        argo("WorkflowTemplate", {}, namespace=None),
        None,
        "metadata.namespace is not set",
    ),
    "default namespace": (
        WFT,
        argo("WorkflowTemplate", {}, namespace="default"),
        None,
        "it is in namespace default",
    ),
    "not the configured namespace": (
        WFT,
        argo("WorkflowTemplate", {}),
        {"managedNamespace": "team-a"},
        "set metadata.namespace to team-a",
    ),
}


@pytest.mark.parametrize(
    ("type_token", "props", "config"), WFT_PASSES.values(), ids=list(WFT_PASSES)
)
def test_workflow_template_passes(type_token: str, props: dict, config: dict | None) -> None:
    assert validate_resource(rp.WORKFLOW_TEMPLATE_POLICY, type_token, props, config=config) == []


@pytest.mark.parametrize(
    ("type_token", "props", "config", "expected"), WFT_FAILS.values(), ids=list(WFT_FAILS)
)
def test_workflow_template_fails(
    type_token: str, props: dict, config: dict | None, expected: str
) -> None:
    [message] = validate_resource(
        rp.WORKFLOW_TEMPLATE_POLICY, type_token, props, name="tmpl", config=config
    )
    assert expected in message
    assert 'WorkflowTemplate "' in message and 'Pulumi resource "tmpl"' in message

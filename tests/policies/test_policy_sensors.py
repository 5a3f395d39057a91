"""Validator of Argo Events Sensors: triggers may only start reviewed WorkflowTemplates."""

from __future__ import annotations

from typing import Any

import pytest
import resource_policies as rp
from policy_harness import validate_resource

SENSOR = "kubernetes:argoproj.io/v1alpha1:Sensor"
SENSOR_PATCH = "kubernetes:argoproj.io/v1alpha1:SensorPatch"

REF_WORKFLOW = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "Workflow",
    "metadata": {"generateName": "hello-"},
    "spec": {"workflowTemplateRef": {"name": "hello"}},
}
INLINE_WORKFLOW = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "Workflow",
    "metadata": {"generateName": "inline-"},
    "spec": {"entrypoint": "main", "templates": [{"name": "main", "container": {"image": "a"}}]},
}
INLINE_WORKFLOW_TEXT = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: inline-}
spec:
  entrypoint: main
  templates: [{name: main, container: {image: alpine}}]
"""


def sensor(*triggers: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Sensor",
        "metadata": {"name": "webhook", "namespace": "argo-events"},
        "spec": {
            "dependencies": [{"name": "push", "eventSourceName": "hook", "eventName": "push"}],
            "triggers": list(triggers),
        },
    }


def argo_trigger(source: Any, name: str = "run", **fields: Any) -> dict[str, Any]:
    return {"template": {"name": name, "argoWorkflow": {"source": source, **fields}}}


def k8s_trigger(source: Any, name: str = "create", **fields: Any) -> dict[str, Any]:
    return {"template": {"name": name, "k8s": {"source": source, **fields}}}


def param(dest: str) -> dict[str, Any]:
    return {"src": {"dependencyName": "push", "dataKey": "body.x"}, "dest": dest}


PASSES = {
    "submit a referencing workflow": sensor(argo_trigger({"resource": REF_WORKFLOW})),
    "k8s create from inline text with parameters into arguments and metadata": sensor(
        k8s_trigger(
            {
                "inline": "kind: Workflow\napiVersion: argoproj.io/v1alpha1\n"
                "spec: {workflowTemplateRef: {name: hello}}\n"
            },
            operation="create",
            parameters=[param("spec.arguments.parameters.0.value"), param("metadata.name")],
        )
    ),
    "submit-from a WorkflowTemplate": sensor(
        argo_trigger(
            {
                "resource": {
                    "apiVersion": "argoproj.io/v1alpha1",
                    "kind": "WorkflowTemplate",
                    "metadata": {"name": "hello"},
                }
            },
            operation="submit-from",
        )
    ),
    "safe argo submit flags": sensor(
        argo_trigger(
            {"resource": REF_WORKFLOW},
            args=["-p", "a=1", "--parameter=b=2", "--entrypoint", "main", "--priority=3", "--wait"],
        )
    ),
    "operations that create nothing, from any source": sensor(
        argo_trigger({"url": {"path": "https://example.com/wf.yaml"}}, operation="resume"),
        k8s_trigger({"git": {"url": "https://example.com/r.git"}}, operation="delete"),
    ),
    "triggers that are not Argo": sensor(
        {"template": {"name": "post", "http": {"url": "https://example.com"}}},
        k8s_trigger(
            {"resource": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}},
            parameters=[param("data.anything")],
        ),
    ),
    "trigger-level parameter into the resource metadata": sensor(
        {
            **argo_trigger({"resource": REF_WORKFLOW}),
            "parameters": [param("argoWorkflow.source.resource.metadata.labels.x"), param("name")],
        }
    ),
    "no triggers": sensor(),
}

FAILS = {
    "argoWorkflow submits an inline workflow": (
        sensor(argo_trigger({"resource": INLINE_WORKFLOW})),
        None,
        [
            'trigger 0 "run": argoWorkflow trigger submits a Workflow: '
            "spec.workflowTemplateRef is not set",
            "spec.templates is not allowed",
        ],
    ),
    "k8s creates an inline workflow from YAML text": (
        sensor(k8s_trigger({"inline": INLINE_WORKFLOW_TEXT})),
        None,
        ["k8s trigger writes a Workflow: spec.workflowTemplateRef is not set", "spec.templates"],
    ),
    "source fetched at run time": (
        sensor(argo_trigger({"url": {"path": "https://example.com/wf.yaml"}})),
        None,
        ["source.url is fetched at run time and cannot be checked before deploy"],
    ),
    "k8s source fetched at run time": (
        sensor(k8s_trigger({"configmap": {"name": "wf", "key": "wf.yaml"}})),
        None,
        ["k8s trigger source.configmap is fetched at run time"],
    ),
    "parameter writes spec.templates": (
        sensor(argo_trigger({"resource": REF_WORKFLOW}, parameters=[param("spec.templates")])),
        None,
        ["argoWorkflow.parameters[0].dest 'spec.templates' writes templates, outside"],
    ),
    "parameter sets clusterScope": (
        sensor(
            k8s_trigger(
                {"resource": REF_WORKFLOW},
                parameters=[param("spec.workflowTemplateRef.clusterScope")],
            )
        ),
        None,
        ["may not set workflowTemplateRef.clusterScope"],
    ),
    "trigger-level parameter rewrites the operation": (
        sensor(
            {**argo_trigger({"resource": REF_WORKFLOW}), "parameters": [param("argoWorkflow.args")]}
        ),
        None,
        ["parameters[0].dest 'argoWorkflow.args' rewrites the trigger"],
    ),
    "argo args change the service account and add a manifest": (
        sensor(
            argo_trigger({"resource": REF_WORKFLOW}, args=["--serviceaccount", "argo", "x.yaml"])
        ),
        None,
        [
            "argoWorkflow.args flag --serviceaccount changes what is submitted",
            "argoWorkflow.args holds the extra argument 'x.yaml' (another manifest to submit)",
        ],
    ),
    "submit-from a ClusterWorkflowTemplate": (
        sensor(
            argo_trigger(
                {"resource": {"kind": "ClusterWorkflowTemplate", "metadata": {"name": "x"}}},
                operation="submit-from",
            )
        ),
        None,
        ["argoWorkflow submit-from names a ClusterWorkflowTemplate"],
    ),
    "k8s writes a WorkflowTemplate at run time": (
        sensor(
            k8s_trigger(
                {
                    "resource": {
                        "apiVersion": "argoproj.io/v1alpha1",
                        "kind": "WorkflowTemplate",
                        "metadata": {"name": "t"},
                        "spec": {"templates": []},
                    }
                }
            )
        ),
        None,
        ["k8s trigger writes a WorkflowTemplate; templates written at run time are never reviewed"],
    ),
    "inline workflow in the dead-letter trigger": (
        sensor(
            {
                **argo_trigger({"resource": REF_WORKFLOW}),
                "dlqTrigger": argo_trigger({"resource": INLINE_WORKFLOW}, name="dlq"),
            }
        ),
        None,
        ['trigger 0 "run" dlqTrigger "dlq": argoWorkflow trigger submits', "spec.templates"],
    ),
    "field allowed for Workflows needs the config": (
        sensor(
            argo_trigger(
                {"resource": {**REF_WORKFLOW, "spec": {**REF_WORKFLOW["spec"], "hostNetwork": 1}}}
            )
        ),
        {"extraAllowedWorkflowFields": ["serviceAccountName"]},
        ["spec.hostNetwork is not allowed"],
    ),
}


@pytest.mark.parametrize("props", PASSES.values(), ids=list(PASSES))
def test_sensor_passes(props: dict) -> None:
    assert validate_resource(rp.SENSOR_POLICY, SENSOR, props) == []


def test_sensor_config_allows_extra_fields() -> None:
    props = sensor(
        argo_trigger(
            {"resource": {**REF_WORKFLOW, "spec": {**REF_WORKFLOW["spec"], "hostNetwork": 1}}}
        )
    )
    config = {"extraAllowedWorkflowFields": ["hostNetwork"]}
    assert validate_resource(rp.SENSOR_POLICY, SENSOR, props, config=config) == []


@pytest.mark.parametrize(("props", "config", "expected"), FAILS.values(), ids=list(FAILS))
def test_sensor_fails(props: dict, config: dict | None, expected: list[str]) -> None:
    messages = validate_resource(rp.SENSOR_POLICY, SENSOR, props, name="sn", config=config)
    assert len(messages) == len(expected), messages
    for message, fragment in zip(messages, expected, strict=True):
        assert fragment in message
        assert message.startswith('Sensor "argo-events/webhook" (Pulumi resource "sn"): trigger 0')


def test_sensor_patch_is_checked_too() -> None:
    props = sensor(argo_trigger({"resource": INLINE_WORKFLOW}))
    messages = validate_resource(rp.SENSOR_POLICY, SENSOR_PATCH, props)
    assert messages and all(m.startswith('SensorPatch "argo-events/webhook"') for m in messages)

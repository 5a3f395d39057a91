"""Validator of Argo Events Sensors: triggers may only start reviewed WorkflowTemplates."""

from __future__ import annotations

import contextlib
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
CONFIG_MAP = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}
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


def http_trigger(name: str = "post") -> dict[str, Any]:
    return {"template": {"name": name, "http": {"url": "https://example.com"}}}


def with_trigger_parameters(trigger: dict[str, Any], *dests: str) -> dict[str, Any]:
    """The trigger with trigger-level parameters (applied to its template)."""
    return {**trigger, "parameters": [param(dest) for dest in dests]}


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
        k8s_trigger({"resource": CONFIG_MAP}, operation="delete"),
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
    "k8s workflow filled into arguments, labels and name": sensor(
        with_trigger_parameters(
            k8s_trigger(
                {"resource": REF_WORKFLOW},
                parameters=[
                    param("spec.arguments.parameters.0.value"),
                    param("metadata.labels.ref"),
                    param("metadata.name"),
                ],
            ),
            "k8s.source.resource.metadata.labels.sha",
            "k8s.source.resource.spec.arguments.parameters.1.value",
        )
    ),
    "k8s config map filled into metadata and data, trigger-level name and conditions": sensor(
        with_trigger_parameters(
            k8s_trigger(
                {"resource": CONFIG_MAP},
                parameters=[param("metadata.name"), param("metadata.labels.ref"), param("data.x")],
            ),
            "name",
            "conditions",
        )
    ),
    "http trigger parameterised inside its own http part": sensor(
        with_trigger_parameters(http_trigger(), "http.url", "http.payload.0.dest")
    ),
    "argoWorkflow resume of a workflow named by the event": sensor(
        with_trigger_parameters(
            argo_trigger(
                {"resource": {**REF_WORKFLOW, "metadata": {"name": "placeholder"}}},
                operation="resume",
            ),
            "argoWorkflow.source.resource.metadata.name",
        )
    ),
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
    "trigger-level parameter turns an http trigger into an argoWorkflow trigger": (
        sensor(with_trigger_parameters(http_trigger(), "argoWorkflow")),
        None,
        [
            "trigger 0 \"post\": parameters[0].dest 'argoWorkflow' rewrites the trigger's "
            "argoWorkflow part"
        ],
    ),
    "trigger-level parameters give an http trigger an argoWorkflow or k8s source": (
        sensor(
            with_trigger_parameters(
                http_trigger(),
                "argoWorkflow.source.inline",
                "argoWorkflow.source.resource.spec.templates",
                "k8s.source.resource",
            )
        ),
        None,
        [
            "parameters[0].dest 'argoWorkflow.source.inline' rewrites the trigger's argoWorkflow",
            "parameters[1].dest 'argoWorkflow.source.resource.spec.templates' rewrites",
            "parameters[2].dest 'k8s.source.resource' rewrites the trigger's k8s part",
        ],
    ),
    "trigger-level dest spelled the way Go and sjson also accept": (
        sensor(
            with_trigger_parameters(
                http_trigger(), "K8S.source.resource", ":argoWorkflow.source.resource", "*"
            )
        ),
        None,
        [
            "parameters[0].dest 'K8S.source.resource' rewrites the trigger's k8s part",
            "parameters[1].dest ':argoWorkflow.source.resource' rewrites the trigger's "
            "argoWorkflow part",
            "parameters[2].dest '*' rewrites the trigger",
        ],
    ),
    "trigger-level parameter replaces a k8s config map with an inline workflow": (
        sensor(
            with_trigger_parameters(k8s_trigger({"resource": CONFIG_MAP}), "k8s.source.resource")
        ),
        None,
        ["trigger 0 \"create\": parameters[0].dest 'k8s.source.resource' rewrites the trigger"],
    ),
    "trigger-level parameters rewrite a config map trigger's resource parameters and operation": (
        sensor(
            with_trigger_parameters(
                k8s_trigger({"resource": CONFIG_MAP}, parameters=[param("data.x")]),
                "k8s.parameters.0.dest",
                "k8s.source.resource.kind",
            )
        ),
        None,
        [
            "parameters[0].dest 'k8s.parameters.0.dest' rewrites the trigger's k8s part",
            "parameters[1].dest 'k8s.source.resource.kind' rewrites the trigger's k8s part",
        ],
    ),
    "trigger-level parameter turns a k8s delete into a create": (
        sensor(
            with_trigger_parameters(
                k8s_trigger({"resource": REF_WORKFLOW}, name="cleanup", operation="delete"),
                "k8s.operation",
            )
        ),
        None,
        ["parameters[0].dest 'k8s.operation' rewrites the trigger's k8s part"],
    ),
    "k8s parameters turn a config map into another kind": (
        sensor(
            k8s_trigger({"resource": CONFIG_MAP}, parameters=[param("kind"), param("apiVersion")])
        ),
        None,
        [
            "trigger 0 \"create\": k8s.parameters[0].dest 'kind' sets the kind of the ConfigMap",
            "k8s.parameters[1].dest 'apiVersion' sets the apiVersion of the ConfigMap",
        ],
    ),
    "k8s parameter writes the spec of a config map": (
        sensor(k8s_trigger({"resource": CONFIG_MAP}, parameters=[param("spec.templates")])),
        None,
        ["k8s.parameters[0].dest 'spec.templates' writes spec of the ConfigMap"],
    ),
    "k8s parameter writes the triggers of a Sensor it creates": (
        sensor(k8s_trigger({"resource": sensor()}, parameters=[param("spec.triggers")])),
        None,
        ["k8s.parameters[0].dest 'spec.triggers' writes spec of the Sensor"],
    ),
    "k8s parameters with dests that may reach kind or spec": (
        sensor(
            k8s_trigger(
                {"resource": CONFIG_MAP},
                parameters=[param("sp?c.templates"), param(""), param("Kind")],
            )
        ),
        None,
        [
            "k8s.parameters[0].dest 'sp?c.templates' may write any field of the ConfigMap",
            "k8s.parameters[1].dest '' may write any field of the ConfigMap",
            "k8s.parameters[2].dest 'Kind' sets the kind of the ConfigMap",
        ],
    ),
    "parameters replace workflowTemplateRef or match spec by a pattern": (
        sensor(
            k8s_trigger(
                {"resource": REF_WORKFLOW},
                parameters=[param("spec.workflowTemplateRef"), param("spec.*")],
            )
        ),
        None,
        [
            "k8s.parameters[0].dest 'spec.workflowTemplateRef' may replace workflowTemplateRef",
            "k8s.parameters[1].dest 'spec.*' is a pattern that may match any field",
        ],
    ),
    "trigger-level parameter fills a forbidden field of the workflow it creates": (
        sensor(
            with_trigger_parameters(
                k8s_trigger({"resource": REF_WORKFLOW}), "k8s.source.resource.spec.podSpecPatch"
            )
        ),
        None,
        [
            "parameters[0].dest 'k8s.source.resource.spec.podSpecPatch' writes podSpecPatch, "
            "outside the controller's Strict allow-list"
        ],
    ),
    "source with a resource and a url (the url is read first)": (
        sensor(argo_trigger({"resource": REF_WORKFLOW, "url": {"path": "https://example.com/wf"}})),
        None,
        ["argoWorkflow trigger source.url is fetched at run time"],
    ),
    "field allowed for Workflows needs the config": (
        sensor(
            argo_trigger(
                {"resource": {**REF_WORKFLOW, "spec": {**REF_WORKFLOW["spec"], "hostNetwork": 1}}}
            )
        ),
        {"extraAllowedWorkflowFields": ["nodeSelector"]},
        ["spec.hostNetwork is not allowed"],
    ),
}


@pytest.mark.parametrize("props", PASSES.values(), ids=list(PASSES))
def test_sensor_passes(props: dict) -> None:
    assert validate_resource(rp.SENSOR_POLICY, SENSOR, props) == []


def test_sensor_config_allows_extra_fields() -> None:
    props = sensor(
        argo_trigger(
            {"resource": {**REF_WORKFLOW, "spec": {**REF_WORKFLOW["spec"], "nodeSelector": {}}}}
        )
    )
    config = {"extraAllowedWorkflowFields": ["nodeSelector"]}
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


# Go's encoding/json fills `k8s` from `K8s`: the rules read a key in any letter case as the
# field it binds (argo-events decodes the Sensor with encoding/json), and refuse two keys
# that bind the same field.
CASE_VARIANTS = {
    "template key": {"template": {"name": "run", "K8s": {"source": {"resource": INLINE_WORKFLOW}}}},
    "part key": {
        "template": {"name": "run", "argoWorkflow": {"Source": {"resource": INLINE_WORKFLOW}}}
    },
    "source key": k8s_trigger({"Resource": INLINE_WORKFLOW}, operation="create"),
    "trigger key": {"Template": {"name": "run", "k8s": {"source": {"resource": INLINE_WORKFLOW}}}},
    "kelvin sign": {
        "template": {"name": "run", "\u212a8s": {"source": {"resource": INLINE_WORKFLOW}}}
    },
}


@pytest.mark.parametrize("trigger", CASE_VARIANTS.values(), ids=list(CASE_VARIANTS))
def test_keys_in_another_case_are_read_as_the_field(trigger: dict) -> None:
    messages = validate_resource(rp.SENSOR_POLICY, SENSOR, sensor(trigger), name="sn")
    assert any("spec.templates is not allowed" in m for m in messages), messages


def test_keys_that_bind_the_same_field_are_refused() -> None:
    trigger = {
        "template": {
            "name": "run",
            "k8s": {"source": {"resource": REF_WORKFLOW}},
            "K8S": {"source": {"resource": REF_WORKFLOW}},
        }
    }
    messages = validate_resource(rp.SENSOR_POLICY, SENSOR, sensor(trigger), name="sn")
    assert len(messages) == 1, messages
    assert "spec.triggers[0].template.k8s is given twice, as 'k8s' and 'K8S'" in messages[0]


# --- workloads from a fixed spec, and what a trigger may never write ----------------------

JOB = {
    "apiVersion": "batch/v1",
    "kind": "Job",
    "metadata": {"generateName": "job-", "namespace": "jobs"},
    "spec": {
        "template": {
            "spec": {
                "restartPolicy": "Never",
                "containers": [
                    {"name": "c", "image": "alpine:3.20", "env": [{"name": "A", "value": "x"}]}
                ],
                "volumes": [{"name": "s", "secret": {"secretName": "placeholder"}}],
            }
        }
    },
}
POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "p"},
    "spec": JOB["spec"]["template"]["spec"],
}


@pytest.mark.parametrize(
    ("workload", "dest"),
    [
        (JOB, "spec.template.spec.containers.0.env.0.value"),
        (JOB, "spec.template.spec.containers.0.args"),
        (JOB, "spec.template.spec.containers.0.args.-1"),
        (JOB, "spec.template.spec.initContainers.0.args.1"),
        (JOB, "spec.template.spec.volumes.0.secret.secretName"),
        (JOB, "metadata.labels.commit"),
        (JOB, "metadata.name"),
        (JOB, "spec.template.metadata.labels.commit"),
        (POD, "spec.containers.0.env.3.value"),
    ],
)
def test_workload_parameters_may_fill_values(workload: dict, dest: str) -> None:
    props = sensor(k8s_trigger({"resource": workload}, parameters=[param(dest)]))
    props["metadata"]["namespace"] = "jobs"
    assert validate_resource(rp.SENSOR_POLICY, SENSOR, props) == []


@pytest.mark.parametrize(
    ("workload", "dest", "expected"),
    [
        (JOB, "spec.template.spec.containers.0.image", "writes the Job's spec.template.spec"),
        (JOB, "spec.template.spec.containers.0.command", "event data may only fill"),
        (JOB, "spec.template.spec.serviceAccountName", "writes the Job's"),
        (JOB, "spec.template.spec.containers.0.env.0.valueFrom", "writes the Job's"),
        (JOB, "spec.template.spec.containers.-1.args", "writes the Job's"),
        (JOB, "spec", "writes the Job's spec"),
        (JOB, "spec.template.spec.containers.*.image", "is a pattern"),
        (JOB, "metadata", "may replace the whole metadata"),
        (JOB, "metadata.namespace", "chooses the namespace"),
        (POD, "spec.hostNetwork", "writes the Pod's spec.hostNetwork"),
        (JOB, "spec.template.metadata.annotations.x", "writes the Job's spec.template.metadata"),
    ],
)
def test_workload_parameters_may_not_change_what_runs(workload, dest, expected) -> None:
    props = sensor(k8s_trigger({"resource": workload}, parameters=[param(dest)]))
    messages = validate_resource(rp.SENSOR_POLICY, SENSOR, props)
    assert len(messages) == 1, messages
    assert expected in messages[0]


def test_mounted_secret_name_is_fixed_in_the_argo_namespaces() -> None:
    job = {**JOB, "metadata": {"generateName": "job-"}}  # lands in the Sensor's argo-events
    dest = "spec.template.spec.volumes.0.secret.secretName"
    props = sensor(k8s_trigger({"resource": job}, parameters=[param(dest)]))
    [message] = validate_resource(rp.SENSOR_POLICY, SENSOR, props)
    assert "event data may only fill env values, args and its name" in message


@pytest.mark.parametrize(
    ("resource", "operation", "expected"),
    [
        (
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "Role",
                "metadata": {"name": "r"},
            },
            "create",
            "RBAC may only change",
        ),
        (
            {
                "apiVersion": "admissionregistration.k8s.io/v1",
                "kind": "MutatingWebhookConfiguration",
                "metadata": {"name": "m"},
            },
            "create",
            "admission control",
        ),
        (
            {
                "apiVersion": "apiextensions.k8s.io/v1",
                "kind": "CustomResourceDefinition",
                "metadata": {"name": "workflows.argoproj.io"},
            },
            "delete",
            "k8s trigger deletes a CustomResourceDefinition",
        ),
        (
            {
                "apiVersion": "argoproj.io/v1alpha1",
                "kind": "WorkflowTemplate",
                "metadata": {"name": "t"},
            },
            "delete",
            "templates written at run time",
        ),
        (
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "c", "namespace": "argo"},
            },
            "update",
            "the controller's namespace",
        ),
    ],
)
def test_trigger_never_writes_rbac_admission_crds_templates_or_the_control_namespace(
    resource, operation, expected
) -> None:
    props = sensor(k8s_trigger({"resource": resource}, operation=operation))
    messages = validate_resource(rp.SENSOR_POLICY, SENSOR, props)
    assert len(messages) == 1, messages
    assert expected in messages[0]


def test_submit_from_stays_in_the_managed_namespace() -> None:
    template = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "workflowtemplate",
        "metadata": {"name": "t"},
    }
    assert (
        validate_resource(
            rp.SENSOR_POLICY,
            SENSOR,
            sensor(argo_trigger({"resource": template}, operation="submit-from")),
        )
        == []
    )
    moved = {**template, "metadata": {"name": "t", "namespace": "argo"}}
    [message] = validate_resource(
        rp.SENSOR_POLICY, SENSOR, sensor(argo_trigger({"resource": moved}, operation="submit-from"))
    )
    assert "of namespace argo; set metadata.namespace to argo-events" in message
    chosen = argo_trigger(
        {"resource": template}, operation="submit-from", parameters=[param("metadata.namespace")]
    )
    [message] = validate_resource(rp.SENSOR_POLICY, SENSOR, sensor(chosen))
    assert "chooses the namespace" in message


def test_status_in_a_submitted_workflow_is_refused() -> None:
    workflow = {**REF_WORKFLOW, "status": {"storedWorkflowTemplateSpec": {"templates": []}}}
    messages = validate_resource(
        rp.SENSOR_POLICY, SENSOR, sensor(argo_trigger({"resource": workflow}))
    )
    assert len(messages) == 1 and "it sets status" in messages[0], messages


def test_trigger_level_parameters_fill_workload_values_only() -> None:
    value = "k8s.source.resource.spec.template.spec.containers.0.env.0.value"
    ok = with_trigger_parameters(k8s_trigger({"resource": JOB}), value, "name")
    assert validate_resource(rp.SENSOR_POLICY, SENSOR, sensor(ok)) == []
    image = "k8s.source.resource.spec.template.spec.containers.0.image"
    bad = with_trigger_parameters(k8s_trigger({"resource": JOB}), image)
    [message] = validate_resource(rp.SENSOR_POLICY, SENSOR, sensor(bad))
    assert f"parameters[0].dest {image!r} writes the Job's" in message
    moved = with_trigger_parameters(
        k8s_trigger({"resource": REF_WORKFLOW}), "k8s.source.resource.metadata.namespace"
    )
    [message] = validate_resource(rp.SENSOR_POLICY, SENSOR, sensor(moved))
    assert "chooses the namespace" in message


def test_submitted_workflow_keys_are_read_as_the_controller_reads_them() -> None:
    lower = {**REF_WORKFLOW, "spec": {"workflowtemplateref": {"name": "hello"}}}
    assert (
        validate_resource(rp.SENSOR_POLICY, SENSOR, sensor(argo_trigger({"resource": lower}))) == []
    )
    scoped = {
        **REF_WORKFLOW,
        "spec": {"WorkflowTemplateRef": {"name": "hello", "clusterscope": True}},
    }
    messages = validate_resource(
        rp.SENSOR_POLICY, SENSOR, sensor(k8s_trigger({"resource": scoped}))
    )
    assert len(messages) == 1 and "clusterScope" in messages[0], messages


def test_event_bindings_a_trigger_creates_follow_the_binding_rule() -> None:
    binding = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowEventBinding",
        "metadata": {"name": "b"},
        "spec": {"submit": {"workflowTemplateRef": {"name": "say"}}},
    }
    assert (
        validate_resource(rp.SENSOR_POLICY, SENSOR, sensor(k8s_trigger({"resource": binding})))
        == []
    )
    scoped = {
        **binding,
        "spec": {"submit": {"workflowTemplateRef": {"name": "say", "clusterScope": True}}},
    }
    [message] = validate_resource(
        rp.SENSOR_POLICY, SENSOR, sensor(k8s_trigger({"resource": scoped}))
    )
    assert (
        "k8s trigger writes a WorkflowEventBinding: spec.submit.workflowTemplateRef.clusterScope"
        in message
    )


def test_sensor_policy_reads_the_namespaces_from_its_config() -> None:
    template = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": "t", "namespace": "team-a"},
    }
    props = sensor(argo_trigger({"resource": template}, operation="submit-from"))
    assert validate_resource(rp.SENSOR_POLICY, SENSOR, props) != []
    config = {"managedNamespace": "team-a", "controlNamespace": "ops"}
    assert validate_resource(rp.SENSOR_POLICY, SENSOR, props, config=config) == []
    config_map = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "namespace": "ops"},
    }
    written = sensor(k8s_trigger({"resource": config_map}))
    [message] = validate_resource(rp.SENSOR_POLICY, SENSOR, written, config=config)
    assert "in namespace ops, the controller's namespace" in message


ODD = [None, "x", {"a": None}, [1, "a"], "04da6b54-80e4-46f7-96ec-b56ff0331ba9"]


@pytest.mark.parametrize("odd", ODD, ids=repr)
def test_sensor_and_binding_rules_judge_odd_shapes_without_raising(odd: Any) -> None:
    shapes = [
        sensor(odd),
        sensor({"template": odd, "parameters": odd, "dlqTrigger": odd}),
        sensor({"template": {"name": odd, "k8s": odd, "argoWorkflow": odd}}),
        sensor(k8s_trigger(odd, operation=odd, parameters=odd)),
        sensor(k8s_trigger({"resource": odd, "inline": odd}, parameters=[{"dest": odd}])),
        sensor(
            k8s_trigger(
                {"resource": {**JOB, "metadata": odd, "spec": odd}}, parameters=[param("spec.x")]
            )
        ),
        sensor(
            argo_trigger(
                {"resource": {**REF_WORKFLOW, "kind": odd, "metadata": odd}},
                operation=odd,
                args=odd,
            )
        ),
        sensor(argo_trigger({"resource": REF_WORKFLOW}, operation="submit-from", parameters=odd)),
    ]
    from pulumi_policy.proxy import UnknownValueError

    for props in shapes:
        # UnknownValueError is how a policy ends with an advisory (reporting.py).
        with contextlib.suppress(UnknownValueError):
            validate_resource(rp.SENSOR_POLICY, SENSOR, props)
    binding = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowEventBinding",
        "metadata": {"name": "b", "namespace": odd},
        "spec": {"submit": {"workflowTemplateRef": odd, "metadata": odd}, "event": odd},
    }
    token = "kubernetes:argoproj.io/v1alpha1:WorkflowEventBinding"
    validate_resource(rp.EVENT_BINDING_POLICY, token, binding)
    validate_resource(rp.EVENT_BINDING_POLICY, token, {**binding, "spec": odd})


def test_a_source_unknown_at_preview_is_advisory() -> None:
    from pulumi_policy.proxy import UnknownValueError

    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    with pytest.raises(UnknownValueError) as advisory:
        validate_resource(rp.SENSOR_POLICY, SENSOR, sensor(k8s_trigger(unknown)))
    assert "k8s trigger source is unknown during preview" in advisory.value.message

"""Argo Events Sensor fields the rules read, and what a trigger may write (tables only).

Field names follow argo-events pkg/apis/events/v1alpha1/sensor_types.go. The sensor
decodes its spec with Go's encoding/json, which binds a key to a field whatever its letter
case (`K8s` fills `k8s`), so the rules read the Sensor after renaming keys to these names.
A type maps each JSON field name to the type of its value: another entry of the table, a
one-element list for a list of that type, or None for a value read as written (a
`source.resource` is raw JSON the sensor sends on unchanged).
"""

from __future__ import annotations

from typing import Any

SENSOR_FIELDS: dict[str, dict[str, Any]] = {
    "SensorSpec": {
        "dependencies": None,
        "triggers": ["Trigger"],
        "template": "Template",
        "errorOnFailedRound": None,
        "eventBusName": None,
        "replicas": None,
        "revisionHistoryLimit": None,
        "loggingFields": None,
    },
    "Template": {
        "metadata": None,
        "serviceAccountName": None,
        "container": None,
        "volumes": None,
        "securityContext": None,
        "nodeSelector": None,
        "tolerations": None,
        "imagePullSecrets": None,
        "priorityClassName": None,
        "priority": None,
        "affinity": None,
    },
    "Trigger": {
        "template": "TriggerTemplate",
        "parameters": ["TriggerParameter"],
        "policy": None,
        "retryStrategy": None,
        "rateLimit": None,
        "atLeastOnce": None,
        "dlqTrigger": "Trigger",
    },
    "TriggerTemplate": {
        "name": None,
        "conditions": None,
        "k8s": "StandardK8STrigger",
        "argoWorkflow": "ArgoWorkflowTrigger",
        "http": None,
        "awsLambda": None,
        "custom": None,
        "kafka": None,
        "nats": None,
        "slack": None,
        "openWhisk": None,
        "log": None,
        "azureEventHubs": None,
        "pulsar": None,
        "conditionsReset": None,
        "azureServiceBus": None,
        "email": None,
    },
    "StandardK8STrigger": {
        "source": "ArtifactLocation",
        "operation": None,
        "parameters": ["TriggerParameter"],
        "patchStrategy": None,
        "liveObject": None,
    },
    "ArgoWorkflowTrigger": {
        "source": "ArtifactLocation",
        "operation": None,
        "parameters": ["TriggerParameter"],
        "args": None,
    },
    "ArtifactLocation": {
        "s3": None,
        "inline": None,
        "file": None,
        "url": None,
        "configmap": None,
        "git": None,
        "resource": None,
    },
    "TriggerParameter": {"src": None, "dest": None, "operation": None},
}
SENSOR_SPEC_TYPE = "SensorSpec"

# argo-workflows pkg/apis/workflow/v1alpha1/workflow_event_binding_types.go
EVENT_BINDING_FIELDS: dict[str, dict[str, Any]] = {
    "WorkflowEventBindingSpec": {"event": "Event", "submit": "Submit"},
    "Event": {"selector": None},
    "Submit": {
        "workflowTemplateRef": "WorkflowTemplateRef",
        "metadata": None,
        "arguments": None,
    },
    "WorkflowTemplateRef": {"name": None, "clusterScope": None},
}
EVENT_BINDING_SPEC_TYPE = "WorkflowEventBindingSpec"

# --- what a k8s trigger may create -------------------------------------------------------
# API groups and kinds a trigger may never write (create, update, patch or delete): who may
# do what (RBAC), what changes every object admitted (admission), what the API is (CRDs).
FORBIDDEN_GROUPS = {
    "rbac.authorization.k8s.io": "RBAC",
    "admissionregistration.k8s.io": "admission control",
    "apiextensions.k8s.io": "API definitions (CRDs)",
}

# Workloads a trigger may create from a fixed spec: where their pod spec is. Event data may
# only fill values inside it (see POD_SPEC_VALUE_PATHS).
WORKLOAD_POD_SPEC_PATHS = {
    ("", "pod"): ("spec",),
    ("batch", "job"): ("spec", "template", "spec"),
}
# Inside a pod spec, the paths a parameter may write (an int stands for a list index;
# `-1` appends), each a value that does not change what runs or as whom.
CONTAINER_LISTS = ("containers", "initContainers")
CONTAINER_VALUE_PATHS = (("env", int, "value"), ("args",), ("args", int))
# Only outside the Argo namespaces: which Secret / ConfigMap a volume mounts (inside them, a
# Secret named by event data could be another account's token).
VOLUME_SOURCE_PATHS = (
    ("volumes", int, "secret", "secretName"),
    ("volumes", int, "configMap", "name"),
)
# Object metadata a parameter may fill.
METADATA_VALUE_KEYS = ("name", "generateName", "labels", "annotations")

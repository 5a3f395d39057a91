"""Argo's and Kubernetes' facts the WorkflowTemplate rules rely on, as tables."""

from __future__ import annotations

import re

API_VERSION = "argoproj.io/v1alpha1"
KIND = "WorkflowTemplate"
# The prefix of the labels and annotations the controller writes on every pod it creates:
# which workflow and node the pod is (`workflows.argoproj.io/workflow`, `.../node-id`,
# `.../node-name`), whether it completed, which controller instance owns it, how it is
# garbage-collected. It copies the workflow's podMetadata and the template's metadata over
# them afterwards (workflow/controller/workflowpod.go, createWorkflowPod then addMetadata),
# so a template may not write under it.
CONTROLLER_POD_METADATA_PREFIX = "workflows.argoproj.io/"
# Except the pod's initial progress, which Argo documents for template metadata and reads
# back when it creates the pod (docs/progress.md; createWorkflowPod).
TEMPLATE_POD_ANNOTATIONS = frozenset({"workflows.argoproj.io/progress"})
# The Workflow object carries labels of the same prefix that the server and the controller
# own (who created it and who acted on it, its phase, whether it completed, the controller
# instance, the template it came from: workflow/common/common.go), and the controller
# writes `spec.workflowMetadata` over them (workflow/controller/operator.go,
# updateWorkflowMetadata). Of its annotations Argo documents two for users, the UI's title
# and description (docs/title-and-description.md).
WORKFLOW_ANNOTATIONS = frozenset(
    {"workflows.argoproj.io/title", "workflows.argoproj.io/description"}
)
# The schema root of a podSpecPatch: the controller decodes each patch into an apiv1.PodSpec
# (workflow/util/util.go ApplyPodSpecPatch), so the Kubernetes definition is its schema.
POD_SPEC_PATCH = "PodSpec"
DESCRIPTION_ANNOTATION = "workflows.argoproj.io/description"
DOCUMENT_KEYS = ("apiVersion", "kind", "metadata", "spec")

# Metadata the API server sets; copied from `kubectl get -o yaml` it breaks the apply.
SERVER_SET_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "selfLink",
)

# Workflows submitted from a WorkflowTemplate carry its name in a label, and label values
# are at most 63 characters (workflow/validate/validate.go, maxCharsInObjectName).
NAME_MAX = 63
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")

# A template sets exactly one of these (validate.go, validateTemplateType).
TEMPLATE_TYPES = (
    "container",
    "containerSet",
    "dag",
    "data",
    "http",
    "plugin",
    "resource",
    "script",
    "steps",
    "suspend",
)
NON_LEAF_TYPES = ("steps", "dag")
# Fields of leaf templates only (validate.go, validateTemplate; pendingTimeout since v4.1,
# argo-workflows#12762).
LEAF_ONLY_FIELDS = ("activeDeadlineSeconds", "timeout", "pendingTimeout")
# Types whose node never has `outputs.result` nor `exitCode`: only a template with an output
# (container, script, containerSet with `main`, data, http, plugin) has them
# (validate.go addOutputsToScope, pkg/apis/workflow/v1alpha1 Template.HasOutput).
RESULTLESS_TYPES = ("resource", "suspend", "steps", "dag")
# Types whose pod runs the `main` container the controller's mainContainer defaults reach.
POD_TYPES = ("container", "containerSet", "script", "resource", "data")
# A step or DAG task calls exactly one of these (validate.go, validateTemplateHolder).
CALL_KEYS = ("template", "templateRef", "inline")
LOOP_KEYS = ("withItems", "withParam", "withSequence")

# Names of templates, steps, tasks and containers (validate.go, isValidWorkflowFieldName).
FIELD_NAME = re.compile(r"^[a-zA-Z0-9][-a-zA-Z0-9]*$")
FIELD_NAME_MAX = 128
FIELD_NAME_RULE = (
    "alphanumeric characters or '-', starting with an alphanumeric character, "
    f"at most {FIELD_NAME_MAX} characters"
)
# Names of parameters and artifacts (validate.go, isValidParamOrArtifactName).
PARAM_NAME = re.compile(r"^[-a-zA-Z0-9_]+$")
PARAM_NAME_RULE = "alphanumeric characters, '_' or '-'"

# Containers Argo adds to every pod under these names (workflow/common/common.go).
RESERVED_CONTAINER_NAMES = ("main", "wait", "init")

# Actions that need no manifest (validate.go, validateLeaf).
ACTIONS_WITHOUT_MANIFEST = ("get", "delete")

# The tasks' result states a `depends` expression may test (workflow/common/ancestry.go).
DEPENDS_RESULTS = (
    "Succeeded",
    "Failed",
    "Errored",
    "Skipped",
    "Omitted",
    "Daemoned",
    "AnySucceeded",
    "AllFailed",
)
ITEM_RESULTS = ("AnySucceeded", "AllFailed")

# Prometheus metric names (workflow/metrics, IsValidMetricName).
METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
METRIC_TYPES = ("gauge", "histogram", "counter")

# Variables: Argo checks tags with these prefixes only (workflow/common/common.go,
# GlobalVarValidWorkflowVariablePrefix); other tags are left to run time.
CHECKED_VARIABLE_PREFIXES = (
    "item.",
    "steps.",
    "inputs.",
    "outputs.",
    "pod.",
    "workflow.",
    "tasks.",
)
# Global variables known when a template is validated (validate.go, newTemplateValidationCtx
# and ValidateWorkflow, and resolveAllVariables's exceptions).
GLOBAL_VARIABLES = frozenset(
    {
        "workflow.name",
        "workflow.namespace",
        "workflow.mainEntrypoint",
        "workflow.serviceAccountName",
        "workflow.uid",
        "workflow.status",
        "workflow.failures",
        "workflow.priority",
        "workflow.duration",
        "workflow.annotations",
        "workflow.annotations.json",
        "workflow.labels",
        "workflow.labels.json",
        "workflow.parameters",
        "workflow.parameters.json",
    }
)
GLOBAL_VARIABLE_PREFIXES = (
    "workflow.creationTimestamp",
    "workflow.scheduledTime",
    "workflow.annotations.",
    "workflow.labels.",
    "workflow.outputs.",
)
# What a step or task exposes to the ones after it (validate.go, addOutputsToScope).
NODE_ATTRIBUTES = frozenset(
    {"id", "startedAt", "finishedAt", "hostNodeName", "ip", "status", "exitCode", "name"}
)

# Go's time.ParseDuration: a sequence of decimal numbers with units.
GO_DURATION = re.compile(
    r"^[-+]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))*$"
)

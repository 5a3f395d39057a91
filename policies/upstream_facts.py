"""Upstream facts the rules depend on (Argo Workflows, Argo Events, pulumi-kubernetes).

Only tables live here; the rules that use them are in the *_rules modules.
"""

from __future__ import annotations

ARGO_GROUP = "argoproj.io"

WORKFLOW = "Workflow"
CRON_WORKFLOW = "CronWorkflow"
WORKFLOW_TEMPLATE = "WorkflowTemplate"
CLUSTER_WORKFLOW_TEMPLATE = "ClusterWorkflowTemplate"
SENSOR = "Sensor"

# Argo kinds the pack has a rule for (all in group argoproj.io).
GUARDED_KINDS = frozenset(
    {WORKFLOW, CRON_WORKFLOW, WORKFLOW_TEMPLATE, CLUSTER_WORKFLOW_TEMPLATE, SENSOR}
)

# pulumi-kubernetes registers a server-side-apply patch of kind K as type
# `kubernetes:<apiVersion>:<K>Patch` (apiextensions.CustomResourcePatch, ConfigMapPatch, ...).
PATCH_SUFFIX = "Patch"

# The spec fields a submitted Workflow may set when the controller runs with
# workflowRestrictions.templateReferencing Strict or Secure, since Argo Workflows
# v3.7.14 / v4.0.5 (the controller's default WORKFLOW_USER_OVERRIDE_ALLOWLIST; the
# controller env var of that name extends it, the pack config extraAllowedWorkflowFields
# mirrors that extension).
STRICT_WORKFLOW_SPEC_FIELDS = frozenset(
    {
        "arguments",
        "entrypoint",
        "shutdown",
        "suspend",
        "activeDeadlineSeconds",
        "priority",
        "ttlStrategy",
        "podGC",
        "volumeClaimGC",
        "archiveLogs",
        "workflowMetadata",
        "workflowTemplateRef",
        "metrics",
        "artifactGC",
    }
)

# workflow-controller-configmap: workflowRestrictions.templateReferencing values that make
# the controller run only Workflows that reference a WorkflowTemplate.
ENFORCING_TEMPLATE_REFERENCING = ("Strict", "Secure")
# The controller reads either one key per setting, each a YAML document in a string, or
# every setting under this single key.
CONTROLLER_CONFIG_ALL_IN_ONE_KEY = "config"
CONTROLLER_CONFIG_RESTRICTIONS_KEY = "workflowRestrictions"

# --- Argo Events Sensor triggers (argo-events pkg/apis/events/v1alpha1/sensor_types.go) ---
# TriggerTemplate keys of the two triggers that can create Argo Workflows.
K8S_TRIGGER = "k8s"
ARGO_WORKFLOW_TRIGGER = "argoWorkflow"
# StandardK8STrigger.operation: create (the default), update, patch, delete.
K8S_DELETE_OPERATION = "delete"
# ArgoWorkflowTrigger.operation (default submit). `submit` runs `argo submit <resource>`;
# `submit-from` runs `argo submit --from <kind>/<name>` and accepts only these kinds
# (argo-events pkg/sensors/triggers/argo-workflow/argo-workflow.go). The other operations
# (resubmit, resume, retry, suspend, terminate, stop) act on an existing Workflow by name.
ARGO_SUBMIT = "submit"
ARGO_SUBMIT_FROM = "submit-from"
SUBMIT_FROM_KINDS = frozenset({WORKFLOW_TEMPLATE, CRON_WORKFLOW})
# ArtifactLocation members the pack can read at deploy time; the others (s3, file, url,
# configmap, git) are fetched by the sensor at run time.
READABLE_TRIGGER_SOURCES = ("resource", "inline")

# ArgoWorkflowTrigger.args are appended to the `argo submit` command line. These flags
# only touch arguments, entrypoint, priority, metadata or the CLI's own output (argo
# docs/cli/argo_submit.md); any other flag (e.g. --serviceaccount, --from, -n) or extra
# positional argument (another manifest file) changes what gets submitted.
SUBMIT_FLAGS_WITH_VALUE = frozenset(
    {
        "--entrypoint",
        "-p",
        "--parameter",
        "-f",
        "--parameter-file",
        "--priority",
        "-l",
        "--labels",
        "--name",
        "--generate-name",
        "-o",
        "--output",
    }
)
SUBMIT_FLAGS_WITHOUT_VALUE = frozenset(
    {"--log", "-w", "--wait", "--watch", "--strict", "--dry-run", "--server-dry-run"}
)

# --- pulumi-kubernetes raw manifest components (input property names) ---
# yaml (v1): ConfigGroup(files, yaml: list[str], objs), ConfigFile(file)
# yaml/v2:   ConfigGroup(files, yaml: str, objs), ConfigFile(file)
RAW_MANIFEST_TYPES = frozenset(
    {
        "kubernetes:yaml:ConfigGroup",
        "kubernetes:yaml:ConfigFile",
        "kubernetes:yaml/v2:ConfigGroup",
        "kubernetes:yaml/v2:ConfigFile",
    }
)
RAW_YAML_INPUT = "yaml"
RAW_OBJS_INPUT = "objs"

# --- Kubernetes built-ins the stack policies read ---
RBAC_GROUP = "rbac.authorization.k8s.io"
CONFIG_MAP = "ConfigMap"
CLUSTER_ROLE = "ClusterRole"
CLUSTER_ROLE_BINDING = "ClusterRoleBinding"
ROLE_BINDING = "RoleBinding"
# RBAC subjects that include a service account without naming it.
ALL_SERVICE_ACCOUNTS_GROUP = "system:serviceaccounts"
ALL_AUTHENTICATED_GROUP = "system:authenticated"
SERVICE_ACCOUNT_USER_PREFIX = "system:serviceaccount:"

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

# --- Classifying pulumi-kubernetes resources (item: type tokens lie) ---
# The provider creates the object its properties describe: Create and Update send the
# inputs' own apiVersion/kind (provider/pkg/provider/provider.go uses the type token only
# for deprecation warnings and default-namespace scoping, `gvkFromURN`), and a token ending
# in `Patch` makes it a server-side-apply patch (provider/pkg/kinds, `IsPatchURN`).
CORE_MODULE_PREFIX = "core/"
LIST_SUFFIX = "List"
# Tokens whose inputs are not one object: the provider's components (their objects are
# registered as children, or read from inline inputs by raw_manifests) and the Helm
# Release (provider/pkg/provider/provider.go `isHelmRelease`). Any other `kubernetes:`
# token is an object, whatever its module.
HELM_RELEASE_TYPE = "kubernetes:helm.sh/v3:Release"
NOT_OBJECT_TYPES = frozenset(
    {
        HELM_RELEASE_TYPE,
        "kubernetes:helm.sh/v3:Chart",
        "kubernetes:helm.sh/v4:Chart",
        "kubernetes:kustomize:Directory",
        "kubernetes:kustomize/v2:Directory",
    }
)
WORKFLOW_EVENT_BINDING = "WorkflowEventBinding"
# Kinds whose objects are Workflow-like: their `status` is input (no status subresource,
# argo-workflows manifests/base/crds: Workflow, CronWorkflow, WorkflowTemplate,
# ClusterWorkflowTemplate), and a pre-filled status.storedWorkflowTemplateSpec /
# storedTemplates is what the controller runs (workflow/templateresolution).
STATUS_IS_INPUT_KINDS = frozenset(
    {WORKFLOW, CRON_WORKFLOW, WORKFLOW_TEMPLATE, CLUSTER_WORKFLOW_TEMPLATE}
)
# Kinds whose keys Argo decodes with Go's case-insensitive encoding/json.
CANONICALIZED_KINDS = frozenset(
    {WORKFLOW, CRON_WORKFLOW, WORKFLOW_TEMPLATE, CLUSTER_WORKFLOW_TEMPLATE, WORKFLOW_EVENT_BINDING}
)

# --- Run-time refusals of the controller next to a workflowTemplateRef ---
# workflow/util/merge.go artifactGCOverrideViolations: refused even when
# WORKFLOW_USER_OVERRIDE_ALLOWLIST re-opens other fields (argo-workflows#16345).
ARTIFACT_GC_REFUSED_FIELDS = ("serviceAccountName", "podSpecPatch", "podMetadata")

# Workflow spec fields pack config (extraAllowedWorkflowFields) may add to the Strict
# allow-list: scheduling knobs only. Everything else (templates, templateDefaults, hooks,
# onExit, podSpecPatch, serviceAccountName, volumes, securityContext, executor, ...)
# changes what runs and can never be re-allowed.
EXTRA_ALLOWABLE_WORKFLOW_FIELDS = (
    "nodeSelector",
    "tolerations",
    "affinity",
    "schedulerName",
    "podPriorityClassName",
    "parallelism",
    "podDisruptionBudget",
)

# --- The install: controller and server (cmd/workflow-controller, cmd/argo/commands/server) ---
CONTROLLER_BINARY = "workflow-controller"
CONTROLLER_IMAGE = "workflow-controller"
SERVER_IMAGE = "argocli"
SERVER_COMMAND = "server"
FLAG_NAMESPACED = "--namespaced"
FLAG_MANAGED_NAMESPACE = "--managed-namespace"
FLAG_CONFIGMAP = "--configmap"
FLAG_EXECUTOR_IMAGE = "--executor-image"
EXECUTOR_IMAGE = "argoexec"
# The program runs the executor's `-nonroot` variant of the release.
EXECUTOR_TAG_SUFFIX = "-nonroot"
# The controller's flags that only tune it (cmd/workflow-controller/main.go): logging,
# worker counts and the API client's rate. Any other flag (--executor-plugins, the
# kubeconfig and client flags, ...) changes what the controller runs or where.
CONTROLLER_TUNING_FLAGS = frozenset(
    {
        "--loglevel",
        "--gloglevel",
        "--log-format",
        "--workflow-workers",
        "--workflow-ttl-workers",
        "--pod-cleanup-workers",
        "--cron-workflow-workers",
        "--workflow-archive-workers",
        "--burst",
        "--qps",
        "--executor-image-pull-policy",
    }
)
# The Argo Server's flags besides --namespaced, --managed-namespace and --configmap
# (cmd/argo/commands/server.go): how it serves and logs. Any other flag (the kubeconfig
# and client flags, `--as` impersonation, ...) changes whom it acts as or where.
SERVER_FLAGS = frozenset(
    {
        "--auth-mode",
        "--secure",
        "--tls-certificate-secret-name",
        "--hsts",
        "--base-href",
        "--basehref",
        "--port",
        "--x-frame-options",
        "--access-control-allow-origin",
        "--api-rate-limit",
        "--allowed-link-protocol",
        "--log-format",
        "--loglevel",
        "--gloglevel",
        "--kube-api-qps",
        "--kube-api-burst",
        "--event-operation-queue-size",
        "--event-worker-count",
        "--event-async-dispatch",
    }
)
# Both binaries default --configmap to this name.
DEFAULT_CONFIGMAP = "workflow-controller-configmap"
# Both binaries take each of their flags from the environment too: viper binds every flag
# to ARGO_<FLAG> (upper case, "-" as "_") and sets it from there where the command line
# does not give it (cmd/workflow-controller/main.go, cmd/argo/commands/server.go and
# root.go: BindPFlags and the "workaround for handling required flags"). The Argo Server
# runs the argo CLI, whose root command binds the kubectl client flags
# (cmd/argo/commands/client/conn.go AddKubectlFlagsToCmd, client-go clientcmd
# RecommendedConfigOverrideFlags) and the API client flags the same way. Those flags change
# which cluster either binary talks to and as whom, so their env names are refused with
# the flags themselves.
KUBECTL_CLIENT_FLAGS = frozenset(
    {
        "--kubeconfig",
        "--context",
        "--cluster",
        "--user",
        "--namespace",
        "--server",
        "--tls-server-name",
        "--insecure-skip-tls-verify",
        "--certificate-authority",
        "--client-certificate",
        "--client-key",
        "--token",
        "--as",
        "--as-group",
        "--as-uid",
        "--username",
        "--password",
        "--request-timeout",
        "--proxy-url",
        "--disable-compression",
    }
)
# The argo CLI's API client flags (conn.go AddAPIClientFlagsToCmd), but --secure, which is
# also the server's own flag (SERVER_FLAGS); Namespace() there reads ARGO_NAMESPACE too.
ARGO_API_CLIENT_FLAGS = frozenset(
    {
        "--instanceid",
        "--argo-server",
        "--argo-base-href",
        "--argo-http1",
        "--header",
        "--insecure-skip-verify",
    }
)


def flag_env(flag: str) -> str:
    """The environment variable viper reads for a flag: --as-group -> ARGO_AS_GROUP."""
    return "ARGO_" + flag.removeprefix("--").upper().replace("-", "_").replace(".", "_")


# Env that widens what users may change, or sets a flag the pack refuses or checks on the
# command line: WORKFLOW_USER_OVERRIDE_ALLOWLIST (workflow/util/merge.go),
# ARGO_EXECUTOR_PLUGINS (plugin sidecars from ConfigMaps, docs/executor_plugins.md), the
# install's own flags, the executor image and the client flags above.
WIDENING_ENV = frozenset(
    {
        "WORKFLOW_USER_OVERRIDE_ALLOWLIST",
        *(
            flag_env(flag)
            for flag in (
                "--executor-plugins",
                FLAG_NAMESPACED,
                FLAG_MANAGED_NAMESPACE,
                FLAG_CONFIGMAP,
                FLAG_EXECUTOR_IMAGE,
                *KUBECTL_CLIENT_FLAGS,
                *ARGO_API_CLIENT_FLAGS,
            )
        ),
    }
)
APPS_GROUP = "apps"
BATCH_GROUP = "batch"
DEPLOYMENT = "Deployment"
# Workloads and where their pod spec sits.
WORKLOAD_POD_SPECS: dict[tuple[str, str], tuple[str, ...]] = {
    (APPS_GROUP, DEPLOYMENT): ("spec", "template", "spec"),
    (APPS_GROUP, "StatefulSet"): ("spec", "template", "spec"),
    (APPS_GROUP, "DaemonSet"): ("spec", "template", "spec"),
    (APPS_GROUP, "ReplicaSet"): ("spec", "template", "spec"),
    ("", "ReplicationController"): ("spec", "template", "spec"),
    (BATCH_GROUP, "Job"): ("spec", "template", "spec"),
    (BATCH_GROUP, "CronJob"): ("spec", "jobTemplate", "spec", "template", "spec"),
    ("", "Pod"): ("spec",),
    ("", "PodTemplate"): ("template", "spec"),
}
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")

# --- CRDs ---
APIEXTENSIONS_GROUP = "apiextensions.k8s.io"
CUSTOM_RESOURCE_DEFINITION = "CustomResourceDefinition"
# The eight Argo Workflows CRDs (plural.group).
ARGO_WORKFLOWS_CRDS = frozenset(
    f"{plural}.{ARGO_GROUP}"
    for plural in (
        "workflows",
        "workflowtemplates",
        "clusterworkflowtemplates",
        "cronworkflows",
        "workfloweventbindings",
        "workflowtasksets",
        "workflowtaskresults",
        "workflowartifactgctasks",
    )
)
ARGO_WORKFLOWS_KINDS = frozenset(
    {
        WORKFLOW,
        WORKFLOW_TEMPLATE,
        CLUSTER_WORKFLOW_TEMPLATE,
        CRON_WORKFLOW,
        WORKFLOW_EVENT_BINDING,
        "WorkflowTaskSet",
        "WorkflowTaskResult",
        "WorkflowArtifactGCTask",
    }
)

# --- Admission that can rewrite workflow pods ---
ADMISSION_GROUP = "admissionregistration.k8s.io"
MUTATING_WEBHOOK_CONFIGURATION = "MutatingWebhookConfiguration"
MUTATING_ADMISSION_POLICY = "MutatingAdmissionPolicy"
MUTATING_ADMISSION_POLICY_BINDING = "MutatingAdmissionPolicyBinding"
# The API server labels every namespace with its name (Kubernetes 1.22+).
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
NAMESPACE = "Namespace"
POD_SECURITY_ENFORCE_LABEL = "pod-security.kubernetes.io/enforce"

# --- workflow-controller-configmap as the controller reads it (config/controller.go
# parseConfigMap: one `config` key alone, or every key written out as `key: value` into
# one YAML document, then sigs.k8s.io/yaml -> JSON -> Go structs) ---
CONTROLLER_CONFIG_TYPE = "ControllerConfig"
CONTROLLER_CONFIG_DEFAULTS_KEY = "workflowDefaults"
# What workflowDefaults.spec may hold: it is merged under every Workflow (workflow/util
# JoinWorkflowSpec), so anything that changes what runs (templates, templateDefaults with
# a container, hooks, onExit, podSpecPatch, podMetadata, volumes, executor,
# artifactRepositoryRef, dnsConfig, hostNetwork, ...) is refused. serviceAccountName must
# be the install's workflow account; securityContext must keep pods non-root.
WORKFLOW_DEFAULTS_SPEC_FIELDS = frozenset(
    {
        "arguments",
        "entrypoint",
        "activeDeadlineSeconds",
        "priority",
        "ttlStrategy",
        "podGC",
        "volumeClaimGC",
        "archiveLogs",
        "workflowMetadata",
        "metrics",
        "artifactGC",
        "retryStrategy",
        "synchronization",
        "parallelism",
        "nodeSelector",
        "tolerations",
        "affinity",
        "schedulerName",
        "podPriorityClassName",
        "podDisruptionBudget",
        "imagePullSecrets",
        "automountServiceAccountToken",
        "serviceAccountName",
        "securityContext",
        "templateDefaults",
        "executor",
    }
)
# workflowDefaults.spec.executor: only the account the executor (init / wait containers)
# runs as, which must be one the stack binds to the executor role.
WORKFLOW_DEFAULTS_EXECUTOR_FIELDS = frozenset({"serviceAccountName"})
# workflowDefaults.spec.artifactGC (wfv1.WorkflowLevelArtifactGC): when and as whom every
# workflow's artifact GC pods run. Not its podSpecPatch or podMetadata: the controller
# applies them to every GC pod, which mounts the artifact repository's credentials
# (workflow/controller/artifact_gc.go, createArtifactGCPod), so a patch could swap the
# image and command that run with them.
WORKFLOW_DEFAULTS_ARTIFACT_GC_FIELDS = frozenset(
    {"strategy", "serviceAccountName", "forceFinalizerRemoval"}
)
# The controller ConfigMap's `mainContainer` and `executor` (each an apiv1.Container) are
# merged under every main container and every init / wait container
# (workflow/controller/workflowpod.go, newWaitContainer / newInitContainer). Only what
# limits a container may be set there: no command, args, image, env, lifecycle hooks,
# probes, ports or volume mounts, all of which change what runs.
CONTAINER_DEFAULTS_FIELDS = frozenset({"securityContext", "resources", "imagePullPolicy"})
# `executor.args` go before the init / wait command of argoexec (workflowpod.go,
# newExecContainer): only its logging flags, each with its value.
EXECUTOR_ARGS_FLAGS = frozenset({"--loglevel", "--gloglevel", "--log-format"})
# templateDefaults is merged under every template: only limits, never something to run.
TEMPLATE_DEFAULTS_FIELDS = frozenset(
    {"activeDeadlineSeconds", "timeout", "retryStrategy", "failFast", "parallelism"}
)

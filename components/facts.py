"""Upstream facts the install is built from, kept apart from the logic that uses them.

Sources: argoproj/argo-workflows `manifests/base/crds`, `manifests/cluster-install`
RBAC, `workflow/controller` and `server/` code; see each table's comment.
"""

from __future__ import annotations

from dataclasses import dataclass

ARGO_GROUP = "argoproj.io"
ARGO_VERSION = "v1alpha1"

# Images: argo-server runs `argocli` with the `server` argument; the controller is told
# which executor image to inject with `--executor-image`, in its `-nonroot` variant (the
# image's user is 8737, so Pod Security "restricted" holds without relying on runAsUser).
CONTROLLER_IMAGE = "workflow-controller"
SERVER_IMAGE = "argocli"
EXECUTOR_IMAGE = "argoexec"
EXECUTOR_TAG_SUFFIX = "-nonroot"

# Oldest release whose namespaced controller and server probe cluster-scoped access
# with SelfSubjectAccessReview and skip the feature instead of hanging without it
# (argo-workflows#14688, #15071; argo-helm#3398).
MINIMUM_VERSION = (3, 7, 14)

# Names upstream code expects.
CONTROLLER_SERVICE_ACCOUNT = "argo"
SERVER_SERVICE_ACCOUNT = "argo-server"
CONTROLLER_CONFIGMAP = "workflow-controller-configmap"
CONTROLLER_LEASE = "workflow-controller"
CONTROLLER_PRIORITY_CLASS = "workflow-controller"
CONTROLLER_PRIORITY = 1_000_000
SERVER_SSO_STATE_SECRET = "sso"  # created by argo-server on first start (server/auth/sso)
AGENT_CA_SECRET = "argo-workflows-agent-ca-certificates"
# The ConfigMap the controller and server read artifact repositories from, in the
# workflow's namespace (workflow/artifactrepositories/artifactrepositories.go).
ARTIFACT_REPOSITORIES_CONFIGMAP = "artifact-repositories"
# Cluster-scoped objects carry the install's control namespace in their name, so two
# installs on one cluster never share (and overwrite) one (see cluster_scoped_name).
CONTROLLER_CLUSTER_ROLE = "argo-workflows-controller"
SERVER_CLUSTER_ROLE = "argo-workflows-server"
EXECUTOR_ROLE = "executor"
AGENT_ROLE = "argo-workflows-agent"
# Roles of the access levels, in the managed namespace.
VIEWER_ROLE = "argo-workflows-viewer"
SUBMITTER_ROLE = "argo-workflows-submitter"

# SSO RBAC (server/auth/gatekeeper.go): the server picks, among the managed namespace's
# service accounts carrying RBAC_RULE_ANNOTATION, the one of highest
# RBAC_PRECEDENCE_ANNOTATION whose rule (an expr expression over the ID token's claims)
# is true, and acts with the token in its Secret `<sa>.service-account-token`
# (util/secrets/secret_name.go, TokenName).
RBAC_RULE_ANNOTATION = "workflows.argoproj.io/rbac-rule"
RBAC_PRECEDENCE_ANNOTATION = "workflows.argoproj.io/rbac-rule-precedence"
SERVICE_ACCOUNT_TOKEN_SUFFIX = ".service-account-token"
# Kubernetes fills a Secret of this type with a token of the account it names
# (kubernetes.io/service-account.name); since 1.24 it no longer creates one by itself.
SERVICE_ACCOUNT_TOKEN_TYPE = "kubernetes.io/service-account-token"
SERVICE_ACCOUNT_NAME_ANNOTATION = "kubernetes.io/service-account.name"


def token_secret_name(service_account: str) -> str:
    """The Secret Argo reads a service account's token from (util/secrets, TokenName)."""
    return f"{service_account}{SERVICE_ACCOUNT_TOKEN_SUFFIX}"


def cluster_scoped_name(base: str, control_namespace: str) -> str:
    """A cluster-scoped object's name, unique per install (one install per control namespace)."""
    return f"{base}-{control_namespace}"


SERVER_PORT = 2746
CONTROLLER_METRICS_PORT = 9090
CONTROLLER_HEALTH_PORT = 6060

# UID the upstream images run as (Dockerfile `USER 8737`).
ARGO_UID = 8737


@dataclass(frozen=True)
class PrinterColumn:
    name: str
    type: str
    json_path: str
    description: str
    format: str = ""


@dataclass(frozen=True)
class CrdFact:
    kind: str
    plural: str
    short_names: tuple[str, ...]
    cluster_scoped: bool = False
    status_subresource: bool = False
    # Top-level fields written outside `spec`/`status`; the schema must keep them or
    # the API server prunes them (WorkflowTaskResult has no spec).
    top_level_fields: tuple[tuple[str, str], ...] = ()
    has_spec: bool = True
    printer_columns: tuple[PrinterColumn, ...] = ()


# `kubectl get workflows` columns, as upstream declares them
# (pkg/apis/workflow/v1alpha1/workflow_types.go, +kubebuilder:printcolumn).
WORKFLOW_PRINTER_COLUMNS = (
    PrinterColumn("Status", "string", ".status.phase", "Status of the workflow"),
    PrinterColumn("Age", "date", ".status.startedAt", "When the workflow was started", "date-time"),
    PrinterColumn(
        "Message",
        "string",
        ".status.message",
        "Human readable message indicating details about why the workflow is in this condition.",
    ),
)


# manifests/base/crds/minimal/*.yaml in argo-workflows: group argoproj.io, one version
# v1alpha1 served and stored.
CRDS: tuple[CrdFact, ...] = (
    CrdFact("Workflow", "workflows", ("wf",), printer_columns=WORKFLOW_PRINTER_COLUMNS),
    CrdFact("WorkflowTemplate", "workflowtemplates", ("wftmpl",)),
    CrdFact(
        "ClusterWorkflowTemplate",
        "clusterworkflowtemplates",
        ("clusterwftmpl", "cwft"),
        cluster_scoped=True,
    ),
    CrdFact("CronWorkflow", "cronworkflows", ("cwf", "cronwf")),
    CrdFact("WorkflowEventBinding", "workfloweventbindings", ("wfeb",)),
    CrdFact("WorkflowTaskSet", "workflowtasksets", ("wfts",), status_subresource=True),
    CrdFact(
        "WorkflowTaskResult",
        "workflowtaskresults",
        (),
        has_spec=False,
        top_level_fields=(
            ("message", "string"),
            ("outputs", "object"),
            ("phase", "string"),
            ("progress", "string"),
        ),
    ),
    CrdFact(
        "WorkflowArtifactGCTask",
        "workflowartifactgctasks",
        ("wfat",),
        status_subresource=True,
    ),
)


@dataclass(frozen=True)
class Permission:
    """One RBAC rule: API group, resources, verbs, optional resource names, and the
    upstream code path of the call that needs it."""

    api_group: str
    resources: tuple[str, ...]
    verbs: tuple[str, ...]
    resource_names: tuple[str, ...] = ()
    source: str = ""


_CRUD = ("create", "get", "list", "watch", "update", "patch", "delete")
_READ = ("get", "list", "watch")

# --- workflow controller ----------------------------------------------------------------
# In its own namespace. The ConfigMap is read by name and watched with a
# `metadata.name=` field selector (config/controller.go), so list/watch narrow by name too.
CONTROLLER_CONTROL_PERMISSIONS: tuple[Permission, ...] = (
    Permission("", ("configmaps",), _READ, (CONTROLLER_CONFIGMAP,), "config/controller.go"),
    # Leader election (cmd/workflow-controller/main.go, client-go leaderelection);
    # `create` can never be narrowed by resourceNames.
    Permission("coordination.k8s.io", ("leases",), ("create",), (), "cmd/workflow-controller"),
    Permission(
        "coordination.k8s.io",
        ("leases",),
        ("get", "update"),
        (CONTROLLER_LEASE,),
        "cmd/workflow-controller",
    ),
    Permission("", ("events",), ("create", "patch"), (), "client-go leaderelection events"),
)

# In the managed namespace (workflow/controller informers and pod/PVC/PDB handling;
# manifests/cluster-install/workflow-controller-rbac). pods/exec: the controller signals
# containers by exec (workflow/signal/signal.go).
CONTROLLER_MANAGED_PERMISSIONS: tuple[Permission, ...] = (
    Permission(
        "",
        ("pods", "pods/exec"),
        ("create", "get", "list", "watch", "update", "patch", "delete"),
        (),
        "workflow/controller/workflowpod.go, workflow/signal/signal.go",
    ),
    # Informer of parameter and cache ConfigMaps (workflow/controller/controller.go).
    Permission("", ("configmaps",), _READ, (), "workflow/controller/controller.go"),
    Permission(
        "",
        ("persistentvolumeclaims", "persistentvolumeclaims/finalizers"),
        ("create", "update", "delete", "get"),
        (),
        "workflow/controller/operator.go (volumeClaimTemplates)",
    ),
    Permission(
        ARGO_GROUP,
        (
            "workflows",
            "workflows/finalizers",
            "workflowtasksets",
            "workflowtasksets/finalizers",
            "workflowartifactgctasks",
        ),
        _CRUD,
        (),
        "workflow/controller/controller.go, agent.go, artifact_gc.go",
    ),
    Permission(
        ARGO_GROUP,
        ("workflowtemplates", "workflowtemplates/finalizers"),
        _READ,
        (),
        "workflow/controller/controller.go (template informer)",
    ),
    Permission(
        ARGO_GROUP,
        ("workflowtaskresults",),
        ("list", "watch", "deletecollection"),
        (),
        "workflow/controller/taskresult.go",
    ),
    # The executor's token Secret name is read from its service account
    # (workflow/controller/workflowpod.go, getServiceAccountTokenName).
    Permission("", ("serviceaccounts",), ("get", "list"), (), "workflow/controller/workflowpod.go"),
    Permission(
        ARGO_GROUP,
        ("cronworkflows", "cronworkflows/finalizers"),
        ("get", "list", "watch", "update", "patch", "delete"),
        (),
        "workflow/cron/controller.go",
    ),
    Permission("", ("events",), ("create", "patch"), (), "workflow/controller (event recorder)"),
    Permission(
        "policy",
        ("poddisruptionbudgets",),
        ("create", "get", "delete"),
        (),
        "workflow/controller/operator.go (podDisruptionBudget)",
    ),
    # The agent CA certificates, mounted into agent pods when present
    # (workflow/controller/agent.go, getCertVolumeMount).
    Permission("", ("secrets",), ("get",), (AGENT_CA_SECRET,), "workflow/controller/agent.go"),
)

# Memoization caches are ConfigMaps of the workflow's namespace (GetCache scopes them to
# it: workflow/controller/cache/cache.go): read, created and updated on save
# (cache/configmap_cache.go), updated or deleted by the cache GC (cache_gc.go).
MEMOIZATION_SOURCE = "workflow/controller/cache/configmap_cache.go, cache_gc.go"
MEMOIZATION_NAMED_VERBS = ("get", "update", "delete")

# --- argo-server, its own account ------------------------------------------------------
# In its own namespace: the controller ConfigMap (config/controller.go), the SSO client
# Secret(s) and its `sso` state Secret (server/auth/sso/sso.go), the TLS Secret
# (cmd/argo/commands/server.go); names are added per stack.
SERVER_CONFIGMAP_SOURCE = "config/controller.go"
SERVER_SECRETS_SOURCE = "server/auth/sso/sso.go, cmd/argo/commands/server.go"
SERVER_SSO_STATE_CREATE_SOURCE = "server/auth/sso/sso.go (creates Secret sso)"

# In the managed namespace, whatever the auth mode (server/apiserver/argoserver.go):
SERVER_MANAGED_PERMISSIONS: tuple[Permission, ...] = (
    # The live-workflow store's reflector (server/workflow/workflow_server.go).
    Permission(
        ARGO_GROUP, ("workflows",), ("list", "watch"), (), "server/workflow/workflow_server.go"
    ),
    # The template store (server/workflowtemplate/informer.go).
    Permission(
        ARGO_GROUP,
        ("workflowtemplates",),
        ("list", "watch"),
        (),
        "server/workflowtemplate/informer.go",
    ),
    # The event controller's recorder (events.NewEventRecorderManager(as.clients.Kubernetes)).
    Permission("", ("events",), ("create", "patch"), (), "server/apiserver/argoserver.go"),
    # Artifact repository lookup for downloads (artifactrepositories.New(as.clients...)).
    Permission(
        "",
        ("configmaps",),
        ("get",),
        (ARTIFACT_REPOSITORIES_CONFIGMAP,),
        "workflow/artifactrepositories/artifactrepositories.go",
    ),
)
# SSO RBAC: the service-account informer (server/cache/resource_cache.go) and the token
# Secrets of the annotated accounts, by name (server/auth/gatekeeper.go).
SERVER_SSO_RBAC_PERMISSIONS: tuple[Permission, ...] = (
    Permission("", ("serviceaccounts",), ("list", "watch"), (), "server/cache/resource_cache.go"),
)
SERVER_SSO_TOKEN_SOURCE = "server/auth/gatekeeper.go (authorizationForServiceAccount)"

# --- access levels (what a user, through the server, may do) ---------------------------
# Each call runs with the caller's identity (server/auth/gatekeeper.go, getClients).
VIEWER_PERMISSIONS: tuple[Permission, ...] = (
    Permission(ARGO_GROUP, ("workflows",), _READ, (), "server/workflow/workflow_server.go"),
    Permission(
        ARGO_GROUP,
        ("workflowtemplates",),
        ("get", "list"),
        (),
        "server/workflowtemplate/workflow_template_server.go",
    ),
    Permission(
        ARGO_GROUP,
        ("cronworkflows",),
        ("get", "list"),
        (),
        "server/cronworkflow/cron_workflow_server.go",
    ),
    Permission(
        ARGO_GROUP, ("workfloweventbindings",), ("list",), (), "server/event/event_server.go"
    ),
    Permission(
        ARGO_GROUP,
        ("sensors", "eventsources"),
        _READ,
        (),
        "server/sensor/sensor_server.go, server/eventsource/event_source_server.go",
    ),
    # Logs of workflow, sensor and event-source pods (util/logs/workflow-logger.go).
    Permission("", ("pods",), _READ, (), "util/logs/workflow-logger.go"),
    Permission("", ("pods/log",), ("get",), (), "util/logs/workflow-logger.go"),
    Permission("", ("events",), ("watch",), (), "server/workflow/workflow_server.go (WatchEvents)"),
)
# Artifact downloads read the repository credentials with the caller's client
# (server/artifacts/artifact_server.go, server/artifacts/resources.go); names per stack.
ARTIFACT_DOWNLOAD_SOURCE = "server/artifacts/resources.go"
# Submitting: CreateWorkflow / SubmitWorkflow (server/workflow/workflow_server.go); the
# controller's Strict/Secure restriction makes every Workflow reference a template.
SUBMITTER_EXTRA_PERMISSIONS: tuple[Permission, ...] = (
    Permission(ARGO_GROUP, ("workflows",), ("create",), (), "server/workflow/workflow_server.go"),
)

# --- workflow pods ----------------------------------------------------------------------
# The executor (init and wait containers, under executor.serviceAccountName) reports
# results (workflow/executor/taskresult.go; fatal since v3.6 when missing). Artifact
# credentials reach it as Secret volumes (workflow/executor/executor.go, GetSecret reads
# the mounted file), so it reads no Secret through the API.
EXECUTOR_PERMISSIONS: tuple[Permission, ...] = (
    Permission(
        ARGO_GROUP,
        ("workflowtaskresults",),
        ("create", "patch"),
        (),
        "workflow/executor/taskresult.go",
    ),
)
# The agent pod of HTTP and plugin templates runs as the workflow's service account with
# that account's token Secret (workflow/controller/agent.go) and works its task set
# (workflow/executor/agent.go).
AGENT_PERMISSIONS: tuple[Permission, ...] = (
    Permission(
        ARGO_GROUP, ("workflowtasksets",), ("list", "watch"), (), "workflow/executor/agent.go"
    ),
    Permission(
        ARGO_GROUP, ("workflowtasksets/status",), ("patch",), (), "workflow/executor/agent.go"
    ),
)

# Restricted Pod Security profile, applied to every container we run.
RESTRICTED_CONTAINER_SECURITY_CONTEXT = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
}
# The init and wait containers Argo adds to workflow pods: "restricted", but a writable
# root filesystem, since the emissary executor works on the container's disk
# (docs/workflow-executors.md).
EXECUTOR_SECURITY_CONTEXT = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "runAsNonRoot": True,
}
# Pod-level defaults for workflow pods. A numeric user is needed as well as runAsNonRoot:
# the kubelet refuses to start an image whose user is root (or a name) under runAsNonRoot
# without one (docs/workflow-pod-security-context.md runs them as 8737).
WORKFLOW_POD_SECURITY_CONTEXT = {
    "runAsNonRoot": True,
    "runAsUser": ARGO_UID,
    "seccompProfile": {"type": "RuntimeDefault"},
}
RESTRICTED_POD_SECURITY_CONTEXT = {
    "runAsNonRoot": True,
    "runAsUser": ARGO_UID,
    "runAsGroup": ARGO_UID,
    "fsGroup": ARGO_UID,
    "seccompProfile": {"type": "RuntimeDefault"},
}

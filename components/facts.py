"""Upstream facts the install is built from, kept apart from the logic that uses them.

Sources: argoproj/argo-workflows `manifests/base/crds`, `manifests/cluster-install`
RBAC, `workflow/controller` and `server/` code; see each table's comment.
"""

from __future__ import annotations

from dataclasses import dataclass

ARGO_GROUP = "argoproj.io"
ARGO_VERSION = "v1alpha1"

# Images: argo-server runs `argocli` with the `server` argument; the controller is told
# which executor image to inject with `--executor-image`.
CONTROLLER_IMAGE = "workflow-controller"
SERVER_IMAGE = "argocli"
EXECUTOR_IMAGE = "argoexec"

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
CONTROLLER_CLUSTER_ROLE = "argo-workflows-controller"
SERVER_CLUSTER_ROLE = "argo-workflows-server"
EXECUTOR_ROLE = "executor"

SERVER_PORT = 2746
CONTROLLER_METRICS_PORT = 9090
CONTROLLER_HEALTH_PORT = 6060

# UID the upstream images run as (Dockerfile `USER 8737`).
ARGO_UID = 8737


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


# manifests/base/crds/minimal/*.yaml in argo-workflows: group argoproj.io, one version
# v1alpha1 served and stored.
CRDS: tuple[CrdFact, ...] = (
    CrdFact("Workflow", "workflows", ("wf",)),
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
    """One RBAC rule: API group, resources, verbs and optional resource names."""

    api_group: str
    resources: tuple[str, ...]
    verbs: tuple[str, ...]
    resource_names: tuple[str, ...] = ()


_CRUD = ("create", "get", "list", "watch", "update", "patch", "delete")

# What the controller needs in the managed namespace (workflow/controller informers and
# pod/PVC/PDB handling; manifests/cluster-install/workflow-controller-rbac).
CONTROLLER_MANAGED_PERMISSIONS: tuple[Permission, ...] = (
    Permission(
        "",
        ("pods", "pods/exec"),
        ("create", "get", "list", "watch", "update", "patch", "delete"),
    ),
    Permission("", ("configmaps",), ("get", "list", "watch")),
    Permission(
        "",
        ("persistentvolumeclaims", "persistentvolumeclaims/finalizers"),
        ("create", "update", "delete", "get"),
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
    ),
    Permission(
        ARGO_GROUP,
        ("workflowtemplates", "workflowtemplates/finalizers"),
        ("get", "list", "watch"),
    ),
    Permission(ARGO_GROUP, ("workflowtaskresults",), ("list", "watch", "deletecollection")),
    Permission("", ("serviceaccounts",), ("get", "list")),
    Permission(
        ARGO_GROUP,
        ("cronworkflows", "cronworkflows/finalizers"),
        ("get", "list", "watch", "update", "patch", "delete"),
    ),
    Permission("", ("events",), ("create", "patch")),
    Permission("policy", ("poddisruptionbudgets",), ("create", "get", "delete")),
)

# What argo-server needs in the managed namespace (server/ API services; the UI lists
# Argo Events objects too).
SERVER_MANAGED_PERMISSIONS: tuple[Permission, ...] = (
    Permission(
        ARGO_GROUP,
        (
            "eventsources",
            "sensors",
            "workflows",
            "workfloweventbindings",
            "workflowtemplates",
            "cronworkflows",
        ),
        _CRUD,
    ),
    Permission("", ("pods", "pods/exec", "pods/log"), ("get", "list", "watch", "delete")),
    Permission("", ("events",), ("watch", "create", "patch")),
    # SSO RBAC service accounts are looked up in the managed namespace
    # (argo-workflows#9989).
    Permission("", ("serviceaccounts",), ("get", "list", "watch")),
    Permission("", ("configmaps",), ("get", "list", "watch", "create", "update")),
)

# What every workflow pod's executor needs (fatal since v3.6 when missing:
# "workflowtaskresults ... forbidden"); task sets for HTTP and plugin templates.
EXECUTOR_PERMISSIONS: tuple[Permission, ...] = (
    Permission(ARGO_GROUP, ("workflowtaskresults",), ("create", "patch")),
    Permission(ARGO_GROUP, ("workflowtasksets",), ("list", "watch")),
    Permission(ARGO_GROUP, ("workflowtasksets/status",), ("patch",)),
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

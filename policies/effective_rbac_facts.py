"""Kubernetes RBAC and Argo facts the effective-RBAC evaluation depends on (tables only).

Authorization semantics follow kubernetes `pkg/apis/rbac/v1/evaluation_helpers.go`
(`VerbMatches`, `APIGroupMatches`, `ResourceMatches`, `ResourceNameMatches`) and
`plugin/pkg/auth/authorizer/rbac/rbac.go`; the subjects a service account authenticates as
come from `staging/src/k8s.io/apiserver/pkg/authentication/serviceaccount/util.go`.
"""

from __future__ import annotations

RBAC_GROUP = "rbac.authorization.k8s.io"
ARGO_GROUP = "argoproj.io"
WILDCARD = "*"

ROLE = "Role"
CLUSTER_ROLE = "ClusterRole"
ROLE_BINDING = "RoleBinding"
CLUSTER_ROLE_BINDING = "ClusterRoleBinding"

# A service account `ns/name` authenticates as user `system:serviceaccount:ns:name` in the
# groups `system:serviceaccounts`, `system:serviceaccounts:ns` and `system:authenticated`.
SERVICE_ACCOUNT_USER_PREFIX = "system:serviceaccount:"
ALL_SERVICE_ACCOUNTS_GROUP = "system:serviceaccounts"
ALL_AUTHENTICATED_GROUP = "system:authenticated"
# A pod without spec.serviceAccountName runs as this account of its namespace.
DEFAULT_SERVICE_ACCOUNT = "default"

WRITE_VERBS = ("create", "update", "patch", "delete", "deletecollection")

# What runs in the two Argo namespaces: whoever may write one of these decides what the
# controller executes. (group, resource) -> the verbs that count as writing it.
# Sensors and EventSources run pods with any service account of their namespace.
GUARDED_NAMESPACED_RESOURCES = {
    (ARGO_GROUP, "workflowtemplates"): WRITE_VERBS,
    (ARGO_GROUP, "cronworkflows"): WRITE_VERBS,
    (ARGO_GROUP, "sensors"): WRITE_VERBS,
    (ARGO_GROUP, "eventsources"): WRITE_VERBS,
    (RBAC_GROUP, "roles"): WRITE_VERBS,
    (RBAC_GROUP, "rolebindings"): WRITE_VERBS,
}
# Cluster-scoped: besides templates and RBAC, what changes every pod admitted (mutating
# admission) and what the Argo kinds are (CRDs: a conversion webhook rewrites every object,
# a deleted CRD deletes them all).
GUARDED_CLUSTER_RESOURCES = {
    (ARGO_GROUP, "clusterworkflowtemplates"): WRITE_VERBS,
    (RBAC_GROUP, "clusterroles"): WRITE_VERBS,
    (RBAC_GROUP, "clusterrolebindings"): WRITE_VERBS,
    ("admissionregistration.k8s.io", "mutatingwebhookconfigurations"): WRITE_VERBS,
    ("admissionregistration.k8s.io", "mutatingadmissionpolicies"): WRITE_VERBS,
    ("admissionregistration.k8s.io", "mutatingadmissionpolicybindings"): WRITE_VERBS,
    ("apiextensions.k8s.io", "customresourcedefinitions"): WRITE_VERBS,
}
# Named objects of the install: writing them changes the controller or the server. `create`
# is left out (the object exists, and create cannot be narrowed by resourceNames anyway).
NAMED_OBJECT_WRITE_VERBS = ("update", "patch", "delete", "deletecollection")
CONFIG_MAPS = ("", "configmaps")
DEPLOYMENTS_KIND = ("apps", "Deployment")
SENSOR_KIND = (ARGO_GROUP, "Sensor")
DEPLOYMENTS = ("apps", "deployments")

# Verbs that hand out permissions the holder does not have (rbac `escalate`, `bind`) or
# another identity (`impersonate`): each one alone lets a subject grant itself anything.
ESCALATING = (
    (RBAC_GROUP, "roles", "escalate"),
    (RBAC_GROUP, "clusterroles", "escalate"),
    (RBAC_GROUP, "roles", "bind"),
    (RBAC_GROUP, "clusterroles", "bind"),
    ("", "users", "impersonate"),
    ("", "groups", "impersonate"),
    ("authentication.k8s.io", "userextras/scopes", "impersonate"),
    ("authentication.k8s.io", "uids", "impersonate"),
    # Approving certificate requests mints a client certificate for any user or group.
    ("certificates.k8s.io", "signers", "approve"),
)

# Ways to act as any service account of a namespace: run a pod as it (create a pod or a
# workload, change a running pod's image, exec / attach into a pod running as it, add an
# ephemeral container). An exec or attach over WebSocket is a GET request, so `get` on
# pods/exec counts (KEP-4006).
RUN_AS_ANY_ACCOUNT = (
    ("", "pods", ("create", "update", "patch")),
    ("", "pods/exec", ("create", "get")),
    ("", "pods/attach", ("create", "get")),
    ("", "pods/ephemeralcontainers", ("update", "patch")),
    ("", "replicationcontrollers", ("create", "update", "patch")),
    ("apps", "deployments", ("create", "update", "patch")),
    ("apps", "replicasets", ("create", "update", "patch")),
    ("apps", "statefulsets", ("create", "update", "patch")),
    ("apps", "daemonsets", ("create", "update", "patch")),
    ("batch", "jobs", ("create", "update", "patch")),
    ("batch", "cronjobs", ("create", "update", "patch")),
    # The kubelet API behind nodes/proxy runs commands in any pod of the node.
    ("", "nodes/proxy", ("get", "create")),
)
# Ways to act as one named service account (resourceNames narrow them): mint its token,
# impersonate it.
ACT_AS_NAMED_ACCOUNT = (
    ("", "serviceaccounts/token", "create"),
    ("", "serviceaccounts", "impersonate"),
)
# Reading Secrets gives the long-lived token of every account that has one; Argo's server
# reads `<account>.service-account-token` (argo-workflows util/secrets/secret_name.go).
SECRET_READ = (("", "secrets", ("get", "list", "watch")),)
TOKEN_SECRET_SUFFIX = ".service-account-token"
TOKEN_SECRET_TYPE = "kubernetes.io/service-account-token"
TOKEN_SECRET_ACCOUNT_ANNOTATION = "kubernetes.io/service-account.name"

# The controller's own writes to guarded resources, needed by upstream: the cron
# controller updates a CronWorkflow it schedules (status, last scheduled time, stop
# strategy) and deletes it when it is done (argo-workflows workflow/cron/operator.go;
# cluster-install RBAC grants cronworkflows update/patch/delete). Nothing else.
CONTROLLER_REQUIRED_WRITES = frozenset(
    {
        (ARGO_GROUP, "cronworkflows", "update"),
        (ARGO_GROUP, "cronworkflows", "patch"),
        (ARGO_GROUP, "cronworkflows", "delete"),
    }
)

# Argo SSO RBAC: users act as the managed-namespace account this annotation selects
# (argo-workflows server/auth/sso, argo-workflows#9989).
SSO_RBAC_RULE_ANNOTATION = "workflows.argoproj.io/rbac-rule"

# Kinds whose pods run as a service account, and where their pod spec is.
WORKLOAD_POD_SPEC = {
    ("", "Pod"): ("spec",),
    ("", "ReplicationController"): ("spec", "template", "spec"),
    ("apps", "Deployment"): ("spec", "template", "spec"),
    ("apps", "ReplicaSet"): ("spec", "template", "spec"),
    ("apps", "StatefulSet"): ("spec", "template", "spec"),
    ("apps", "DaemonSet"): ("spec", "template", "spec"),
    ("batch", "Job"): ("spec", "template", "spec"),
    ("batch", "CronJob"): ("spec", "jobTemplate", "spec", "template", "spec"),
    # Argo Events: the sensor / event source pod (and a Sensor's triggers act with it).
    (ARGO_GROUP, "Sensor"): ("spec", "template"),
    (ARGO_GROUP, "EventSource"): ("spec", "template"),
}

# Built-in ClusterRoles every cluster has (kubernetes
# plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go), reduced to the rules that
# matter here. admin / edit / view also aggregate the ClusterRoles labelled below.
BUILTIN_CLUSTER_ROLES: dict[str, list[dict]] = {
    "cluster-admin": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}],
    "admin": [
        {
            "apiGroups": [RBAC_GROUP],
            "resources": ["roles", "rolebindings"],
            "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update"],
        },
    ],
    "edit": [
        {
            "apiGroups": [""],
            "resources": ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"],
            "verbs": ["create", "delete", "deletecollection", "patch", "update"],
        },
        {
            "apiGroups": [""],
            "resources": ["configmaps", "secrets", "services", "persistentvolumeclaims"],
            "verbs": ["create", "delete", "deletecollection", "patch", "update"],
        },
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch"]},
        {"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["impersonate"]},
        {
            "apiGroups": ["apps"],
            "resources": ["deployments", "replicasets", "statefulsets", "daemonsets"],
            "verbs": ["create", "delete", "deletecollection", "patch", "update"],
        },
        {
            "apiGroups": ["batch"],
            "resources": ["jobs", "cronjobs"],
            "verbs": ["create", "delete", "deletecollection", "patch", "update"],
        },
    ],
    "view": [],
    # System roles that only review tokens and access or read discovery information.
    "system:auth-delegator": [
        {
            "apiGroups": ["authentication.k8s.io"],
            "resources": ["tokenreviews"],
            "verbs": ["create"],
        },
        {
            "apiGroups": ["authorization.k8s.io"],
            "resources": ["subjectaccessreviews"],
            "verbs": ["create"],
        },
    ],
    "system:basic-user": [
        {
            "apiGroups": ["authorization.k8s.io"],
            "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
            "verbs": ["create"],
        },
    ],
    "system:discovery": [],
    "system:public-info-viewer": [],
}
# Labels through which a ClusterRole adds its rules to a built-in aggregated role, and the
# built-in roles each one includes (admin includes edit, edit includes view).
BUILTIN_AGGREGATION_LABELS = {
    "admin": "rbac.authorization.k8s.io/aggregate-to-admin",
    "edit": "rbac.authorization.k8s.io/aggregate-to-edit",
    "view": "rbac.authorization.k8s.io/aggregate-to-view",
}
BUILTIN_INCLUDES = {"admin": ("edit", "view"), "edit": ("view",), "view": ()}

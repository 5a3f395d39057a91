"""RBAC for managed-namespace mode: no ClusterRoleBinding anywhere.

ClusterRoles hold the managed-namespace permissions and are bound only by RoleBindings
inside the managed namespace; each component gets a small Role in the control namespace.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from components import archive, artifacts, events_submitter, facts, pod_options
from components import k8s as objects

_RBAC_API = "rbac.authorization.k8s.io/v1"


@dataclass(frozen=True)
class RbacArgs:
    """Who runs where, and the Secrets each account reads by name."""

    control_namespace: str
    managed_namespace: str
    workflow_service_account: str
    allowed_service_accounts: tuple[str, ...]
    artifact_secret_names: tuple[str, ...] = ()
    server_auth_modes: tuple[str, ...] = ("client",)
    # The Secret holding the OIDC client ('' without SSO) and the server's TLS Secret.
    sso_client_secret_name: str = ""
    server_tls_secret: str = ""
    sso_rbac_enabled: bool = False
    # Production features: Secrets read by name, and accounts of their own.
    archive_secret: str = ""
    artifact_server_secrets: tuple[str, ...] = ()
    artifact_gc_service_account: str = ""
    events_submitter_service_account: str = ""
    workflow_image_pull_secrets: tuple[str, ...] = ()
    # Cloud identity of the accounts that reach the artifact store (workflow, GC).
    workflow_account_annotations: tuple[tuple[str, str], ...] = ()


def rule(permission: facts.Permission) -> dict[str, Any]:
    """A PolicyRule from a Permission; resourceNames only when there are names."""
    out: dict[str, Any] = {
        "apiGroups": [permission.api_group],
        "resources": list(permission.resources),
        "verbs": list(permission.verbs),
    }
    if permission.resource_names:
        out["resourceNames"] = sorted(set(permission.resource_names))
    return out


def _named(api_group: str, resource: str, verbs: Iterable[str], names: Iterable[str]):
    """A permission narrowed to ``names``, or none at all when there are none.

    An empty resourceNames list would grant every object of the resource.
    """
    names = tuple(n for n in names if n)
    if not names:
        return []
    return [facts.Permission(api_group, (resource,), tuple(verbs), names)]


def controller_managed_permissions(args: RbacArgs) -> list[facts.Permission]:
    # Secrets: the agent CA and the configured artifact credentials only.
    return [
        *facts.CONTROLLER_MANAGED_PERMISSIONS,
        *_named("", "secrets", ("get",), (facts.AGENT_CA_SECRET, *args.artifact_secret_names)),
    ]


def server_managed_permissions(args: RbacArgs) -> list[facts.Permission]:
    permissions = list(facts.SERVER_MANAGED_PERMISSIONS)
    if "sso" in args.server_auth_modes and args.sso_rbac_enabled:
        # SSO RBAC reads the token Secret of the service account a user maps to; those
        # names are chosen by annotation at run time, so this rule cannot be narrowed.
        permissions.append(facts.Permission("", ("secrets",), ("get",)))
    return permissions


def controller_control_permissions() -> list[facts.Permission]:
    return [
        facts.Permission("", ("configmaps",), ("get",), (facts.CONTROLLER_CONFIGMAP,)),
        # The config informer lists and watches; list/watch cannot be narrowed by name
        # without a field selector the client may not send.
        facts.Permission("", ("configmaps",), ("list", "watch")),
        # `create` can never be narrowed by resourceNames.
        facts.Permission("coordination.k8s.io", ("leases",), ("create",)),
        facts.Permission(
            "coordination.k8s.io", ("leases",), ("get", "update"), (facts.CONTROLLER_LEASE,)
        ),
        facts.Permission("", ("events",), ("create", "patch")),
    ]


def server_control_permissions(args: RbacArgs) -> list[facts.Permission]:
    secrets = (args.sso_client_secret_name, args.server_tls_secret)
    if "sso" in args.server_auth_modes:
        secrets += (facts.SERVER_SSO_STATE_SECRET,)
    return [
        facts.Permission("", ("configmaps",), ("get", "list", "watch")),
        *_named("", "secrets", ("get",), secrets),
        # argo-server creates its `sso` state Secret on first start.
        *(
            [facts.Permission("", ("secrets",), ("create",))]
            if "sso" in args.server_auth_modes
            else []
        ),
    ]


def build_role(
    kind: str, name: str, namespace: str | None, permissions: Iterable[facts.Permission]
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "labels": objects.labels("rbac", name)}
    if namespace:
        metadata["namespace"] = namespace
    return {
        "apiVersion": _RBAC_API,
        "kind": kind,
        "metadata": metadata,
        "rules": [rule(p) for p in permissions],
    }


def build_role_binding(
    name: str,
    namespace: str,
    role_kind: str,
    role_name: str,
    service_accounts: Iterable[str],
    service_account_namespace: str,
) -> dict[str, Any]:
    return {
        "apiVersion": _RBAC_API,
        "kind": "RoleBinding",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": objects.labels("rbac", name),
        },
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role_name},
        "subjects": [
            {"kind": "ServiceAccount", "name": account, "namespace": service_account_namespace}
            for account in service_accounts
        ],
    }


def workflow_accounts(args: RbacArgs) -> list[str]:
    """Accounts workflow pods may run as: the default one, then any other allowed one.

    Each needs the executor permissions, or its pods fail with "workflowtaskresults ...
    forbidden" (fatal since v3.6).
    """
    return list(dict.fromkeys([args.workflow_service_account, *args.allowed_service_accounts]))


def build_rbac_objects(args: RbacArgs) -> dict[str, list[dict[str, Any]]]:
    """Every RBAC object, grouped by the identity it serves (controller, server, workflow)."""
    control, managed = args.control_namespace, args.managed_namespace
    controller_sa, server_sa = facts.CONTROLLER_SERVICE_ACCOUNT, facts.SERVER_SERVICE_ACCOUNT
    return {
        "controller": [
            build_role(
                "ClusterRole",
                facts.CONTROLLER_CLUSTER_ROLE,
                None,
                controller_managed_permissions(args),
            ),
            build_role_binding(
                facts.CONTROLLER_CLUSTER_ROLE,
                managed,
                "ClusterRole",
                facts.CONTROLLER_CLUSTER_ROLE,
                [controller_sa],
                control,
            ),
            build_role(
                "Role", "argo-workflows-controller", control, controller_control_permissions()
            ),
            build_role_binding(
                "argo-workflows-controller",
                control,
                "Role",
                "argo-workflows-controller",
                [controller_sa],
                control,
            ),
        ],
        "server": [
            build_role(
                "ClusterRole",
                facts.SERVER_CLUSTER_ROLE,
                None,
                server_managed_permissions(args),
            ),
            build_role_binding(
                facts.SERVER_CLUSTER_ROLE,
                managed,
                "ClusterRole",
                facts.SERVER_CLUSTER_ROLE,
                [server_sa],
                control,
            ),
            build_role("Role", "argo-workflows-server", control, server_control_permissions(args)),
            build_role_binding(
                "argo-workflows-server",
                control,
                "Role",
                "argo-workflows-server",
                [server_sa],
                control,
            ),
        ],
        "workflow": [
            _workflow_service_account(args),
            build_role("Role", facts.EXECUTOR_ROLE, managed, facts.EXECUTOR_PERMISSIONS),
            build_role_binding(
                facts.EXECUTOR_ROLE,
                managed,
                "Role",
                facts.EXECUTOR_ROLE,
                workflow_accounts(args),
                managed,
            ),
        ],
    }


def _workflow_service_account(args: RbacArgs) -> dict[str, Any]:
    account = objects.service_account(
        args.workflow_service_account, args.managed_namespace, "workflow"
    )
    if args.workflow_image_pull_secrets:
        account["imagePullSecrets"] = pod_options.pull_secrets(args.workflow_image_pull_secrets)
    if args.workflow_account_annotations:
        account["metadata"]["annotations"] = dict(args.workflow_account_annotations)
    return account


def build_feature_rbac_objects(args: RbacArgs) -> dict[str, list[dict[str, Any]]]:
    """RBAC of the production features: the archive credentials (controller and server),
    the artifact credentials (server), the artifact GC and Argo Events accounts."""
    control, managed = args.control_namespace, args.managed_namespace
    return {
        "archive": archive.secret_objects(args.archive_secret, control),
        "server_artifacts": artifacts.server_secret_objects(
            args.artifact_server_secrets, managed, control
        ),
        "artifact_gc": artifacts.gc_objects(
            args.artifact_gc_service_account, managed, dict(args.workflow_account_annotations)
        ),
        "events_submitter": events_submitter.submitter_objects(
            args.events_submitter_service_account, managed
        ),
    }


class ManagedNamespaceRBAC(pulumi.ComponentResource):
    """ClusterRoles bound only in the managed namespace, plus per-component Roles."""

    controller: list[pulumi.CustomResource]
    server: list[pulumi.CustomResource]
    workflow: list[pulumi.CustomResource]
    workflow_service_account: pulumi.CustomResource
    artifact_gc: list[pulumi.CustomResource]
    events_submitter: list[pulumi.CustomResource]

    def __init__(
        self,
        name: str,
        args: RbacArgs,
        *,
        namespaces: Sequence[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("argo-workflows:index:ManagedNamespaceRBAC", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self, depends_on=list(namespaces))
        groups = {
            identity: [objects.create(m, child_opts) for m in manifests]
            for identity, manifests in build_rbac_objects(args).items()
        }
        features = {
            group: [objects.create(m, child_opts) for m in manifests]
            for group, manifests in build_feature_rbac_objects(args).items()
        }
        # The Deployments wait for every grant their pods use.
        self.controller = groups["controller"] + features["archive"]
        self.server = groups["server"] + features["archive"] + features["server_artifacts"]
        self.workflow = groups["workflow"]
        self.artifact_gc = features["artifact_gc"]
        self.events_submitter = features["events_submitter"]
        self.workflow_service_account = self.workflow[0]
        self.register_outputs(
            {
                "clusterRoles": [facts.CONTROLLER_CLUSTER_ROLE, facts.SERVER_CLUSTER_ROLE],
                "workflowServiceAccount": self.workflow_service_account.metadata.name,
            }
        )

"""RBAC for managed-namespace mode: no ClusterRoleBinding anywhere.

ClusterRoles (named per install) hold the controller's and the server's own
managed-namespace permissions and are bound only by RoleBindings inside the managed
namespace; each component gets a small Role in the control namespace. The access levels
(viewer, submitter), the executor and the agent get Roles in the managed namespace. Every
permission comes from a table of `components/facts.py` that names the upstream call.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from components import archive, artifacts, events_submitter, facts, pod_options
from components import k8s as objects
from components.sso import AccessLevel

_RBAC_API = "rbac.authorization.k8s.io/v1"


@dataclass(frozen=True)
class RbacArgs:
    """Who runs where, and the objects each account reads by name."""

    control_namespace: str
    managed_namespace: str
    workflow_service_account: str
    allowed_service_accounts: tuple[str, ...]
    executor_service_account: str = "workflow-executor"
    artifact_secret_names: tuple[str, ...] = ()
    server_auth_modes: tuple[str, ...] = ("client",)
    # The Secrets of the OIDC client ('' without SSO) and the server's TLS Secret.
    sso_client_secret_names: tuple[str, ...] = ()
    server_tls_secret: str = ""
    # Production features: Secrets read by name, and accounts of their own.
    archive_secret: str = ""
    artifact_gc_service_account: str = ""
    events_submitter_service_account: str = ""
    workflow_image_pull_secrets: tuple[str, ...] = ()
    # Cloud identity of the accounts that reach the artifact store (workflow, GC).
    workflow_account_annotations: tuple[tuple[str, str], ...] = ()
    # SSO RBAC's access levels: each becomes an annotated service account ([] = off).
    sso_access_levels: tuple[AccessLevel, ...] = ()
    # Memoization cache ConfigMaps of the catalog's templates ([] = no memoization).
    memoization_caches: tuple[str, ...] = ()

    @property
    def server_acts_for_users(self) -> bool:
        """`server` mode, or SSO without RBAC: requests run as the server's own account
        (server/auth/gatekeeper.go, getClients)."""
        return "server" in self.server_auth_modes or (
            "sso" in self.server_auth_modes and not self.sso_access_levels
        )


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


def _named(
    api_group: str, resource: str, verbs: Iterable[str], names: Iterable[str], source: str
) -> list[facts.Permission]:
    """A permission narrowed to ``names``, or none at all when there are none.

    An empty resourceNames list would grant every object of the resource.
    """
    names = tuple(sorted({n for n in names if n}))
    if not names:
        return []
    return [facts.Permission(api_group, (resource,), tuple(verbs), names, source)]


# --- permissions per identity (pure) -----------------------------------------------------


def controller_control_permissions() -> list[facts.Permission]:
    return list(facts.CONTROLLER_CONTROL_PERMISSIONS)


def controller_managed_permissions(args: RbacArgs) -> list[facts.Permission]:
    permissions = list(facts.CONTROLLER_MANAGED_PERMISSIONS)
    if args.memoization_caches:
        permissions += [
            # `create` can never be narrowed by resourceNames.
            facts.Permission("", ("configmaps",), ("create",), (), facts.MEMOIZATION_SOURCE),
            *_named(
                "",
                "configmaps",
                facts.MEMOIZATION_NAMED_VERBS,
                args.memoization_caches,
                facts.MEMOIZATION_SOURCE,
            ),
        ]
    return permissions


def server_control_permissions(args: RbacArgs) -> list[facts.Permission]:
    sso = "sso" in args.server_auth_modes
    secrets = (
        *args.sso_client_secret_names,
        args.server_tls_secret,
        facts.SERVER_SSO_STATE_SECRET if sso else "",
    )
    return [
        facts.Permission(
            "",
            ("configmaps",),
            ("get", "list", "watch"),
            (facts.CONTROLLER_CONFIGMAP,),
            facts.SERVER_CONFIGMAP_SOURCE,
        ),
        *_named("", "secrets", ("get",), secrets, facts.SERVER_SECRETS_SOURCE),
        # argo-server creates its `sso` state Secret on first start.
        *(
            [
                facts.Permission(
                    "", ("secrets",), ("create",), (), facts.SERVER_SSO_STATE_CREATE_SOURCE
                )
            ]
            if sso
            else []
        ),
    ]


def server_managed_permissions(args: RbacArgs) -> list[facts.Permission]:
    """What the server's own account does in the managed namespace, whoever asks."""
    permissions = list(facts.SERVER_MANAGED_PERMISSIONS)
    if args.sso_access_levels:
        permissions += [
            *facts.SERVER_SSO_RBAC_PERMISSIONS,
            *_named(
                "",
                "secrets",
                ("get",),
                (
                    facts.token_secret_name(level.service_account)
                    for level in args.sso_access_levels
                ),
                facts.SERVER_SSO_TOKEN_SOURCE,
            ),
        ]
    return permissions


def viewer_permissions(args: RbacArgs) -> list[facts.Permission]:
    return [
        *facts.VIEWER_PERMISSIONS,
        *_named(
            "", "secrets", ("get",), args.artifact_secret_names, facts.ARTIFACT_DOWNLOAD_SOURCE
        ),
    ]


def submitter_permissions(args: RbacArgs) -> list[facts.Permission]:
    return [*viewer_permissions(args), *facts.SUBMITTER_EXTRA_PERMISSIONS]


def workflow_accounts(args: RbacArgs) -> list[str]:
    """Accounts workflow pods may run as: the default one, then any other allowed one.

    Each may run an agent pod (HTTP and plugin templates), which works the task set.
    """
    return list(dict.fromkeys([args.workflow_service_account, *args.allowed_service_accounts]))


# --- objects (pure) ------------------------------------------------------------------------


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


def build_service_account(
    name: str, namespace: str, component: str, annotations: dict[str, str] | None = None
) -> dict[str, Any]:
    """A service account whose token is never mounted into pods by default."""
    manifest = objects.service_account(name, namespace, component)
    if annotations:
        manifest["metadata"]["annotations"] = dict(annotations)
    manifest["automountServiceAccountToken"] = False
    return manifest


def build_token_secret(service_account: str, namespace: str, component: str) -> dict[str, Any]:
    """`<sa>.service-account-token`: Kubernetes fills it with the account's token."""
    name = facts.token_secret_name(service_account)
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": facts.SERVICE_ACCOUNT_TOKEN_TYPE,
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": objects.labels(component, name),
            "annotations": {facts.SERVICE_ACCOUNT_NAME_ANNOTATION: service_account},
        },
    }


def _bound_cluster_role(
    base: str, args: RbacArgs, permissions: list[facts.Permission], account: str
) -> list[dict[str, Any]]:
    """A per-install ClusterRole, bound by a RoleBinding in the managed namespace only."""
    name = facts.cluster_scoped_name(base, args.control_namespace)
    return [
        build_role("ClusterRole", name, None, permissions),
        build_role_binding(
            base, args.managed_namespace, "ClusterRole", name, [account], args.control_namespace
        ),
    ]


def _bound_role(
    name: str,
    namespace: str,
    permissions: list[facts.Permission],
    accounts: Iterable[str],
    accounts_namespace: str,
) -> list[dict[str, Any]]:
    return [
        build_role("Role", name, namespace, permissions),
        build_role_binding(name, namespace, "Role", name, accounts, accounts_namespace),
    ]


def build_rbac_objects(args: RbacArgs) -> dict[str, list[dict[str, Any]]]:
    """Every RBAC object, grouped by the identity it serves."""
    control, managed = args.control_namespace, args.managed_namespace
    controller_sa, server_sa = facts.CONTROLLER_SERVICE_ACCOUNT, facts.SERVER_SERVICE_ACCOUNT
    workflow_sa, executor_sa = args.workflow_service_account, args.executor_service_account
    groups: dict[str, list[dict[str, Any]]] = {
        "controller": [
            *_bound_cluster_role(
                facts.CONTROLLER_CLUSTER_ROLE,
                args,
                controller_managed_permissions(args),
                controller_sa,
            ),
            *_bound_role(
                "argo-workflows-controller",
                control,
                controller_control_permissions(),
                [controller_sa],
                control,
            ),
        ],
        "server": [
            *_bound_cluster_role(
                facts.SERVER_CLUSTER_ROLE, args, server_managed_permissions(args), server_sa
            ),
            *_bound_role(
                "argo-workflows-server",
                control,
                server_control_permissions(args),
                [server_sa],
                control,
            ),
        ],
        "workflow": [
            _workflow_service_account(args),
            build_token_secret(workflow_sa, managed, "workflow"),
            *_bound_role(
                facts.AGENT_ROLE,
                managed,
                list(facts.AGENT_PERMISSIONS),
                workflow_accounts(args),
                managed,
            ),
        ],
        "executor": [
            build_service_account(executor_sa, managed, "executor"),
            build_token_secret(executor_sa, managed, "executor"),
            *_bound_role(
                facts.EXECUTOR_ROLE,
                managed,
                list(facts.EXECUTOR_PERMISSIONS),
                [executor_sa],
                managed,
            ),
        ],
        "access": _access_objects(args),
    }
    return groups


def _access_objects(args: RbacArgs) -> list[dict[str, Any]]:
    """The access-level Roles, bound to SSO RBAC's accounts and, when it acts for users, to
    the server's own account (which then may read and submit, never more)."""
    managed, control = args.managed_namespace, args.control_namespace
    roles = {
        "viewer": (facts.VIEWER_ROLE, viewer_permissions(args)),
        "submitter": (facts.SUBMITTER_ROLE, submitter_permissions(args)),
    }
    used = {level.name for level in args.sso_access_levels}
    if args.server_acts_for_users:
        used.add("submitter")
    out: list[dict[str, Any]] = []
    for level_name in ("viewer", "submitter"):
        if level_name not in used:
            continue
        role_name, permissions = roles[level_name]
        out.append(build_role("Role", role_name, managed, permissions))
    for level in args.sso_access_levels:
        sa = level.service_account
        out += [
            build_service_account(sa, managed, "sso", level.annotations()),
            build_token_secret(sa, managed, "sso"),
            build_role_binding(sa, managed, "Role", roles[level.name][0], [sa], managed),
        ]
    if args.server_acts_for_users:
        out.append(
            build_role_binding(
                f"{facts.SUBMITTER_ROLE}-server",
                managed,
                "Role",
                facts.SUBMITTER_ROLE,
                [facts.SERVER_SERVICE_ACCOUNT],
                control,
            )
        )
    return out


def _workflow_service_account(args: RbacArgs) -> dict[str, Any]:
    """The workflow account, with the image pull Secrets and cloud identity of the
    production features."""
    account = build_service_account(
        args.workflow_service_account,
        args.managed_namespace,
        "workflow",
        dict(args.workflow_account_annotations),
    )
    if args.workflow_image_pull_secrets:
        account["imagePullSecrets"] = pod_options.pull_secrets(args.workflow_image_pull_secrets)
    return account


def build_feature_rbac_objects(args: RbacArgs) -> dict[str, list[dict[str, Any]]]:
    """RBAC of the production features: the archive credentials (controller and server),
    the artifact GC and Argo Events accounts. The artifact credentials join
    artifact_secret_names, read by the access levels that download artifacts."""
    control, managed = args.control_namespace, args.managed_namespace
    return {
        "archive": archive.secret_objects(args.archive_secret, control),
        "artifact_gc": artifacts.gc_objects(
            args.artifact_gc_service_account, managed, dict(args.workflow_account_annotations)
        ),
        "events_submitter": events_submitter.submitter_objects(
            args.events_submitter_service_account, managed
        ),
    }


class ManagedNamespaceRBAC(pulumi.ComponentResource):
    """Per-install ClusterRoles bound only in the managed namespace, plus Roles, the
    workflow and executor accounts, and SSO RBAC's access levels."""

    controller: list[pulumi.CustomResource]
    server: list[pulumi.CustomResource]
    workflow: list[pulumi.CustomResource]
    executor: list[pulumi.CustomResource]
    access: list[pulumi.CustomResource]
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
        self.server = groups["server"] + groups["access"] + features["archive"]
        self.artifact_gc = features["artifact_gc"]
        self.events_submitter = features["events_submitter"]
        self.workflow = groups["workflow"]
        self.executor = groups["executor"]
        self.access = groups["access"]
        self.workflow_service_account = self.workflow[0]
        self.register_outputs(
            {
                "clusterRoles": [
                    facts.cluster_scoped_name(base, args.control_namespace)
                    for base in (facts.CONTROLLER_CLUSTER_ROLE, facts.SERVER_CLUSTER_ROLE)
                ],
                "workflowServiceAccount": self.workflow_service_account.metadata["name"],
            }
        )

"""Rule for RBAC: no cluster-wide grant to or of anything Argo.

Managed-namespace mode needs no cluster-wide permission: the Argo ClusterRoles are
bound only by RoleBindings in the control and managed namespaces. A ClusterRoleBinding
for an Argo service account (or of an Argo ClusterRole) would hand it, among others,
secrets and pods/exec in every namespace.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import upstream_facts as facts
from k8s_objects import get, is_list
from pack_settings import Settings
from resource_objects import FoundObject


def _subject_grants_argo(subject: Any, settings: Settings) -> str | None:
    """Which Argo service account(s) an RBAC subject includes, or None."""
    kind, name = get(subject, "kind"), get(subject, "name")
    if not isinstance(name, str):
        return None
    if kind == "ServiceAccount":
        namespace = get(subject, "namespace")
        for sa_namespace, sa_name in sorted(settings.argo_service_accounts):
            if name == sa_name and namespace in (sa_namespace, None, ""):
                return f"service account {sa_namespace}/{sa_name}"
    elif kind == "User" and name.startswith(facts.SERVICE_ACCOUNT_USER_PREFIX):
        namespace, _, sa_name = name[len(facts.SERVICE_ACCOUNT_USER_PREFIX) :].partition(":")
        if (namespace, sa_name) in settings.argo_service_accounts:
            return f"service account {namespace}/{sa_name} (as user {name})"
    elif kind == "Group":
        if name in (facts.ALL_SERVICE_ACCOUNTS_GROUP, facts.ALL_AUTHENTICATED_GROUP):
            return f"every service account, the Argo ones included (group {name})"
        prefix = facts.ALL_SERVICE_ACCOUNTS_GROUP + ":"
        if name.startswith(prefix) and name[len(prefix) :] in settings.argo_namespaces:
            return f"every service account in namespace {name[len(prefix) :]} (group {name})"
    return None


def _binds_argo_cluster_role(binding: Any, settings: Settings) -> bool:
    return (
        get(binding, "roleRef", "kind") == facts.CLUSTER_ROLE
        and get(binding, "roleRef", "name") in settings.argo_cluster_roles
    )


def _cluster_role_binding_problems(found: FoundObject, settings: Settings) -> list[str]:
    problems = []
    subjects = get(found.manifest, "subjects")
    for index, subject in enumerate(subjects if is_list(subjects) else []):
        granted = _subject_grants_argo(subject, settings)
        if granted:
            problems.append(
                f"subjects[{index}] binds {granted} cluster-wide; grant it with a RoleBinding "
                f"in namespace {settings.managed_namespace} or {settings.control_namespace} "
                "instead"
            )
    if _binds_argo_cluster_role(found.manifest, settings):
        role = get(found.manifest, "roleRef", "name")
        problems.append(
            f"it grants the Argo ClusterRole {role} in every namespace; bind it with a "
            f"RoleBinding in namespace {settings.managed_namespace} instead"
        )
    return problems


def _role_binding_problems(found: FoundObject, settings: Settings) -> list[str]:
    if not _binds_argo_cluster_role(found.manifest, settings):
        return []
    namespace = get(found.manifest, "metadata", "namespace")
    if namespace in settings.argo_namespaces:
        return []
    role = get(found.manifest, "roleRef", "name")
    where = f"namespace {namespace}" if namespace else "the provider's default namespace"
    return [
        f"it grants the Argo ClusterRole {role} in {where}; Argo's permissions belong only "
        f"in {settings.managed_namespace} and {settings.control_namespace}, move or remove it"
    ]


def cluster_wide_grant_problems(
    objects: Iterable[FoundObject], settings: Settings
) -> list[tuple[str, str | None]]:
    """(message, urn) for every binding that grants Argo permissions cluster-wide."""
    problems: list[tuple[str, str | None]] = []
    for found in objects:
        if found.kind.group != facts.RBAC_GROUP:
            continue
        if found.kind.kind == facts.CLUSTER_ROLE_BINDING:
            found_problems = _cluster_role_binding_problems(found, settings)
        elif found.kind.kind == facts.ROLE_BINDING:
            found_problems = _role_binding_problems(found, settings)
        else:
            continue
        problems += [(f"{found.label}: {problem}", found.urn) for problem in found_problems]
    return problems

"""Facts of the install, read from the stack rather than from pack config.

The controller Deployment says which ConfigMap the controller reads (`--configmap`, in
its own namespace) and which namespace it manages (`--managed-namespace`); the
Deployments say which service accounts the controller and server run as; the Argo roles
are the ClusterRoles bound to those accounts and those whose rules write Argo Workflows
objects. Pack config only fills in what the stack does not hold (a stack that only adds
workflows to an existing install), so a config value can never point a rule at a decoy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import upstream_facts as facts
import yaml
from k8s_objects import UNKNOWN, Kind, Unjudged, get, is_list, scalar, strings
from pack_settings import Settings
from resource_objects import FoundObject
from workloads import (
    Container,
    argv,
    containers,
    parse_flags,
    pod_spec,
    runs_controller,
    runs_server,
)

_WRITE_VERBS = frozenset({"create", "update", "patch", "delete", "deletecollection", "*"})
_ARGO_PLURALS = frozenset(name.split(".", 1)[0] for name in facts.ARGO_WORKFLOWS_CRDS) | {"*"}


@dataclass(frozen=True)
class Workload:
    found: FoundObject
    container: Container


@dataclass
class InstallFacts:
    controllers: list[Workload] = field(default_factory=list)  # every workload running it
    servers: list[Workload] = field(default_factory=list)
    control_namespace: Any = None
    managed_namespace: Any = None
    config_map_name: Any = None
    service_accounts: set[tuple[str, str]] = field(default_factory=set)
    argo_cluster_roles: set[str] = field(default_factory=set)
    # Accounts workflow pods may run as: the workflowDefaults one and every account bound
    # to a role that grants the executor's workflowtaskresults create in the managed
    # namespace (pods without it fail, so only those accounts can run workflows).
    workflow_accounts: set[str] = field(default_factory=set)
    workflow_service_account: Any = None  # spec.serviceAccountName of workflowDefaults
    executor_accounts: set[str] = field(default_factory=set)  # bound to the executor role
    # The same for every namespace, for when the controller's flags do not name one.
    executor_accounts_by_namespace: dict[str, set[str]] = field(default_factory=dict)
    # The managed Namespace's Pod Security enforce label, if the stack sets it.
    pod_security: Any = None
    unjudged: list[str] = field(default_factory=list)

    @property
    def controller(self) -> Workload | None:
        """The install's controller: the first Deployment (not a patch) running it."""
        for workload in self.controllers:
            if workload.found.kind.kind == facts.DEPLOYMENT and not workload.found.kind.patch:
                return workload
        return None

    @property
    def server(self) -> Workload | None:
        for workload in self.servers:
            if workload.found.kind.kind == facts.DEPLOYMENT and not workload.found.kind.patch:
                return workload
        return None


def _service_account(found: FoundObject) -> Any:
    spec = pod_spec(found)
    name = get(spec, "serviceAccountName")
    if name is None:
        name = get(spec, "serviceAccount")
    return name if name is not None else "default"


def _workflow_service_account(objects: list[FoundObject], namespace: Any, name: Any) -> Any:
    """spec.serviceAccountName of the controller ConfigMap's workflowDefaults, if set."""
    for found in objects:
        if (
            found.kind == _CONFIG_MAP
            and get(found.manifest, "metadata", "namespace") == namespace
            and get(found.manifest, "metadata", "name") == name
        ):
            text = get(found.manifest, "data", "workflowDefaults")
            if isinstance(text, str):
                try:
                    defaults = yaml.load(text, Loader=_LOADER)  # noqa: S506 (safe loader)
                except yaml.YAMLError:
                    return None
                return get(defaults, "spec", "serviceAccountName")
    return None


_CONFIG_MAP = Kind("", facts.CONFIG_MAP)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _grants_argo_writes(role: Any) -> bool:
    rules = get(role, "rules")
    for rule in rules if is_list(rules) else []:
        groups = get(rule, "apiGroups")
        resources = get(rule, "resources")
        verbs = get(rule, "verbs")
        if not (is_list(groups) and is_list(resources) and is_list(verbs)):
            continue
        if not ({facts.ARGO_GROUP, "*"} & strings(groups)):
            continue
        plurals = {r.split("/", 1)[0] for r in strings(resources)}
        if plurals & _ARGO_PLURALS and strings(verbs) & _WRITE_VERBS:
            return True
    return False


def _bound_to(binding: Any, accounts: set[tuple[str, str]]) -> bool:
    subjects = get(binding, "subjects")
    namespace = get(binding, "metadata", "namespace")
    for subject in subjects if is_list(subjects) else []:
        if get(subject, "kind") != "ServiceAccount":
            continue
        key = (scalar(get(subject, "namespace")) or scalar(namespace), scalar(get(subject, "name")))
        if key in accounts:
            return True
    return False


def _grants_executor(role: Any) -> bool:
    rules = get(role, "rules")
    for rule in rules if is_list(rules) else []:
        groups, resources, verbs = (get(rule, k) for k in ("apiGroups", "resources", "verbs"))
        if (
            is_list(groups)
            and is_list(resources)
            and is_list(verbs)
            and {facts.ARGO_GROUP, "*"} & strings(groups)
            and {"workflowtaskresults", "*"} & strings(resources)
            and {"create", "*"} & strings(verbs)
        ):
            return True
    return False


def _executor_accounts_by_namespace(objects: list[FoundObject]) -> dict[str, set[str]]:
    """Per namespace, the service accounts of that namespace (a subject's own namespace,
    or none) that a RoleBinding there gives a role granting the executor's writes: a
    ClusterRole, or a Role of the same namespace. One pass over the stack's objects."""
    cluster_roles: set[Any] = set()
    roles: set[tuple[Any, Any]] = set()  # (namespace, name)
    bindings: list[FoundObject] = []
    for found in objects:
        if found.kind.group != facts.RBAC_GROUP:
            continue
        kind = found.kind.kind
        if kind == facts.ROLE_BINDING:
            bindings.append(found)
        elif kind in (facts.CLUSTER_ROLE, "Role") and _grants_executor(found.manifest):
            name = scalar(get(found.manifest, "metadata", "name"))
            if kind == facts.CLUSTER_ROLE:
                cluster_roles.add(name)
            else:
                roles.add((get(found.manifest, "metadata", "namespace"), name))
    found_accounts: dict[str, set[str]] = {}
    for binding in bindings:
        namespace = get(binding.manifest, "metadata", "namespace")
        if not isinstance(namespace, str):
            continue
        kind = scalar(get(binding.manifest, "roleRef", "kind"))
        name = scalar(get(binding.manifest, "roleRef", "name"))
        if not (
            (kind == facts.CLUSTER_ROLE and name in cluster_roles)
            or (kind == "Role" and (namespace, name) in roles)
        ):
            continue
        subjects = get(binding.manifest, "subjects")
        for subject in subjects if is_list(subjects) else []:
            if get(subject, "kind") == "ServiceAccount" and scalar(get(subject, "namespace")) in (
                namespace,
                None,
            ):
                account = get(subject, "name")
                if isinstance(account, str):
                    found_accounts.setdefault(namespace, set()).add(account)
    return found_accounts


def _pod_security(objects: list[FoundObject], managed: str) -> Any:
    for found in objects:
        if (found.kind.group, found.kind.kind) == ("", facts.NAMESPACE) and get(
            found.manifest, "metadata", "name"
        ) == managed:
            return get(found.manifest, "metadata", "labels", facts.POD_SECURITY_ENFORCE_LABEL)
    return None


def install_facts(objects: Iterable[FoundObject]) -> InstallFacts:
    """What the stack says about the install (see the module docstring)."""
    objects = list(objects)
    result = InstallFacts()
    for found in objects:
        for container in containers(found):
            if runs_controller(container.spec):
                result.controllers.append(Workload(found, container))
            elif runs_server(container.spec):
                result.servers.append(Workload(found, container))
    controller = result.controller
    if controller is not None:
        flags = parse_flags(argv(controller.container.spec))
        result.control_namespace = get(controller.found.manifest, "metadata", "namespace")
        result.config_map_name = flags.get(facts.FLAG_CONFIGMAP, facts.DEFAULT_CONFIGMAP)
        result.managed_namespace = flags.get(facts.FLAG_MANAGED_NAMESPACE)
        for name, value in (
            ("metadata.namespace", result.control_namespace),
            (facts.FLAG_CONFIGMAP, result.config_map_name),
            (facts.FLAG_MANAGED_NAMESPACE, result.managed_namespace),
        ):
            if value is UNKNOWN:
                result.unjudged.append(
                    Unjudged(
                        f"{controller.found.label}: {name} is unknown during preview; the "
                        "pack config's value stands in for it"
                    )
                )
    for workload in (controller, result.server):
        if workload is None:
            continue
        namespace = get(workload.found.manifest, "metadata", "namespace")
        account = _service_account(workload.found)
        if isinstance(namespace, str) and isinstance(account, str):
            result.service_accounts.add((namespace, account))
    result.executor_accounts_by_namespace = _executor_accounts_by_namespace(objects)
    if isinstance(result.managed_namespace, str):
        account = _workflow_service_account(
            objects, result.control_namespace, result.config_map_name
        )
        if isinstance(account, str):
            result.service_accounts.add((result.managed_namespace, account))
            result.workflow_accounts.add(account)
            result.workflow_service_account = account
        result.executor_accounts = set(
            result.executor_accounts_by_namespace.get(result.managed_namespace, ())
        )
        result.workflow_accounts |= result.executor_accounts
        result.pod_security = _pod_security(objects, result.managed_namespace)
    for found in objects:
        if found.kind.group != facts.RBAC_GROUP:
            continue
        if found.kind.kind == facts.CLUSTER_ROLE and _grants_argo_writes(found.manifest):
            name = get(found.manifest, "metadata", "name")
            if isinstance(name, str):
                result.argo_cluster_roles.add(name)
        elif found.kind.kind in (facts.ROLE_BINDING, facts.CLUSTER_ROLE_BINDING) and (
            get(found.manifest, "roleRef", "kind") == facts.CLUSTER_ROLE
            and isinstance(get(found.manifest, "roleRef", "name"), str)
            and _bound_to(found.manifest, result.service_accounts)
        ):
            result.argo_cluster_roles.add(found.manifest["roleRef"]["name"])
    return result


def effective_settings(settings: Settings, install: InstallFacts) -> Settings:
    """Settings with every name the stack states taken from the stack."""
    changes: dict[str, Any] = {}
    if isinstance(install.control_namespace, str):
        changes["control_namespace"] = install.control_namespace
    if isinstance(install.managed_namespace, str) and install.managed_namespace:
        changes["managed_namespace"] = install.managed_namespace
    if isinstance(install.config_map_name, str) and install.config_map_name:
        changes["config_map_name"] = install.config_map_name
    changes["argo_cluster_roles"] = settings.argo_cluster_roles | frozenset(
        install.argo_cluster_roles
    )
    managed = changes.get("managed_namespace", settings.managed_namespace)
    changes["workflow_accounts"] = frozenset(
        install.executor_accounts_by_namespace.get(managed, set())
    )
    controller, server = install.controller, install.server
    for workload, key in (
        (controller, "controller_service_account"),
        (server, "server_service_account"),
    ):
        if workload is not None and isinstance(_service_account(workload.found), str):
            changes[key] = _service_account(workload.found)
    return dataclasses.replace(settings, **changes)


def config_mismatches(settings: Settings, install: InstallFacts, keys: Iterable[str]) -> list[str]:
    """Pack config that names something else than the stack's install."""
    stated = {
        "controlNamespace": ("control_namespace", install.control_namespace),
        "managedNamespace": ("managed_namespace", install.managed_namespace),
        "configMapName": ("config_map_name", install.config_map_name),
    }
    problems = []
    for key in keys:
        if key not in stated:
            continue
        field_name, found = stated[key]
        configured = getattr(settings, field_name)
        if isinstance(found, str) and found and configured != found:
            problems.append(
                f"pack config {key} is {configured!r} but the stack's workflow controller "
                f"uses {found!r}; the pack judges the install the stack holds, fix the config"
            )
    return problems

"""The pack's defaults are the program's names, read from the rendered dev stack: the
install facts the stack policies derive must equal what a config-less pack assumes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from install_facts import install_facts
from pack_settings import Settings
from resource_objects import objects_of


@pytest.fixture(scope="module")
def facts(stack_render: Callable[[str], Any]):
    render = stack_render("dev")
    objects = [
        found for r in render.resources for found in objects_of(r.type, r.inputs, r.name, r.urn)
    ]
    return install_facts(objects)


def test_namespaces_and_config_map_are_the_programs(facts) -> None:
    defaults = Settings()
    assert facts.control_namespace == defaults.control_namespace
    assert facts.managed_namespace == defaults.managed_namespace
    assert facts.config_map_name == defaults.config_map_name


def test_service_accounts_are_the_programs(facts) -> None:
    assert facts.service_accounts == set(Settings().argo_service_accounts)


def test_argo_cluster_roles_are_the_programs(facts) -> None:
    assert facts.argo_cluster_roles == set(Settings().argo_cluster_roles)


def test_one_controller_and_one_server(facts) -> None:
    assert len(facts.controllers) == 1 and facts.controller is facts.controllers[0]
    assert len(facts.servers) == 1 and facts.server is facts.servers[0]


def test_workflow_account_is_never_an_argo_component_account(facts) -> None:
    # Pack config naming the controller's (or the server's) account as the workflow
    # account must not let templates or workflowDefaults run as it (item 12).
    from install_facts import effective_settings

    for account in ("argo", "argo-server"):
        effective = effective_settings(Settings(workflow_service_account=account), facts)
        assert account not in effective.allowed_workflow_accounts
    assert "workflow" in effective_settings(Settings(), facts).allowed_workflow_accounts


def _rbac(kind: str, name: str, namespace: str | None = None, **body: Any) -> Any:
    metadata = {"name": name, **({"namespace": namespace} if namespace else {})}
    manifest = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": metadata}
    token = f"kubernetes:rbac.authorization.k8s.io/v1:{kind}"
    return list(objects_of(token, {**manifest, **body}, name))


# What the executor of a workflow pod writes in its namespace: workflowtaskresults,
# created (and patched) in the argoproj.io group; missing, pods fail since Argo 3.6
# ("workflowtaskresults ... forbidden").
_EXECUTOR_RULES = [
    {"apiGroups": ["argoproj.io"], "resources": ["workflowtaskresults"], "verbs": ["create"]}
]
_READ_RULES = [
    {"apiGroups": ["argoproj.io"], "resources": ["workflowtaskresults"], "verbs": ["get"]}
]


def _binding(name: str, namespace: str, role_kind: str, role: str, *subjects: Any) -> Any:
    return _rbac(
        "RoleBinding",
        name,
        namespace,
        roleRef={"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
        subjects=[{"kind": "ServiceAccount", **s} for s in subjects],
    )


def test_executor_accounts_are_those_bound_to_the_executor_s_writes_in_their_namespace() -> None:
    objects = [
        *_rbac("ClusterRole", "executor", rules=_EXECUTOR_RULES),
        *_rbac("ClusterRole", "reader", rules=_READ_RULES),
        *_rbac("Role", "local-executor", "team-a", rules=_EXECUTOR_RULES),
        *_rbac("Role", "local-executor-b", "team-b", rules=_EXECUTOR_RULES),
        # team-a: the ClusterRole, to a subject without a namespace and one of team-a
        *_binding("a1", "team-a", "ClusterRole", "executor", {"name": "runner"}),
        *_binding(
            "a2", "team-a", "Role", "local-executor", {"name": "local", "namespace": "team-a"}
        ),
        # a subject of another namespace gets nothing in team-a's list
        *_binding("a3", "team-a", "ClusterRole", "executor", {"name": "x", "namespace": "team-b"}),
        # a ClusterRole without the executor's writes
        *_binding("a4", "team-a", "ClusterRole", "reader", {"name": "reads-only"}),
        # a Role of another namespace, named from team-c: no such Role there
        *_binding("c1", "team-c", "Role", "local-executor-b", {"name": "stray"}),
        *_binding("b1", "team-b", "Role", "local-executor-b", {"name": "b-runner"}),
    ]
    assert install_facts(objects).executor_accounts_by_namespace == {
        "team-a": {"runner", "local"},
        "team-b": {"b-runner"},
    }

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

"""Config defaults are the same in the published schema and in the validators."""

from __future__ import annotations

import pack_settings
import pytest
import resource_policies
import stack_policies
from pack_settings import Settings, config_schema, settings_from_config

ALL_POLICIES = resource_policies.RESOURCE_POLICIES + stack_policies.STACK_POLICIES


def test_schema_defaults_match_settings_defaults() -> None:
    schema = config_schema(*pack_settings.CONFIG_KEYS).properties
    assert settings_from_config({key: value["default"] for key, value in schema.items()}) == (
        Settings()
    )
    assert schema["managedNamespace"]["default"] == "argo-events"
    assert schema["controlNamespace"]["default"] == "argo"
    assert schema["configMapName"]["default"] == "workflow-controller-configmap"
    assert schema["allowClusterWorkflowTemplates"]["default"] is False
    assert schema["extraAllowedWorkflowFields"]["default"] == []
    assert schema["argoClusterRoles"]["default"] == [
        "argo-workflows-controller-argo",
        "argo-workflows-server-argo",
    ]


def test_settings_from_config_parses_and_ignores_unknown_keys() -> None:
    settings = settings_from_config(
        {
            "managedNamespace": "team-a",
            "extraAllowedWorkflowFields": ["nodeSelector"],
            "allowClusterWorkflowTemplates": True,
            "enforcementLevel": "advisory",
        }
    )
    assert settings.managed_namespace == "team-a"
    assert settings.allow_cluster_workflow_templates is True
    assert "nodeSelector" in settings.allowed_workflow_fields
    assert "workflowTemplateRef" in settings.allowed_workflow_fields
    assert settings_from_config(None) == Settings()


@pytest.mark.parametrize("field", ["templates", "podSpecPatch", "serviceAccountName", "volumes"])
def test_config_can_never_re_allow_fields_that_change_what_runs(field: str) -> None:
    with pytest.raises(ValueError, match=f"extraAllowedWorkflowFields: \\['{field}'\\]"):
        settings_from_config({"extraAllowedWorkflowFields": [field]})


def test_argo_identities_follow_the_namespaces() -> None:
    settings = settings_from_config({"controlNamespace": "ops", "managedNamespace": "wf"})
    assert settings.argo_service_accounts == {
        ("ops", "argo"),
        ("ops", "argo-server"),
        ("wf", "workflow"),
    }


@pytest.mark.parametrize("policy", ALL_POLICIES, ids=lambda p: p.name)
def test_every_policy_is_mandatory_with_a_schema_of_known_keys(policy) -> None:
    assert policy.enforcement_level.value == "mandatory"
    assert policy.config_schema is not None
    assert set(policy.config_schema.properties) <= set(pack_settings.CONFIG_KEYS)
    for schema in policy.config_schema.properties.values():
        assert "default" in schema and "type" in schema and "description" in schema

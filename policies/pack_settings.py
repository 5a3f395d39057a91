"""Policy configuration: defaults, JSON schema, and the parsed settings the rules read.

Pulumi hands each policy only its own config (`--policy-pack-config` is keyed by policy
name; the `all` key carries an enforcement level and nothing else), so every policy
declares the keys it reads and a setting shared by several policies is repeated under
each of them. The defaults below are both published in the schema (the engine fills
them in) and applied here, so a validator called without config behaves the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import PolicyConfigSchema
from upstream_facts import EXTRA_ALLOWABLE_WORKFLOW_FIELDS, STRICT_WORKFLOW_SPEC_FIELDS

_K8S_NAME = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"


@dataclass(frozen=True)
class Settings:
    """Names of the install under guard, with the program's defaults."""

    managed_namespace: str = "argo-events"
    control_namespace: str = "argo"
    allow_cluster_workflow_templates: bool = False
    extra_allowed_workflow_fields: frozenset[str] = frozenset()
    config_map_name: str = "workflow-controller-configmap"
    controller_service_account: str = "argo"
    server_service_account: str = "argo-server"
    workflow_service_account: str = "workflow"
    argo_cluster_roles: frozenset[str] = frozenset(
        {"argo-workflows-controller-argo", "argo-workflows-server-argo"}
    )
    # (repo, chart, version or "") a Helm v3 Release may install; "" repo: chart is a
    # full reference (oci://... or a local path).
    allowed_helm_charts: frozenset[tuple[str, str, str]] = frozenset()
    # Not config: accounts the stack binds to the executor role (install_facts).
    workflow_accounts: frozenset[str] = frozenset()

    @property
    def allowed_workflow_accounts(self) -> frozenset[str]:
        """Accounts workflow pods may run as: never the controller's or the server's, even
        when config names one of them as the workflow account."""
        accounts = frozenset({self.workflow_service_account}) | self.workflow_accounts
        return accounts - {self.controller_service_account, self.server_service_account}

    @property
    def allowed_workflow_fields(self) -> frozenset[str]:
        """Spec fields a Workflow may set: the controller's Strict allow-list plus extras."""
        return STRICT_WORKFLOW_SPEC_FIELDS | self.extra_allowed_workflow_fields

    @property
    def argo_service_accounts(self) -> frozenset[tuple[str, str]]:
        """(namespace, name) of every Argo service account."""
        return frozenset(
            {
                (self.control_namespace, self.controller_service_account),
                (self.control_namespace, self.server_service_account),
                (self.managed_namespace, self.workflow_service_account),
            }
        )

    @property
    def argo_namespaces(self) -> frozenset[str]:
        return frozenset({self.control_namespace, self.managed_namespace})


_DEFAULTS = Settings()

# config key -> (Settings field, JSON schema). Defaults come from Settings.
_KEYS: dict[str, tuple[str, dict[str, Any]]] = {
    "managedNamespace": (
        "managed_namespace",
        {
            "type": "string",
            "pattern": _K8S_NAME,
            "description": "The one namespace where workflows run "
            "(controller --managed-namespace).",
        },
    ),
    "controlNamespace": (
        "control_namespace",
        {
            "type": "string",
            "pattern": _K8S_NAME,
            "description": "Namespace of the workflow controller and the Argo Server.",
        },
    ),
    "allowClusterWorkflowTemplates": (
        "allow_cluster_workflow_templates",
        {
            "type": "boolean",
            "description": "Allow ClusterWorkflowTemplates (they are visible outside the "
            "managed namespace).",
        },
    ),
    "extraAllowedWorkflowFields": (
        "extra_allowed_workflow_fields",
        {
            "type": "array",
            "items": {"type": "string", "enum": list(EXTRA_ALLOWABLE_WORKFLOW_FIELDS)},
            "uniqueItems": True,
            "description": "Scheduling fields a Workflow may set on top of the controller's "
            "Strict allow-list. Fields that change what runs (templates, podSpecPatch, "
            "serviceAccountName, volumes, hooks, ...) can never be allowed.",
        },
    ),
    "configMapName": (
        "config_map_name",
        {
            "type": "string",
            "pattern": _K8S_NAME,
            "description": "Name of the workflow controller's ConfigMap (controller --configmap).",
        },
    ),
    "controllerServiceAccount": (
        "controller_service_account",
        {
            "type": "string",
            "pattern": _K8S_NAME,
            "description": "Service account of the controller.",
        },
    ),
    "serverServiceAccount": (
        "server_service_account",
        {
            "type": "string",
            "pattern": _K8S_NAME,
            "description": "Service account of the Argo Server.",
        },
    ),
    "workflowServiceAccount": (
        "workflow_service_account",
        {
            "type": "string",
            "pattern": _K8S_NAME,
            "description": "Service account workflow pods run as.",
        },
    ),
    "argoClusterRoles": (
        "argo_cluster_roles",
        {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "uniqueItems": True,
            "description": "ClusterRoles of the install, to be bound only by RoleBindings in "
            "the control and managed namespaces.",
        },
    ),
    "allowedHelmCharts": (
        "allowed_helm_charts",
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "chart": {"type": "string", "minLength": 1},
                    "repo": {"type": "string"},
                    "version": {"type": "string"},
                },
                "required": ["chart"],
                "additionalProperties": False,
            },
            "description": "Helm charts a kubernetes:helm.sh/v3:Release may install: chart "
            "(name, oci:// reference or path), repo (repositoryOpts.repo, omit for none), "
            "version (omit for any).",
        },
    ),
}

CONFIG_KEYS = tuple(_KEYS)


def _json_default(value: Any) -> Any:
    if isinstance(value, frozenset):
        return sorted(value)
    return value


def _helm_charts(value: Any) -> frozenset[tuple[str, str, str]]:
    charts = set()
    for entry in value or []:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("chart"), str):
            raise ValueError(
                f"policy config allowedHelmCharts: {entry!r} is not an object with a chart"
            )
        charts.add((str(entry.get("repo") or ""), entry["chart"], str(entry.get("version") or "")))
    return frozenset(charts)


def _extra_fields(value: Any) -> frozenset[str]:
    fields = frozenset(str(item) for item in value)
    refused = sorted(fields - frozenset(EXTRA_ALLOWABLE_WORKFLOW_FIELDS))
    if refused:
        raise ValueError(
            f"policy config extraAllowedWorkflowFields: {refused} change what runs and can "
            f"never be allowed; allowed extras are {list(EXTRA_ALLOWABLE_WORKFLOW_FIELDS)}"
        )
    return fields


def config_schema(*keys: str) -> PolicyConfigSchema:
    """JSON schema of the given config keys, each with its default."""
    properties = {}
    for key in keys:
        field, schema = _KEYS[key]
        properties[key] = {**schema, "default": _json_default(getattr(_DEFAULTS, field))}
    return PolicyConfigSchema(properties=properties)


def settings_from_config(config: Mapping[str, Any] | None) -> Settings:
    """Settings from one policy's config; missing keys keep their defaults."""
    values: dict[str, Any] = {}
    for key, value in (config or {}).items():
        if key not in _KEYS or value is None:
            continue
        field = _KEYS[key][0]
        if field == "allowed_helm_charts":
            values[field] = _helm_charts(value)
        elif field == "extra_allowed_workflow_fields":
            values[field] = _extra_fields(value)
        elif isinstance(getattr(_DEFAULTS, field), frozenset):
            values[field] = frozenset(str(item) for item in value)
        elif isinstance(getattr(_DEFAULTS, field), bool):
            values[field] = bool(value)
        else:
            values[field] = str(value)
    return Settings(**values)

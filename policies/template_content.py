"""Every WorkflowTemplate the pack sees is held to the catalog's content rules.

The rules (service accounts, Pod Security by construction, podSpecPatch, semantic and
schema checks) have one implementation, `argo_rules.template_rules.template_problems`,
which the catalog loader uses too. The context comes from the stack: the managed
namespace and the controller config's mainContainer / executor / workflowDefaults as the
controller reads them, and the catalog's template names for templateRef resolution.
"""

from __future__ import annotations

from typing import Any

import upstream_facts as facts
from controller_config_rules import read_controller_config
from k8s_objects import get
from pack_settings import Settings
from resource_objects import FoundObject

try:
    from argo_rules import template_rules as _template_rules
except ImportError:  # pragma: no cover - until the shared rules are present
    _template_rules = None

_TEMPLATE_KINDS = (facts.WORKFLOW_TEMPLATE, facts.CLUSTER_WORKFLOW_TEMPLATE)


def available() -> bool:
    return _template_rules is not None


def _controller_config(objects: list[FoundObject], settings: Settings) -> dict[str, Any]:
    for found in objects:
        if (
            (found.kind.group, found.kind.kind) == ("", facts.CONFIG_MAP)
            and not found.kind.patch
            and get(found.manifest, "metadata", "name") == settings.config_map_name
            and get(found.manifest, "metadata", "namespace") == settings.control_namespace
        ):
            return read_controller_config(get(found.manifest, "data")).value
    return {}


def _context(objects: list[FoundObject], templates: list[FoundObject], settings: Settings) -> Any:
    config = _controller_config(objects, settings)
    names = {
        get(found.manifest, "metadata", "name")
        for found in templates
        if found.kind.kind == facts.WORKFLOW_TEMPLATE
    }
    return _template_rules.TemplateContext(
        managed_namespace=settings.managed_namespace,
        allowed_service_accounts=frozenset({settings.workflow_service_account}),
        main_container=config.get("mainContainer"),
        executor=config.get("executor"),
        workflow_defaults=config.get(facts.CONTROLLER_CONFIG_DEFAULTS_KEY),
        template_names=frozenset(name for name in names if isinstance(name, str)),
    )


def template_content_problems(
    objects: list[FoundObject], settings: Settings
) -> list[tuple[str, str | None]]:
    if _template_rules is None:
        return []
    templates = [
        found
        for found in objects
        if found.kind.group == facts.ARGO_GROUP
        and found.kind.kind in _TEMPLATE_KINDS
        and not found.kind.patch
    ]
    if not templates:
        return []
    context = _context(objects, templates, settings)
    problems: list[tuple[str, str | None]] = []
    for found in templates:
        for problem in _template_rules.template_problems(found.manifest, context):
            problems.append((f"{found.label}: {getattr(problem, 'message', problem)}", found.urn))
    return problems

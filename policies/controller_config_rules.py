"""Rule for the workflow-controller ConfigMap: runtime template enforcement stays on.

The controller reads `workflowRestrictions` (a YAML document in a string) from its
ConfigMap, or every setting from the single key `config`. With templateReferencing Strict
or Secure it runs only Workflows that reference a WorkflowTemplate; anything else (or no
setting at all) lets inline workflows run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import upstream_facts as facts
import yaml
from k8s_objects import get, is_mapping
from pack_settings import Settings
from resource_objects import FoundObject

_UNSET = object()


def _parsed(value: Any) -> Any:
    if isinstance(value, str):
        return yaml.safe_load(value)
    return value


def template_referencing(data: Any) -> Any:
    """The configured templateReferencing value, _UNSET if the ConfigMap does not set it.

    Raises yaml.YAMLError when the value is not valid YAML.
    """
    if not is_mapping(data):
        return _UNSET
    if facts.CONTROLLER_CONFIG_ALL_IN_ONE_KEY in data:
        restrictions = get(
            _parsed(data[facts.CONTROLLER_CONFIG_ALL_IN_ONE_KEY]),
            facts.CONTROLLER_CONFIG_RESTRICTIONS_KEY,
        )
    elif facts.CONTROLLER_CONFIG_RESTRICTIONS_KEY in data:
        restrictions = _parsed(data[facts.CONTROLLER_CONFIG_RESTRICTIONS_KEY])
    else:
        return _UNSET
    if not is_mapping(restrictions) or "templateReferencing" not in restrictions:
        return _UNSET
    return restrictions["templateReferencing"]


def _is_controller_config_map(found: FoundObject, settings: Settings) -> bool:
    return (
        found.kind.group == ""
        and found.kind.kind == facts.CONFIG_MAP
        and get(found.manifest, "metadata", "name") == settings.config_map_name
        and get(found.manifest, "metadata", "namespace") == settings.control_namespace
    )


def controller_config_problems(
    objects: Iterable[FoundObject], settings: Settings
) -> list[tuple[str, str | None]]:
    """(message, urn) for every way the stack leaves template enforcement off."""
    wanted = " or ".join(facts.ENFORCING_TEMPLATE_REFERENCING)
    strict = facts.ENFORCING_TEMPLATE_REFERENCING[0]
    fix = f"set data.workflowRestrictions to 'templateReferencing: {strict}'"
    problems: list[tuple[str, str | None]] = []
    full_config_maps = 0
    for found in objects:
        if not _is_controller_config_map(found, settings):
            continue
        full_config_maps += not found.kind.patch
        try:
            value = template_referencing(get(found.manifest, "data"))
        except yaml.YAMLError:
            problems.append(
                (f"{found.label}: workflowRestrictions is not valid YAML; {fix}", found.urn)
            )
            continue
        if value is _UNSET:
            if not found.kind.patch:
                problems.append(
                    (
                        f"{found.label}: templateReferencing is not set, so the controller "
                        f"runs inline workflows; {fix}",
                        found.urn,
                    )
                )
        elif value not in facts.ENFORCING_TEMPLATE_REFERENCING:
            problems.append(
                (
                    f"{found.label}: templateReferencing is {value!r}, which lets inline "
                    f"workflows run; set it to {wanted}",
                    found.urn,
                )
            )
    if not full_config_maps:
        problems.append(
            (
                f"the stack has no ConfigMap {settings.control_namespace}/"
                f"{settings.config_map_name} for the workflow controller; add it and {fix}",
                None,
            )
        )
    return problems

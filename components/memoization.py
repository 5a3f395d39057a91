"""Memoization caches of the catalog: which ConfigMaps the controller may write.

The controller keeps each memoized template's outputs in the ConfigMap named by
`memoize.cache.configMap.name`, in the workflow's namespace
(workflow/controller/cache/cache.go, configmap_cache.go). Under Strict/Secure only catalog
templates run, so the catalog names every cache: the controller's write access is
narrowed to exactly those names. A name built from parameters (`{{...}}`) could be any
ConfigMap of the managed namespace, so it is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from components.settings import PROJECT


class _Template(Protocol):
    source: str
    manifest: dict


def _cache_names(manifest: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(field path, name) of every memoize cache ConfigMap of one WorkflowTemplate."""
    spec = manifest.get("spec") or {}
    places: list[tuple[str, Any]] = [("spec.templateDefaults", spec.get("templateDefaults"))]
    places += [(f"spec.templates[{i}]", t) for i, t in enumerate(spec.get("templates") or [])]
    for path, template in places:
        if not isinstance(template, dict):
            continue
        memoize = template.get("memoize")
        if not isinstance(memoize, dict):
            continue
        config_map = (memoize.get("cache") or {}).get("configMap") or {}
        yield f"{path}.memoize.cache.configMap.name", config_map.get("name")


def memoization_problems(templates: Iterable[_Template]) -> list[str]:
    """One problem per cache name that is not a literal ConfigMap name."""
    problems = []
    for template in templates:
        for path, name in _cache_names(template.manifest):
            if not isinstance(name, str) or not name or "{{" in name:
                problems.append(
                    f"{template.source}: {path}: found {name!r}, expected a literal ConfigMap "
                    f"name: the controller may write only the cache ConfigMaps the catalog "
                    f"names ({PROJECT} narrows its access to them)"
                )
    return problems


def memoization_caches(templates: Iterable[_Template]) -> tuple[str, ...]:
    """Every literal cache ConfigMap name of the catalog, sorted."""
    names = {
        name
        for template in templates
        for _, name in _cache_names(template.manifest)
        if isinstance(name, str) and name and "{{" not in name
    }
    return tuple(sorted(names))

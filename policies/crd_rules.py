"""The Argo Workflows CRDs are defined once, by the install, as plain storage.

Another definition of one of them (a second resource for the same CRD, a patch of it)
would replace the install's; a conversion webhook would let a server rewrite every
object of the kind on its way in and out of storage; a `default` in the schema would add
fields to every object the API server stores (structural schema defaulting).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import upstream_facts as facts
from k8s_objects import UNKNOWN, Unjudged, get, is_list, is_mapping, scalar
from resource_objects import FoundObject


def _crd_name(found: FoundObject) -> Any:
    name = scalar(get(found.manifest, "metadata", "name"))
    if name is not None:
        return name
    plural, group = (
        get(found.manifest, "spec", "names", "plural"),
        get(found.manifest, "spec", "group"),
    )
    return f"{plural}.{group}" if isinstance(plural, str) and isinstance(group, str) else None


def _is_argo_crd(found: FoundObject) -> bool | None:
    name = _crd_name(found)
    group = scalar(get(found.manifest, "spec", "group"))
    kind = scalar(get(found.manifest, "spec", "names", "kind"))
    if name is UNKNOWN or group is UNKNOWN:
        return None
    return name in facts.ARGO_WORKFLOWS_CRDS or (
        isinstance(group, str)
        and group.casefold() == facts.ARGO_GROUP
        and isinstance(kind, str)
        and kind in facts.ARGO_WORKFLOWS_KINDS
    )


def _defaults(value: Any, path: str) -> Iterator[str]:
    if is_mapping(value):
        for key, item in value.items():
            if key == "default" and not path.endswith(".properties"):
                yield path
            yield from _defaults(item, f"{path}.{key}")
    elif is_list(value):
        for index, item in enumerate(value):
            yield from _defaults(item, f"{path}[{index}]")


def crd_problems(objects: list[FoundObject]) -> list[tuple[str, str | None]]:
    problems: list[tuple[str, str | None]] = []
    seen: dict[Any, FoundObject] = {}
    for found in objects:
        if (found.kind.group, found.kind.kind) != (
            facts.APIEXTENSIONS_GROUP,
            facts.CUSTOM_RESOURCE_DEFINITION,
        ):
            continue
        argo = _is_argo_crd(found)
        if argo is None:
            problems.append(
                (Unjudged(f"{found.label}: its name or group is unknown during preview"), found.urn)
            )
            continue
        group = get(found.manifest, "spec", "group")
        if (
            isinstance(group, str)
            and group.casefold() == facts.ARGO_GROUP
            and get(found.manifest, "spec", "conversion", "strategy") not in (None, "None")
        ):
            problems.append(
                (
                    f"{found.label}: an argoproj.io CRD with a conversion webhook lets a "
                    "server rewrite every object of the kind; remove spec.conversion",
                    found.urn,
                )
            )
        if not argo:
            continue
        name = _crd_name(found)
        if found.kind.patch:
            problems.append(
                (
                    f"{found.label}: patches the Argo Workflows CRD {name}, which the install "
                    "defines; change the install's CRD instead",
                    found.urn,
                )
            )
            continue
        if name in seen:
            problems.append(
                (
                    f"{found.label}: defines the Argo Workflows CRD {name} again (the install "
                    f"defines it as {seen[name].label}); remove it",
                    found.urn,
                )
            )
            continue
        seen[name] = found
        for path in _defaults(get(found.manifest, "spec", "versions"), "spec.versions"):
            problems.append(
                (
                    f"{found.label}: {path} sets a schema default, which the API server adds "
                    "to every stored object; remove it",
                    found.urn,
                )
            )
    return problems

"""Reading Kubernetes objects as the policy SDK hands them over.

Resource properties arrive as read-only Mapping / Sequence proxies (not dict / list)
that raise when an unknown preview value is read, so everything here works on the
abstract collection types and reads only what a rule asks for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

_TOKEN = re.compile(r"^kubernetes:(?P<module>[^:]+):(?P<kind>[A-Za-z0-9]+)$")


def is_mapping(value: Any) -> bool:
    return isinstance(value, Mapping)


def is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def get(value: Any, *path: str) -> Any:
    """value[path[0]][path[1]]..., or None where a step is missing or not a mapping."""
    for key in path:
        if not is_mapping(value) or key not in value:
            return None
        value = value[key]
    return value


def api_group(api_version: Any) -> str:
    """'argoproj.io/v1alpha1' -> 'argoproj.io'; 'v1' -> '' (the core group)."""
    if not isinstance(api_version, str) or "/" not in api_version:
        return ""
    return api_version.split("/", 1)[0]


@dataclass(frozen=True)
class Kind:
    """Group and kind of an object; patch=True for a server-side-apply patch of it."""

    group: str
    kind: str
    patch: bool = False


def kind_of_type(type_token: str, patch_suffix: str = "Patch") -> Kind | None:
    """Kind of a pulumi-kubernetes type token such as kubernetes:core/v1:ConfigMapPatch."""
    match = _TOKEN.match(type_token)
    if not match or "/" not in match["module"]:
        return None
    group = match["module"].rsplit("/", 1)[0]
    group = "" if group == "core" else group
    kind = match["kind"]
    if kind.endswith(patch_suffix) and len(kind) > len(patch_suffix):
        return Kind(group, kind[: -len(patch_suffix)], patch=True)
    return Kind(group, kind)


def kind_of_manifest(manifest: Any) -> Kind | None:
    if not is_mapping(manifest) or not isinstance(manifest.get("kind"), str):
        return None
    return Kind(api_group(manifest.get("apiVersion")), manifest["kind"])


def object_name(manifest: Any, default_namespace: str | None = None) -> str:
    """'namespace/name' (or 'name', or 'generateName*') of an object, for messages."""
    name = get(manifest, "metadata", "name")
    if not isinstance(name, str) or not name:
        generated = get(manifest, "metadata", "generateName")
        name = f"{generated}*" if isinstance(generated, str) and generated else "<unnamed>"
    namespace = get(manifest, "metadata", "namespace") or default_namespace
    return f"{namespace}/{name}" if isinstance(namespace, str) and namespace else name


def load_yaml_documents(text: str) -> list[Any]:
    """Every non-empty document of a (multi-document) YAML string; raises yaml.YAMLError."""
    return [doc for doc in yaml.safe_load_all(text) if doc is not None]


def flatten_objects(value: Any) -> Iterator[Any]:
    """Objects of a value that may be an object, a list of them, or a Kubernetes List."""
    if is_list(value):
        for item in value:
            yield from flatten_objects(item)
    elif is_mapping(value) and is_list(value.get("items")) and "kind" in value:
        kind = value["kind"]
        if isinstance(kind, str) and kind.endswith("List"):
            yield from flatten_objects(value["items"])
        else:
            yield value
    elif value is not None:
        yield value

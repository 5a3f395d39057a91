"""Reading Kubernetes objects as the policy SDK hands them over.

Resource properties arrive as read-only Mapping / Sequence proxies that raise when an
unknown preview value is read. `to_plain` turns them (once) into plain dicts and lists
in which every unknown value is the `UNKNOWN` marker, so one unknown value never stops a
rule from reading the rest of an object; rules say what they could not judge with an
`Unjudged` message, which resource policies report as advisory and stack policies refuse
(reporting.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from shared_analysis import ProtoDict, plain_properties

_TOKEN = re.compile(r"^kubernetes:(?P<module>[^:]+):(?P<kind>[A-Za-z0-9]+)$")

# The policy SDK's sentinels for values not known during preview
# (pulumi_policy/proxy.py UNKNOWN_*_VALUE; the engine sends them as strings).
_UNKNOWN_SENTINELS = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "030794c1-ac77-496b-92df-f27374a8bd58",
        "e48ece36-62e2-4504-bad9-02848725956a",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    }
)


class _Unknown:
    """A value not known during preview (one marker object)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<unknown during preview>"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Any = _Unknown()
_AS_UNKNOWN = dict.fromkeys(_UNKNOWN_SENTINELS, UNKNOWN)


class Unjudged(str):
    """A message for something a rule could not judge (a value unknown at preview)."""


class PlainDict(dict):
    """A resource's properties already converted by to_plain (converted only once)."""


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN


def strings(value: Any) -> set[str]:
    """The string items of a list (rule fields such as apiGroups, verbs), as a set."""
    return {item for item in value if isinstance(item, str)} if is_list(value) else set()


def scalar(value: Any) -> Any:
    """A name-like value usable as a key: strings, None and UNKNOWN as they are, anything
    else (a list or mapping where a name belongs) as its repr."""
    if value is None or value is UNKNOWN or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return UNKNOWN if value in _UNKNOWN_SENTINELS else value
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in _raw_items(value)}
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        return [_plain(item) for item in _raw_list(value)]
    return value


def _raw_items(mapping: Mapping) -> Iterator[tuple[Any, Any]]:
    target = _target(mapping)
    if target is not None:
        return iter(target.items())
    return iter(mapping.items())


def _raw_list(sequence: Sequence) -> Sequence:
    target = _target(sequence)
    return target if target is not None else sequence


def _target(proxy: Any) -> Any:
    """The unproxied value behind a pulumi_policy proxy (it hands it out as '__target')."""
    if isinstance(proxy, (dict, list)):
        return None
    try:
        return proxy["__target"]
    except (KeyError, IndexError, TypeError):
        return None


def to_plain(props: Any) -> PlainDict:
    """Resource properties as plain dicts / lists, unknown preview values as UNKNOWN."""
    if isinstance(props, PlainDict):
        return props
    if isinstance(props, ProtoDict):  # straight from the protobuf, in one pass
        return PlainDict(plain_properties(props, _AS_UNKNOWN))
    plain = _plain(props) if props is not None else {}
    return PlainDict(plain if isinstance(plain, dict) else {})


def apply_patch(base: Any, patch: Any) -> Any:
    """A server-side-apply patch over its object: maps merge field by field, and a list
    the patch sets replaces the object's (the Argo CRDs and RBAC `rules` / `subjects`
    declare no list-map keys, so their lists are atomic)."""
    if not isinstance(base, dict) or not isinstance(patch, dict):
        return patch
    merged = dict(base)
    for key, value in patch.items():
        merged[key] = apply_patch(base.get(key), value) if key in base else value
    return merged


# The plain dict and list come first: an ABC isinstance check costs several times more, and
# properties are almost always plain data.


def is_mapping(value: Any) -> bool:
    return type(value) is dict or isinstance(value, Mapping)


def is_list(value: Any) -> bool:
    return type(value) is list or (
        isinstance(value, Sequence) and not isinstance(value, (str, bytes))
    )


def get(value: Any, *path: str) -> Any:
    """value[path[0]][path[1]]..., None where a step is missing or not a mapping, UNKNOWN
    where a step is unknown at preview."""
    for key in path:
        if value is UNKNOWN:
            return UNKNOWN
        if not (type(value) is dict or isinstance(value, Mapping)) or key not in value:
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
    return [doc for doc in yaml.load_all(text, Loader=_YAML_LOADER) if doc is not None]  # noqa: S506


# libyaml's parser where PyYAML has it (the same SafeLoader constructor, parsed in C).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def label_requirement_holds(
    labels: Mapping[str, Any], key: str, operator: Any, values: Sequence[Any]
) -> bool:
    """One matchExpressions requirement of a label selector, as apimachinery's
    labels.Requirement.Matches reads it; an unknown operator does not exclude."""
    present = key in labels
    if operator == "In":
        return present and labels[key] in values
    if operator == "NotIn":
        return not (present and labels[key] in values)
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    return True

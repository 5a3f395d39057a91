"""Object keys as Go's encoding/json binds them to Argo's (and Kubernetes') structs.

The rule implemented
--------------------
1. A JSON object key binds to the struct field whose JSON name equals it; failing that,
   to the field whose name equals it case-insensitively (encoding/json Unmarshal doc:
   "preferring an exact match but also accepting a case-insensitive match"). The folding
   is encoding/json fold.go `foldName`: ASCII letters upper-cased, any other rune replaced
   by the smallest rune of its unicode.SimpleFold orbit, so "ſ" matches "s" and the Kelvin
   sign matches "k".
2. "Preferring an exact match" chooses the FIELD for one key; it does not choose between
   two KEYS. When several keys of one object bind to the same field, the decoder assigns
   them in the order they appear in the JSON text and the last one wins, exact or not
   (golang/go#28190, #43664, #47984: `{"dist":"ok","Dist":"KO"}` gives "KO"). For a
   struct (or pointer-to-struct) field the later object is decoded INTO the earlier value,
   so fields it does not set survive; a non-nil map is reused (keys added); a slice, a
   scalar, raw JSON or interface{} value is replaced (encoding/json decode.go `object`,
   `array`).
3. Which key comes last: the controller never decodes the text a user wrote. Its
   ConfigMap goes YAML -> JSON through sigs.k8s.io/yaml (yaml.go `yamlToJSONTarget`:
   YAML into interface{}, then `json.Marshal`), and `json.Marshal` writes map keys sorted
   byte-wise (encoding/json Marshal doc: "The map keys are sorted"). Objects stored by the
   API server are likewise re-encoded from maps. So among keys that differ only in case the
   byte-wise greatest is decoded last and wins: `clusterscope` beats `clusterScope`
   ('s' > 'S'), and `get_ci`/`canonicalize` model exactly that.
Other readers on the way do not fold case: Kubernetes' own decoders are case-sensitive
(kubernetes-sigs/json `UnmarshalCaseSensitivePreserveInts`) and a CRD's structural schema
prunes keys it does not declare, case-sensitively. The same object can therefore mean
different things to different readers: callers should refuse `collisions`, and treat
`renamed` keys as suspicious where that matters.

API
---
``canonicalize(value, type_name, schema) -> Canonical``: walks `value` (any nested
dict/list) along `type_name`'s schema; every key of a known object type is renamed to the
JSON name of the field it binds to; map keys and "any" subtrees are left alone.
``Canonical.value``: the renamed copy (the input is not modified); for colliding keys the
value Go ends with (merged for struct fields).
``Canonical.collisions``: tuple of ``Collision(path, field, keys, kept, merged)``: `path`
of the object, canonical `field`, the colliding `keys` in decode order, the key whose value
is `kept` (last), `merged` when struct values were merged.
``Canonical.unknown``: tuple of paths of keys no field binds to (kept as written).
``Canonical.renamed``: tuple of (path, key as written) for keys that were not exact.
``is_canonical(value, type_name, schema) -> bool``: whether every key of every known
object type in `value` is already the JSON name of a field (exact, so nothing binds by
case, collides or is unknown): `canonicalize` would then return an equal copy and report
nothing. A quick test (a set comparison per object) for the common case.
``get_ci(mapping, key, default=None)``: the value Go ends with for field `key` of a plain
mapping: of the keys equal to `key` case-insensitively, the last in sorted order (scalars;
use canonicalize for merged struct values).
``bind_key(type_info, key)``: the field a key binds to, or None.
``format_path(segments)``: the path notation used in the results:
``spec.templates[0].container``; a key that is not a plain name appears as ``['a.b']``;
the root object is the empty string.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .schema import ArgoSchema, FieldType, TypeInfo, fold_key

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass(frozen=True, slots=True)
class Collision:
    """Several keys of one object bind to the same field."""

    path: str
    field: str
    keys: tuple[str, ...]
    kept: str
    merged: bool


@dataclass(frozen=True, slots=True)
class Canonical:
    value: Any
    collisions: tuple[Collision, ...] = ()
    unknown: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()


def bind_key(info: TypeInfo, key: str) -> str | None:
    """The JSON name of the field `key` binds to in `info`, or None."""
    return info.resolve_key(key)


def get_ci(mapping: Mapping[str, Any] | None, key: str, default: Any = None) -> Any:
    """The value Go ends with for field `key`: of the keys of `mapping` that bind to it
    (equal to `key` case-insensitively), the one decoded last (greatest in sorted order).
    An exact key does not win over a case variant that sorts after it."""
    if not isinstance(mapping, Mapping):
        return default
    folded = fold_key(key)
    matches = sorted(k for k in mapping if isinstance(k, str) and fold_key(k) == folded)
    if not matches:
        return default
    return mapping[matches[-1]]


def canonicalize(value: Any, type_name: str, schema: ArgoSchema) -> Canonical:
    """Rename keys to the JSON names Go binds them to (see the module docstring)."""
    walker = _Walker(schema)
    result = walker.walk(value, schema.field_type(type_name))
    return Canonical(
        value=result,
        collisions=tuple(walker.collisions),
        unknown=tuple(walker.unknown),
        renamed=tuple(walker.renamed),
    )


def is_canonical(value: Any, type_name: str, schema: ArgoSchema) -> bool:
    """Whether `canonicalize` would rename, merge and report nothing (module docstring)."""
    return _exact(value, schema.field_type(type_name), _plans(schema))


def format_path(segments: Sequence[str | int]) -> str:
    """``spec.templates[0].name``; a key that is not a plain name as ``['a.b']``."""
    parts: list[str] = []
    for segment in segments:
        if isinstance(segment, int):
            parts.append(f"[{segment}]")
        elif _PLAIN_KEY.match(segment):
            parts.append(f".{segment}" if parts else segment)
        else:
            parts.append(f"[{segment!r}]")
    return "".join(parts)


_CONTAINERS = frozenset({"object", "array", "map"})


class _Walker:
    def __init__(self, schema: ArgoSchema) -> None:
        self.schema = schema
        self.collisions: list[Collision] = []
        self.unknown: list[str] = []
        self.renamed: list[tuple[str, str]] = []
        self._path: list[str | int] = []

    def walk(self, value: Any, field_type: FieldType | None) -> Any:
        if field_type is None:
            return value
        kind = field_type.kind
        if kind == "object" and isinstance(value, dict):
            return self._object(value, self.schema.type(field_type.ref or ""))
        if kind == "array" and isinstance(value, list):
            item = field_type.item
            if item is None or item.kind not in _CONTAINERS:
                return list(value)
            out = []
            path = self._path
            for index, element in enumerate(value):
                path.append(index)
                out.append(self.walk(element, item))
                path.pop()
            return out
        if kind == "map" and isinstance(value, dict):
            item = field_type.item
            if item is None or item.kind not in _CONTAINERS:
                return dict(value)
            out_map = {}
            path = self._path
            for key, element in value.items():
                path.append(str(key))
                out_map[key] = self.walk(element, item)
                path.pop()
            return out_map
        return value

    def _object(self, value: dict, info: TypeInfo) -> dict:
        fields = info.fields
        bound: dict[str, list[str]] = {}
        out: dict[str, Any] = {}
        unknown_keys: list[Any] = []
        for key in value:
            if key in fields:
                name = key
            else:
                name = info.resolve_key(key) if isinstance(key, str) else None
                if name is None:
                    unknown_keys.append(key)
                    continue
            bound.setdefault(name, []).append(key)
        path = self._path
        for name, keys in bound.items():
            field_type = fields[name]
            path.append(name)
            if len(keys) == 1:
                key = keys[0]
                if key != name:
                    self.renamed.append((format_path(path), key))
                element = value[key]
                if field_type.kind in _CONTAINERS:
                    element = self.walk(element, field_type)
                out[name] = element
            else:
                out[name] = self._collide(value, name, keys, field_type)
            path.pop()
        for key in unknown_keys:
            path.append(str(key))
            self.unknown.append(format_path(path))
            path.pop()
            out[key] = value[key]
        return out

    def _collide(self, value: dict, name: str, keys: list[str], field_type: FieldType) -> Any:
        ordered = sorted(keys)
        merged = False
        result: Any = _MISSING
        for key in ordered:
            if key != name:
                self.renamed.append((format_path(self._path), key))
            walked = self.walk(value[key], field_type)
            both_objects = isinstance(result, dict) and isinstance(walked, dict)
            if both_objects and field_type.kind == "object":
                result = _merge_struct(result, walked, field_type, self.schema)
                merged = True
            elif both_objects and field_type.kind == "map":
                # A non-nil map is reused: keys are added, existing ones replaced.
                result = {**result, **walked}
                merged = True
            else:
                result = walked
        parent = format_path(self._path[:-1])
        self.collisions.append(Collision(parent, name, tuple(ordered), ordered[-1], merged))
        return result


_MISSING = object()


def _exact(value: Any, field_type: FieldType, plans: _Plans) -> bool:
    """The walk of `_Walker` that only tells whether every key is already exact."""
    kind = field_type.kind
    if kind == "object":
        return not isinstance(value, dict) or _exact_object(
            value, plans[field_type.ref or ""], plans
        )
    item = field_type.item
    if item is None or item.kind not in _CONTAINERS:
        return True
    if kind == "array" and isinstance(value, list):
        elements: Any = value
    elif kind == "map" and isinstance(value, dict):
        elements = value.values()
    else:
        return True
    if item.kind == "object":  # the common case, without a call per element
        plan = plans[item.ref or ""]
        return all(
            not isinstance(element, dict) or _exact_object(element, plan, plans)
            for element in elements
        )
    return all(_exact(element, item, plans) for element in elements)


def _exact_object(
    value: dict, plan: tuple[frozenset[str], dict[str, FieldType]], plans: _Plans
) -> bool:
    names, containers = plan
    # Every key the exact JSON name of a field: none binds by case, none collides
    # (distinct exact names bind distinct fields), none is unknown.
    if not names.issuperset(value):
        return False
    for key, element in value.items():
        field_type = containers.get(key)
        if field_type is None:
            continue
        if field_type.kind == "object":  # the common case, without a call to _exact
            if isinstance(element, dict) and not _exact_object(
                element, plans[field_type.ref or ""], plans
            ):
                return False
        elif not _exact(element, field_type, plans):
            return False
    return True


class _Plans(dict):
    """Type name -> (its field names, its fields that hold objects, lists or maps), for
    one schema, built on first use."""

    def __init__(self, schema: ArgoSchema) -> None:
        super().__init__()
        self.schema = schema

    def __missing__(self, type_name: str) -> tuple[frozenset[str], dict[str, FieldType]]:
        fields = self.schema.type(type_name).fields
        containers = {
            name: field_type
            for name, field_type in fields.items()
            if field_type.kind in _CONTAINERS
        }
        plan = self[type_name] = (frozenset(fields), containers)
        return plan


_PLANS: dict[int, _Plans] = {}  # schema id -> its plans (holding the schema)


def _plans(schema: ArgoSchema) -> _Plans:
    found = _PLANS.get(id(schema))
    if found is None or found.schema is not schema:
        found = _PLANS[id(schema)] = _Plans(schema)
    return found


def _merge_struct(old: dict, new: dict, field_type: FieldType, schema: ArgoSchema) -> dict:
    """Decode `new` into the struct value `old` (both already canonical)."""
    info = schema.type(field_type.ref or "")
    merged = dict(old)
    for key, value in new.items():
        sub = info.fields.get(key)
        if (
            sub is not None
            and sub.kind == "object"
            and isinstance(merged.get(key), dict)
            and isinstance(value, dict)
        ):
            merged[key] = _merge_struct(merged[key], value, sub, schema)
        elif sub is not None and sub.kind == "map" and isinstance(value, dict):
            # A non-nil map is reused: new keys are added, existing ones replaced.
            base = merged.get(key)
            merged[key] = {**base, **value} if isinstance(base, dict) else value
        else:
            merged[key] = value
    return merged

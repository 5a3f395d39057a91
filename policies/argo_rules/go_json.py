"""Object keys as Go's encoding/json binds them to Argo's (and Kubernetes') structs.

The rule implemented
--------------------
1. A JSON object key binds to the struct field whose JSON name equals it; failing that,
   to the field whose name equals it case-insensitively. encoding/json documents this
   ("Unmarshal matches incoming object keys to the keys used by Marshal (either the struct
   field name or its tag), preferring an exact match but also accepting a case-insensitive
   match", encoding/json Unmarshal doc); the folding is `foldName` (encoding/json
   fold.go: ASCII letters upper-cased, any other rune replaced by the smallest rune of its
   unicode.SimpleFold orbit, so "ſ" matches "s" and the Kelvin sign matches "k").
2. When several keys of one object bind to the same field, the decoder assigns them one
   after the other in the order they appear in the JSON text, so the last one wins; for a
   struct (or pointer-to-struct) field the later object is decoded INTO the earlier value
   (fields of the earlier one that the later one does not set survive); a map element,
   a slice, a scalar or raw JSON is replaced (encoding/json decode.go `object`: map
   elements are decoded into a zeroed value, slices are reset).
3. Which key comes last: the controller never decodes the text a user wrote. Its
   ConfigMap values go YAML -> JSON through sigs.k8s.io/yaml (`yaml.Unmarshal` into
   interface{}, then `json.Marshal`), and Argo objects reach it as JSON re-encoded from
   a map by the API server / client; `json.Marshal` writes map keys sorted
   ("The map keys are sorted", encoding/json Marshal doc; sorted byte-wise). So among keys
   differing only in case the byte-wise greatest one is decoded last and wins
   (`clusterscope` beats `clusterScope`, since 's' > 'S').
Because other decoders on the way (the API server's own, case-sensitive decoding of built-in
types, structural pruning of CRDs with a full schema) may treat such keys differently,
callers should refuse an object with `collisions`: the ambiguity is the problem.

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
``get_ci(mapping, key, default=None)``: the value Go ends with for field `key` of a plain
mapping: of the keys equal to `key` case-insensitively, the last in sorted order (scalars;
use canonicalize for merged struct values).
``bind_key(type_info, key)``: the field a key binds to, or None.
Paths are strings like ``spec.templates[0].container`` (map keys appear as ``[key]``
when they are not plain identifiers).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
    result = walker.walk(value, schema.field_type(type_name), "")
    return Canonical(
        value=result,
        collisions=tuple(walker.collisions),
        unknown=tuple(walker.unknown),
        renamed=tuple(walker.renamed),
    )


def _join(path: str, key: str) -> str:
    if _PLAIN_KEY.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{key!r}]"


class _Walker:
    def __init__(self, schema: ArgoSchema) -> None:
        self.schema = schema
        self.collisions: list[Collision] = []
        self.unknown: list[str] = []
        self.renamed: list[tuple[str, str]] = []

    def walk(self, value: Any, field_type: FieldType | None, path: str) -> Any:
        if field_type is None:
            return value
        kind = field_type.kind
        if kind == "object" and isinstance(value, dict):
            return self._object(value, self.schema.type(field_type.ref or ""), path)
        if kind == "array" and isinstance(value, list):
            item = field_type.item
            return [self.walk(v, item, f"{path}[{i}]") for i, v in enumerate(value)]
        if kind == "map" and isinstance(value, dict):
            item = field_type.item
            if item is not None and item.kind in ("object", "array", "map"):
                return {k: self.walk(v, item, _join(path, str(k))) for k, v in value.items()}
            return value
        return value

    def _object(self, value: dict, info: TypeInfo, path: str) -> dict:
        bound: dict[str, list[str]] = {}
        out: dict[str, Any] = {}
        unknown_keys: list[str] = []
        for key in value:
            name = info.resolve_key(key) if isinstance(key, str) else None
            if name is None:
                unknown_keys.append(key)
                continue
            bound.setdefault(name, []).append(key)
        for name, keys in bound.items():
            field_type = info.fields[name]
            child_path = _join(path, name)
            if len(keys) == 1:
                key = keys[0]
                if key != name:
                    self.renamed.append((child_path, key))
                out[name] = self.walk(value[key], field_type, child_path)
                continue
            ordered = sorted(keys)
            merged = False
            result: Any = _MISSING
            for key in ordered:
                if key != name:
                    self.renamed.append((child_path, key))
                walked = self.walk(value[key], field_type, child_path)
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
            self.collisions.append(
                Collision(path or ".", name, tuple(ordered), ordered[-1], merged)
            )
            out[name] = result
        for key in unknown_keys:
            self.unknown.append(_join(path, str(key)))
            out[key] = value[key]
        return out


_MISSING = object()


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

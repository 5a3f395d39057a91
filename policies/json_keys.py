"""Keys renamed the way Go's encoding/json binds them to struct fields.

encoding/json matches an object key to a field by its JSON name, falling back to a
case-insensitive match (golang/go#14750; `K8s` fills `k8s`, and the Kelvin sign folds to
`k`). Renaming keys to the field names first lets the rules read what the Go program will
read. Two keys binding the same field are ambiguous (which one wins depends on key order
and on merging into the same struct), so they are reported instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Canonical:
    value: Any
    collisions: list[str] = field(default_factory=list)


def _fold(key: str) -> str:
    return key.casefold()


def canonical_keys(value: Any, type_name: str, table: Mapping[str, Mapping[str, Any]]) -> Canonical:
    """`value` with the keys of every typed mapping renamed to their field names."""
    result = Canonical(None)
    result.value = _walk(value, type_name, table, "", result.collisions)
    return result


def _walk(value: Any, type_spec: Any, table, path: str, collisions: list[str]) -> Any:
    if isinstance(type_spec, list):
        if not isinstance(value, list):
            return value
        return [
            _walk(item, type_spec[0], table, f"{path}[{index}]", collisions)
            for index, item in enumerate(value)
        ]
    if type_spec is None or not isinstance(value, Mapping):
        return value
    fields = table[type_spec]
    by_fold = {_fold(name): name for name in fields}
    renamed: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, item in value.items():
        name = key if key in fields else by_fold.get(_fold(key)) if isinstance(key, str) else None
        if name is None:
            renamed[key] = item
            continue
        where = f"{path}.{name}" if path else name
        if name in sources:
            collisions.append(
                f"{where} is given twice, as {sources[name]!r} and {key!r} (keys that differ "
                "only in case bind the same field); keep one"
            )
            continue
        sources[name] = key
        renamed[name] = _walk(item, fields[name], table, where, collisions)
    return renamed

"""The strict schema check of a WorkflowTemplate, for the Argo version the install runs.

Walks `metadata` and `spec` along the schema of `argo_rules.schema`: every key must be a
field's JSON name (a key that matches one only in letter case is refused with the right
spelling: the API server's structural schema prunes it, whatever Go would bind), every
scalar must already have the field's type ("5" is not an integer), enums hold (a `{{...}}`
variable or an empty value is left alone), required fields are present. Argo's AnyString
values (parameter values, ...) and Kubernetes quantities given as numbers are turned into
the strings the API stores (``normalized``).
"""

from __future__ import annotations

import decimal
from typing import Any

from .schema import FieldType, load_schema
from .template_problem import (
    Problem,
    describe,
    join,
    opaque,
    problem,
    stated,
    suggest,
    unread,
)

_KIND_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "IntOrString": "an integer or a string",
    "Quantity": "a quantity (a string such as '100Mi' or a number)",
    "AnyString": "a string, number or boolean",
    "object": "a mapping",
    "map": "a mapping",
    "array": "a list",
}


def check_manifest(manifest: dict, version: str) -> list[Problem]:
    """Problems of the manifest's metadata and spec against Argo ``version``'s schema."""
    problems: list[Problem] = []
    result = _Walker(version, problems).document(manifest)
    _last[:] = [manifest, version, result]
    return problems


def check_value(
    value: Any, type_name: str, path: str, version: str, *, partial: bool = False
) -> list[Problem]:
    """Problems of one value of an Argo or Kubernetes type (``Container``, ...).
    ``partial``: a patch, which names only what it changes (required fields not asked)."""
    problems: list[Problem] = []
    walker = _Walker(version, problems, path, partial=partial)
    walker.value(value, walker.schema.field_type(type_name))
    return problems


def normalized(manifest: dict, version: str) -> dict:
    """The manifest with AnyString and quantity values as the API stores them (a new
    top-level mapping; the mappings and lists inside that need no change are shared with
    ``manifest``)."""
    if _last and _last[0] is manifest and _last[1] == version:
        return _last[2]  # the walk check_manifest just made of this very manifest
    return _Walker(version, []).document(manifest)


# The last walk: the catalog checks a manifest, then asks for its normalized form.
_last: list = []


class _Walker:
    """One walk: returns the normalized value and appends the problems it meets. A mapping
    or list is copied only where something inside it changes (rare): else it is returned
    as it is.

    ``keys`` holds the keys from ``prefix`` down to the value being walked; a field path is
    joined from them only for a problem (most values have none)."""

    def __init__(
        self, version: str, problems: list[Problem], prefix: str = "", *, partial: bool = False
    ) -> None:
        self.schema = load_schema(version)
        self.problems = problems
        self.prefix = prefix
        self.partial = partial
        self.keys: list[Any] = []

    def path(self, *more: Any) -> str:
        path = self.prefix
        for key in (*self.keys, *more):
            path = join(path, key)
        return path

    def document(self, manifest: dict) -> dict:
        root = self.schema.type(self.schema.root("WorkflowTemplate"))
        out = dict(manifest)
        for key in ("metadata", "spec"):
            if key in manifest and root.field(key) is not None:
                out[key] = self.child(key, manifest[key], root.fields[key])
        return out

    def child(self, key: Any, value: Any, kind: FieldType) -> Any:
        """The value below ``key``, walked (callers skip the values ``kind.unchanged``
        settles: most scalars)."""
        self.keys.append(key)
        if kind.kind == "object" and type(value) is dict:
            result = self.object(value, kind.ref or "")  # the usual case, without value()
        else:
            result = self.value(value, kind)
        self.keys.pop()
        return result

    def value(self, value: Any, kind: FieldType) -> Any:
        k = kind.kind
        if value is None:
            return value
        if opaque(value):  # not JSON: a value unknown during a preview, which no rule reads
            self.problems.append(unread(self.path(), value))
            return value
        if k == "any":
            self._unread_inside(value)
            return value
        if k == "object":
            if not isinstance(value, dict):
                return self._wrong(value, kind)
            return self.object(value, kind.ref or "")
        if k == "array":
            if not isinstance(value, list):
                return self._wrong(value, kind)
            return self.array(value, kind.item)
        if k == "map":
            if not isinstance(value, dict):
                return self._wrong(value, kind)
            return self.map(value, kind.item)
        if not kind.accepts_json(value):
            return self._wrong(value, kind)
        if k == "AnyString" and not isinstance(value, str):
            return _as_text(value)
        if k == "Quantity" and not isinstance(value, str):
            return _number_text(value)
        enum = kind.enum
        if enum is not None and isinstance(value, str) and value not in enum and _judged(value):
            self.problems.append(
                problem(self.path(), repr(value), "one of " + ", ".join(e for e in enum if e))
            )
        return value

    def array(self, value: list, item: FieldType) -> list:
        out = None  # a copy, made at the first change
        for i, entry in enumerate(value):
            if type(entry) not in item.unchanged:
                walked = self.child(i, entry, item)
                if walked is not entry:
                    out = _with(out, value, i, walked)
        return value if out is None else out

    def map(self, value: dict, item: FieldType) -> dict:
        out = None  # a copy, made at the first change
        for key, entry in value.items():
            if not isinstance(key, str):
                self.problems.append(
                    problem(self.path(key), describe(key), "a string key", "quote the key")
                )
                out = _without(out, value, key)
            elif type(entry) not in item.unchanged:
                walked = self.child(key, entry, item)
                if walked is not entry:
                    out = _with(out, value, key, walked)
        return value if out is None else out

    def object(self, value: dict, type_name: str) -> dict:
        info = self.schema.type(type_name)
        fields = info.fields
        out = None  # a copy, made at the first change
        for key, item in value.items():
            field_type = fields.get(key)
            if field_type is not None:
                if type(item) not in field_type.unchanged:
                    walked = self.child(key, item, field_type)
                    if walked is not item:
                        out = _with(out, value, key, walked)
            elif not isinstance(key, str):
                self.problems.append(
                    problem(
                        self.path(key), describe(key), "a field name", "field names are strings"
                    )
                )
                out = _without(out, value, key)
            else:
                self.problems.append(
                    stated(
                        self.path(key),
                        f"unknown field{suggest(key, fields)}",
                        repr(key),
                        f"a field of {type_name}",
                    )
                )
        for key in () if self.partial else info.required:
            if key not in value:
                self.problems.append(
                    stated(self.path(key), "required field missing", "nothing", f"the field {key}")
                )
        return value if out is None else out

    def _unread_inside(self, value: Any) -> None:
        """Values unknown during a preview inside a value of any shape (``withItems``
        items, plugin settings)."""
        if isinstance(value, dict):
            items: Any = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            return
        for key, item in items:
            self.keys.append(key)
            if opaque(item):
                self.problems.append(unread(self.path(), item))
            else:
                self._unread_inside(item)
            self.keys.pop()

    def _wrong(self, value: Any, kind: FieldType) -> Any:
        expected = _KIND_NAMES.get(kind.kind, kind.kind)
        text = f"expected {expected}, found {describe(value)}"
        if kind.kind == "string" and isinstance(value, bool | int | float):
            text += " (quote the value to make it a string)"
        self.problems.append(stated(self.path(), text, describe(value), expected))
        return value


def _judged(value: str) -> bool:
    """An enum value is judged unless empty (the default) or filled in at run time."""
    return bool(value) and "{{" not in value


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _number_text(value)


def _number_text(value: int | float) -> str:
    """A number as Go prints it (strconv.FormatFloat(v, 'f', -1, 64)): no exponent."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value)
    return format(decimal.Decimal(repr(value)), "f")


# A walk copies a list or mapping only where something inside it changes: the first change
# makes the copy (``out`` is None until then), later ones change the copy.


def _with(out: Any, original: list | dict, key: Any, value: Any) -> Any:
    if out is None:
        out = list(original) if isinstance(original, list) else dict(original)
    out[key] = value
    return out


def _without(out: dict | None, original: dict, key: Any) -> dict:
    if out is None:
        out = dict(original)
    del out[key]
    return out

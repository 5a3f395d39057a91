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
from .template_problem import Problem, describe, join, problem, stated, suggest

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


def normalized(manifest: dict, version: str) -> dict:
    """The manifest with AnyString and quantity values as the API stores them."""
    if _last and _last[0] is manifest and _last[1] == version:
        return _last[2]  # the walk check_manifest just made of this very manifest
    return _Walker(version, []).document(manifest)


# The last walk: the catalog checks a manifest, then asks for its normalized form.
_last: list = []


class _Walker:
    def __init__(self, version: str, problems: list[Problem]) -> None:
        self.schema = load_schema(version)
        self.problems = problems

    def document(self, manifest: dict) -> dict:
        root = self.schema.type(self.schema.root("WorkflowTemplate"))
        out = dict(manifest)
        for key in ("metadata", "spec"):
            if key in manifest and root.field(key) is not None:
                out[key] = self.value(manifest[key], root.fields[key], key)
        return out

    def value(self, value: Any, kind: FieldType, path: str) -> Any:
        k = kind.kind
        if k == "any" or value is None:
            return value
        if k == "object":
            if not isinstance(value, dict):
                return self._wrong(value, kind, path)
            return self.object(value, kind.ref or "", path)
        if k == "array":
            if not isinstance(value, list):
                return self._wrong(value, kind, path)
            item = kind.item
            return [self.value(v, item, f"{path}[{i}]") for i, v in enumerate(value)]
        if k == "map":
            if not isinstance(value, dict):
                return self._wrong(value, kind, path)
            out = {}
            for key, item in value.items():
                if not isinstance(key, str):
                    self.problems.append(
                        problem(join(path, key), describe(key), "a string key", "quote the key")
                    )
                    continue
                out[key] = self.value(item, kind.item, join(path, key))
            return out
        if not kind.accepts_json(value):
            return self._wrong(value, kind, path)
        if k == "AnyString" and not isinstance(value, str):
            return _as_text(value)
        if k == "Quantity" and not isinstance(value, str):
            return _number_text(value)
        enum = kind.enum
        if enum is not None and isinstance(value, str) and value not in enum and _judged(value):
            self.problems.append(
                problem(path, repr(value), "one of " + ", ".join(e for e in enum if e))
            )
        return value

    def object(self, value: dict, type_name: str, path: str) -> dict:
        info = self.schema.type(type_name)
        fields = info.fields
        out = {}
        for key, item in value.items():
            where = join(path, key)
            if not isinstance(key, str):
                self.problems.append(
                    problem(where, describe(key), "a field name", "field names are strings")
                )
                continue
            field_type = fields.get(key)
            if field_type is None:
                self.problems.append(
                    stated(
                        where,
                        f"unknown field{suggest(key, fields)}",
                        repr(key),
                        f"a field of {type_name}",
                    )
                )
                out[key] = item
                continue
            out[key] = self.value(item, field_type, where)
        for key in info.required:
            if key not in value:
                self.problems.append(
                    stated(join(path, key), "required field missing", "nothing", f"the field {key}")
                )
        return out

    def _wrong(self, value: Any, kind: FieldType, path: str) -> Any:
        expected = _KIND_NAMES.get(kind.kind, kind.kind)
        text = f"expected {expected}, found {describe(value)}"
        if kind.kind == "string" and isinstance(value, bool | int | float):
            text += " (quote the value to make it a string)"
        self.problems.append(stated(path, text, describe(value), expected))
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

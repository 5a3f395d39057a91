"""The strict check of a document against Hera's Argo models, as Kubernetes reads YAML."""

from __future__ import annotations

import decimal
import functools
import types
import typing
from typing import Any

import pydantic

from components.catalog.facts import (
    _ANY_STRING_FIELDS,
    _NUMBER_OR_TEXT_MODELS,
    _SCALARS,
    _is_number,
)
from components.catalog.messages import _describe, _join, _loc_path, _suggest


def check_against_model(
    model: type[pydantic.BaseModel], data: Any, path: str
) -> tuple[Any, list[str]]:
    """Check ``data`` strictly against ``model``; return the normalized data and problems.

    Hera's models ignore unknown fields, accept snake_case names next to the Kubernetes
    (camelCase) ones and coerce "5" into 5, none of which Kubernetes or the controller do.
    So the data is walked along the models' annotations first: every key must be a field's
    wire name and every scalar must already have the field's type. Argo's AnyString fields
    become strings and quantities given as numbers become strings, as the API would read
    them. Only data that passes is then validated by the model itself.
    """
    problems: list[str] = []
    normalized = _check_value(model, data, path, problems)
    if not problems:
        try:
            model.model_validate(normalized)
        except pydantic.ValidationError as err:
            for error in err.errors():
                problems.append(f"{_loc_path(path, error['loc'])}: {error['msg']}")
    return normalized, problems


@functools.cache
def _shape(annotation: Any) -> tuple[Any, tuple, str]:
    """typing.get_origin, get_args and the kind of model, once per annotation."""
    kind = ""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.RootModel):
        kind = "root"
    elif isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        kind = "model"
    return typing.get_origin(annotation), typing.get_args(annotation), kind


def _check_value(annotation: Any, value: Any, path: str, problems: list[str]) -> Any:
    if annotation is Any:
        return value
    origin, args, kind = _shape(annotation)
    if origin is typing.Annotated:
        return _check_value(args[0], value, path, problems)
    if origin in (typing.Union, types.UnionType):
        return _check_union(args, value, path, problems)
    if origin is list:
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list, found {_describe(value)}")
            return value
        (item,) = args
        return [_check_value(item, v, f"{path}[{i}]", problems) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a mapping, found {_describe(value)}")
            return value
        _, item = args
        for key in value:
            if not isinstance(key, str):
                problems.append(f"{_join(path, key)}: keys must be strings (quote the key)")
        return {k: _check_value(item, v, _join(path, k), problems) for k, v in value.items()}
    if kind == "root":
        if issubclass(annotation, _NUMBER_OR_TEXT_MODELS) and _is_number(value):
            return _number_text(value)
        root = annotation.model_fields["root"].annotation
        return _check_value(root, value, path, problems)
    if kind == "model":
        return _check_model(annotation, value, path, problems)
    if annotation in _SCALARS:
        if not _SCALARS[annotation][1](value):
            problems.append(f"{path}: {_type_problem(annotation, value)}")
        return value
    raise TypeError(f"{path}: unsupported annotation {annotation!r} in Hera's models")


def _check_union(args: tuple, value: Any, path: str, problems: list[str]) -> Any:
    options = [a for a in args if a is not type(None)]
    if value is None and len(options) < len(args):
        return None
    if len(options) == 1:
        return _check_value(options[0], value, path, problems)
    if all(a in _SCALARS for a in options):  # IntOrString is `str | int`
        if any(_SCALARS[a][1](value) for a in options):
            return value
        expected = " or ".join(_SCALARS[a][0] for a in options)
        problems.append(f"{path}: expected {expected}, found {_describe(value)}")
        return value
    raise TypeError(f"{path}: unsupported union {args!r} in Hera's models")


def _check_model(
    model: type[pydantic.BaseModel], value: Any, path: str, problems: list[str]
) -> Any:
    if not isinstance(value, dict):
        problems.append(f"{path}: expected a mapping, found {_describe(value)}")
        return value
    fields = _wire_fields(model)
    out = {}
    for key, item in value.items():
        where = _join(path, key)
        if not isinstance(key, str):
            problems.append(f"{where}: field names must be strings")
            continue
        if key not in fields:
            problems.append(f"{where}: unknown field{_suggest(key, fields)}")
            continue
        name, info = fields[key]
        if (model, name) in _ANY_STRING_FIELDS:
            out[key] = _any_string(info.annotation, item, where, problems)
        else:
            out[key] = _check_value(info.annotation, item, where, problems)
    for key in _required_fields(model):
        if key not in value:
            problems.append(f"{_join(path, key)}: required field missing")
    return out


@functools.cache
def _required_fields(model: type[pydantic.BaseModel]) -> tuple[str, ...]:
    return tuple(key for key, (_, info) in _wire_fields(model).items() if info.is_required())


@functools.cache
def _wire_fields(model: type[pydantic.BaseModel]) -> dict[str, tuple[str, Any]]:
    """The name each field has in Kubernetes YAML (its alias, else its name)."""
    return {(f.alias or name): (name, f) for name, f in model.model_fields.items()}


def _any_string(annotation: Any, value: Any, path: str, problems: list[str]) -> Any:
    if value is None:
        return None
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    if typing.get_origin(annotation) is list:
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list, found {_describe(value)}")
            return value
        return [_any_string(str, v, f"{path}[{i}]", problems) for i, v in enumerate(value)]
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        return _number_text(value)
    problems.append(f"{path}: expected a string, number or boolean, found {_describe(value)}")
    return value


def _number_text(value: int | float) -> str:
    """A number as Go prints it (strconv.FormatFloat(v, 'f', -1, 64)): no exponent."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value)
    return format(decimal.Decimal(repr(value)), "f")


def _type_problem(annotation: Any, value: Any) -> str:
    text = f"expected {_SCALARS[annotation][0]}, found {_describe(value)}"
    if annotation is str and isinstance(value, bool | int | float):
        text += " (quote the value to make it a string)"
    return text

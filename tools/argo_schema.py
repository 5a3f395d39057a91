"""Generate policies/argo_rules/data/argo-<version>.json, the Argo schema table.

Run offline (`python -m tools.argo_schema`); the output is committed and read by
policies/argo_rules/schema.py, which never imports Hera.

Sources, in order:
1. Hera's generated models (`hera.workflows.models`), generated from Argo's own swagger
   (the header of their files names it, e.g. argo-workflows-4.0.5.json). They describe the
   Argo types and Argo's view of the Kubernetes types it embeds.
2. tools/argo_schema_delta.py: Argo fields and types added up to the target version, and
   the enumerations Argo (or the API server, for pod fields) validates.
3. The Kubernetes OpenAPI definitions of the k8s.io/api minor the target version embeds
   (kubernetes-validate's copy): Kubernetes fields and types Hera's swagger predates.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import types
import typing
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, RootModel

from policies.argo_rules.template_facts import POD_SPEC_PATCH
from tools import argo_controller_config as controller_config
from tools import argo_schema_delta as delta

_ROOT_KINDS = (
    "Workflow",
    "WorkflowTemplate",
    "ClusterWorkflowTemplate",
    "CronWorkflow",
    "WorkflowEventBinding",
)
# The root of what a podSpecPatch is decoded into (template_facts.POD_SPEC_PATCH).
_POD_SPEC_DEFINITION = "io.k8s.api.core.v1.PodSpec"
_DATA_DIR = Path(__file__).resolve().parent.parent / "policies" / "argo_rules" / "data"

# Hera root models whose JSON is not an object: name -> field type.
_ROOT_MODEL_TYPES = {
    "IntOrString": "IntOrString",
    "Quantity": "Quantity",
    "Time": "string",
    "MicroTime": "string",
    # pkg/apis/workflow/v1alpha1/amount.go: a json.Number
    "Amount": "number",
    # pkg/apis/workflow/v1alpha1/item.go: any JSON value
    "Item": "any",
}
# Objects whose content is free-form JSON (preserve-unknown).
_ANY_OBJECTS = {
    # pkg/apis/workflow/v1alpha1/plugin_types.go: Plugin{Object} holds raw JSON
    "Plugin": "any",
    # meta/v1 FieldsV1 is raw JSON
    "FieldsV1": "any",
}
# Fields Argo decodes as AnyString (pkg/apis/workflow/v1alpha1/anystring.go: accepts a
# JSON string, number or boolean and keeps it as a string); the swagger says "string".
# Parameter: workflow_types.go `Default, Value, Description *AnyString`, `Enum []AnyString`;
# ValueFrom: workflow_types.go `Default *AnyString`.
_ANY_STRING_FIELDS = {
    ("Parameter", "default"),
    ("Parameter", "value"),
    ("Parameter", "description"),
    ("Parameter", "enum"),
    ("ValueFrom", "default"),
}
# Hera module prefixes -> Kubernetes OpenAPI definition prefix.
_K8S_MODULES = {
    "hera.workflows.models.io.k8s.api.core.v1": "io.k8s.api.core.v1.",
    "hera.workflows.models.io.k8s.api.policy.v1": "io.k8s.api.policy.v1.",
    "hera.workflows.models.io.k8s.apimachinery.pkg.apis.meta.v1": (
        "io.k8s.apimachinery.pkg.apis.meta.v1."
    ),
}
_K8S_SCALARS = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "IntOrString",
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "Quantity",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "string",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "string",
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": "any",
    "io.k8s.apimachinery.pkg.runtime.RawExtension": "any",
}


# A Kubernetes type whose name an Argo type already has gets this prefix (HTTPHeader).
_K8S_CLASH_PREFIX = "k8s."


def _argo_names() -> frozenset[str]:
    from hera.workflows.models.io.argoproj.workflow import v1alpha1

    return frozenset(n for n, v in vars(v1alpha1).items() if isinstance(v, type))


def _type_name(cls: type) -> str:
    name = cls.__name__
    if cls.__module__ in _K8S_MODULES and name in _argo_names():
        return _K8S_CLASH_PREFIX + name
    return name


class _Builder:
    def __init__(self, k8s_defs: dict[str, Any]) -> None:
        self.types: dict[str, dict[str, Any]] = {}
        self.k8s_names: dict[str, str] = {}  # our type name -> k8s definition name
        self._classes: dict[str, type] = {}
        self._k8s_defs = k8s_defs
        self._k8s_only: set[str] = set()

    # Hera side -------------------------------------------------------------------
    def add_model(self, cls: type) -> str:
        name = _type_name(cls)
        if name in _ANY_OBJECTS:
            return _ANY_OBJECTS[name]
        if issubclass(cls, RootModel):
            if name in _ROOT_MODEL_TYPES:
                return _ROOT_MODEL_TYPES[name]
            return self._annotation(cls.model_fields["root"].annotation, name, "root")
        known = self._classes.get(name)
        if known is not None:
            if known is not cls:
                raise SystemExit(f"two types named {name}: {known} and {cls}")
            return name
        self._classes[name] = cls
        entry: dict[str, Any] = {"f": {}}
        self.types[name] = entry
        required = []
        for attr, info in cls.model_fields.items():
            json_name = info.alias or attr
            entry["f"][json_name] = self._annotation(info.annotation, name, json_name)
            if info.is_required():
                required.append(json_name)
        if required:
            entry["r"] = required
        for module, prefix in _K8S_MODULES.items():
            if cls.__module__ == module:
                self.k8s_names[name] = prefix + cls.__name__
        return name

    def _annotation(self, ann: Any, owner: str, field: str) -> str:
        if (owner, field) in _ANY_STRING_FIELDS:
            inner = self._annotation_raw(ann)
            return "[]AnyString" if inner.startswith("[]") else "AnyString"
        return self._annotation_raw(ann)

    def _annotation_raw(self, ann: Any) -> str:
        origin = typing.get_origin(ann)
        args = typing.get_args(ann)
        if origin is typing.Annotated:
            return self._annotation_raw(args[0])
        if origin in (typing.Union, types.UnionType):
            rest = [a for a in args if a is not type(None)]
            if len(rest) == 1:
                return self._annotation_raw(rest[0])
            raise SystemExit(f"unsupported union {ann}")
        if origin is list:
            return "[]" + self._annotation_raw(args[0])
        if origin is dict:
            return "{}" + self._annotation_raw(args[1])
        if ann is str:
            return "string"
        if ann is bool:
            return "boolean"
        if ann is int:
            return "integer"
        if ann is float:
            return "number"
        if ann is Any:
            return "any"
        if isinstance(ann, type) and issubclass(ann, datetime):
            return "string"
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            return self.add_model(ann)
        if getattr(ann, "__name__", "") == "Base64Str" or "Base64" in repr(ann):
            return "string"
        raise SystemExit(f"unsupported annotation {ann!r}")

    # Kubernetes side -------------------------------------------------------------
    def k8s_ref(self, ref: str) -> str:
        if ref in _K8S_SCALARS:
            return _K8S_SCALARS[ref]
        name = ref.rsplit(".", 1)[1]
        if name in _argo_names():
            name = _K8S_CLASH_PREFIX + name
        if name not in self.types:
            self._add_k8s_type(name, ref)
        elif self.k8s_names.get(name) != ref:
            raise SystemExit(f"type name clash: {name} is {self.k8s_names.get(name)} and {ref}")
        return name

    def _add_k8s_type(self, name: str, ref: str) -> None:
        definition = self._k8s_defs[ref]
        entry: dict[str, Any] = {"f": {}, "s": "k8s.io/api " + delta.KUBERNETES_MINOR}
        self.types[name] = entry
        self.k8s_names[name] = ref
        self._k8s_only.add(name)
        for field, prop in definition.get("properties", {}).items():
            entry["f"][field] = self.k8s_prop(prop)
        if definition.get("required"):
            entry["r"] = list(definition["required"])

    def k8s_prop(self, prop: dict[str, Any]) -> str:
        if "$ref" in prop:
            return self.k8s_ref(prop["$ref"].rsplit("/", 1)[1])
        kinds = prop.get("type", [])
        kinds = [kinds] if isinstance(kinds, str) else [k for k in kinds if k != "null"]
        kind = kinds[0] if kinds else None
        if kind == "array":
            return "[]" + self.k8s_prop(prop["items"])
        if kind == "object":
            extra = prop.get("additionalProperties")
            if isinstance(extra, dict):
                return "{}" + self.k8s_prop(extra)
            return "any"
        if kind in ("string", "integer", "number", "boolean"):
            return kind
        if "oneOf" in prop or kind is None:
            return "any"
        raise SystemExit(f"unsupported Kubernetes property {prop}")

    def add_k8s_gap(self) -> list[tuple[str, str, str]]:
        """Add Kubernetes fields of the target minor missing from Hera's k8s types, and
        take the Kubernetes definition's type where the swagger's differs. Required lists
        stay Argo's (a template container needs no name)."""
        added = []
        for name, ref in sorted(self.k8s_names.items()):
            definition = self._k8s_defs.get(ref)
            if definition is None or name in self._k8s_only:
                continue
            fields = self.types[name]["f"]
            for field, prop in definition.get("properties", {}).items():
                k8s_type = self.k8s_prop(prop)
                if field not in fields:
                    fields[field] = k8s_type
                    added.append((name, field, fields[field]))
                elif fields[field] != k8s_type:
                    # The Go type wins over the swagger's rendering of it (HTTPGetAction.port
                    # is intstr.IntOrString in core/v1 types.go, "integer" in the swagger).
                    fields[field] = k8s_type
        return added


def _k8s_definitions(minor: str) -> dict[str, Any]:
    base = resources.files("kubernetes_validate") / "kubernetes-json-schema"
    path = base / f"v{minor}.0-local-strict" / "_definitions.json"
    return json.loads(path.read_text())["$defs"]


def _type_ref(field_type: str) -> str:
    return re.sub(r"^(\[\]|\{\})+", "", field_type)


def build(version: str = delta.ARGO_VERSION) -> dict[str, Any]:
    from hera.workflows.models.io.argoproj.workflow import v1alpha1

    builder = _Builder(_k8s_definitions(delta.KUBERNETES_MINOR))
    roots = {kind: builder.add_model(getattr(v1alpha1, kind)) for kind in _ROOT_KINDS}
    roots[POD_SPEC_PATCH] = builder.k8s_ref(_POD_SPEC_DEFINITION)
    for name, (_fields, required, source) in delta.ADDED_TYPES.items():
        builder.types[name] = {"f": {}, "r": list(required), "s": source}
    for name, (fields, _required, _source) in delta.ADDED_TYPES.items():
        for field, field_type in fields.items():
            builder.types[name]["f"][field] = _resolve(builder, field_type)
    for owner, field, field_type, source in delta.ADDED_FIELDS:
        entry = builder.types[owner]
        if field in entry["f"]:
            raise SystemExit(f"{owner}.{field} already in the seed; drop it from the delta")
        entry["f"][field] = _resolve(builder, field_type)
        entry.setdefault("a", {})[field] = source
    k8s_added = builder.add_k8s_gap()
    for owner, field, values, _source in delta.ENUMS:
        entry = builder.types[owner]
        if field not in entry["f"]:
            raise SystemExit(f"enum for unknown field {owner}.{field}")
        entry.setdefault("e", {})[field] = list(values)
    for owner, field, _field_type in k8s_added:
        builder.types[owner].setdefault("a", {})[field] = "k8s.io/api " + delta.KUBERNETES_MINOR
    for name, ref in builder.k8s_names.items():
        builder.types[name]["k"] = ref
    _check_closed(builder.types)
    main_types = {name: dict(entry) for name, entry in builder.types.items()}
    controller = _controller_config(builder, v1alpha1, set(main_types))
    return {
        "version": version,
        "seed": _hera_source(),
        "kubernetes": delta.KUBERNETES_MINOR,
        "roots": roots,
        "types": dict(sorted(main_types.items())),
    }, controller


def _controller_config(builder: _Builder, v1alpha1: Any, main_names: set[str]) -> dict[str, Any]:
    """The ConfigMap's Config struct, plus the Argo types only it reaches."""
    for name in controller_config.ARGO_TYPES:
        builder.add_model(getattr(v1alpha1, name))
    types: dict[str, dict[str, Any]] = {}
    for name, fields in controller_config.TYPES.items():
        types[name] = {"f": dict(fields), "s": "config/config.go"}
    for (owner, field), values in controller_config.ENUMS.items():
        if field not in types[owner]["f"]:
            raise SystemExit(f"enum for unknown field {owner}.{field}")
        types[owner].setdefault("e", {})[field] = list(values)
    for name, entry in builder.types.items():
        if name not in main_names:
            types[name] = entry
    _check_closed({**builder.types, **types})
    return {"root": controller_config.ROOT, "types": dict(sorted(types.items()))}


def _resolve(builder: _Builder, field_type: str) -> str:
    prefix = re.match(r"^(\[\]|\{\})*", field_type).group(0)
    target = field_type[len(prefix) :]
    if target in builder.types or target in _SCALARS or target in delta.ADDED_TYPES:
        return field_type
    ref = "io.k8s.api.core.v1." + target
    if ref in builder._k8s_defs:
        return prefix + builder.k8s_ref(ref)
    raise SystemExit(f"unknown type {target}")


_SCALARS = {"string", "integer", "number", "boolean", "IntOrString", "Quantity", "AnyString", "any"}


def _check_closed(all_types: dict[str, dict[str, Any]]) -> None:
    for name, entry in all_types.items():
        for field, field_type in entry["f"].items():
            target = _type_ref(field_type)
            if target not in _SCALARS and target not in all_types:
                raise SystemExit(f"{name}.{field} refers to unknown type {target}")


def _hera_source() -> str:
    from hera.workflows.models.io.argoproj.workflow import v1alpha1

    header = Path(v1alpha1.__file__).read_text().splitlines()[:3]
    for line in header:
        if "filename:" in line:
            return "hera " + line.split("filename:", 1)[1].strip()
    return "hera"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args(argv)
    data, controller = build()
    outputs = {
        _DATA_DIR / f"argo-{data['version']}.json": data,
        _DATA_DIR / f"controller_config-{data['version']}.json": controller,
    }
    stale = False
    for path, content in outputs.items():
        text = json.dumps(content, separators=(",", ":")) + "\n"
        if args.check:
            if not path.exists() or path.read_text() != text:
                print(f"{path} is stale: run python -m tools.argo_schema", file=sys.stderr)
                stale = True
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path} ({len(content['types'])} types)")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())

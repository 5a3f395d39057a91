"""The rules one document must pass: kind, metadata, the schema, and the spec beyond it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hera.workflows import models as argo

from components.catalog.facts import (
    _DNS1123_SUBDOMAIN,
    _DOCUMENT_KEYS,
    _NAME_MAX,
    _REFUSED_KINDS,
    _SERVER_SET_METADATA,
    API_VERSION,
    DESCRIPTION_ANNOTATION,
    KIND,
    TEMPLATE_TYPES,
)
from components.catalog.messages import _describe, _is_map, _join, _short, _suggest
from components.catalog.model_check import check_against_model
from components.catalog.pod_security import _check_restricted
from components.catalog.pod_spec import _check_pod_spec_patch, _check_service_accounts
from components.catalog.reading import _Document
from components.catalog.references import _all_templates, _check_calls, _References
from components.catalog.results import CatalogTemplate, content_hash


@dataclass
class _Context:
    managed_namespace: str
    require_description: bool
    allowed_service_accounts: tuple[str, ...]
    require_restricted: bool
    catalog: dict[str, frozenset[str]]  # template name -> names of the templates inside it
    first_seen: dict[str, str] = field(default_factory=dict)  # template name -> location


# --- One document --------------------------------------------------------------------------


def _check_document(doc: _Document, ctx: _Context) -> tuple[CatalogTemplate | None, list[str]]:
    data = doc.data
    if not isinstance(data, dict):
        return None, [f"the document is {_describe(data)}, expected a WorkflowTemplate mapping"]
    problems = _check_envelope(data)
    if data.get("kind") != KIND:
        return None, problems
    for key in data:
        if key not in _DOCUMENT_KEYS:
            problems.append(f"{_join('', key)}: unknown field{_suggest(key, _DOCUMENT_KEYS)}")
    metadata, meta_problems = _check_metadata(data.get("metadata"), doc, ctx)
    problems += meta_problems
    if "spec" not in data:
        problems.append("spec: required field missing")
        return None, problems
    spec, spec_problems = check_against_model(argo.WorkflowSpec, data["spec"], "spec")
    problems += spec_problems
    if not spec_problems:
        problems += _check_spec(spec, ctx)
    if problems:
        return None, problems
    manifest = {"apiVersion": API_VERSION, "kind": KIND, "metadata": metadata, "spec": spec}
    template = CatalogTemplate(metadata["name"], doc.source, manifest, content_hash(manifest))
    return template, []


def _check_envelope(data: dict) -> list[str]:
    kind, api_version = data.get("kind"), data.get("apiVersion")
    problems = []
    if api_version != API_VERSION:
        problems.append(f"apiVersion: expected {API_VERSION!r}, found {_short(api_version)}")
    if isinstance(kind, str) and kind in _REFUSED_KINDS:
        problems.append(f"kind: {kind} is refused: {_REFUSED_KINDS[kind]}")
    elif kind != KIND:
        problems.append(f"kind: expected {KIND!r}, found {_short(kind)}")
    return problems


# --- Metadata ------------------------------------------------------------------------------


def _check_metadata(raw: Any, doc: _Document, ctx: _Context) -> tuple[dict, list[str]]:
    if raw is None:
        return {}, ["metadata: required field missing"]
    metadata, problems = check_against_model(argo.ObjectMeta, raw, "metadata")
    if not isinstance(metadata, dict):
        return {}, problems
    for key in _SERVER_SET_METADATA:
        if key in metadata:
            problems.append(f"metadata.{key}: set by the API server; remove it from the catalog")
    problems += _check_name(metadata, doc, ctx)
    namespace = metadata.get("namespace")
    if namespace is None:
        metadata["namespace"] = ctx.managed_namespace
    elif isinstance(namespace, str) and namespace != ctx.managed_namespace:
        problems.append(
            f"metadata.namespace: {namespace!r} is not the managed namespace "
            f"{ctx.managed_namespace!r}; leave it out or set it to {ctx.managed_namespace!r}"
        )
    if ctx.require_description:
        annotations = metadata.get("annotations")
        description = annotations.get(DESCRIPTION_ANNOTATION) if _is_map(annotations) else ""
        if not isinstance(description, str) or not description.strip():
            problems.append(
                f"metadata.annotations[{DESCRIPTION_ANNOTATION!r}]: required; say what the "
                "template does, for reviewers and the Argo UI"
            )
    return metadata, problems


def _check_name(metadata: dict, doc: _Document, ctx: _Context) -> list[str]:
    name = metadata.get("name")
    if "generateName" in metadata:
        return [
            "metadata.generateName: not allowed; a catalog template needs a fixed "
            "metadata.name, which workflowTemplateRef and templateRef point at"
        ]
    if name is None:
        return ["metadata.name: required field missing"]
    if not isinstance(name, str):  # reported by the schema check
        return []
    if len(name) > _NAME_MAX or not _DNS1123_SUBDOMAIN.match(name):
        return [
            f"metadata.name: {name!r} is not a valid DNS-1123 name (lowercase letters, digits, "
            f"'-' and '.', starting and ending with a letter or digit, at most {_NAME_MAX} "
            "characters)"
        ]
    first = ctx.first_seen.setdefault(name, doc.location)
    if first != doc.location:
        return [f"metadata.name: {name!r} is already defined in {first}"]
    return []


# --- The spec beyond the schema ------------------------------------------------------------


def _check_spec(spec: dict, ctx: _Context) -> list[str]:
    """References, template types, service accounts, pod spec patches and enums."""
    templates = spec.get("templates") or []
    problems = _check_template_names(templates)
    refs = _References({t["name"] for t in templates if t.get("name")}, ctx.catalog)
    for key in ("entrypoint", "onExit"):
        if spec.get(key) is not None:
            problems += refs.local(spec[key], f"spec.{key}")
    problems += refs.hooks(spec.get("hooks"), "spec.hooks")
    if spec.get("workflowTemplateRef") is not None:
        problems.append(
            "spec.workflowTemplateRef: a catalog template defines its own templates; call "
            "another catalog template with templateRef from a step or task"
        )
    arguments = (spec.get("arguments") or {}).get("parameters")
    problems += _check_enums(arguments, "spec.arguments.parameters")
    problems += _check_service_accounts(spec, "spec", ctx.allowed_service_accounts)
    problems += _check_pod_spec_patch(spec, "spec")
    # Argo merges templateDefaults into every template of the spec.
    defaults = spec.get("templateDefaults") or {}
    problems += _check_service_accounts(
        defaults, "spec.templateDefaults", ctx.allowed_service_accounts
    )
    problems += _check_pod_spec_patch(defaults, "spec.templateDefaults")
    for path, template in _all_templates(templates):
        chosen = [t for t in TEMPLATE_TYPES if template.get(t) is not None]
        if len(chosen) != 1:
            found = f" (found {', '.join(chosen)})" if chosen else ""
            problems.append(f"{path}: set exactly one of {', '.join(TEMPLATE_TYPES)}{found}")
        problems += _check_calls(template, path, refs)
        inputs = (template.get("inputs") or {}).get("parameters")
        problems += _check_enums(inputs, f"{path}.inputs.parameters")
        problems += _check_service_accounts(template, path, ctx.allowed_service_accounts)
        problems += _check_pod_spec_patch(template, path)
    if ctx.require_restricted:
        problems += _check_restricted(spec)
    return problems


def _check_template_names(templates: list[dict]) -> list[str]:
    problems = []
    names: dict[str, int] = {}
    for i, template in enumerate(templates):
        path, name = f"spec.templates[{i}]", template.get("name")
        if not name:
            problems.append(f"{path}.name: required field missing")
        elif name in names:
            problems.append(
                f"{path}.name: {name!r} is already used by spec.templates[{names[name]}]"
            )
        else:
            names[name] = i
    return problems


def _check_enums(parameters: list[dict] | None, path: str) -> list[str]:
    """A parameter's value and default must be one of its enum (validate.go)."""
    problems = []
    for p, parameter in enumerate(parameters or []):
        enum = parameter.get("enum")
        if enum is None:
            continue
        where = f"{path}[{p}]"
        if not enum:
            problems.append(f"{where}.enum: must list at least one value")
            continue
        for key in ("value", "default"):
            value = parameter.get(key)
            if value is not None and "{{" not in value and value not in enum:
                problems.append(
                    f"{where}.{key}: {value!r} is not one of its enum ({', '.join(enum)})"
                )
    return problems

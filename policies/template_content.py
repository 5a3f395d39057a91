"""Every WorkflowTemplate the pack sees is held to the catalog's content rules.

The rules (service accounts, Pod Security by construction, podSpecPatch, semantic and
schema checks) have one implementation, `argo_rules.template_rules.template_problems`,
which the catalog loader uses too. The context comes from the stack: the managed
namespace and the controller config's mainContainer / executor / workflowDefaults as the
controller reads them, and the catalog's template names for templateRef resolution.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable
from typing import Any

import upstream_facts as facts
from argo_rules import template_rules as _template_rules
from argo_rules.template_index import caller_parameters
from argo_rules.template_problem import Unread
from controller_config_rules import read_controller_config
from k8s_objects import UNKNOWN, Unjudged, apply_patch, get
from pack_settings import Settings
from resource_objects import FoundObject

_TEMPLATE_KINDS = (facts.WORKFLOW_TEMPLATE, facts.CLUSTER_WORKFLOW_TEMPLATE)


def _controller_config(objects: list[FoundObject], settings: Settings) -> dict[str, Any]:
    for found in objects:
        if (
            (found.kind.group, found.kind.kind) == ("", facts.CONFIG_MAP)
            and not found.kind.patch
            and get(found.manifest, "metadata", "name") == settings.config_map_name
            and get(found.manifest, "metadata", "namespace") == settings.control_namespace
        ):
            return read_controller_config(get(found.manifest, "data")).value
    return {}


def _caller_parameters(templates: list[FoundObject]) -> dict[str, frozenset[str]]:
    """Template name -> workflow parameters its callers declare (directly or through
    other templates): a library template may use `{{workflow.parameters.x}}` of the
    templates that call it, as the catalog loader allows (the loader's own index)."""
    return caller_parameters(
        {**found.manifest, "kind": facts.WORKFLOW_TEMPLATE}
        for found in templates
        if found.kind.kind == facts.WORKFLOW_TEMPLATE and isinstance(found.manifest, dict)
    )


def _context(
    objects: list[FoundObject],
    settings: Settings,
    install: Any = None,
    templates: list[FoundObject] | None = None,
) -> Any:
    config = _controller_config(objects, settings)
    accounts = set(settings.allowed_workflow_accounts)
    level = "restricted"
    if install is not None and isinstance(install.pod_security, str) and install.pod_security:
        level = install.pod_security
    # templateRef resolution is skipped (catalog=None): a stack may add templates that
    # call catalog templates registered elsewhere; the catalog loader checks its own.
    return _template_rules.TemplateContext(
        managed_namespace=settings.managed_namespace,
        allowed_service_accounts=tuple(sorted(accounts)),
        pod_security=level,
        main_container=_mapping(config.get("mainContainer")),
        executor=_mapping(config.get("executor")),
        workflow_defaults=_mapping(config.get(facts.CONTROLLER_CONFIG_DEFAULTS_KEY)),
        catalog=None,
        caller_parameters=_caller_parameters(templates or []),
        # AnalyzeStack sends each resource's outputs: for pulumi-kubernetes the live object,
        # with the uid, resourceVersion, managedFields ... the API server set
        # (pulumi/pulumi pkg/resource/deploy/step_generator.go AnalyzeResources).
        server_set_metadata_refused=False,
    )


def _mapping(value: Any) -> Any:
    return value if isinstance(value, dict) else None


def _namespace_problems(
    templates: list[FoundObject], settings: Settings
) -> list[tuple[str, str | None]]:
    """WorkflowTemplates live in the managed namespace the controller runs (from the stack)."""
    problems: list[tuple[str, str | None]] = []
    for found in templates:
        if found.kind.kind != facts.WORKFLOW_TEMPLATE:
            continue
        namespace = get(found.manifest, "metadata", "namespace")
        if namespace is UNKNOWN:
            continue  # reported with the template's other unknown values (_unread_note)
        if namespace != settings.managed_namespace and not (found.kind.patch and namespace is None):
            problems.append(
                (
                    f"{found.label}: it is in namespace {namespace}, but the stack's controller "
                    f"runs workflows in {settings.managed_namespace}; move it there",
                    found.urn,
                )
            )
    return problems


def template_content_problems(
    objects: list[FoundObject], settings: Settings, install: Any = None
) -> list[tuple[str, str | None]]:
    templates = [
        found
        for found in objects
        if found.kind.group == facts.ARGO_GROUP and found.kind.kind in _TEMPLATE_KINDS
    ]
    problems = _namespace_problems(templates, settings)
    if not templates:
        return problems
    context = _context(objects, settings, install, templates)
    context_key = _context_key(context)
    # the full objects patches apply to, by kind, namespace and name (when there are any)
    full = (
        {_key(found): found for found in templates if not found.kind.patch}
        if any(found.kind.patch for found in templates)
        else {}
    )
    for found in templates:
        manifest = found.manifest
        if found.kind.patch:
            # A server-side-apply patch: judge the template it produces.
            base = full.get(_key(found))
            manifest = apply_patch(base.manifest if base else {}, found.manifest)
        name = get(manifest, "metadata", "name")
        if not isinstance(name, str | None) and name is not UNKNOWN:
            problems.append((f"{found.label}: metadata.name is not a string", found.urn))
            continue
        unread: list[str] = []
        for problem in _verdict(manifest, context, context_key, found.kind.patch):
            if isinstance(problem, Unread):
                unread.append(problem.path)
            else:
                problems.append((f"{found.label}: {problem}", found.urn))
        if unread:
            problems.append((Unjudged(f"{found.label}: {_unread_note(unread)}"), found.urn))
    return problems


_UNREAD_SHOWN = 5


def _unread_note(paths: list[str]) -> str:
    """What of a template no rule could read at preview (refused: reporting.py)."""
    if len(paths) == 1:
        return f"{paths[0]} is unknown during preview"
    shown = ", ".join(paths[:_UNREAD_SHOWN])
    more = len(paths) - _UNREAD_SHOWN
    return f"{len(paths)} values are unknown during preview: {shown}" + (
        f" (and {more} more)" if more > 0 else ""
    )


# Verdicts of templates already judged in this process, by the manifest object (the
# objects of identical properties are shared across requests, resource_objects) and the
# context. `pulumi preview` sends each template once, but a process judging many stacks
# that differ by a few objects (the pack's own tests) judges each template once.
_VERDICTS: dict[tuple[int, Hashable, frozenset[str]], tuple[Any, list[Any]]] = {}
_VERDICTS_LIMIT = 20_000


def _verdict(manifest: Any, context: Any, context_key: Hashable, patch: bool) -> list[Any]:
    if patch:  # a merged manifest is new on every request
        return _template_rules.template_problems(manifest, context)
    name = get(manifest, "metadata", "name")
    callers = (context.caller_parameters or {}).get(name, frozenset())
    key = (id(manifest), context_key, frozenset(callers))
    cached = _VERDICTS.get(key)
    if cached is not None and cached[0] is manifest:
        return cached[1]
    if len(_VERDICTS) >= _VERDICTS_LIMIT:
        _VERDICTS.clear()
    verdict = _template_rules.template_problems(manifest, context)
    _VERDICTS[key] = (manifest, verdict)
    return verdict


def _context_key(context: Any) -> Hashable:
    """Everything of the context a template's verdict depends on, but its callers'
    parameters (taken per template)."""
    return tuple(
        _frozen(getattr(context, field.name))
        for field in dataclasses.fields(context)
        if field.name != "caller_parameters"
    )


def _frozen(value: Any) -> Hashable:
    """A hashable form of plain data that tells apart every type (UNKNOWN included)."""
    if isinstance(value, dict):
        return ("map", tuple(sorted((repr(k), _frozen(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("seq", tuple(_frozen(item) for item in value))
    if isinstance(value, frozenset | set):
        return ("set", tuple(sorted(repr(item) for item in value)))
    if value is UNKNOWN:
        return ("unknown",)
    try:
        hash(value)
    except TypeError:
        return ("repr", type(value).__name__, repr(value))
    return (type(value).__name__, value)


def _key(found: FoundObject) -> tuple[str, Any, Any]:
    metadata = get(found.manifest, "metadata")
    namespace, name = get(metadata, "namespace"), get(metadata, "name")
    return (
        found.kind.kind,
        namespace if isinstance(namespace, str | None) else repr(namespace),
        name if isinstance(name, str | None) else repr(name),
    )

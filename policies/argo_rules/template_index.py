"""What the rules of one WorkflowTemplate need to know about the others: the templates
inside each, and the workflow parameters its callers declare. Read leniently, before any
check, so a reference to a template that has problems of its own is not reported twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .template_facts import KIND
from .template_problem import as_map
from .template_variables import declared_parameters
from .template_walk import all_templates, calls


def catalog_index(manifests: Iterable[Any]) -> dict[str, frozenset[str]]:
    """WorkflowTemplate name -> names of the templates inside it."""
    index: dict[str, frozenset[str]] = {}
    for data in manifests:
        data = data if isinstance(data, dict) else {}
        metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
        spec = data.get("spec") if isinstance(data.get("spec"), dict) else {}
        name, inner = metadata.get("name"), spec.get("templates")
        if data.get("kind") != KIND or not isinstance(name, str) or name in index:
            continue
        inner = inner if isinstance(inner, list) else []
        index[name] = frozenset(
            t["name"] for t in inner if isinstance(t, dict) and isinstance(t.get("name"), str)
        )
    return index


def caller_parameters(manifests: Iterable[Any]) -> dict[str, frozenset[str]]:
    """WorkflowTemplate name -> workflow parameters declared by the catalog templates that
    call it through templateRef, directly or through other templates."""
    declared: dict[str, set[str]] = {}
    calls: dict[str, set[str]] = {}  # caller -> called
    for data in manifests:
        data = data if isinstance(data, dict) else {}
        name = (
            (data.get("metadata") or {}).get("name")
            if isinstance(data.get("metadata"), dict)
            else None
        )
        spec = data.get("spec")
        if data.get("kind") != KIND or not isinstance(name, str) or not isinstance(spec, dict):
            continue
        declared.setdefault(name, set()).update(declared_parameters(spec))
        calls.setdefault(name, set()).update(_template_refs(spec))
    result: dict[str, set[str]] = {}
    for caller in calls:
        seen: set[str] = set()
        todo = list(calls[caller])
        while todo:
            called = todo.pop()
            if called in seen:
                continue
            seen.add(called)
            result.setdefault(called, set()).update(declared.get(caller, ()))
            todo.extend(calls.get(called, ()))
    return {name: frozenset(params) for name, params in result.items()}


def _template_refs(spec: dict) -> list[str]:
    """Names of the WorkflowTemplates a spec calls with templateRef: from its steps and DAG
    tasks (inline templates' included) and the lifecycle hooks of the spec and of each
    step and task, the only types with a templateRef field (WorkflowStep, DAGTask,
    LifecycleHook; pkg/apis/workflow/v1alpha1/workflow_types.go). A templateRef anywhere
    else is an unknown field, which the schema check refuses."""
    holders = [*as_map(spec.get("hooks")).values()]
    for path, template in all_templates(spec):
        for _, call in calls(template, path):
            holders.append(call)
            holders += as_map(call.get("hooks")).values()
    refs: list[str] = []
    for holder in holders:
        ref = holder.get("templateRef") if isinstance(holder, dict) else None
        if isinstance(ref, dict) and isinstance(ref.get("name"), str):
            refs.append(ref["name"])
    return refs

"""How templates call templates: the steps, tasks and inline templates of a spec, and the
references they make to the spec itself and to the rest of the catalog."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from components.catalog.facts import _CALL_KEYS, KIND
from components.catalog.messages import _join, _listing
from components.catalog.reading import _Document


def _catalog_index(documents: Iterable[_Document]) -> dict[str, frozenset[str]]:
    """Template name -> names of the templates inside it, read leniently from every document.

    Built before any check so a reference to a template that has problems of its own is
    not reported a second time.
    """
    index: dict[str, frozenset[str]] = {}
    for doc in documents:
        data = doc.data if isinstance(doc.data, dict) else {}
        metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
        spec = data.get("spec") if isinstance(data.get("spec"), dict) else {}
        name, templates = metadata.get("name"), spec.get("templates")
        if data.get("kind") != KIND or not isinstance(name, str) or name in index:
            continue
        inner = templates if isinstance(templates, list) else []
        index[name] = frozenset(
            t["name"] for t in inner if isinstance(t, dict) and isinstance(t.get("name"), str)
        )
    return index


def _all_templates(templates: list[dict]) -> Iterator[tuple[str, dict]]:
    """The spec's templates, each followed by the inline templates of its steps and tasks."""

    def walk(path: str, template: dict) -> Iterator[tuple[str, dict]]:
        yield path, template
        for where, call in _calls(template, path):
            if call.get("inline") is not None:
                yield from walk(f"{where}.inline", call["inline"])

    for i, template in enumerate(templates):
        yield from walk(f"spec.templates[{i}]", template)


def _calls(template: dict, path: str) -> Iterator[tuple[str, dict]]:
    """Every step and DAG task of a template, with its path."""
    yield from _steps(template, path)
    yield from _tasks(template, path)


def _steps(template: dict, path: str) -> Iterator[tuple[str, dict]]:
    for g, group in enumerate(template.get("steps") or []):
        for j, step in enumerate(group):
            yield f"{path}.steps[{g}][{j}]", step


def _tasks(template: dict, path: str) -> Iterator[tuple[str, dict]]:
    for k, task in enumerate((template.get("dag") or {}).get("tasks") or []):
        yield f"{path}.dag.tasks[{k}]", task


@dataclass
class _References:
    local_names: set[str]
    catalog: dict[str, frozenset[str]]

    def local(self, name: str, path: str) -> list[str]:
        if name in self.local_names:
            return []
        return [f"{path}: {name!r} is not a template of this spec ({_listing(self.local_names)})"]

    def remote(self, ref: dict, path: str) -> list[str]:
        if ref.get("clusterScope"):
            return [
                f"{path}.clusterScope: ClusterWorkflowTemplates are not available in "
                "managed-namespace mode; reference a WorkflowTemplate of the catalog"
            ]
        name, inner = ref.get("name"), ref.get("template")
        if not name:
            return [f"{path}.name: required field missing"]
        if name not in self.catalog:
            return [f"{path}.name: {name!r} is not a WorkflowTemplate of the catalog"]
        if not inner:
            return [f"{path}.template: required field missing"]
        if inner not in self.catalog[name]:
            return [
                f"{path}.template: {inner!r} is not a template of catalog template {name!r} "
                f"({_listing(self.catalog[name])})"
            ]
        return []

    def call(self, holder: dict, path: str) -> list[str]:
        """A step or task: exactly one of template, templateRef, inline, and it must exist."""
        chosen = [k for k in _CALL_KEYS if holder.get(k) is not None]
        if len(chosen) != 1:
            found = f" (found {', '.join(chosen)})" if chosen else ""
            return [f"{path}: set exactly one of template, templateRef, inline{found}"]
        problems = []
        if "template" in chosen:
            problems += self.local(holder["template"], f"{path}.template")
        if "templateRef" in chosen:
            problems += self.remote(holder["templateRef"], f"{path}.templateRef")
        if holder.get("onExit") is not None:
            problems += self.local(holder["onExit"], f"{path}.onExit")
        return problems + self.hooks(holder.get("hooks"), f"{path}.hooks")

    def hooks(self, hooks: dict | None, path: str) -> list[str]:
        problems = []
        for key, hook in (hooks or {}).items():
            where = _join(path, key)
            if hook.get("template") is not None:
                problems += self.local(hook["template"], f"{where}.template")
            if hook.get("templateRef") is not None:
                problems += self.remote(hook["templateRef"], f"{where}.templateRef")
        return problems


def _check_calls(template: dict, path: str, refs: _References) -> list[str]:
    problems: list[str] = []
    step_names: set[str] = set()
    for where, step in _steps(template, path):
        problems += _unique_name(step, where, step_names, "step")
        problems += refs.call(step, where)
    tasks = list(_tasks(template, path))
    task_names = {task["name"] for _, task in tasks}
    seen: set[str] = set()
    for where, task in tasks:
        problems += _unique_name(task, where, seen, "task")
        problems += refs.call(task, where)
        for d, dependency in enumerate(task.get("dependencies") or []):
            if dependency not in task_names:
                problems.append(
                    f"{where}.dependencies[{d}]: {dependency!r} is not a task of this DAG "
                    f"({_listing(task_names, 'tasks')})"
                )
    return problems


def _unique_name(holder: dict, path: str, seen: set[str], what: str) -> list[str]:
    name = holder.get("name")
    if not name:
        return [f"{path}.name: required field missing"]
    if name in seen:
        return [f"{path}.name: {name!r} is already used by another {what} of this template"]
    seen.add(name)
    return []

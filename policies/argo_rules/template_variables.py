"""Variable references that must resolve (validate.go, resolveAllVariables).

`{{inputs.parameters.x}}` needs an input `x`, `{{steps.s...}}` a step `s` before this one,
`{{tasks.t...}}` a task `t` the current task depends on, `{{item.k}}` a loop with key `k`,
`{{workflow.parameters.p}}` an argument `p` of the spec. Argo leaves undeclared workflow
parameters of a WorkflowTemplate to run time; a template-only install refuses them here,
since submitted workflows may only pass arguments the template declares. Expressions
(`{{=...}}`) and tags Argo does not check (`{{retries}}`, ...) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import template_facts as facts
from .template_expressions import depends_tasks
from .template_problem import Problem, as_list, as_map, as_str, join, maps, name_of, problem
from .template_walk import steps as step_list
from .template_walk import tasks as task_list

_TAG = re.compile(r"\{\{(.*?)\}\}", re.S)
_STEP_LOCAL = ("inline",)
_TEXT_OR_CONTAINERS = (str, dict, list)  # a tuple: cheaper for isinstance than str | dict | list


@dataclass
class _Scope:
    names: set[str] = field(default_factory=set)  # exact variables
    steps: dict[str, dict | None] = field(default_factory=dict)  # name -> called template
    tasks: dict[str, dict | None] = field(default_factory=dict)
    items: set[str] | None = None  # item keys; None: no loop; {"*"}: any (withParam)

    def child(self) -> _Scope:
        return _Scope(set(self.names), dict(self.steps), dict(self.tasks), self.items)


def variable_problems(spec: dict, caller_parameters: frozenset[str] = frozenset()) -> list[Problem]:
    """``caller_parameters``: workflow parameters of the templates that call this one
    through templateRef; a workflow runs with the arguments of its top-level template."""
    local = {name_of(t): t for _, t in maps(spec.get("templates"))}
    declared = set(caller_parameters) | declared_parameters(spec)
    checker = _Checker(local, declared)
    for i, template in maps(spec.get("templates")):
        checker.template(template, f"spec.templates[{i}]", _Scope())
    return checker.problems


def declared_parameters(spec: object) -> set[str]:
    """The workflow parameters a spec declares: its spec.arguments.parameters, and the
    inputs of its templates. A submitted workflow may choose the entrypoint (one of the
    fields a workflow may set under workflowRestrictions) and the controller fills the
    entrypoint's inputs from the workflow's arguments of the same names
    (workflow/controller/operator.go), so those names are workflow parameters too."""
    spec = as_map(spec)
    params = maps(as_map(spec.get("arguments")).get("parameters"))
    names = {name_of(p) for _, p in params}
    for _, template in maps(spec.get("templates")):
        names |= {name_of(p) for _, p in maps(as_map(template.get("inputs")).get("parameters"))}
    names.discard("")
    return names


class _Checker:
    def __init__(self, local: Mapping, declared: set[str]) -> None:
        self.local = local
        self.declared = declared
        self.problems: list[Problem] = []

    # --- templates -------------------------------------------------------------------------

    def template(self, template: dict, path: str, outer: _Scope) -> None:
        scope = outer.child()
        inputs = as_map(template.get("inputs"))
        params = [p.get("name") for _, p in maps(inputs.get("parameters"))]
        scope.names |= {f"inputs.parameters.{p}" for p in params if isinstance(p, str)}
        if params:
            scope.names.add("inputs.parameters")
        for _, artifact in maps(inputs.get("artifacts")):
            name = artifact.get("name")
            scope.names |= {f"inputs.artifacts.{name}", f"inputs.artifacts.{name}.path"}
        if template.get("steps") is not None:
            self._steps(template, path, scope)
        elif template.get("dag") is not None:
            self._dag(template, path, scope)
        else:
            scope.names.add("pod.name")
            self.check(template, path, scope)

    def _steps(self, template: dict, path: str, scope: _Scope) -> None:
        self.check(
            {k: v for k, v in template.items() if k != "steps"},
            path,
            self._all_steps(template, scope),
        )
        for where, _, step in step_list(template, path):
            name = as_str(step.get("name"))
            inner = scope.child()
            inner.steps[name] = self._called(step)
            inner.items = _items(step)
            self._call(step, where, inner)
            scope.steps[name] = self._called(step)

    def _all_steps(self, template: dict, scope: _Scope) -> _Scope:
        whole = scope.child()
        for _, _, step in step_list(template, ""):
            whole.steps[as_str(step.get("name"))] = self._called(step)
        return whole

    def _dag(self, template: dict, path: str, scope: _Scope) -> None:
        found = list(task_list(template, path))
        by_name = {as_str(t.get("name")): t for _, t in found}
        whole = scope.child()
        whole.tasks.update({name: self._called(t) for name, t in by_name.items()})
        self.check({k: v for k, v in template.items() if k != "dag"}, path, whole)
        self.check(as_map(template.get("dag")).get("target"), f"{path}.dag.target", whole)
        parents = {name: _task_parents(task) for name, task in by_name.items()}
        for where, task in found:
            name = as_str(task.get("name"))
            inner = scope.child()
            for ancestor in _ancestors(name, parents) | {name}:
                if ancestor in by_name:
                    inner.tasks[ancestor] = self._called(by_name[ancestor])
            inner.items = _items(task)
            self._call(task, where, inner)

    def _call(self, call: dict, path: str, scope: _Scope) -> None:
        self.check({k: v for k, v in call.items() if k not in _STEP_LOCAL}, path, scope)
        if isinstance(call.get("inline"), dict):
            self.template(call["inline"], f"{path}.inline", scope)

    def _called(self, call: dict) -> dict | None:
        """The local template a step or task runs; None when it is not known here."""
        if isinstance(call.get("inline"), dict):
            return call["inline"]
        name = call.get("template")
        return self.local.get(name) if isinstance(name, str) else None

    # --- strings ---------------------------------------------------------------------------

    def check(self, value: object, path: str, scope: _Scope) -> None:
        if not isinstance(value, _TEXT_OR_CONTAINERS):
            return
        for where, text in _strings(value, path):
            for match in _TAG.finditer(text):
                tag = match.group(1).strip()
                if tag.startswith("=") or not tag.startswith(facts.CHECKED_VARIABLE_PREFIXES):
                    continue
                why = self._unresolved(tag, scope)
                if why:
                    self.problems.append(
                        problem(where, "{{" + tag + "}}", "a variable that resolves", why)
                    )

    def _unresolved(self, tag: str, scope: _Scope) -> str:
        if tag in scope.names or tag in facts.GLOBAL_VARIABLES:
            return ""
        head, _, rest = tag.partition(".")
        if head == "workflow":
            return self._workflow(tag, rest)
        if head == "outputs":
            return ""  # a template's own outputs, for metrics (validate.go)
        if head == "item":
            if scope.items is None:
                return "no withItems, withParam or withSequence on this step or task"
            if "*" in scope.items or rest in scope.items or rest.split(".")[0] in scope.items:
                return ""
            return f"the withItems entries have no key {rest!r}"
        if head == "inputs":
            return "the template declares no such input"
        if head == "pod":
            return (
                "only pod templates know {{pod.name}}" if rest == "name" else "unknown pod variable"
            )
        if head in ("steps", "tasks"):
            return self._node(head, rest, scope)
        return ""

    def _workflow(self, tag: str, rest: str) -> str:
        if tag.startswith(facts.GLOBAL_VARIABLE_PREFIXES):
            return ""
        if rest.startswith("parameters."):
            name = rest[len("parameters.") :]
            if name in self.declared:
                return ""
            return (
                "spec.arguments.parameters (or a catalog template calling this one) "
                "does not declare it"
            )
        return "not a workflow variable Argo provides"

    def _node(self, head: str, rest: str, scope: _Scope) -> str:
        name, _, attribute = rest.partition(".")
        if name == "name" and not attribute:
            return ""  # {{steps.name}} / {{tasks.name}}: the current node's name
        known = scope.steps if head == "steps" else scope.tasks
        if name not in known:
            if head == "steps":
                return f"no step {name!r} runs before this point"
            return f"no task {name!r} among the tasks this one depends on"
        if not attribute:
            return "name an attribute such as outputs.result or status"
        first, _, more = attribute.partition(".")
        kind, _, output = more.partition(".")
        called = known[name]
        if first == "exitCode" or (first, kind) == ("outputs", "result"):
            silent = _without_result(called)
            if silent:
                what = "exitCode" if first == "exitCode" else "outputs.result"
                return f"the {silent} template it runs has no {what}"
        if first in facts.NODE_ATTRIBUTES:
            return ""
        if first != "outputs":
            return f"{first!r} is not something a step or task exposes"
        if kind == "result" or (kind in ("parameters", "artifacts") and not output):
            return ""
        if kind not in ("parameters", "artifacts"):
            return f"outputs.{kind} is not an output kind (result, parameters, artifacts)"
        if called is None:
            return ""  # a template of another catalog template: its outputs are not known here
        names = {name_of(o) for _, o in maps(as_map(called.get("outputs")).get(kind))}
        output = output.split(".")[0]
        if output in names:
            return ""
        return f"the template it runs declares no output {kind[:-1]} {output!r}"


def _without_result(template: dict | None) -> str:
    """The type of a local template whose node never has `outputs.result` nor `exitCode`
    (resource, suspend, steps, dag); "" otherwise or when the template is not known here.
    A containerSet is left alone: a looped one has a result even without `main`
    (validate.go addOutputsToScope, aggregate)."""
    if template is None:
        return ""
    kind = next((t for t in facts.TEMPLATE_TYPES if template.get(t) is not None), "")
    return kind if kind in facts.RESULTLESS_TYPES else ""


def _strings(value: object, path: str) -> list[tuple[str, str]]:
    """Every string below ``value`` that holds a `{{`, with its path (built only for those:
    most strings of a template hold none)."""
    found: list[tuple[tuple, str]] = []
    if isinstance(value, str):
        if "{{" in value:
            found.append(((), value))
    elif isinstance(value, dict):
        _collect(value.items(), [], found)
    elif isinstance(value, list):
        _collect(enumerate(value), [], found)
    out = []
    for keys, text in found:
        where = path
        for key in keys:
            where = join(where, key)
        out.append((where, text))
    return out


def _collect(items: Iterable[tuple[Any, object]], keys: list, found: list) -> None:
    """The (keys, string) pairs below the (key, value) pairs of a mapping or list."""
    for key, item in items:
        if isinstance(item, str):
            if "{{" in item:
                found.append(((*keys, key), item))
        elif isinstance(item, dict):
            keys.append(key)
            _collect(item.items(), keys, found)
            keys.pop()
        elif isinstance(item, list):
            keys.append(key)
            _collect(enumerate(item), keys, found)
            keys.pop()


def _items(call: dict) -> set[str] | None:
    items = call.get("withItems")
    if isinstance(items, list) and items:
        keys: set[str] = set()
        for item in items:
            if isinstance(item, dict):
                keys |= {str(k) for k in item}
            elif isinstance(item, list):
                keys |= {f"[{j}]" for j in range(len(item))}
        return keys
    if call.get("withParam") not in (None, "") or call.get("withSequence") is not None:
        return {"*"}
    return None


def _task_parents(task: dict) -> set[str]:
    parents = {d for d in as_list(task.get("dependencies")) if isinstance(d, str)}
    depends = task.get("depends")
    if isinstance(depends, str) and depends.strip():
        named, _ = depends_tasks(depends)
        parents |= {name for name, _ in named}
    return parents


def _ancestors(name: str, parents: Mapping[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(parents.get(name, ()))
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(parents.get(current, ()))
    return seen

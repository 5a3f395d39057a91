"""Argo's own validation of a WorkflowTemplate spec, and a few checks beyond it.

Ported from workflow/validate/validate.go (Argo Workflows v4.1.2): what the Argo server
refuses when a template is created, and what the controller refuses when it runs one.
Where the check goes beyond Argo the comment says so. Every check reads the spec
defensively: it runs even where the schema check already found problems.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import yaml

from . import template_facts as facts
from .template_expressions import (
    depends_tasks,
    has_variable,
    is_go_duration,
    is_integer_text,
    when_error,
)
from .template_problem import (
    Problem,
    as_list,
    as_map,
    as_str,
    join,
    listing,
    maps,
    name_of,
    opaque,
    problem,
    short,
    stated,
)
from .template_walk import all_templates, extra_containers, main_containers, steps, tasks

# validate.go fills in variables (ProcessArgs) and expressions before it parses a resource
# manifest; a placeholder stands for each.
_VARIABLE = re.compile(r"\{\{.*?\}\}", re.S)


class SpecFacts(NamedTuple):
    """What the checks of one template need to know about the rest of the spec."""

    local: Mapping[str, dict]  # template name -> template
    # False when a template or its name is unknown during a preview: a name that is not
    # in ``local`` may then be that template's, and is not refused.
    names_known: bool
    catalog: Mapping[str, frozenset[str]] | None  # None: other templates unknown
    default_image: dict  # template type -> True when templateDefaults/mainContainer give one
    volumes: frozenset[str]


def semantic_problems(
    spec: dict,
    catalog: Mapping[str, frozenset[str]] | None,
    main_container: Mapping | None,
    *,
    walked: Sequence[tuple[str, dict]] | None = None,
) -> list[Problem]:
    """``walked``: ``all_templates(spec)`` when the caller already has it."""
    templates = [t for _, t in maps(spec.get("templates"))]
    local = {t["name"]: t for t in templates if isinstance(t.get("name"), str)}
    names_known = _names_known(spec.get("templates"))
    defaults = as_map(spec.get("templateDefaults"))
    main_image = bool(as_map(main_container).get("image"))
    default_image = {
        key: main_image or bool(as_map(defaults.get(key)).get("image"))
        for key in ("container", "script")
    }
    volumes = {as_str(v.get("name")) for _, v in maps(spec.get("volumes"))}
    volumes |= {
        as_str(as_map(c.get("metadata")).get("name"))
        for _, c in maps(spec.get("volumeClaimTemplates"))
    }
    volumes |= {as_str(v.get("name")) for _, v in maps(defaults.get("volumes"))}
    info = SpecFacts(local, names_known, catalog, default_image, frozenset(volumes))

    problems = _names(spec.get("templates"), "spec.templates", facts.FIELD_NAME, "template", False)
    for key in ("entrypoint", "onExit"):
        value = spec.get(key)
        if isinstance(value, str) and value and _not_in_spec(value, info):
            problems.append(_not_local("spec." + key, value, local))
    problems += _hooks(spec.get("hooks"), "spec.hooks", info)
    if spec.get("arguments") is not None:
        problems += _arguments(spec["arguments"], "spec.arguments", allow_empty=True)
    problems += _pod_gc(spec.get("podGC"))
    problems += _unique(spec.get("volumes"), "spec.volumes", "volume")
    problems += _negative(spec, "spec", "activeDeadlineSeconds")
    problems += _retry(spec.get("retryStrategy"), "spec.retryStrategy")
    if defaults:
        problems += _template_fields(defaults, "spec.templateDefaults", info, as_default=True)
    for path, template in all_templates(spec) if walked is None else walked:
        problems += _template(template, path, info)
    return problems


# --- Names ---------------------------------------------------------------------------------


def _names(
    items: object, path: str, pattern, what: str, schema_requires: bool = True
) -> list[Problem]:
    """Each item has a name, unique, matching Argo's pattern (validateWorkflowFieldNames).
    A name the schema requires is reported missing by the schema check."""
    problems = []
    seen: dict[str, int] = {}
    for i, item in maps(items):
        name = item.get("name")
        if name is None and schema_requires:
            continue
        if name is None or name == "":
            problems.append(problem(f"{path}[{i}].name", "nothing", f"a {what} name", "required"))
            continue
        if not isinstance(name, str):
            continue  # the schema check names the type
        if pattern is facts.PARAM_NAME:
            if not pattern.match(name):
                problems.append(
                    problem(f"{path}[{i}].name", repr(name), f"a name of {facts.PARAM_NAME_RULE}")
                )
        elif len(name) > facts.FIELD_NAME_MAX or not pattern.match(name):
            problems.append(
                problem(f"{path}[{i}].name", repr(name), f"a name of {facts.FIELD_NAME_RULE}")
            )
        if name in seen:
            problems.append(
                problem(
                    f"{path}[{i}].name",
                    repr(name),
                    f"a name unique among the {what}s",
                    f"already used by {path}[{seen[name]}]",
                )
            )
        else:
            seen[name] = i
    return problems


def _unique(items: object, path: str, what: str) -> list[Problem]:
    """Names Kubernetes requires unique within a pod (volumes, containers)."""
    seen: set[str] = set()
    problems = []
    for _, item in maps(items):
        name = item.get("name")
        if isinstance(name, str) and name:
            if name in seen:
                problems.append(
                    problem(
                        path,
                        f"two {what}s named {name!r}",
                        f"unique {what} names",
                        "Kubernetes refuses the pod",
                    )
                )
            seen.add(name)
    return problems


def _names_known(templates: object) -> bool:
    """Whether every template of the spec and its name can be read (none is unknown
    during a preview)."""
    if opaque(templates):
        return False
    return not any(
        opaque(t) or (isinstance(t, dict) and opaque(t.get("name"))) for t in as_list(templates)
    )


def _not_in_spec(name: str, info: SpecFacts) -> bool:
    """``name`` (a template reference) names no template of the spec, as far as is known."""
    return not has_variable(name) and name not in info.local and info.names_known


def _not_local(path: str, name: str, local: Mapping[str, dict]) -> Problem:
    return stated(
        path,
        f"{name!r} is not a template of this spec ({listing(local)})",
        repr(name),
        "a template of this spec",
    )


# --- Spec-level fields ---------------------------------------------------------------------


def _pod_gc(pod_gc: object) -> list[Problem]:
    pod_gc = as_map(pod_gc)
    problems = []
    delay = pod_gc.get("deleteDelayDuration")
    if isinstance(delay, str) and delay and not is_go_duration(delay):
        problems.append(
            problem(
                "spec.podGC.deleteDelayDuration", repr(delay), "a Go duration such as '30s' or '1h'"
            )
        )
    return problems


def _negative(holder: dict, path: str, key: str) -> list[Problem]:
    value = holder.get(key)
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and is_integer_text(value):
        number = int(value)
    if number is not None and number < 0:
        return [problem(f"{path}.{key}", short(value), "a positive number of seconds")]
    return []


def _hooks(hooks: object, path: str, info: SpecFacts) -> list[Problem]:
    problems = []
    for name, hook in as_map(hooks).items():
        where = join(path, name)
        hook = as_map(hook)
        # validate.go, validateHooks: only the `exit` hook runs without an expression.
        if name != "exit" and not hook.get("expression"):
            problems.append(
                problem(
                    f"{where}.expression",
                    "nothing",
                    "an expression",
                    "every hook but 'exit' needs one",
                )
            )
        problems += _call_target(hook, where, info, hook=True)
    return problems


def _arguments(arguments: object, path: str, *, allow_empty: bool) -> list[Problem]:
    """validate.go, validateArguments: names, values, valueFrom sources, enums, artifacts."""
    arguments = as_map(arguments)
    problems = _names(
        arguments.get("parameters"), f"{path}.parameters", facts.PARAM_NAME, "parameter"
    )
    problems += _names(
        arguments.get("artifacts"), f"{path}.artifacts", facts.PARAM_NAME, "artifact"
    )
    for i, param in maps(arguments.get("parameters")):
        where = f"{path}.parameters[{i}]"
        value_from = param.get("valueFrom")
        if value_from is None and param.get("value") is None and not allow_empty:
            problems.append(
                problem(
                    f"{where}.value",
                    "nothing",
                    "a value or valueFrom",
                    "the called template gets no value otherwise",
                )
            )
        if isinstance(value_from, dict):
            allowed = ("configMapKeyRef", "event", "supplied", "default")
            extra = [k for k in value_from if k not in allowed and value_from[k] not in (None, "")]
            if extra or not any(
                value_from.get(k) is not None for k in ("configMapKeyRef", "event", "supplied")
            ):
                problems.append(
                    problem(
                        f"{where}.valueFrom",
                        ", ".join(sorted(value_from)) or "nothing",
                        "one of configMapKeyRef, event, supplied (with an optional default)",
                    )
                )
        problems += _enum(param, where, allow_empty)
    for i, artifact in maps(arguments.get("artifacts")):
        where = f"{path}.artifacts[{i}]"
        if artifact.get("from") and artifact.get("fromExpression"):
            problems.append(problem(where, "from and fromExpression", "one of them"))
        elif not any(artifact.get(k) for k in _ARTIFACT_SOURCES):
            # validate.go, validateArgumentsValues: "from, artifact location, or key is required".
            problems.append(
                problem(where, "no source", "from, fromExpression or a location such as s3 or raw")
            )
    return problems


def _enum(param: dict, path: str, allow_empty: bool) -> list[Problem]:
    enum = param.get("enum")
    if enum is None:
        return []
    if isinstance(enum, list) and not enum:
        return [problem(f"{path}.enum", "an empty list", "at least one value")]
    choices = [_text(v) for v in as_list(enum)]
    problems = []
    for key in ("value", "default"):
        value = param.get(key)
        if value is None or has_variable(value):
            continue
        if _text(value) not in choices:
            problems.append(
                problem(f"{path}.{key}", short(value), f"one of its enum ({', '.join(choices)})")
            )
    return problems


def _text(value: object) -> str:
    """A parameter value as Argo stores it (AnyString: numbers and booleans as text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _retry(retry: object, path: str) -> list[Problem]:
    if not isinstance(retry, dict) or not retry:
        return []  # most templates set no retryStrategy
    problems = []
    # Beyond Argo: a limit string that is neither a number nor a variable never parses.
    limit = retry.get("limit")
    if isinstance(limit, str) and not has_variable(limit) and not is_integer_text(limit):
        problems.append(
            problem(f"{path}.limit", repr(limit), "a number, or a '{{...}}' variable or expression")
        )
    backoff = as_map(retry.get("backoff"))
    for key in ("duration", "maxDuration"):
        value = backoff.get(key)
        # The backoff takes a whole number of seconds or a Go duration (retry_strategy.go).
        if _is_bad_duration(value):
            problems.append(
                problem(
                    f"{path}.backoff.{key}",
                    repr(value),
                    "seconds or a Go duration such as '30s'",
                )
            )
    return problems


# --- One template --------------------------------------------------------------------------


def _template(template: dict, path: str, info: SpecFacts) -> list[Problem]:
    chosen = [t for t in facts.TEMPLATE_TYPES if template.get(t) is not None]
    problems = []
    if len(chosen) != 1:
        problems.append(
            stated(
                path,
                f"set exactly one of {', '.join(facts.TEMPLATE_TYPES)}"
                + (f" (found {', '.join(chosen)})" if chosen else ""),
                ", ".join(chosen) or "no template type",
                "exactly one template type",
            )
        )
    kind = chosen[0] if len(chosen) == 1 else ""
    problems += _template_fields(template, path, info, kind=kind)
    if kind == "steps":
        problems += _steps(template, path, info)
    elif kind == "dag":
        problems += _dag(template, path, info)
    return problems


def _template_fields(
    template: dict, path: str, info: SpecFacts, *, kind: str = "", as_default: bool = False
) -> list[Problem]:
    leaf = kind not in facts.NON_LEAF_TYPES
    inputs, outputs = as_map(template.get("inputs")), as_map(template.get("outputs"))
    problems = []
    if inputs.get("parameters") is not None:
        problems += _names(
            inputs["parameters"], f"{path}.inputs.parameters", facts.PARAM_NAME, "parameter"
        )
    if inputs.get("artifacts") is not None:
        problems += _names(
            inputs["artifacts"], f"{path}.inputs.artifacts", facts.PARAM_NAME, "artifact"
        )
    for i, param in maps(inputs.get("parameters")):
        if param.get("enum") is not None:
            problems += _enum(param, f"{path}.inputs.parameters[{i}]", True)
    for i, artifact in maps(inputs.get("artifacts")):
        where = f"{path}.inputs.artifacts[{i}]"
        if kind and not leaf and artifact.get("path"):
            problems.append(
                problem(
                    f"{where}.path",
                    repr(artifact["path"]),
                    "no path",
                    "only container and script templates place artifacts",
                )
            )
        if artifact.get("from"):
            problems.append(
                problem(
                    f"{where}.from",
                    repr(artifact["from"]),
                    "no from",
                    "'from' is for arguments, not inputs",
                )
            )
    for i, container in maps(template.get("initContainers")):
        if container.get("name") == "":
            problems.append(
                problem(
                    f"{path}.initContainers[{i}].name", "nothing", "a container name", "required"
                )
            )
    if kind and not leaf:
        for key in facts.LEAF_ONLY_FIELDS:
            if template.get(key) is not None:
                why = f"only leaf templates (not steps or dag) take {key}"
                problems.append(problem(f"{path}.{key}", short(template[key]), "no value", why))
    if kind and leaf and not as_default and template.get("parallelism") is not None:
        problems.append(
            problem(
                f"{path}.parallelism",
                short(template["parallelism"]),
                "no value",
                "parallelism is for steps and dag templates",
            )
        )
    if template.get("activeDeadlineSeconds") is not None:
        deadline = template["activeDeadlineSeconds"]
        problems += _deadline(deadline, f"{path}.activeDeadlineSeconds")
    timeout = template.get("timeout")
    if isinstance(timeout, str) and timeout and not has_variable(timeout):
        if is_integer_text(timeout):
            problems.append(
                problem(
                    f"{path}.timeout",
                    repr(timeout),
                    "a duration with a unit such as '30s'",
                    "Argo refuses a bare number",
                )
            )
        elif not is_go_duration(timeout):  # beyond Argo: checked when the template runs
            problems.append(
                problem(f"{path}.timeout", repr(timeout), "a Go duration such as '30s' or '1h30m'")
            )
    if template.get("retryStrategy") is not None:
        problems += _retry(template["retryStrategy"], f"{path}.retryStrategy")
    duration = as_map(template.get("suspend")).get("duration")
    # Beyond Argo: a suspend duration is seconds or a Go duration (util/time).
    if _is_bad_duration(duration):
        problems.append(
            problem(
                f"{path}.suspend.duration",
                repr(duration),
                "seconds or a Go duration such as '30s'",
            )
        )
    problems += _containers(template, path, info, kind, as_default)
    if template.get("volumes") is not None:
        problems += _unique(template["volumes"], f"{path}.volumes", "volume")
    extra = [c for key in ("initContainers", "sidecars") for _, c in maps(template.get(key))]
    if len(extra) > 1:
        problems += _unique(extra, f"{path}.initContainers and sidecars", "container")
    if kind == "resource":
        problems += _resource(template, path)
    if kind == "containerSet":
        problems += _container_set(template, path)
    if outputs:
        problems += _outputs(outputs, path, kind)
    if template.get("metrics") is not None:
        problems += _metrics(template["metrics"], path)
    return problems


def _is_bad_duration(value: object) -> bool:
    """Neither whole seconds nor a Go duration (a variable is judged when it runs)."""
    if not isinstance(value, str) or not value or has_variable(value):
        return False
    return not (is_integer_text(value) or is_go_duration(value))


def _deadline(value: object, path: str) -> list[Problem]:
    """validate.go: a positive integer or an Argo variable."""
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, int):
        ok = value >= 0
    elif isinstance(value, str):
        ok = has_variable(value) or (is_integer_text(value) and int(value) >= 0)
    else:
        return []
    if ok:
        return []
    return [
        problem(path, short(value), "a positive whole number of seconds or a '{{...}}' variable")
    ]


def _containers(
    template: dict, path: str, info: SpecFacts, kind: str, as_default: bool
) -> list[Problem]:
    problems = []
    volumes = info.volumes
    if template.get("volumes") is not None:
        volumes |= {as_str(v.get("name")) for _, v in maps(template["volumes"])}
    every = [(where, key, c) for where, key, c in main_containers(template, path)]
    every += [(where, "extra", c) for where, c in extra_containers(template, path)]
    for where, key, container in every:
        image = container.get("image")
        if not as_default and (image is None or image == ""):
            if key in ("container", "script"):
                if not info.default_image[key]:
                    problems.append(
                        problem(
                            f"{where}.image",
                            "nothing",
                            "an image",
                            "required unless spec.templateDefaults gives one",
                        )
                    )
            else:
                problems.append(
                    problem(
                        f"{where}.image",
                        "nothing",
                        "an image",
                        "Kubernetes refuses a container without one",
                    )
                )
        name = container.get("name")
        if key == "extra" and name in facts.RESERVED_CONTAINER_NAMES:
            problems.append(
                problem(
                    f"{where}.name",
                    repr(name),
                    "a name other than main, wait and init",
                    "Argo adds containers with these names to every pod",
                )
            )
        if key == "containerSet" and name in ("wait", "init"):
            problems.append(
                problem(
                    f"{where}.name",
                    repr(name),
                    "a name other than wait and init",
                    "Argo adds containers with these names to every pod",
                )
            )
        mounts: dict[str, int] = {}
        for m, mount in maps(container.get("volumeMounts")):
            mount_name, mount_path = mount.get("name"), mount.get("mountPath")
            # Beyond Argo's validation: the controller fails the pod when it runs.
            if (
                isinstance(mount_name, str)
                and not has_variable(mount_name)
                and mount_name not in volumes
                and not as_default
            ):
                problems.append(
                    problem(
                        f"{where}.volumeMounts[{m}].name",
                        repr(mount_name),
                        "a volume of spec.volumes, spec.volumeClaimTemplates or the template",
                        listing(sorted(v for v in volumes if v), "volumes"),
                    )
                )
            if key == "container" and isinstance(mount_path, str):
                if mount_path in mounts:
                    problems.append(
                        problem(
                            f"{where}.volumeMounts[{m}].mountPath",
                            repr(mount_path),
                            "a path not mounted twice",
                            f"already mounted by volumeMounts[{mounts[mount_path]}]",
                        )
                    )
                mounts[mount_path] = m
        if key == "container":
            for a, artifact in maps(as_map(template.get("inputs")).get("artifacts")):
                if as_str(artifact.get("path")) in mounts:
                    problems.append(
                        problem(
                            f"{path}.inputs.artifacts[{a}].path",
                            repr(artifact["path"]),
                            "a path no volume is mounted at",
                            "a volume mount already uses it",
                        )
                    )
    return problems


def _resource(template: dict, path: str) -> list[Problem]:
    resource = as_map(template.get("resource"))
    where = f"{path}.resource"
    problems = []
    action = resource.get("action")
    manifest, manifest_from = resource.get("manifest"), resource.get("manifestFrom")
    if action not in facts.ACTIONS_WITHOUT_MANIFEST:
        if not manifest and manifest_from is None:
            problems.append(
                problem(
                    f"{where}.manifest",
                    "nothing",
                    "a manifest or manifestFrom",
                    f"the {action!r} action needs the object",
                )
            )
        if manifest and manifest_from is not None:
            problems.append(problem(where, "manifest and manifestFrom", "one of them"))
        artifact = as_map(as_map(manifest_from).get("artifact")).get("name")
        inputs = {name_of(a) for _, a in maps(as_map(template.get("inputs")).get("artifacts"))}
        if artifact is not None and artifact not in inputs:
            problems.append(
                problem(
                    f"{where}.manifestFrom.artifact.name",
                    repr(artifact),
                    "an input artifact of this template",
                    listing(sorted(n for n in inputs if n), "input artifacts"),
                )
            )
        if isinstance(manifest, str) and manifest:
            text = _VARIABLE.sub("placeholder", manifest)
            try:
                yaml.safe_load(text)
            except yaml.YAMLError as err:
                mark = getattr(err, "problem_mark", None)
                at = f" at line {mark.line + 1}" if mark else ""
                problems.append(
                    problem(f"{where}.manifest", f"YAML that does not parse{at}", "a YAML manifest")
                )
    return problems


def _container_set(template: dict, path: str) -> list[Problem]:
    """ContainerSetTemplate.Validate
    (pkg/apis/workflow/v1alpha1/container_set_template_types.go)."""
    container_set = as_map(template.get("containerSet"))
    where = f"{path}.containerSet"
    containers = [c for _, c in maps(container_set.get("containers"))]
    if not containers:
        if container_set.get("containers") is None:
            return []  # required: reported by the schema check
        return [problem(f"{where}.containers", "no container", "at least one container")]
    problems = _names(
        container_set.get("containers"), f"{where}.containers", facts.FIELD_NAME, "container"
    )
    names = {name_of(c) for c in containers}
    graph: dict[str, list[str]] = {}
    for i, container in maps(container_set.get("containers")):
        deps = [d for d in as_list(container.get("dependencies")) if isinstance(d, str)]
        graph[as_str(container.get("name"))] = deps
        for d, dependency in enumerate(deps):
            if dependency not in names:
                problems.append(
                    problem(
                        f"{where}.containers[{i}].dependencies[{d}]",
                        repr(dependency),
                        "a container of this set",
                        listing(sorted(n for n in names if isinstance(n, str)), "containers"),
                    )
                )
    cycle = _cycle(graph)
    if cycle:
        problems.append(
            problem(
                f"{where}.containers",
                "the dependency cycle " + " -> ".join(cycle),
                "dependencies without a cycle",
            )
        )
    inputs, outputs = as_map(template.get("inputs")), as_map(template.get("outputs"))
    if (
        as_list(inputs.get("artifacts"))
        or as_list(outputs.get("parameters"))
        or as_list(outputs.get("artifacts"))
    ) and "main" not in names:
        problems.append(
            problem(
                f"{where}.containers",
                "no container named 'main'",
                "a container named 'main'",
                "the template has input artifacts or outputs, which Argo reads from 'main'",
            )
        )
    return problems


def _outputs(outputs: dict, path: str, kind: str) -> list[Problem]:
    """validate.go, validateOutputs and validateOutputParameter."""
    where = f"{path}.outputs"
    problems = _names(
        outputs.get("parameters"), f"{where}.parameters", facts.PARAM_NAME, "parameter"
    )
    problems += _names(outputs.get("artifacts"), f"{where}.artifacts", facts.PARAM_NAME, "artifact")
    for i, artifact in maps(outputs.get("artifacts")):
        if kind in facts.NON_LEAF_TYPES and artifact.get("path"):
            problems.append(
                problem(
                    f"{where}.artifacts[{i}].path",
                    repr(artifact["path"]),
                    "no path",
                    "steps and dag templates take artifacts 'from' a step or task",
                )
            )
        problems += _global_name(artifact, f"{where}.artifacts[{i}]")
    for i, param in maps(outputs.get("parameters")):
        at = f"{where}.parameters[{i}]"
        problems += _global_name(param, at)
        value, value_from = param.get("value"), param.get("valueFrom")
        if value is not None and value_from is not None:
            problems.append(problem(at, "value and valueFrom", "one of them"))
            continue
        if value is not None:
            continue
        if not isinstance(value_from, dict):
            problems.append(
                problem(
                    f"{at}.valueFrom",
                    "nothing",
                    "a value or valueFrom",
                    "an output parameter needs a source",
                )
            )
            continue
        sources = [
            k
            for k in ("path", "jqFilter", "jsonPath", "parameter", "expression")
            if value_from.get(k)
        ]
        sources += ["supplied"] if value_from.get("supplied") is not None else []
        if len(sources) != 1:
            problems.append(
                problem(
                    f"{at}.valueFrom",
                    ", ".join(sources) or "no source",
                    "exactly one of path, jqFilter, jsonPath, parameter, expression, supplied",
                )
            )
            continue
        needed = {
            "container": ("path",),
            "containerSet": ("path",),
            "script": ("path",),
            "resource": ("jqFilter", "jsonPath"),
            "steps": ("parameter", "expression"),
            "dag": ("parameter", "expression"),
        }.get(kind)
        if needed and sources[0] not in needed and sources[0] != "supplied":
            problems.append(
                problem(
                    f"{at}.valueFrom", sources[0], f"{' or '.join(needed)} for a {kind} template"
                )
            )
    return problems


def _global_name(holder: dict, path: str) -> list[Problem]:
    name = holder.get("globalName")
    if (
        isinstance(name, str)
        and name
        and not has_variable(name)
        and not facts.PARAM_NAME.match(name)
    ):
        return [problem(f"{path}.globalName", repr(name), f"a name of {facts.PARAM_NAME_RULE}")]
    return []


def _metrics(metrics: object, path: str) -> list[Problem]:
    """validate.go: metric names and help; one metric type each (workflow/metrics)."""
    problems = []
    for i, metric in maps(as_map(metrics).get("prometheus")):
        where = f"{path}.metrics.prometheus[{i}]"
        name = metric.get("name")
        if isinstance(name, str) and not facts.METRIC_NAME.match(name):
            problems.append(
                problem(
                    f"{where}.name",
                    repr(name),
                    "a metric name of letters, digits, '_' and ':', not starting with a digit",
                )
            )
        if metric.get("help") == "":
            problems.append(
                problem(
                    f"{where}.help", "nothing", "a help text", "Argo requires one for every metric"
                )
            )
        chosen = [t for t in facts.METRIC_TYPES if metric.get(t) is not None]
        if len(chosen) != 1:
            problems.append(
                problem(
                    where,
                    ", ".join(chosen) or "no metric type",
                    f"exactly one of {', '.join(facts.METRIC_TYPES)}",
                )
            )
    return problems


# --- Steps and tasks -----------------------------------------------------------------------


def _call_target(holder: dict, path: str, info: SpecFacts, *, hook: bool = False) -> list[Problem]:
    """A step, task or hook calls exactly one of template, templateRef, inline."""
    chosen = [k for k in facts.CALL_KEYS if holder.get(k) is not None]
    if hook and not chosen:
        return []
    if len(chosen) != 1:
        return [
            stated(
                path,
                "set exactly one of template, templateRef, inline"
                + (f" (found {', '.join(chosen)})" if chosen else ""),
                ", ".join(chosen) or "none of them",
                "exactly one of template, templateRef, inline",
            )
        ]
    name = holder.get("template")
    if isinstance(name, str) and _not_in_spec(name, info):
        return [_not_local(f"{path}.template", name, info.local)]
    if "templateRef" in chosen:
        return _template_ref(as_map(holder["templateRef"]), f"{path}.templateRef", info)
    return []


def _template_ref(ref: dict, path: str, info: SpecFacts) -> list[Problem]:
    if ref.get("clusterScope"):
        return [
            problem(
                f"{path}.clusterScope",
                "true",
                "false or nothing",
                "ClusterWorkflowTemplates are not available in managed-namespace mode; "
                "reference a WorkflowTemplate of the catalog",
            )
        ]
    name, inner = ref.get("name"), ref.get("template")
    problems = []
    if not name:
        problems.append(
            problem(f"{path}.name", "nothing", "the name of a WorkflowTemplate", "required")
        )
    if not inner:
        problems.append(
            problem(f"{path}.template", "nothing", "the name of a template inside it", "required")
        )
    if problems or info.catalog is None or has_variable(name) or has_variable(inner):
        return problems
    if not isinstance(name, str) or not isinstance(inner, str):
        return []  # the schema check names the type
    if name not in info.catalog:
        return [
            stated(
                f"{path}.name",
                f"{name!r} is not a WorkflowTemplate of the catalog",
                repr(name),
                "a WorkflowTemplate of the catalog",
            )
        ]
    if inner not in info.catalog[name]:
        return [
            stated(
                f"{path}.template",
                f"{inner!r} is not a template of catalog template {name!r} "
                f"({listing(info.catalog[name])})",
                repr(inner),
                f"a template of {name!r}",
            )
        ]
    return []


def _call(call: dict, path: str, info: SpecFacts) -> list[Problem]:
    problems = _call_target(call, path, info)
    problems += _supplied(call, path, info)
    loops = [k for k in facts.LOOP_KEYS if call.get(k) not in (None, [], "")]
    if len(loops) > 1:
        problems.append(
            problem(path, ", ".join(loops), "at most one of withItems, withParam, withSequence")
        )
    sequence = as_map(call.get("withSequence"))
    if sequence.get("count") is not None and sequence.get("end") is not None:
        problems.append(problem(f"{path}.withSequence", "count and end", "one of count or end"))
    problems += _arguments(call.get("arguments"), f"{path}.arguments", allow_empty=False)
    when = call.get("when")
    if isinstance(when, str):
        error = when_error(when)
        if error:  # beyond Argo: found only when the step is reached
            problems.append(
                problem(
                    f"{path}.when",
                    repr(when),
                    'a condition such as "{{steps.x.outputs.result}} == yes"',
                    error,
                )
            )
    on_exit = call.get("onExit")
    if isinstance(on_exit, str) and on_exit and _not_in_spec(on_exit, info):
        problems.append(_not_local(f"{path}.onExit", on_exit, info.local))
    problems += _hooks(call.get("hooks"), f"{path}.hooks", info)
    return problems


# Where an input artifact may come from besides the caller (ArtifactLocation and friends).
_ARTIFACT_SOURCES = (
    "artifactory", "azure", "from", "fromExpression", "gcs", "git", "hdfs", "http", "oss",
    "plugin", "raw", "s3",
)  # fmt: skip


def _supplied(call: dict, path: str, info: SpecFacts) -> list[Problem]:
    """A local template's inputs without a value or default get one from the call
    (validate.go validates the called template with the call's arguments; common.ProcessArgs
    fails with "inputs.parameters.x was not supplied")."""
    name = call.get("template")
    called = info.local.get(name) if isinstance(name, str) else None
    if called is None:
        return []
    inputs = as_map(called.get("inputs"))
    arguments = as_map(call.get("arguments"))
    given = {name_of(p) for _, p in maps(arguments.get("parameters"))}
    given_artifacts = {name_of(a) for _, a in maps(arguments.get("artifacts"))}
    problems = []
    for _, param in maps(inputs.get("parameters")):
        needed = param.get("name")
        if not isinstance(needed, str) or needed in given:
            continue
        if (
            param.get("value") is None
            and param.get("default") is None
            and not param.get("valueFrom")
        ):
            problems.append(
                problem(
                    f"{path}.arguments.parameters",
                    f"no parameter {needed!r}",
                    f"a value for input {needed!r} of template {name!r}",
                    listing(sorted(g for g in given if isinstance(g, str)), "arguments"),
                )
            )
    for _, artifact in maps(inputs.get("artifacts")):
        needed = artifact.get("name")
        if not isinstance(needed, str) or needed in given_artifacts or artifact.get("optional"):
            continue
        if not any(artifact.get(k) for k in _ARTIFACT_SOURCES):
            problems.append(
                problem(
                    f"{path}.arguments.artifacts",
                    f"no artifact {needed!r}",
                    f"input artifact {needed!r} of template {name!r}",
                )
            )
    return problems


def _steps(template: dict, path: str, info: SpecFacts) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {}
    for where, _, step in steps(template, path):
        problems += _call(step, where, info)
        name = step.get("name")
        if name is None or name == "":
            problems.append(problem(f"{where}.name", "nothing", "a step name", "required"))
        elif isinstance(name, str):
            if len(name) > facts.FIELD_NAME_MAX or not facts.FIELD_NAME.match(name):
                problems.append(
                    problem(f"{where}.name", repr(name), f"a name of {facts.FIELD_NAME_RULE}")
                )
            if name in seen:
                problems.append(
                    problem(
                        f"{where}.name",
                        repr(name),
                        "a name unique among the steps of this template",
                        f"already used by {seen[name]}",
                    )
                )
            seen.setdefault(name, where)
    return problems


def _dag(template: dict, path: str, info: SpecFacts) -> list[Problem]:
    dag = as_map(template.get("dag"))
    all_tasks = list(tasks(template, path))
    if not all_tasks:
        if dag.get("tasks") is None:
            return []  # required: reported by the schema check
        return [problem(f"{path}.dag.tasks", "no task", "at least one task")]
    problems = _names(dag.get("tasks"), f"{path}.dag.tasks", facts.FIELD_NAME, "task")
    names = {name_of(t) for _, t in all_tasks} - {""}
    by_name = {name_of(t): t for _, t in all_tasks}
    using_depends = any(t.get("depends") for _, t in all_tasks)
    graph: dict[str, list[str]] = {}
    for where, task in all_tasks:
        problems += _call(task, where, info)
        name = as_str(task.get("name"))
        dependencies = [d for d in as_list(task.get("dependencies")) if isinstance(d, str)]
        if (using_depends or dependencies) and name[:1].isdigit():
            problems.append(
                problem(
                    f"{where}.name",
                    repr(name),
                    "a name that does not start with a digit",
                    "DAGs with depends or dependencies need one",
                )
            )
        if using_depends and dependencies:
            problems.append(
                problem(
                    f"{where}.dependencies",
                    "dependencies in a DAG that uses depends",
                    "one of depends or dependencies in the whole DAG",
                )
            )
        if using_depends and task.get("continueOn") is not None:
            problems.append(
                problem(
                    f"{where}.continueOn",
                    "continueOn in a DAG that uses depends",
                    "depends conditions such as 'task.Failed'",
                )
            )
        found: list[str] = []
        for d, dependency in enumerate(dependencies):
            found.append(dependency)
            if dependency not in names:
                problems.append(
                    problem(
                        f"{where}.dependencies[{d}]",
                        repr(dependency),
                        "a task of this DAG",
                        listing(names, "tasks"),
                    )
                )
        depends = task.get("depends")
        if isinstance(depends, str) and depends.strip():
            named, error = depends_tasks(depends)
            if error:
                problems.append(
                    problem(
                        f"{where}.depends",
                        repr(depends),
                        "an expression of task names, '.Result', &&, || and !",
                        error,
                    )
                )
            for dependency, result in named:
                found.append(dependency)
                if dependency not in names:
                    problems.append(
                        problem(
                            f"{where}.depends",
                            repr(dependency),
                            "a task of this DAG",
                            listing(names, "tasks"),
                        )
                    )
                elif result in facts.ITEM_RESULTS and not any(
                    as_map(by_name.get(dependency)).get(k) not in (None, [], "")
                    for k in facts.LOOP_KEYS
                ):
                    problems.append(
                        problem(
                            f"{where}.depends",
                            f"{dependency}.{result}",
                            f"{result} only on a task with withItems, withParam or withSequence",
                        )
                    )
        graph[name] = found
    cycle = _cycle(graph)
    if cycle:
        problems.append(
            problem(
                f"{path}.dag.tasks",
                "the dependency cycle " + " -> ".join(cycle),
                "dependencies without a cycle",
            )
        )
    target = dag.get("target")
    if isinstance(target, str) and target and not has_variable(target):
        for name in target.split():
            if name not in names:
                problems.append(
                    problem(
                        f"{path}.dag.target",
                        repr(name),
                        "a task of this DAG",
                        listing(names, "tasks"),
                    )
                )
    return problems


def _cycle(graph: Mapping[str, list[str]]) -> list[str]:
    """The first dependency cycle, as the names along it, or []."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for dependency in graph.get(node, ()):
            if dependency not in graph:
                continue
            if state.get(dependency) == 1:
                return stack[stack.index(dependency) :] + [dependency]
            if dependency not in state:
                found = visit(dependency)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for node in graph:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []

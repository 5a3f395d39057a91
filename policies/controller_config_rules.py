"""The workflow-controller ConfigMap, read the way the controller reads it.

The controller (config/controller.go, parseConfigMap) takes either the single key
`config` (then it must be the only key), or writes every key out as `key: value` (a
value with line breaks indented under its key) into one YAML document, then decodes it
with sigs.k8s.io/yaml: YAML to JSON to Go structs, field names matched case-insensitively.
So `WorkflowRestrictions` counts, `workflowRestrictions: ""`, `{}` or `null` all mean no
restriction, and two keys that differ only in case are ambiguous (refused).

Every object that ends up as that ConfigMap counts: the ConfigMap (whatever its token or
where it comes from) with every server-side-apply patch of it applied on top.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import upstream_facts as facts
import yaml
from canonical import canonicalize
from k8s_objects import UNKNOWN, Unjudged, get, is_list, is_mapping
from pack_settings import Settings
from resource_objects import FoundObject

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present


class _DuplicateKeyLoader(_BaseLoader):
    """Safe loader that refuses duplicate mapping keys (sigs.k8s.io/yaml UnmarshalStrict)."""


def _construct_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep)


_DuplicateKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


@dataclass
class ControllerConfig:
    """The decoded config (canonical keys), or why it cannot be read."""

    value: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _raw_config(data: dict[str, Any]) -> tuple[str, list[str]]:
    """The YAML text the controller builds from the ConfigMap's data."""
    if facts.CONTROLLER_CONFIG_ALL_IN_ONE_KEY in data:
        value = data[facts.CONTROLLER_CONFIG_ALL_IN_ONE_KEY]
        if len(data) != 1:
            return "", [
                f"data has '{facts.CONTROLLER_CONFIG_ALL_IN_ONE_KEY}' next to other keys "
                f"({', '.join(sorted(k for k in data if k != 'config'))}); the controller "
                "refuses such a ConfigMap, keep one form"
            ]
        if value is UNKNOWN:
            return "", [Unjudged("data.config is unknown during preview")]
        return value if isinstance(value, str) else "", []
    lines: list[str] = []
    notes: list[str] = []
    for name, value in data.items():
        if value is UNKNOWN:
            notes.append(Unjudged(f"data.{name} is unknown during preview"))
            continue
        if not isinstance(value, str):
            continue
        if "\n" in value:
            body = "\n  ".join(value.strip("\n").split("\n"))
            lines.append(f"{name}:\n  {body}\n")
        else:
            lines.append(f"{name}: {value}\n")
    return "".join(lines), notes


def read_controller_config(data: Any) -> ControllerConfig:
    """Decode ConfigMap data as the controller does; problems if it cannot be.

    Several policies read the same ConfigMap; plain string data is decoded once (the
    result must not be modified)."""
    if is_mapping(data) and all(isinstance(v, str) for v in data.values()):
        return _read_cached(tuple(data.items()))
    return _read(data)


@functools.lru_cache(maxsize=16)
def _read_cached(items: tuple[tuple[str, str], ...]) -> ControllerConfig:
    return _read(dict(items))


def _read(data: Any) -> ControllerConfig:
    if data is UNKNOWN:
        return ControllerConfig(problems=[Unjudged("data is unknown during preview")])
    if not is_mapping(data):
        return ControllerConfig()
    text, problems = _raw_config(data)
    if any(not isinstance(p, Unjudged) for p in problems):
        return ControllerConfig(problems=problems)
    try:
        parsed = yaml.load(text, Loader=_DuplicateKeyLoader)  # noqa: S506 (safe loader)
    except yaml.YAMLError as err:
        detail = str(err).replace("\n", " ")
        return ControllerConfig(
            problems=[
                *problems,
                f"the data does not decode as the controller's config ({detail}); fix it",
            ]
        )
    if parsed is None:
        parsed = {}
    if not is_mapping(parsed):
        return ControllerConfig(problems=[*problems, "the data is not a config mapping"])
    canonical = canonicalize(parsed, facts.CONTROLLER_CONFIG_TYPE)
    problems += [
        f"{collision}; which one the controller reads depends on key order, keep one"
        for collision in canonical.collisions
    ]
    value = canonical.value
    return ControllerConfig(value, problems)


def template_referencing_problems(config: dict[str, Any]) -> list[str]:
    value = get(config, facts.CONTROLLER_CONFIG_RESTRICTIONS_KEY, "templateReferencing")
    if value in facts.ENFORCING_TEMPLATE_REFERENCING:
        return []
    strict = facts.ENFORCING_TEMPLATE_REFERENCING[0]
    found = "not set" if value is None or value in ("", {}) else f"{value!r}"
    return [
        f"workflowRestrictions.templateReferencing is {found}, so the controller runs "
        f"inline workflows; set data.workflowRestrictions to 'templateReferencing: {strict}'"
    ]


def _security_context_problems(context: Any, where: str) -> list[str]:
    if not is_mapping(context):
        return []
    problems = []
    if context.get("runAsNonRoot") is False or context.get("runAsUser") == 0:
        problems.append(f"{where} lets pods run as root; keep runAsNonRoot: true")
    return problems


def workflow_defaults_problems(config: dict[str, Any], settings: Settings) -> list[str]:
    """workflowDefaults is merged under every Workflow: it may not change what runs."""
    spec = get(config, facts.CONTROLLER_CONFIG_DEFAULTS_KEY, "spec")
    where = "workflowDefaults.spec"
    if not is_mapping(spec):
        return []
    problems = []
    extra = sorted(key for key in spec if key not in facts.WORKFLOW_DEFAULTS_SPEC_FIELDS)
    if extra:
        problems.append(
            f"{', '.join(f'{where}.{key}' for key in extra)} would be merged into every "
            "Workflow and change what runs; put it in the reviewed WorkflowTemplates instead"
        )
    problems += _account_problems(
        spec.get("serviceAccountName"),
        settings,
        f"{where}.serviceAccountName",
        "workflows may only run as {allowed}",
    )
    problems += _security_context_problems(spec.get("securityContext"), f"{where}.securityContext")
    problems += _defaults_executor_problems(spec.get("executor"), settings, where)
    problems += _defaults_artifact_gc_problems(spec.get("artifactGC"), settings, where)
    problems += _defaults_object_problems(
        spec.get("templateDefaults"),
        facts.TEMPLATE_DEFAULTS_FIELDS,
        f"{where}.templateDefaults",
        ", merged into every template (a container, volumes, ...); only limits may be "
        "defaulted there",
    )
    return problems


def _defaults_object_problems(value: Any, fields: frozenset[str], path: str, why: str) -> list[str]:
    """An object of workflowDefaults that may set only ``fields``: nothing when unset, one
    problem when it is not an object, else one naming the fields beyond them (``why``
    follows the list, with its own punctuation)."""
    if value is None:
        return []
    if not is_mapping(value):
        return [f"{path} is not an object; remove it"]
    extra = sorted(k for k in value if k not in fields)
    return [f"{path} sets {', '.join(extra)}{why}"] if extra else []


def _defaults_executor_problems(executor: Any, settings: Settings, where: str) -> list[str]:
    problems = _defaults_object_problems(
        executor,
        facts.WORKFLOW_DEFAULTS_EXECUTOR_FIELDS,
        f"{where}.executor",
        "; only its serviceAccountName may be defaulted",
    )
    if is_mapping(executor):
        problems += _account_problems(
            executor.get("serviceAccountName"),
            settings,
            f"{where}.executor.serviceAccountName",
            "the executor may only run as {allowed} (bound to the executor role)",
        )
    return problems


def _defaults_artifact_gc_problems(gc: Any, settings: Settings, where: str) -> list[str]:
    problems = _defaults_object_problems(
        gc,
        facts.WORKFLOW_DEFAULTS_ARTIFACT_GC_FIELDS,
        f"{where}.artifactGC",
        "; the controller applies them to the artifact GC pod of every workflow, which mounts "
        "the artifact repository's credentials; only strategy, serviceAccountName and "
        "forceFinalizerRemoval may be defaulted",
    )
    account = gc.get("serviceAccountName") if is_mapping(gc) else None
    taken = settings.allowed_workflow_accounts | {
        settings.workflow_service_account,
        settings.controller_service_account,
        settings.server_service_account,
    }
    if isinstance(account, str) and account in taken:
        problems.append(
            f"{where}.artifactGC.serviceAccountName is {account!r}; artifact GC pods mount the "
            "artifact repository's credentials and need an account of their own, not one "
            "workflows or Argo run as"
        )
    return problems


def _account_problems(account: Any, settings: Settings, field: str, rule: str) -> list[str]:
    """A service account workflowDefaults sets that is not one workflows may run as."""
    allowed = settings.allowed_workflow_accounts
    if account is None or account in allowed:
        return []
    names = " or ".join(repr(a) for a in sorted(allowed))
    return [f"{field} is {account!r}; {rule.format(allowed=names)}"]


def _logging_args(args: Any) -> bool:
    """Only argoexec's logging flags, as `--flag value` or `--flag=value`."""
    if not is_list(args):
        return False
    index = 0
    while index < len(args):
        word = args[index]
        if not isinstance(word, str):
            return False
        name, eq, _ = word.partition("=")
        if name not in facts.EXECUTOR_ARGS_FLAGS:
            return False
        index += 1 if eq else 2
    return index == len(args)


def _container_defaults_problems(config: dict[str, Any]) -> list[str]:
    """mainContainer / executor are merged under every workflow container."""
    problems = []
    for key in ("mainContainer", "executor"):
        container = config.get(key)
        if not is_mapping(container):
            continue
        context = container.get("securityContext")
        if is_mapping(context) and (
            context.get("privileged") is True
            or context.get("allowPrivilegeEscalation") is True
            or is_list(get(context, "capabilities", "add"))
        ):
            problems.append(
                f"{key}.securityContext grants privileges to every workflow container; "
                "remove privileged, allowPrivilegeEscalation and capabilities.add"
            )
        problems += _security_context_problems(context, f"{key}.securityContext")
        extra = sorted(
            k
            for k in container
            if k not in facts.CONTAINER_DEFAULTS_FIELDS
            and not (key == "executor" and k == "args" and _logging_args(container[k]))
        )
        if extra:
            problems.append(
                f"{key} sets {', '.join(extra)}, merged into every workflow container, "
                "which changes what runs; only "
                f"{', '.join(sorted(facts.CONTAINER_DEFAULTS_FIELDS))} may be set there "
                "(and executor.args with argoexec's logging flags only)"
            )
    return problems


def config_problems(data: Any, settings: Settings, *, patch_only: bool = False) -> list[str]:
    """Everything wrong with ConfigMap data as the controller's config."""
    config = read_controller_config(data)
    problems = list(config.problems)
    if any(not isinstance(p, Unjudged) for p in problems) and not config.value:
        return problems
    if not patch_only or get(config.value, facts.CONTROLLER_CONFIG_RESTRICTIONS_KEY) is not None:
        problems += template_referencing_problems(config.value)
    problems += workflow_defaults_problems(config.value, settings)
    problems += _container_defaults_problems(config.value)
    return problems


def _target(found: FoundObject) -> tuple[Any, Any]:
    return get(found.manifest, "metadata", "namespace"), get(found.manifest, "metadata", "name")


def _matches(found: FoundObject, settings: Settings) -> bool | None:
    """True for the controller ConfigMap, None if that cannot be known at preview."""
    if found.kind.group != "" or found.kind.kind != facts.CONFIG_MAP:
        return False
    namespace, name = _target(found)
    if UNKNOWN in (namespace, name):
        could_be = name in (UNKNOWN, settings.config_map_name) and namespace in (
            UNKNOWN,
            settings.control_namespace,
            None,
        )
        return None if could_be else False
    return name == settings.config_map_name and namespace in (settings.control_namespace, None)


def _overlay(base: Any, patch: Any) -> Any:
    if not is_mapping(patch):
        return base
    merged = dict(base) if is_mapping(base) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def controller_config_problems(
    objects: Iterable[FoundObject], settings: Settings
) -> list[tuple[str, str | None]]:
    """(message, urn) for every way the stack leaves template enforcement off."""
    strict = facts.ENFORCING_TEMPLATE_REFERENCING[0]
    fix = f"set data.workflowRestrictions to 'templateReferencing: {strict}'"
    full: list[FoundObject] = []
    patches: list[FoundObject] = []
    maybe: list[FoundObject] = []
    for found in objects:
        match = _matches(found, settings)
        if match is None:
            maybe.append(found)
        elif match:
            (patches if found.kind.patch else full).append(found)
    problems: list[tuple[str, str | None]] = []
    for found in full:
        data = get(found.manifest, "data")
        own = config_problems(data, settings)
        problems += [(f"{found.label}: {problem}", found.urn) for problem in own]
        if not patches:
            continue
        for patch in patches:
            data = _overlay(data, get(patch.manifest, "data"))
        last = patches[-1]
        problems += [
            (f"{last.label} (applied on top of {found.label}): {problem}", last.urn)
            for problem in config_problems(data, settings)
            if problem not in own
        ]
    if not full:
        for patch in patches:
            problems += [
                (f"{patch.label}: {problem}", patch.urn)
                for problem in config_problems(
                    get(patch.manifest, "data"), settings, patch_only=True
                )
            ]
        problems.append(
            (
                f"the stack has no ConfigMap {settings.control_namespace}/"
                f"{settings.config_map_name} for the workflow controller; add it and {fix}",
                None,
            )
        )
    for found in maybe:
        for problem in config_problems(get(found.manifest, "data"), settings, patch_only=True):
            problems.append(
                (
                    Unjudged(
                        f"{found.label}: its name or namespace is unknown during preview; if "
                        f"it is the controller ConfigMap: {problem}"
                    ),
                    found.urn,
                )
            )
    return problems

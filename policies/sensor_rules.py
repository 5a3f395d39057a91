"""Rules for Argo Events Sensors: a trigger may only start reviewed WorkflowTemplates.

Trigger shapes (argo-events pkg/apis/events/v1alpha1/sensor_types.go):
  spec.triggers[].template.k8s          {source, operation, parameters, ...}
  spec.triggers[].template.argoWorkflow {source, operation, parameters, args}
  spec.triggers[].parameters            rewrite the trigger template itself
  spec.triggers[].dlqTrigger            another Trigger
  source                                {resource | inline | s3 | file | url | configmap | git}
  parameters[].dest                     an sjson path into the object (dots, `\\` escapes)
The Sensor is read with its keys as Argo Events binds them (sensor_fields, json_keys).
A k8s trigger creating a Workflow or CronWorkflow, and an argoWorkflow `submit`, are held
to the Workflow rule on the keys the controller reads (no `status`); `submit-from` runs a
WorkflowTemplate or CronWorkflow of the managed namespace only, and no CLI flag may change
what is submitted. A k8s trigger may create a Job or Pod whose spec is written in the
Sensor: parameters fill only values (env values, args, name and labels, and outside the
Argo namespaces the name of a mounted Secret / ConfigMap). No workload a trigger writes
runs the workflow controller (a second controller). No trigger, whatever its
operation, writes RBAC, admission, CRDs, templates or anything in the control namespace,
and no parameter chooses a namespace. A k8s trigger's parameters never set the kind,
apiVersion or spec of another object; trigger-level parameters may not touch a trigger's
k8s / argoWorkflow part except to fill those values of what it already creates. A source
fetched at run time (url, git, s3, ...) cannot be checked before deploy and is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import event_binding_rules
import sensor_fields as fields
import upstream_facts as facts
import workflow_rules
import yaml
from canonical import canonicalize
from json_keys import canonical_keys
from k8s_objects import (
    UNKNOWN,
    Unjudged,
    api_group,
    get,
    is_list,
    is_mapping,
    kind_of_manifest,
    load_yaml_documents,
    to_plain,
)
from pack_settings import Settings
from workloads import manifest_containers, runs_controller

# Kinds whose created objects start workflows: held to their rule, and parameters may not
# rewrite their spec beyond the fields the rule allows.
# (workflow_rules.submitted_*: keys as the controller reads them, status, the kind's rule)
_WORKFLOW_STARTING_KINDS: dict[str, Callable[..., list[str]]] = {
    facts.WORKFLOW: workflow_rules.submitted_workflow_problems,
    facts.CRON_WORKFLOW: workflow_rules.submitted_cron_workflow_problems,
}
_TEMPLATE_KINDS = frozenset({facts.WORKFLOW_TEMPLATE, facts.CLUSTER_WORKFLOW_TEMPLATE})

# Trigger-level `spec.triggers[].parameters` are applied by the sensor to the JSON of the
# whole trigger template *before* it picks the trigger implementation (argo-events
# pkg/sensors/triggers/params.go ApplyTemplateParameters, called in
# pkg/sensors/listener.go triggerActions ahead of GetTrigger, pkg/sensors/trigger.go, which
# takes `k8s` first, then `argoWorkflow`). So any trigger (http, log, ...) can be turned
# into one of these, or have its source / operation / parameters replaced, by event data.
# The template is decoded with Go encoding/json, which also accepts keys that differ only
# in case (`K8S.source` fills `k8s.source`; the last such key wins).
_TRIGGER_PARTS = {
    part.casefold(): part for part in (facts.K8S_TRIGGER, facts.ARGO_WORKFLOW_TRIGGER)
}
_TRIGGER_RESOURCE = ["source", "resource"]

# Resource parameters (`k8s.parameters`) rewrite the fetched object itself (params.go
# ApplyResourceParameters, from pkg/sensors/triggers/standard-k8s/standard-k8s.go): the
# endpoint is picked from the object before them (FetchResource), the object after them is
# what gets sent. A kind, apiVersion or spec taken from event data decides what the request
# carries and cannot be reviewed, so only a Workflow/CronWorkflow's allow-listed spec
# fields may be filled.
_OBJECT_TYPE_FIELDS = {"kind": "kind", "apiversion": "apiVersion"}

# sjson dest syntax (github.com/tidwall/sjson, sjson.go parsePath): keys are split on `.`,
# `\` escapes the next character, a leading `:` on a key only forces an object key, and a
# key holding one of these characters turns the dest into a gjson pattern that can match
# any existing key.
_PATTERN_CHARS = frozenset("|#@*?")
_PATTERN_PROBLEM = "is a pattern that may match any field"


_GUARDED_BY_FOLD = {
    kind.casefold(): kind for kind in (*facts.GUARDED_KINDS, facts.WORKFLOW_EVENT_BINDING)
}


def _argo_kind(manifest: Any) -> str | None:
    """The Argo kind of an object (a kind in another letter case maps to the same one)."""
    kind = kind_of_manifest(manifest)
    if kind and kind.group == facts.ARGO_GROUP:
        return _GUARDED_BY_FOLD.get(kind.kind.casefold())
    return None


def _source_objects(source: Any) -> tuple[list[Any], str | None]:
    """Objects of a trigger source, or a problem when the source cannot be read here.

    The sensor reads the first member set of s3, inline, file, url, git, configmap,
    resource (argo-events pkg/sensors/artifacts/store.go GetArtifactReader), so a
    `resource` next to a fetched source is never used.
    """
    if not is_mapping(source):
        return [], "has no source; set source.resource to the object it creates"
    fetched = sorted(
        key
        for key in source
        if key not in facts.READABLE_TRIGGER_SOURCES and source[key] is not None
    )
    readable = [key for key in facts.READABLE_TRIGGER_SOURCES if source.get(key) is not None]
    if fetched or not readable:
        where = f"source.{fetched[0]}" if fetched else "its source"
        return [], (
            f"{where} is fetched at run time and cannot be checked before deploy; put the "
            "object in source.resource (or source.inline) and nothing else in source"
        )
    inline = source.get("inline")
    if inline is not None:
        try:
            if not isinstance(inline, str):
                raise yaml.YAMLError("not a string")
            return load_yaml_documents(inline), None
        except yaml.YAMLError:
            return [], "source.inline is not valid YAML; fix it or use source.resource"
    return [source["resource"]], None


def _dest_path(dest: Any) -> list[str | None]:
    """The keys an sjson dest writes; None stands for a pattern key and all that follows."""
    text = "" if dest is None else str(dest)
    parts: list[str | None] = []
    key: list[str] = []
    at_key_start = True
    index = 0
    while index < len(text):
        char = text[index]
        index += 1
        if at_key_start and char == ":":
            at_key_start = False
            continue
        at_key_start = False
        if char == "\\":
            key.append(text[index : index + 1])
            index += 1
        elif char == ".":
            parts.append("".join(key))
            key, at_key_start = [], True
        elif char in _PATTERN_CHARS:
            return [*parts, None]
        else:
            key.append(char)
    return [*parts, "".join(key)]


def _object_dest_problem(path: list[str | None], kind: str, settings: Settings) -> str | None:
    """Why a parameter may not write at `path` inside a created Workflow/CronWorkflow."""
    if path[0] is None:
        return _PATTERN_PROBLEM
    if path[0] == "metadata":
        return _metadata_dest_problem(path)
    if path[0] != "spec" or len(path) < 2:
        return "may only fill metadata or allowed spec fields"
    spec_path = path[1:]
    if kind == facts.CRON_WORKFLOW:
        if spec_path[0] is None:
            return _PATTERN_PROBLEM
        if spec_path[0] != "workflowSpec":
            return None
        spec_path = spec_path[1:]
        if not spec_path:
            return "may not replace spec.workflowSpec"
    field = spec_path[0]
    if field is None:
        return _PATTERN_PROBLEM
    if field not in settings.allowed_workflow_fields:
        return f"writes {field}, outside the controller's Strict allow-list"
    if field == "workflowTemplateRef":
        if len(spec_path) == 1 or spec_path[1] is None:
            return "may replace workflowTemplateRef (and set clusterScope); fill only its name"
        if spec_path[1].casefold() == "clusterscope":
            return "may not set workflowTemplateRef.clusterScope"
    return None


def _metadata_dest_problem(path: list[str | None]) -> str | None:
    """Parameters may fill an object's name, labels and annotations; replacing the whole
    metadata would set its namespace too (the namespace itself: _namespace_parameter_problems)."""
    if len(path) < 2 or path[1] is None:
        return "may replace the whole metadata, namespace included; fill name or labels only"
    return None


def _parameter_problems(parameters: Any, kind: str, settings: Settings, label: str) -> list[str]:
    """Parameters (sjson dests) may not turn a template reference into an inline workflow."""
    problems = []
    for index, parameter in enumerate(parameters if is_list(parameters) else []):
        dest = get(parameter, "dest")
        reason = _object_dest_problem(_dest_path(dest), kind, settings)
        if reason:
            problems.append(
                f"{label}[{index}].dest {dest!r} {reason}; remove the parameter or point it at "
                "the workflow's arguments"
            )
    return problems


def _other_object_parameter_problems(parameters: Any, manifest: Any) -> list[str]:
    """k8s.parameters of an object that is not a Workflow/CronWorkflow may not change what
    kind of object it is, nor write a spec (event data could make it an inline Workflow)."""
    kind = get(manifest, "kind")
    what = f"the {kind}" if isinstance(kind, str) and kind else "the object"
    problems = []
    for index, parameter in enumerate(parameters if is_list(parameters) else []):
        dest = get(parameter, "dest")
        head = _dest_path(dest)[0]
        label = f"k8s.parameters[{index}].dest {dest!r}"
        if head == "metadata" and _metadata_dest_problem(_dest_path(dest)):
            problems.append(f"{label} {_metadata_dest_problem(_dest_path(dest))}")
        elif not head:
            problems.append(
                f"{label} may write any field of {what}, kind and spec included (event data "
                "could make it an inline Workflow); spell out the metadata or data key it fills"
            )
        elif head.casefold() in _OBJECT_TYPE_FIELDS:
            problems.append(
                f"{label} sets the {_OBJECT_TYPE_FIELDS[head.casefold()]} of {what}, so event "
                "data decides what kind of object is written (an inline Workflow, a template); "
                "remove the parameter"
            )
        elif head.casefold() == "spec":
            problems.append(
                f"{label} writes spec of {what}; parameters may only write the spec of a "
                "Workflow or CronWorkflow (allowed fields), remove it or fill metadata instead"
            )
    return problems


def _fills_created_workflow(template: Any, path: list[str | None]) -> list[str]:
    """Kinds of the Workflow/CronWorkflow objects a trigger-level dest fills, when it points
    inside `<k8s|argoWorkflow>.source.resource` of a part that already writes only such
    objects; [] when the dest rewrites the trigger instead."""
    part = path[0]
    if part not in _TRIGGER_PARTS.values() or path[1:3] != _TRIGGER_RESOURCE or len(path) < 4:
        return []
    objects, unreadable = _source_objects(get(template, part, "source"))
    kinds = [_argo_kind(manifest) for manifest in objects]
    if unreadable or any(kind not in _WORKFLOW_STARTING_KINDS for kind in kinds):
        return []
    return [str(kind) for kind in kinds]


def _created_workload_problems(
    template: Any, path: list[str | None], settings: Settings, sensor_namespace: str | None
) -> list[str] | None:
    """Problems of a trigger-level dest inside `k8s.source.resource` of a part that creates
    only Jobs / Pods (None when the dest does not point there)."""
    if path[0] != facts.K8S_TRIGGER or path[1:3] != _TRIGGER_RESOURCE or len(path) < 4:
        return None
    k8s = get(template, facts.K8S_TRIGGER)
    if (get(k8s, "operation") or "create") == facts.K8S_DELETE_OPERATION:
        return None
    objects, unreadable = _source_objects(get(k8s, "source"))
    if unreadable or not objects or any(_pod_spec_path(o) is None for o in objects):
        return None
    reasons = [
        _workload_dest_problem(
            path[3:],
            get(o, "kind"),
            _pod_spec_path(o),
            _mounts_allowed(o, settings, sensor_namespace),
        )
        for o in objects
    ]
    return [reason for reason in dict.fromkeys(reasons) if reason]


def _template_parameter_problems(
    trigger: Any, settings: Settings, sensor_namespace: str | None = None
) -> list[str]:
    """Trigger-level parameters may not change a trigger's type nor its k8s/argoWorkflow
    part, except to fill allowed fields of the Workflow, Job or Pod that part already
    creates (never its namespace)."""
    template = get(trigger, "template")
    parameters = get(trigger, "parameters")
    problems = []
    for index, parameter in enumerate(parameters if is_list(parameters) else []):
        dest = get(parameter, "dest")
        path = _dest_path(dest)
        head = path[0]
        if head is not None and head.casefold() not in _TRIGGER_PARTS:
            continue
        label = f"parameters[{index}].dest {dest!r}"
        if path[1:3] == _TRIGGER_RESOURCE and _is_namespace_path(path[3:]):
            problems.append(f"{label} {_NAMESPACE_PROBLEM}")
            continue
        workload = _created_workload_problems(template, path, settings, sensor_namespace)
        if workload is not None:
            problems += [f"{label} {reason}" for reason in workload]
            continue
        kinds = _fills_created_workflow(template, path)
        if kinds:
            reasons = [_object_dest_problem(path[3:], kind, settings) for kind in kinds]
            problems += [
                f"{label} {reason}; remove the parameter or point it at the workflow's arguments"
                for reason in dict.fromkeys(reasons)
                if reason
            ]
            continue
        part = _TRIGGER_PARTS[head.casefold()] if head is not None else None
        where = (
            f"the trigger's {part} part"
            if part
            else "the trigger (a pattern that may match its k8s or argoWorkflow part)"
        )
        fill = f"{part}.parameters" if part else "k8s.parameters / argoWorkflow.parameters"
        problems.append(
            f"{label} rewrites {where}: trigger-level parameters change the trigger template "
            "before the sensor picks the trigger, so event data could make it write any object; "
            f"remove it, or fill the created object through {fill}"
        )
    return problems


def _args_problems(args: Any) -> list[str]:
    """`argo submit` flags in argoWorkflow.args must not change what gets submitted."""
    problems: list[str] = []
    tokens = [str(token) for token in args] if is_list(args) else []
    expect_value = False
    for token in tokens:
        if expect_value and not (token.startswith("-") and token != "-"):
            expect_value = False
            continue
        expect_value = False
        flag, has_value = token.split("=", 1)[0], "=" in token
        if flag in facts.SUBMIT_FLAGS_WITH_VALUE:
            expect_value = not has_value
        elif flag in facts.SUBMIT_FLAGS_WITHOUT_VALUE:
            continue
        elif token.startswith("-"):
            problems.append(
                f"argoWorkflow.args flag {flag} changes what is submitted; remove it "
                "(allowed: parameters, entrypoint, priority, labels, name)"
            )
            # An unknown flag's value (if it takes one) is not a manifest of its own.
            expect_value = not has_value
        else:
            problems.append(
                f"argoWorkflow.args holds the extra argument {token!r} (another manifest to "
                "submit); remove it"
            )
    return problems


def _is_index(part: str | None, *, append: bool = False) -> bool:
    return part is not None and (part.isdigit() or (append and part == "-1"))


def _matches(path: list[str | None], pattern: tuple) -> bool:
    if len(path) != len(pattern):
        return False
    return all(
        _is_index(part, append=True) if want is int else part == want
        for part, want in zip(path, pattern, strict=True)
    )


def _pod_value_path(rest: list[str | None], mounts_allowed: bool) -> bool:
    """Whether a path inside a pod spec is a value event data may fill."""
    if len(rest) > 2 and rest[0] in fields.CONTAINER_LISTS and _is_index(rest[1]):
        return any(_matches(rest[2:], pattern) for pattern in fields.CONTAINER_VALUE_PATHS)
    return mounts_allowed and any(_matches(rest, p) for p in fields.VOLUME_SOURCE_PATHS)


def _pod_spec_path(manifest: Any) -> tuple[str, ...] | None:
    """Where a Job / Pod keeps its pod spec; None for other objects."""
    kind = kind_of_manifest(manifest)
    if kind is None:
        return None
    return fields.WORKLOAD_POD_SPEC_PATHS.get((kind.group, kind.kind.casefold()))


def _workload_dest_problem(
    path: list[str | None], kind: Any, pod_spec: tuple[str, ...], mounts_allowed: bool
) -> str | None:
    """Why a parameter may not write at `path` of a Job / Pod (None: a value it may fill;
    the namespace is judged by _namespace_parameter_problems)."""
    if None in path:
        return f"{_PATTERN_PROBLEM} of the {kind}; spell out the value"
    if path[0] == "metadata":
        reason = _metadata_dest_problem(path)
        if reason is None and (
            path[1] in fields.METADATA_VALUE_KEYS or str(path[1]).casefold() == "namespace"
        ):
            return None
        return reason or "may fill only name, labels and annotations"
    if tuple(path[: len(pod_spec)]) == pod_spec and _pod_value_path(
        path[len(pod_spec) :], mounts_allowed
    ):
        return None
    # A Job's pod template may get labels (they select nothing the Job runs).
    template_labels = (*pod_spec[:-1], "metadata", "labels")
    if len(pod_spec) > 1 and tuple(path[: len(template_labels)]) == template_labels:
        return None
    allowed = "env values, args" + (", mounted Secret / ConfigMap names" if mounts_allowed else "")
    return (
        f"writes the {kind}'s {'.'.join(str(p) for p in path)}; event data may only fill "
        f"{allowed} and its name and labels, so what runs stays as written in the Sensor"
    )


def _mounts_allowed(manifest: Any, settings: Settings, sensor_namespace: str | None) -> bool:
    namespace = _namespace_of(manifest, sensor_namespace)
    return namespace is not None and namespace not in (
        settings.control_namespace,
        settings.managed_namespace,
    )


def _workload_parameter_problems(
    parameters: Any, manifest: Any, pod_spec: tuple[str, ...], mounts_allowed: bool
) -> list[str]:
    """A Job / Pod keeps the spec written in the Sensor: parameters fill values only."""
    kind = get(manifest, "kind")
    problems = []
    for index, parameter in enumerate(parameters if is_list(parameters) else []):
        dest = get(parameter, "dest")
        reason = _workload_dest_problem(_dest_path(dest), kind, pod_spec, mounts_allowed)
        if reason:
            problems.append(f"k8s.parameters[{index}].dest {dest!r} {reason}")
    return problems


def _patched_workflow_problems(manifest: Any, kind: str, settings: Settings) -> list[str]:
    """A patch may leave the reference out, but not add forbidden fields or status."""
    canonical = canonicalize(manifest, kind)
    check = (
        workflow_rules.check_workflow
        if kind == facts.WORKFLOW
        else workflow_rules.check_cron_workflow
    )
    return [
        *(f"{collision}; keep one" for collision in canonical.collisions),
        *workflow_rules.status_problems(canonical.value, kind),
        *check(canonical.value, settings, patch=True),
    ]


def _in_namespace(manifest: Any, namespace: str | None) -> Any:
    """The object as it lands: without a namespace, in the Sensor's."""
    if not is_mapping(manifest) or get(manifest, "metadata", "namespace") or not namespace:
        return manifest
    return {**manifest, "metadata": {**(get(manifest, "metadata") or {}), "namespace": namespace}}


def _namespace_of(manifest: Any, sensor_namespace: str | None) -> str | None:
    """Where a trigger's object lands: its namespace, else the Sensor's (argo-events
    pkg/sensors/triggers/standard-k8s/standard-k8s.go, argo-workflow/argo-workflow.go)."""
    namespace = get(manifest, "metadata", "namespace")
    if isinstance(namespace, str) and namespace:
        return namespace
    return sensor_namespace


def _forbidden_object_problems(
    manifest: Any, operation: str, settings: Settings, sensor_namespace: str | None
) -> list[str]:
    """Objects a trigger may never write, whatever the operation."""
    kind_name = get(manifest, "kind")
    group = api_group(get(manifest, "apiVersion"))
    verb = "deletes" if operation == facts.K8S_DELETE_OPERATION else "writes"
    what = f"k8s trigger {verb} a {kind_name}"
    if group in fields.FORBIDDEN_GROUPS:
        return [
            f"{what}: {fields.FORBIDDEN_GROUPS[group]} may only change with the deployer's "
            "own credentials, never from event data at run time; remove the trigger"
        ]
    if _argo_kind(manifest) in _TEMPLATE_KINDS:
        return [
            f"{what}; templates written at run time are never reviewed, deploy the template "
            "with the program instead and only submit Workflows that reference it"
        ]
    namespace = _namespace_of(manifest, sensor_namespace)
    if namespace == settings.control_namespace:
        return [
            f"{what} in namespace {namespace}, the controller's namespace (its ConfigMap, "
            "Deployments and roles live there); a trigger may not write there"
        ]
    return []


_NAMESPACE_PROBLEM = (
    "chooses the namespace; event data may not decide where the object lands, remove the parameter"
)


def _is_namespace_path(path: list[str | None]) -> bool:
    return (
        len(path) > 1
        and path[0] is not None
        and path[0].casefold() == "metadata"
        and path[1] is not None
        and path[1].casefold() == "namespace"
    )


def _namespace_parameter_problems(parameters: Any, label: str) -> list[str]:
    """Event data may not choose the namespace an object lands in (or a submit-from /
    resubmit acts in): outside the managed namespace nothing is reviewed."""
    return [
        f"{label}[{index}].dest {get(parameter, 'dest')!r} {_NAMESPACE_PROBLEM}"
        for index, parameter in enumerate(parameters if is_list(parameters) else [])
        if _is_namespace_path(_dest_path(get(parameter, "dest")))
    ]


def _controller_workload_problems(manifest: Any) -> list[str]:
    """A workload a trigger creates never runs the workflow controller: the install runs
    the one controller, and a second one runs workflows under its own config."""
    return [
        f"k8s trigger writes a {get(manifest, 'kind')} whose {container.index} runs the "
        "workflow controller (its image or command); a second controller runs workflows "
        "under its own config, remove the trigger"
        for container in manifest_containers(manifest)
        if runs_controller(container.spec)
    ]


def _k8s_trigger_problems(k8s: Any, settings: Settings, sensor_namespace: str | None) -> list[str]:
    operation = get(k8s, "operation") or "create"
    if get(k8s, "source") is UNKNOWN:
        return [Unjudged("k8s trigger source is unknown during preview")]
    objects, unreadable = _source_objects(get(k8s, "source"))
    if unreadable:
        return [f"k8s trigger {unreadable}"]
    parameters = get(k8s, "parameters")
    problems = _namespace_parameter_problems(parameters, "k8s.parameters")
    # An empty inline source still gets its parameters checked (they could build an object).
    for manifest in objects or [None]:
        forbidden = _forbidden_object_problems(manifest, operation, settings, sensor_namespace)
        problems += forbidden
        if forbidden or operation == facts.K8S_DELETE_OPERATION:
            continue
        problems += _controller_workload_problems(manifest)
        kind = _argo_kind(manifest)
        label = f"k8s trigger writes a {kind}"
        pod_spec = _pod_spec_path(manifest)
        if kind == facts.WORKFLOW_EVENT_BINDING:
            problems += [
                f"{label}: {problem}"
                for problem in event_binding_rules.check_event_binding(
                    _in_namespace(manifest, sensor_namespace), settings
                )
            ]
            problems += _other_object_parameter_problems(parameters, manifest)
        elif kind == facts.SENSOR:
            problems += [f"{label}: {problem}" for problem in check_sensor(manifest, settings)]
            problems += _other_object_parameter_problems(parameters, manifest)
        elif kind in _WORKFLOW_STARTING_KINDS:
            found = (
                _patched_workflow_problems(manifest, kind, settings)
                if operation == "patch"
                else _WORKFLOW_STARTING_KINDS[kind](manifest, settings)
            )
            problems += [f"{label}: {problem}" for problem in found]
            problems += [
                p
                for p in _parameter_problems(parameters, kind, settings, "k8s.parameters")
                if p not in problems
            ]
        elif pod_spec is not None:
            mounts_allowed = _mounts_allowed(manifest, settings, sensor_namespace)
            problems += _workload_parameter_problems(parameters, manifest, pod_spec, mounts_allowed)
        else:
            problems += _other_object_parameter_problems(parameters, manifest)
    return list(dict.fromkeys(problems))


def _submit_from_problems(
    manifest: Any, settings: Settings, sensor_namespace: str | None
) -> list[str]:
    kind = get(manifest, "kind")
    if not isinstance(kind, str) or kind.casefold() not in _SUBMIT_FROM_BY_FOLD:
        return [
            f"argoWorkflow submit-from names a {kind}; it may only submit from a "
            "WorkflowTemplate (or a CronWorkflow) in the managed namespace"
        ]
    namespace = _namespace_of(manifest, sensor_namespace)
    if namespace != settings.managed_namespace:
        where = f"namespace {namespace}" if namespace else "an unknown namespace"
        return [
            f"argoWorkflow submit-from runs a {kind} of {where}; set metadata.namespace to "
            f"{settings.managed_namespace}, where the reviewed templates are"
        ]
    return []


_SUBMIT_FROM_BY_FOLD = {kind.casefold() for kind in facts.SUBMIT_FROM_KINDS}
_NAMESPACE_FLAGS = ("-n", "--namespace")


def _argo_workflow_trigger_problems(
    argo: Any, settings: Settings, sensor_namespace: str | None
) -> list[str]:
    operation = get(argo, "operation") or facts.ARGO_SUBMIT
    parameters = get(argo, "parameters")
    problems = _namespace_parameter_problems(parameters, "argoWorkflow.parameters")
    if operation not in (facts.ARGO_SUBMIT, facts.ARGO_SUBMIT_FROM):
        args = get(argo, "args")
        tokens = [str(token) for token in args] if is_list(args) else []
        problems += [
            f"argoWorkflow.args flag {token.split('=', 1)[0]} chooses the namespace; remove it"
            for token in tokens
            if token.split("=", 1)[0] in _NAMESPACE_FLAGS
        ]
        return problems
    if get(argo, "source") is UNKNOWN:
        return [*problems, Unjudged("argoWorkflow trigger source is unknown during preview")]
    objects, unreadable = _source_objects(get(argo, "source"))
    if unreadable:
        return [*problems, f"argoWorkflow trigger {unreadable}"]
    problems += _args_problems(get(argo, "args"))
    if operation == facts.ARGO_SUBMIT_FROM:
        for manifest in objects:
            problems += _submit_from_problems(manifest, settings, sensor_namespace)
        return problems
    for manifest in objects:
        if _argo_kind(manifest) != facts.WORKFLOW:
            problems.append(
                f"argoWorkflow submit source is a {get(manifest, 'kind')}, not a Workflow; "
                "submit a Workflow that sets spec.workflowTemplateRef"
            )
            continue
        problems += [
            f"argoWorkflow trigger submits a Workflow: {problem}"
            for problem in workflow_rules.submitted_workflow_problems(manifest, settings)
        ]
    problems += [
        p
        for p in _parameter_problems(
            parameters, facts.WORKFLOW, settings, "argoWorkflow.parameters"
        )
        if p not in problems
    ]
    return list(dict.fromkeys(problems))


def _trigger_problems(
    trigger: Any, settings: Settings, label: str, sensor_namespace: str | None
) -> list[str]:
    template = get(trigger, "template")
    problems: list[str] = []
    k8s = get(template, facts.K8S_TRIGGER)
    if k8s is not None:
        problems += _k8s_trigger_problems(k8s, settings, sensor_namespace)
    argo = get(template, facts.ARGO_WORKFLOW_TRIGGER)
    if argo is not None:
        problems += _argo_workflow_trigger_problems(argo, settings, sensor_namespace)
    problems += _template_parameter_problems(trigger, settings, sensor_namespace)
    name = get(template, "name")
    named = f'{label} "{name}"' if isinstance(name, str) and name else label
    # type(problem) keeps an Unjudged problem (a value unknown at preview) advisory.
    found = [type(problem)(f"{named}: {problem}") for problem in problems]
    dlq = get(trigger, "dlqTrigger")
    if is_mapping(dlq):
        found += _trigger_problems(dlq, settings, f"{named} dlqTrigger", sensor_namespace)
    return found


def check_sensor(manifest: Any, settings: Settings, *, patch: bool = False) -> list[str]:
    """Every trigger of a Sensor, read with its keys as Argo Events binds them."""
    canonical = canonical_keys(
        to_plain(get(manifest, "spec")), fields.SENSOR_SPEC_TYPE, fields.SENSOR_FIELDS
    )
    problems = [f"spec.{collision}" for collision in canonical.collisions]
    namespace = get(manifest, "metadata", "namespace")
    sensor_namespace = namespace if isinstance(namespace, str) and namespace else None
    triggers = get(canonical.value, "triggers")
    for index, trigger in enumerate(triggers if is_list(triggers) else []):
        problems += _trigger_problems(trigger, settings, f"trigger {index}", sensor_namespace)
    return problems

"""Rules for Argo Events Sensors: a trigger may only start reviewed WorkflowTemplates.

Trigger shapes (argo-events pkg/apis/events/v1alpha1/sensor_types.go):
  spec.triggers[].template.k8s          {source, operation, parameters, ...}
  spec.triggers[].template.argoWorkflow {source, operation, parameters, args}
  spec.triggers[].parameters            rewrite the trigger template itself
  spec.triggers[].dlqTrigger            another Trigger
  source                                {resource | inline | s3 | file | url | configmap | git}
  parameters[].dest                     an sjson path into the object (dots, `\\.` escapes)
A k8s trigger creating a Workflow or CronWorkflow is held to that kind's rule, and may not
create templates at all (a template written from event data at run time is never
reviewed); an argoWorkflow `submit` trigger must submit a Workflow that passes the
Workflow rule, `submit-from` must name a WorkflowTemplate or CronWorkflow, and neither may
add CLI flags that change what is submitted. Parameters may fill metadata and allowed
spec fields only. A source fetched at run time (url, git, s3, ...) cannot be checked
before deploy and is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import upstream_facts as facts
import workflow_rules
import yaml
from k8s_objects import get, is_list, is_mapping, kind_of_manifest, load_yaml_documents
from pack_settings import Settings

_DEST_SEPARATOR = re.compile(r"(?<!\\)\.")

# Kinds whose created objects start workflows: held to their rule, and parameters may not
# rewrite their spec beyond the fields the rule allows.
_WORKFLOW_STARTING_KINDS: dict[str, Callable[..., list[str]]] = {
    facts.WORKFLOW: workflow_rules.check_workflow,
    facts.CRON_WORKFLOW: workflow_rules.check_cron_workflow,
}
_TEMPLATE_KINDS = frozenset({facts.WORKFLOW_TEMPLATE, facts.CLUSTER_WORKFLOW_TEMPLATE})


def _argo_kind(manifest: Any) -> str | None:
    kind = kind_of_manifest(manifest)
    if kind and kind.group == facts.ARGO_GROUP and kind.kind in facts.GUARDED_KINDS:
        return kind.kind
    return None


def _source_objects(source: Any) -> tuple[list[Any], str | None]:
    """Objects of a trigger source, or a problem when the source cannot be read here."""
    if not is_mapping(source):
        return [], "has no source; set source.resource to the object it creates"
    resource = source.get("resource")
    if resource is not None:
        return [resource], None
    inline = source.get("inline")
    if isinstance(inline, str):
        try:
            return load_yaml_documents(inline), None
        except yaml.YAMLError:
            return [], "source.inline is not valid YAML; fix it or use source.resource"
    fetched = sorted(key for key in source if key not in facts.READABLE_TRIGGER_SOURCES)
    where = f"source.{fetched[0]}" if fetched else "its source"
    return [], (
        f"{where} is fetched at run time and cannot be checked before deploy; put the object "
        "in source.resource (or source.inline)"
    )


def _dest_path(dest: Any) -> list[str]:
    return [part.replace("\\.", ".") for part in _DEST_SEPARATOR.split(str(dest or ""))]


def _object_dest_problem(path: list[str], kind: str, settings: Settings) -> str | None:
    """Why a parameter may not write at `path` inside a created Workflow/CronWorkflow."""
    if path[0] == "metadata":
        return None
    if path[0] != "spec" or len(path) < 2:
        return "may only fill metadata or allowed spec fields"
    spec_path = path[1:]
    if kind == facts.CRON_WORKFLOW:
        if spec_path[0] != "workflowSpec":
            return None
        spec_path = spec_path[1:]
        if not spec_path:
            return "may not replace spec.workflowSpec"
    if spec_path[0] not in settings.allowed_workflow_fields:
        return f"writes {spec_path[0]}, outside the controller's Strict allow-list"
    if spec_path[:2] == ["workflowTemplateRef", "clusterScope"]:
        return "may not set workflowTemplateRef.clusterScope"
    return None


def _parameter_problems(
    parameters: Any, kind: str, settings: Settings, *, prefix: list[str], label: str
) -> list[str]:
    """Parameters (sjson dests) may not turn a template reference into an inline workflow."""
    problems = []
    for index, parameter in enumerate(parameters if is_list(parameters) else []):
        dest = get(parameter, "dest")
        path = _dest_path(dest)
        if prefix:
            if path[0] != prefix[0]:
                continue
            if path[: len(prefix)] != prefix or len(path) == len(prefix):
                problems.append(
                    f"{label}[{index}].dest {dest!r} rewrites the trigger; parameters may "
                    f"only fill {'.'.join(prefix)}.metadata or allowed spec fields"
                )
                continue
            path = path[len(prefix) :]
        reason = _object_dest_problem(path, kind, settings)
        if reason:
            problems.append(
                f"{label}[{index}].dest {dest!r} {reason}; remove the parameter or point it at "
                "the workflow's arguments"
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


def _k8s_trigger_problems(trigger: Any, k8s: Any, settings: Settings) -> list[str]:
    if get(k8s, "operation") == facts.K8S_DELETE_OPERATION:
        return []
    objects, unreadable = _source_objects(get(k8s, "source"))
    if unreadable:
        return [f"k8s trigger {unreadable}"]
    problems = []
    patch = get(k8s, "operation") == "patch"
    for manifest in objects:
        kind = _argo_kind(manifest)
        label = f"k8s trigger writes a {kind}"
        if kind in _TEMPLATE_KINDS:
            problems.append(
                f"{label}; templates written at run time are never reviewed, deploy the "
                "template with the program instead and only submit Workflows that reference it"
            )
        elif kind == facts.SENSOR:
            problems += [f"{label}: {problem}" for problem in check_sensor(manifest, settings)]
        elif kind in _WORKFLOW_STARTING_KINDS:
            found = _WORKFLOW_STARTING_KINDS[kind](manifest, settings, patch=patch)
            problems += [f"{label}: {problem}" for problem in found]
            problems += _parameter_problems(
                get(k8s, "parameters"), kind, settings, prefix=[], label="k8s.parameters"
            )
            problems += _parameter_problems(
                get(trigger, "parameters"),
                kind,
                settings,
                prefix=["k8s", "source", "resource"],
                label="parameters",
            )
    return problems


def _argo_workflow_trigger_problems(trigger: Any, argo: Any, settings: Settings) -> list[str]:
    operation = get(argo, "operation") or facts.ARGO_SUBMIT
    if operation not in (facts.ARGO_SUBMIT, facts.ARGO_SUBMIT_FROM):
        return []
    objects, unreadable = _source_objects(get(argo, "source"))
    if unreadable:
        return [f"argoWorkflow trigger {unreadable}"]
    problems = _args_problems(get(argo, "args"))
    if operation == facts.ARGO_SUBMIT_FROM:
        for manifest in objects:
            kind = get(manifest, "kind")
            if kind not in facts.SUBMIT_FROM_KINDS:
                problems.append(
                    f"argoWorkflow submit-from names a {kind}; it may only submit from a "
                    "WorkflowTemplate (or a CronWorkflow) in the managed namespace"
                )
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
            for problem in workflow_rules.check_workflow(manifest, settings)
        ]
    problems += _parameter_problems(
        get(argo, "parameters"),
        facts.WORKFLOW,
        settings,
        prefix=[],
        label="argoWorkflow.parameters",
    )
    problems += _parameter_problems(
        get(trigger, "parameters"),
        facts.WORKFLOW,
        settings,
        prefix=["argoWorkflow", "source", "resource"],
        label="parameters",
    )
    return problems


def _trigger_problems(trigger: Any, settings: Settings, label: str) -> list[str]:
    template = get(trigger, "template")
    problems = []
    k8s = get(template, facts.K8S_TRIGGER)
    if k8s is not None:
        problems += _k8s_trigger_problems(trigger, k8s, settings)
    argo = get(template, facts.ARGO_WORKFLOW_TRIGGER)
    if argo is not None:
        problems += _argo_workflow_trigger_problems(trigger, argo, settings)
    name = get(template, "name")
    named = f'{label} "{name}"' if isinstance(name, str) and name else label
    found = [f"{named}: {problem}" for problem in problems]
    dlq = get(trigger, "dlqTrigger")
    if dlq is not None:
        found += _trigger_problems(dlq, settings, f"{named} dlqTrigger")
    return found


def check_sensor(manifest: Any, settings: Settings, *, patch: bool = False) -> list[str]:
    """Every Workflow a Sensor's triggers create must only reference a WorkflowTemplate."""
    triggers = get(manifest, "spec", "triggers")
    problems = []
    for index, trigger in enumerate(triggers if is_list(triggers) else []):
        problems += _trigger_problems(trigger, settings, f"trigger {index}")
    return problems

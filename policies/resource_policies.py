"""Resource policies: each Argo kind is held to its rule, wherever it comes from (a typed
resource, another token whose properties describe it, a List item, a raw manifest)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import event_binding_rules
import helm_rules
import sensor_rules
import upstream_facts as facts
import workflow_rules
from pack_settings import Settings, config_schema, settings_from_config
from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)
from reporting import report
from resource_objects import (
    FoundObject,
    plain_props,
    resource_objects,
    token_problems,
    unreadable_inline_yaml,
)
from shared_analysis import once_per_config

# A policy's settings, once per config the servicer serves (until the next Configure).
_settings = once_per_config(settings_from_config)


def _plain_props(args: ResourceValidationArgs) -> dict[str, Any]:
    """The resource's properties as plain data (once for the same properties)."""
    return plain_props(args.props)


def _objects(args: ResourceValidationArgs) -> tuple[FoundObject, ...]:
    """The objects the resource carries (once for the same properties)."""
    return resource_objects(args.props, args.resource_type, args.name, args.urn)


Check = Callable[..., list[str]]


def _validate_kind(kind: str, check: Check, *, report_unreadable: bool = False):
    """A validator applying `check` to every object of `kind` the resource carries."""

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        settings: Settings = _settings(args.get_config())
        problems: list[tuple[str, str | None]] = []
        for found in _objects(args):
            if found.kind.group != facts.ARGO_GROUP or found.kind.kind != kind:
                continue
            found_problems = [
                *(
                    f"{c}; the controller reads only one of them, keep one"
                    for c in found.collisions
                ),
                *workflow_rules.status_problems(found.manifest, kind),
                *check(found.manifest, settings, patch=found.kind.patch),
            ]
            problems += [(_prefixed(found.label, problem), None) for problem in found_problems]
        if report_unreadable:
            problems += [
                (message, None)
                for message in unreadable_inline_yaml(
                    args.resource_type, _plain_props(args), args.name
                )
            ]
        report(problems, report_violation)

    return validate


def _prefixed(label: str, problem: str) -> str:
    """The problem with the object's label in front (keeping it Unjudged if it was)."""
    return type(problem)(f"{label}: {problem}")


def validate_type_token(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    label = f'{args.resource_type} "{args.name}"'
    problems = token_problems(args.resource_type, _plain_props(args))
    report([(_prefixed(label, problem), None) for problem in problems], report_violation)


def validate_helm_release(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != facts.HELM_RELEASE_TYPE:
        return
    settings = _settings(args.get_config())
    label = f'{args.resource_type} "{args.name}"'
    problems = helm_rules.release_problems(_plain_props(args), settings)
    report([(_prefixed(label, problem), None) for problem in problems], report_violation)


def _policy(
    name: str, description: str, validate: Any, *config_keys: str
) -> ResourceValidationPolicy:
    return ResourceValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=config_schema(*config_keys),
    )


validate_workflow = _validate_kind(
    facts.WORKFLOW, workflow_rules.check_workflow, report_unreadable=True
)
validate_cron_workflow = _validate_kind(facts.CRON_WORKFLOW, workflow_rules.check_cron_workflow)
validate_cluster_workflow_template = _validate_kind(
    facts.CLUSTER_WORKFLOW_TEMPLATE, workflow_rules.check_cluster_workflow_template
)
validate_workflow_template = _validate_kind(
    facts.WORKFLOW_TEMPLATE, workflow_rules.check_workflow_template
)
validate_sensor = _validate_kind(facts.SENSOR, sensor_rules.check_sensor)
validate_event_binding = _validate_kind(
    "WorkflowEventBinding", event_binding_rules.check_event_binding
)

WORKFLOW_POLICY = _policy(
    "workflow-must-reference-template",
    "A Workflow may only run a reviewed WorkflowTemplate: spec.workflowTemplateRef, not "
    "clusterScope, and only the controller's Strict allow-list of spec fields next to it.",
    validate_workflow,
    "extraAllowedWorkflowFields",
)
CRON_WORKFLOW_POLICY = _policy(
    "cronworkflow-must-reference-template",
    "A CronWorkflow's spec.workflowSpec may only run a reviewed WorkflowTemplate, by the "
    "same rule as a Workflow.",
    validate_cron_workflow,
    "extraAllowedWorkflowFields",
)
CLUSTER_WORKFLOW_TEMPLATE_POLICY = _policy(
    "no-cluster-workflow-templates",
    "ClusterWorkflowTemplates escape the managed namespace and are not allowed.",
    validate_cluster_workflow_template,
    "allowClusterWorkflowTemplates",
)
WORKFLOW_TEMPLATE_POLICY = _policy(
    "workflowtemplate-in-managed-namespace",
    "WorkflowTemplates must live in the managed namespace, where the controller runs them.",
    validate_workflow_template,
    "managedNamespace",
)
SENSOR_POLICY = _policy(
    "sensor-workflows-must-reference-template",
    "Every Workflow an Argo Events Sensor trigger creates may only run a reviewed "
    "WorkflowTemplate, by the same rule as a Workflow; Jobs and Pods keep the spec written "
    "in the Sensor; no trigger writes RBAC, admission, CRDs, templates or the control "
    "namespace, nor lets event data choose a namespace.",
    validate_sensor,
    "extraAllowedWorkflowFields",
    "managedNamespace",
    "controlNamespace",
)

EVENT_BINDING_POLICY = _policy(
    "workfloweventbinding-managed-template",
    "A WorkflowEventBinding lives in the managed namespace and submits a WorkflowTemplate "
    "of it, never a ClusterWorkflowTemplate.",
    validate_event_binding,
    "managedNamespace",
)
TYPE_TOKEN_POLICY = _policy(
    "kubernetes-type-matches-object",
    "A pulumi-kubernetes resource's type token must name the object its apiVersion/kind "
    "describe: the provider creates what the properties say.",
    validate_type_token,
)
HELM_RELEASE_POLICY = _policy(
    "helm-releases-allow-listed",
    "A Helm v3 Release installs objects the pack never sees: only allow-listed charts.",
    validate_helm_release,
    "allowedHelmCharts",
)

RESOURCE_POLICIES = [
    WORKFLOW_POLICY,
    CRON_WORKFLOW_POLICY,
    CLUSTER_WORKFLOW_TEMPLATE_POLICY,
    WORKFLOW_TEMPLATE_POLICY,
    SENSOR_POLICY,
    EVENT_BINDING_POLICY,
    TYPE_TOKEN_POLICY,
    HELM_RELEASE_POLICY,
]

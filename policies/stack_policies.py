"""Stack policies: the install itself keeps runtime enforcement on and grants nothing
cluster-wide. They see every resource of the stack, typed or inline in raw manifests."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from controller_config_rules import controller_config_problems
from effective_rbac_rules import deployer_only_problems
from pack_settings import Settings, config_schema, settings_from_config
from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)
from rbac_rules import cluster_wide_grant_problems
from resource_objects import FoundObject, objects_of

StackRule = Callable[[Iterable[FoundObject], Settings], list[tuple[str, str | None]]]


def stack_objects(args: StackValidationArgs) -> list[FoundObject]:
    """Every Kubernetes object of the stack, with the URN of the resource carrying it."""
    return [
        found
        for resource in args.resources
        for found in objects_of(resource.resource_type, resource.props, resource.name, resource.urn)
    ]


def _validate(rule: StackRule):
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        settings = settings_from_config(args.get_config())
        for message, urn in rule(stack_objects(args), settings):
            report_violation(message, urn)

    return validate


validate_controller_config = _validate(controller_config_problems)
validate_cluster_wide_grants = _validate(cluster_wide_grant_problems)

CONTROLLER_CONFIG_POLICY = StackValidationPolicy(
    name="controller-template-referencing-enforced",
    description="The workflow-controller ConfigMap must set workflowRestrictions."
    "templateReferencing to Strict or Secure, so the controller itself refuses inline "
    "workflows.",
    validate=validate_controller_config,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=config_schema("controlNamespace", "configMapName"),
)
CLUSTER_WIDE_GRANTS_POLICY = StackValidationPolicy(
    name="no-cluster-wide-argo-grants",
    description="No ClusterRoleBinding may bind an Argo service account or ClusterRole, and "
    "no RoleBinding outside the control and managed namespaces may grant an Argo ClusterRole.",
    validate=validate_cluster_wide_grants,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=config_schema(
        "controlNamespace",
        "managedNamespace",
        "controllerServiceAccount",
        "serverServiceAccount",
        "workflowServiceAccount",
        "argoClusterRoles",
    ),
)

DEPLOYER_ONLY_POLICY = StackValidationPolicy(
    name="only-deployer-changes-what-runs",
    description="Over the effective RBAC of the stack, no in-cluster identity (nor workload) "
    "may write WorkflowTemplates, CronWorkflows, ClusterWorkflowTemplates, Sensors, "
    "EventSources, the controller ConfigMap, the Argo Deployments or RBAC in the Argo "
    "namespaces, escalate, bind, impersonate, or act as an account that may.",
    validate=_validate(deployer_only_problems),
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=config_schema(
        "controlNamespace",
        "managedNamespace",
        "configMapName",
        "controllerServiceAccount",
    ),
)

STACK_POLICIES = [CONTROLLER_CONFIG_POLICY, CLUSTER_WIDE_GRANTS_POLICY, DEPLOYER_ONLY_POLICY]

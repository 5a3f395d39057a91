"""Stack policies: the install keeps runtime enforcement on, stays the install, and grants
nothing cluster-wide. They see every object of the stack (typed, another token, List
items, raw manifests) and the install's facts read from the stack (stack_view.py)."""

from __future__ import annotations

from collections.abc import Callable

from admission_rules import admission_problems
from controller_config_rules import controller_config_problems
from crd_rules import crd_problems
from effective_rbac_rules import deployer_only_problems
from install_facts import config_mismatches, effective_settings
from install_rules import install_problems
from pack_settings import Settings, config_schema, settings_from_config
from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)
from rbac_rules import cluster_wide_grant_problems
from reporting import report
from resource_objects import FoundObject
from shared_analysis import once_per_config
from stack_view import StackView, stack_view
from template_content import template_content_problems

Problems = list[tuple[str, str | None]]

# A policy's settings, once per config the servicer serves (until the next Configure).
_settings = once_per_config(settings_from_config)


def stack_objects(args: StackValidationArgs) -> list[FoundObject]:
    """Every Kubernetes object of the stack, with the URN of the resource carrying it."""
    return stack_view(args).objects


def _unjudged(view: StackView) -> Problems:
    """What no stack policy can judge at preview: the install's facts unknown, objects
    hidden in raw manifests unknown (each policy refuses them: see reporting.py)."""
    return [(note, None) for note in view.install.unjudged] + view.hidden


def _validate(rule: Callable[[StackView, Settings], Problems], *, facts_first: bool = True):
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        view = stack_view(args)
        settings = _settings(args.get_config())
        if facts_first:
            settings = effective_settings(settings, view.install)
        problems = _unjudged(view) + rule(view, settings)
        report(problems, report_violation, unknown_refused=True)

    return validate


def _controller_config(view: StackView, settings: Settings) -> Problems:
    return controller_config_problems(view.objects, settings)


def _cluster_wide_grants(view: StackView, settings: Settings) -> Problems:
    return cluster_wide_grant_problems(view.objects, settings)


_CHECKED_CONFIG_KEYS = ("controlNamespace", "managedNamespace", "configMapName")


def _install(view: StackView, settings: Settings) -> Problems:
    return (
        install_problems(view.objects, view.install, settings)
        + crd_problems(view.objects)
        + admission_problems(view.objects, settings)
    )


def _validate_install(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    view = stack_view(args)
    configured = _settings(args.get_config())
    settings = effective_settings(configured, view.install)
    problems = _unjudged(view)
    problems += [
        (message, None)
        for message in config_mismatches(configured, view.install, _CHECKED_CONFIG_KEYS)
    ]
    problems += _install(view, settings)
    report(problems, report_violation, unknown_refused=True)


def _deployer_only(view: StackView, settings: Settings) -> Problems:
    return deployer_only_problems(view.objects, settings)


def _template_content(view: StackView, settings: Settings) -> Problems:
    return template_content_problems(view.objects, settings, view.install)


validate_controller_config = _validate(_controller_config)
validate_cluster_wide_grants = _validate(_cluster_wide_grants)
validate_template_content = _validate(_template_content)
validate_install = _validate_install


def _policy(name: str, description: str, validate, *keys: str) -> StackValidationPolicy:
    return StackValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=config_schema(*keys),
    )


CONTROLLER_CONFIG_POLICY = _policy(
    "controller-template-referencing-enforced",
    "The workflow-controller ConfigMap, read as the controller reads it and with every "
    "patch applied, sets workflowRestrictions.templateReferencing to Strict or Secure, and "
    "its workflowDefaults, mainContainer and executor add nothing that changes what runs.",
    validate_controller_config,
    "controlNamespace",
    "configMapName",
    "workflowServiceAccount",
)
CLUSTER_WIDE_GRANTS_POLICY = _policy(
    "no-cluster-wide-argo-grants",
    "No ClusterRoleBinding may bind an Argo service account or ClusterRole, and "
    "no RoleBinding outside the control and managed namespaces may grant an Argo ClusterRole.",
    validate_cluster_wide_grants,
    "controlNamespace",
    "managedNamespace",
    "controllerServiceAccount",
    "serverServiceAccount",
    "workflowServiceAccount",
    "argoClusterRoles",
)
INSTALL_POLICY = _policy(
    "argo-install-unchanged",
    "The controller and server keep --namespaced, --managed-namespace and --configmap and "
    "get no env that widens what users may run; no second workflow controller; the Argo "
    "Workflows CRDs are defined once, without conversion webhook or defaults; no mutating "
    "admission reaches pods in the managed namespace; pack config names the stack's install.",
    validate_install,
    "controlNamespace",
    "managedNamespace",
    "configMapName",
)
TEMPLATE_CONTENT_POLICY = _policy(
    "workflowtemplates-follow-catalog-rules",
    "Every WorkflowTemplate follows the catalog's content rules (service accounts, Pod "
    "Security, podSpecPatch, ...), judged with the stack's controller config.",
    validate_template_content,
    "managedNamespace",
    "workflowServiceAccount",
)

DEPLOYER_ONLY_POLICY = _policy(
    "only-deployer-changes-what-runs",
    "Over the effective RBAC of the stack, no in-cluster identity (nor workload) may write "
    "WorkflowTemplates, CronWorkflows, ClusterWorkflowTemplates, Sensors, EventSources, the "
    "controller ConfigMap, the Argo Deployments or RBAC in the Argo namespaces, escalate, "
    "bind, impersonate, or act as an account that may.",
    _validate(_deployer_only),
    "controlNamespace",
    "managedNamespace",
    "configMapName",
    "controllerServiceAccount",
)

STACK_POLICIES = [
    CONTROLLER_CONFIG_POLICY,
    CLUSTER_WIDE_GRANTS_POLICY,
    INSTALL_POLICY,
    TEMPLATE_CONTENT_POLICY,
    DEPLOYER_ONLY_POLICY,
]

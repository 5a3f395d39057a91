"""Rules for the Argo Workflows kinds: only reviewed WorkflowTemplates may run.

Each check takes one object (a manifest mapping) and returns the problems found, each
phrased as what to change; the policies prefix them with the resource's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from k8s_objects import get, is_mapping
from pack_settings import Settings


def workflow_spec_problems(
    spec: Any,
    allowed_fields: Iterable[str],
    *,
    path: str = "spec",
    require_ref: bool = True,
) -> list[str]:
    """A Workflow spec may only run a namespaced WorkflowTemplate, by reference.

    Mirrors the controller's Strict/Secure templateReferencing: `workflowTemplateRef`
    is required and only the allow-listed spec fields may be set next to it.
    require_ref=False checks a partial spec (a patch) for forbidden fields only.
    """
    if not is_mapping(spec):
        if require_ref:
            return [
                f"{path} is missing; set {path}.workflowTemplateRef.name to a reviewed "
                "WorkflowTemplate in the managed namespace"
            ]
        return []
    problems: list[str] = []
    ref = spec.get("workflowTemplateRef")
    if ref is None:
        if require_ref:
            problems.append(
                f"{path}.workflowTemplateRef is not set; move the templates into a reviewed "
                f"WorkflowTemplate and reference it with {path}.workflowTemplateRef.name"
            )
    elif not is_mapping(ref) or (
        require_ref and not (isinstance(ref.get("name"), str) and ref.get("name"))
    ):
        problems.append(f"{path}.workflowTemplateRef.name must name a WorkflowTemplate")
    elif ref.get("clusterScope"):
        problems.append(
            f"{path}.workflowTemplateRef.clusterScope is true; ClusterWorkflowTemplates "
            "escape the managed namespace, reference a namespaced WorkflowTemplate instead "
            "(remove clusterScope)"
        )
    allowed = frozenset(allowed_fields)
    extra = sorted(key for key in spec if key not in allowed)
    if extra:
        fields = ", ".join(f"{path}.{key}" for key in extra)
        verb = "is" if len(extra) == 1 else "are"
        problems.append(
            f"{fields} {verb} not allowed next to workflowTemplateRef (the controller's "
            "Strict allow-list); move it into the WorkflowTemplate or remove it"
        )
    return problems


def check_workflow(manifest: Any, settings: Settings, *, patch: bool = False) -> list[str]:
    """A Workflow must only reference a WorkflowTemplate."""
    return workflow_spec_problems(
        get(manifest, "spec"), settings.allowed_workflow_fields, require_ref=not patch
    )


def check_cron_workflow(manifest: Any, settings: Settings, *, patch: bool = False) -> list[str]:
    """A CronWorkflow's spec.workflowSpec must only reference a WorkflowTemplate."""
    spec = get(manifest, "spec")
    if patch and not (is_mapping(spec) and "workflowSpec" in spec):
        return []
    return workflow_spec_problems(
        get(spec, "workflowSpec"),
        settings.allowed_workflow_fields,
        path="spec.workflowSpec",
        require_ref=not patch,
    )


def check_cluster_workflow_template(
    manifest: Any, settings: Settings, *, patch: bool = False
) -> list[str]:
    """ClusterWorkflowTemplates are forbidden unless the config allows them."""
    if settings.allow_cluster_workflow_templates:
        return []
    return [
        "ClusterWorkflowTemplates are visible in every namespace and escape the managed "
        f"namespace; make it a WorkflowTemplate in namespace {settings.managed_namespace}"
    ]


def check_workflow_template(manifest: Any, settings: Settings, *, patch: bool = False) -> list[str]:
    """A WorkflowTemplate must live in the managed namespace, stated explicitly."""
    namespace = get(manifest, "metadata", "namespace")
    if namespace == settings.managed_namespace:
        return []
    if not namespace:
        return [
            "metadata.namespace is not set (it would land in the provider's default "
            f"namespace); set metadata.namespace to {settings.managed_namespace}"
        ]
    return [
        f"it is in namespace {namespace}, where the controller does not run workflows; "
        f"set metadata.namespace to {settings.managed_namespace}"
    ]

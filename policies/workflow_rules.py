"""Rules for the Argo Workflows kinds: only reviewed WorkflowTemplates may run.

Each check takes one object (a manifest mapping) and returns the problems found, each
phrased as what to change; the policies prefix them with the resource's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import upstream_facts as facts
from argo_rules.template_pod_metadata import workflow_metadata_problems
from canonical import canonicalize
from k8s_objects import UNKNOWN, Unjudged, get, is_mapping
from pack_settings import Settings


def status_problems(manifest: Any, kind: str) -> list[str]:
    """`status` on a Workflow-like object is input: the controller runs what it holds.

    These CRDs have no status subresource, so a created object keeps its `status`, and a
    pre-filled `status.storedWorkflowTemplateSpec` / `storedTemplates` is what runs under
    Strict and Secure (workflow/templateresolution, workflow/controller/operator.go).
    Any top-level key that Go would bind to `status` (any letter case) counts.
    """
    if kind not in facts.STATUS_IS_INPUT_KINDS or not is_mapping(manifest):
        return []
    keys = sorted(key for key in manifest if isinstance(key, str) and key.casefold() == "status")
    if not keys:
        return []
    return [
        f"it sets {', '.join(keys)}; a {kind}'s status is input the controller trusts "
        "(stored templates run as they are written there), remove it"
    ]


def _artifact_gc_problems(artifact_gc: Any, path: str) -> list[str]:
    """The controller refuses these next to a workflowTemplateRef, allow-list or not
    (workflow/util/merge.go artifactGCOverrideViolations)."""
    if artifact_gc is UNKNOWN:
        return [Unjudged(f"{path}.artifactGC is unknown during preview")]
    if not is_mapping(artifact_gc):
        return []
    problems: list[str] = []
    for name in facts.ARTIFACT_GC_REFUSED_FIELDS:
        value = artifact_gc.get(name)
        if value is UNKNOWN:
            problems.append(Unjudged(f"{path}.artifactGC.{name} is unknown during preview"))
        elif value not in (None, "", {}):
            problems.append(
                f"{path}.artifactGC.{name} is set; the controller refuses it next to a "
                "workflowTemplateRef (it reaches the artifact-GC pod), move it into the "
                "WorkflowTemplate"
            )
    return problems


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
    if spec is UNKNOWN:
        return [Unjudged(f"{path} is unknown during preview, so it cannot be judged")]
    if not is_mapping(spec):
        if require_ref:
            return [
                f"{path} is missing; set {path}.workflowTemplateRef.name to a reviewed "
                "WorkflowTemplate in the managed namespace"
            ]
        return []
    problems: list[str] = []
    ref = spec.get("workflowTemplateRef")
    if ref is UNKNOWN:
        problems.append(Unjudged(f"{path}.workflowTemplateRef is unknown during preview"))
    elif ref is None:
        if require_ref:
            problems.append(
                f"{path}.workflowTemplateRef is not set; move the templates into a reviewed "
                f"WorkflowTemplate and reference it with {path}.workflowTemplateRef.name"
            )
    elif is_mapping(ref) and ref.get("name") is UNKNOWN:
        problems.append(Unjudged(f"{path}.workflowTemplateRef.name can't be known during preview"))
    elif not is_mapping(ref) or (
        require_ref and not (isinstance(ref.get("name"), str) and ref.get("name"))
    ):
        problems.append(f"{path}.workflowTemplateRef.name must name a WorkflowTemplate")
    if is_mapping(ref) and ref.get("clusterScope") is UNKNOWN:
        problems.append(
            Unjudged(f"{path}.workflowTemplateRef.clusterScope is unknown during preview")
        )
    elif is_mapping(ref) and ref.get("clusterScope"):
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
    if "artifactGC" in spec:
        problems += _artifact_gc_problems(spec["artifactGC"], path)
    # Allowed next to a reference, and written over the Workflow's own labels (its creator,
    # completion, controller instance): held to the template rule's keys.
    problems += [str(p) for p in workflow_metadata_problems(spec, path)]
    return problems


def check_workflow(manifest: Any, settings: Settings, *, patch: bool = False) -> list[str]:
    """A Workflow must only reference a WorkflowTemplate."""
    return workflow_spec_problems(
        get(manifest, "spec"), settings.allowed_workflow_fields, require_ref=not patch
    )


def check_cron_workflow(manifest: Any, settings: Settings, *, patch: bool = False) -> list[str]:
    """A CronWorkflow's spec.workflowSpec must only reference a WorkflowTemplate."""
    spec = get(manifest, "spec")
    if spec is UNKNOWN:
        return [Unjudged("spec is unknown during preview, so it cannot be judged")]
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
    if namespace is UNKNOWN:
        return [Unjudged("metadata.namespace is unknown during preview")]
    if patch and namespace is None:
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


def submitted_workflow_problems(manifest: Any, settings: Settings) -> list[str]:
    """Everything the pack refuses in a Workflow created by something else (a Sensor
    trigger): Go-style key collisions, status, and the Workflow rule, on the keys as the
    controller reads them. Unjudged entries are values unknown during preview."""
    canonical = canonicalize(manifest, facts.WORKFLOW)
    return [
        *(f"{collision}; keep one" for collision in canonical.collisions),
        *status_problems(canonical.value, facts.WORKFLOW),
        *check_workflow(canonical.value, settings),
    ]


def submitted_cron_workflow_problems(manifest: Any, settings: Settings) -> list[str]:
    """The same for a CronWorkflow created by something else."""
    canonical = canonicalize(manifest, facts.CRON_WORKFLOW)
    return [
        *(f"{collision}; keep one" for collision in canonical.collisions),
        *status_problems(canonical.value, facts.CRON_WORKFLOW),
        *check_cron_workflow(canonical.value, settings),
    ]

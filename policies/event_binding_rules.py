"""Rule for WorkflowEventBindings: an event may only submit a reviewed WorkflowTemplate.

The Argo Server submits `spec.submit.workflowTemplateRef` in the binding's own namespace
when a matching event arrives (argo-workflows server/event/dispatch/operation.go). So the
binding must live in the managed namespace and reference a namespaced WorkflowTemplate,
never a ClusterWorkflowTemplate (`clusterScope`). Keys are read as Go's encoding/json binds
them (`clusterscope` means `clusterScope`).
"""

from __future__ import annotations

from typing import Any

import sensor_fields as fields
from json_keys import canonical_keys
from k8s_objects import get, to_plain
from pack_settings import Settings


def check_event_binding(manifest: Any, settings: Settings, *, patch: bool = False) -> list[str]:
    """A WorkflowEventBinding submits only a WorkflowTemplate of the managed namespace."""
    canonical = canonical_keys(
        to_plain(get(manifest, "spec")), fields.EVENT_BINDING_SPEC_TYPE, fields.EVENT_BINDING_FIELDS
    )
    problems = [f"spec.{collision}" for collision in canonical.collisions]
    namespace = get(manifest, "metadata", "namespace")
    if namespace != settings.managed_namespace and not (patch and namespace is None):
        where = f"namespace {namespace}" if namespace else "the provider's default namespace"
        problems.append(
            f"it is in {where}; the server submits its workflow there, set metadata.namespace "
            f"to {settings.managed_namespace}"
        )
    ref = get(canonical.value, "submit", "workflowTemplateRef")
    name = get(ref, "name")
    if not patch and not (isinstance(name, str) and name):
        problems.append(
            "spec.submit.workflowTemplateRef.name is not set; name a reviewed WorkflowTemplate "
            f"in namespace {settings.managed_namespace}"
        )
    scope = get(ref, "clusterScope")
    if scope is not None and scope is not False:
        problems.append(
            f"spec.submit.workflowTemplateRef.clusterScope is {scope!r}; ClusterWorkflowTemplates "
            "escape the managed namespace, reference a WorkflowTemplate (remove clusterScope)"
        )
    target = get(canonical.value, "submit", "metadata", "namespace")
    if target is not None and target != settings.managed_namespace:
        problems.append(
            f"spec.submit.metadata.namespace is {target!r}; workflows run only in "
            f"{settings.managed_namespace}, remove it"
        )
    return problems

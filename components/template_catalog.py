"""The reviewed WorkflowTemplates of the catalog, registered in the managed namespace."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components import k8s as objects
from components.catalog import CatalogTemplate

SOURCE_ANNOTATION = "argo-workflows.pulumi/source"
CONTENT_HASH_ANNOTATION = "argo-workflows.pulumi/content-hash"


def resource_name(template: CatalogTemplate) -> str:
    """Pulumi name from the template name alone: moving its file replaces nothing."""
    return f"workflowtemplate-{template.name}"


def build_template_manifest(template: CatalogTemplate) -> dict[str, Any]:
    """The template's manifest with this install's labels and its provenance annotations."""
    # Only metadata changes; the spec is shared with the loaded template, never mutated.
    metadata = dict(template.manifest["metadata"])
    manifest = {**template.manifest, "metadata": metadata}
    metadata["labels"] = {
        **(metadata.get("labels") or {}),
        "app.kubernetes.io/managed-by": objects.MANAGED_BY,
        "app.kubernetes.io/part-of": objects.PART_OF,
    }
    metadata["annotations"] = {
        **(metadata.get("annotations") or {}),
        SOURCE_ANNOTATION: template.source,
        CONTENT_HASH_ANNOTATION: template.content_hash,
    }
    return manifest


class TemplateCatalog(pulumi.ComponentResource):
    """One WorkflowTemplate custom resource per catalog template."""

    templates: dict[str, k8s.apiextensions.CustomResource]
    template_names: list[str]

    def __init__(
        self,
        name: str,
        templates: Sequence[CatalogTemplate],
        *,
        depends_on: Sequence[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("argo-workflows:index:TemplateCatalog", name, None, opts)
        counts = Counter(t.name for t in templates)
        duplicates = sorted(n for n, count in counts.items() if count > 1)
        if duplicates:
            raise ValueError(f"catalog templates share a name: {', '.join(duplicates)}")
        # Every template needs the WorkflowTemplate CRD and the managed namespace first.
        child_opts = pulumi.ResourceOptions(parent=self, depends_on=list(depends_on))
        # A plain loop, not a comprehension, and the custom resource made here rather than
        # through objects.create (a WorkflowTemplate is no typed kind: it registers as a
        # CustomResource either way): the SDK records the caller's whole stack with each
        # resource (pulumi runtime/resource.py `_get_stack_trace`), so each frame between
        # here and the SDK is one more to record per template.
        self.templates = {}
        for t in templates:
            manifest = build_template_manifest(t)
            self.templates[t.name] = k8s.apiextensions.CustomResource(
                resource_name(t),
                api_version=manifest["apiVersion"],
                kind=manifest["kind"],
                metadata=manifest["metadata"],
                spec=manifest.get("spec"),
                opts=child_opts,
            )
        self.template_names = sorted(self.templates)
        self.register_outputs({"templateNames": self.template_names})

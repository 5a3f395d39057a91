"""TemplateCatalog: what it registers, and that a bad catalog registers nothing at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from components import k8s as objects
from components.catalog import CatalogError, CatalogTemplate, load_catalog
from components.settings import PROJECT_ROOT
from components.template_catalog import (
    CONTENT_HASH_ANNOTATION,
    SOURCE_ANNOTATION,
    TemplateCatalog,
    build_template_manifest,
    resource_name,
)
from tools import mock_runtime

STARTER = PROJECT_ROOT / "workflowtemplates"
BAD = Path(__file__).parent / "fixtures" / "bad"
NS = "argo-events"
WFT_TYPE = "kubernetes:argoproj.io/v1alpha1:WorkflowTemplate"


def _template(**manifest_metadata) -> CatalogTemplate:
    metadata = {"name": "say", "namespace": NS, **manifest_metadata}
    manifest = {"apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowTemplate"}
    manifest |= {"metadata": metadata, "spec": {"templates": []}}
    return CatalogTemplate("say", "steps/say.yaml#0", manifest, "abc123")


# --- Pure manifest -------------------------------------------------------------------------


def test_manifest_gets_labels_and_provenance_annotations():
    template = _template(
        labels={"team": "platform", "app.kubernetes.io/part-of": "something-else"},
        annotations={"workflows.argoproj.io/description": "Says things."},
    )
    manifest = build_template_manifest(template)
    assert manifest["metadata"]["labels"] == {
        "team": "platform",
        "app.kubernetes.io/part-of": "argo-workflows",
        "app.kubernetes.io/managed-by": "pulumi",
    }
    assert manifest["metadata"]["annotations"] == {
        "workflows.argoproj.io/description": "Says things.",
        SOURCE_ANNOTATION: "steps/say.yaml#0",
        CONTENT_HASH_ANNOTATION: "abc123",
    }
    # The input is not modified.
    assert template.manifest["metadata"]["labels"]["app.kubernetes.io/part-of"] == "something-else"
    assert SOURCE_ANNOTATION not in template.manifest["metadata"]["annotations"]
    assert manifest["spec"] == template.manifest["spec"]


def test_resource_name_depends_on_the_template_name_only():
    moved = CatalogTemplate("say", "elsewhere/say.yaml#0", _template().manifest, "abc123")
    assert resource_name(_template()) == resource_name(moved) == "workflowtemplate-say"


# --- Under the Pulumi mock runtime ---------------------------------------------------------


def _dependencies() -> list:
    """Stand-ins for the WorkflowTemplate CRD and the managed Namespace."""
    crd = objects.create(
        {
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": "workflowtemplates.argoproj.io"},
            "spec": {},
        },
        None,
    )
    namespace = objects.create(
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}, None
    )
    return [crd, namespace]


def test_catalog_registers_each_template_in_the_managed_namespace():
    templates = load_catalog(STARTER, managed_namespace=NS)

    def program():
        catalog = TemplateCatalog("catalog", templates, depends_on=_dependencies())
        return sorted(catalog.templates), catalog.template_names

    registered, (attribute_names, output_names) = mock_runtime.run(program, {})
    expected = sorted(t.name for t in templates)
    assert attribute_names == output_names == expected

    (component,) = [r for r in registered if r.type == "argo-workflows:index:TemplateCatalog"]
    crd, namespace = (r for r in registered if r.name.startswith(("customresource", "namespace")))
    children = [r for r in registered if r.type == WFT_TYPE]
    assert sorted(r.name for r in children) == [f"workflowtemplate-{n}" for n in expected]
    by_name = {t.name: t for t in templates}
    for child in children:
        template = by_name[child.inputs["metadata"]["name"]]
        assert child.parent == component.urn
        assert {crd.urn, namespace.urn} <= set(child.dependencies)
        assert child.inputs["apiVersion"] == "argoproj.io/v1alpha1"
        assert child.inputs["kind"] == "WorkflowTemplate"
        metadata = child.inputs["metadata"]
        assert metadata["namespace"] == NS
        assert metadata["labels"]["app.kubernetes.io/managed-by"] == "pulumi"
        assert metadata["labels"]["app.kubernetes.io/part-of"] == "argo-workflows"
        assert metadata["annotations"][SOURCE_ANNOTATION] == template.source
        assert metadata["annotations"][CONTENT_HASH_ANNOTATION] == template.content_hash
        assert child.inputs["spec"] == template.manifest["spec"]


def test_a_bad_catalog_registers_no_resource_at_all():
    """The program validates the catalog first; a CatalogError stops it before any resource."""

    def program():
        templates = load_catalog(BAD / "unknown-field", managed_namespace=NS)
        TemplateCatalog("catalog", templates, depends_on=_dependencies())

    with pytest.raises(CatalogError):
        mock_runtime.run(program, {})
    assert mock_runtime.install().registered == []


def test_duplicate_names_are_refused_even_without_load_catalog():
    def program():
        TemplateCatalog("catalog", [_template(), _template()], depends_on=[])

    with pytest.raises(ValueError, match="share a name: say"):
        mock_runtime.run(program, {})

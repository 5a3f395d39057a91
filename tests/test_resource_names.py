"""Pin every logical name of the committed stacks.

Pulumi identifies a resource by its URN: the type, the types of its parents and its
logical name. A change to any of them replaces the resource (delete, then create), so a
rename must be a deliberate change of the snapshot in tests/snapshots/, never a side
effect. Catalog templates are pinned by rule (named after `metadata.name`), since the
catalog grows on its own.

Rewrite the snapshots after a deliberate rename with
``python tests/test_resource_names.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
STACK_TYPE = "pulumi:pulumi:Stack"
CATALOG_TYPE = "argo-workflows:index:TemplateCatalog"


def _qualified_type(resource, by_urn) -> str:
    """The URN's type part: parent types then the resource's own, joined by '$'."""
    chain = [resource.type]
    parent = by_urn.get(resource.parent)
    while parent is not None:
        chain.append(parent.type)
        parent = by_urn.get(parent.parent)
    return "$".join(reversed(chain))


def logical_names(render) -> list[str]:
    """``<qualified type>::<name>`` of every resource except catalog templates."""
    by_urn = {r.urn: r for r in render.resources}
    names = []
    for r in render.resources:
        parent = by_urn.get(r.parent)
        if parent is not None and parent.type == CATALOG_TYPE:
            continue
        names.append(f"{_qualified_type(r, by_urn)}::{r.name}")
    return sorted(names)


def _snapshot(stack: str) -> Path:
    return SNAPSHOTS / f"logical-names-{stack}.txt"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_logical_names_match_the_snapshot(stack_render, stack):
    names = logical_names(stack_render(stack))
    pinned = _snapshot(stack).read_text().splitlines()
    assert names == pinned, (
        "a logical name changed: the resource would be replaced; if intended, rewrite "
        "the snapshot (python tests/test_resource_names.py)"
    )


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_logical_names_are_unique(stack_render, stack):
    names = logical_names(stack_render(stack))
    assert len(names) == len(set(names))


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_catalog_templates_are_named_after_the_template(stack_render, stack):
    render = stack_render(stack)
    (catalog,) = [r for r in render.resources if r.type == CATALOG_TYPE]
    children = [r for r in render.resources if r.parent == catalog.urn]
    assert children
    for r in children:
        assert r.type == "kubernetes:argoproj.io/v1alpha1:WorkflowTemplate"
        assert r.name == f"workflowtemplate-{r.inputs['metadata']['name']}"


def test_a_logical_name_includes_its_parent_types():
    class _R:
        def __init__(self, type_, name, urn, parent=None):
            self.type, self.name, self.urn, self.parent = type_, name, urn, parent

    class _Render:
        resources = [
            _R("argo-workflows:index:ArgoServer", "argo-server", "c"),
            _R("kubernetes:core/v1:Service", "service-argo-argo-server", "s", "c"),
        ]

    assert set(logical_names(_Render)) == {
        "argo-workflows:index:ArgoServer::argo-server",
        "argo-workflows:index:ArgoServer$kubernetes:core/v1:Service::service-argo-argo-server",
    }


def _write() -> None:
    sys.path.insert(0, str(SNAPSHOTS.parent.parent))
    from tools import mock_runtime
    from tools.render import render_stack

    mock_runtime.install()
    SNAPSHOTS.mkdir(exist_ok=True)
    for stack in ("dev", "prod"):
        _snapshot(stack).write_text("\n".join(logical_names(render_stack(stack))) + "\n")
        print(f"wrote {_snapshot(stack)}")


if __name__ == "__main__":
    _write()

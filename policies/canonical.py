"""Argo objects with their keys as Go reads them.

Argo decodes Workflows, templates, bindings and its ConfigMap with Go's encoding/json,
which binds a key to a struct field case-insensitively (`clusterscope` fills
`clusterScope`, `WorkflowTemplateRef` fills `workflowTemplateRef`). Every rule reads the
canonical form: keys renamed to the field name Go binds them to, along the Argo v4.1.2
schema (`argo_rules.go_json.canonicalize`). Two keys that bind the same field are a
collision: which one wins depends on the order the API server serializes them in, so the
pack refuses them.

An object whose keys are all already the field names (the common case, checked first with
`go_json.is_canonical`) is its own canonical form: it is returned as it is, not copied, so
the value must not be modified by callers (as every shared object of the pack).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from argo_rules import go_json, schema
from k8s_objects import UNKNOWN


@dataclass(frozen=True)
class CanonicalObject:
    value: Any
    # "path: keys a, b bind the same field f (Go keeps b)" for each collision.
    collisions: list[str] = field(default_factory=list)


def _describe(collision: go_json.Collision) -> str:
    where = collision.path or "the top level"
    keys = ", ".join(collision.keys)
    return f"{where}: keys {keys} bind the same field {collision.field} (Go keeps {collision.kept})"


def canonicalize(value: Any, kind: str) -> CanonicalObject:
    """`value` (an Argo object of `kind`, or "ControllerConfig") with Go's field names."""
    if value is UNKNOWN or not isinstance(value, dict):
        return CanonicalObject(value)
    argo = schema.load_schema()
    root = argo.root(kind)
    if go_json.is_canonical(value, root, argo):
        return CanonicalObject(value)
    result = go_json.canonicalize(value, root, argo)
    return CanonicalObject(result.value, [_describe(c) for c in result.collisions])

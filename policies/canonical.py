"""Argo objects with their keys as Go reads them.

Argo decodes Workflows, templates, bindings and its ConfigMap with Go's encoding/json,
which binds a key to a struct field case-insensitively (`clusterscope` fills
`clusterScope`, `WorkflowTemplateRef` fills `workflowTemplateRef`). Every rule reads the
canonical form: keys renamed to the field name Go binds them to, along the Argo v4.1.2
schema (`argo_rules.go_json.canonicalize`). Two keys that bind the same field are a
collision: which one wins depends on the order the API server serializes them in, so the
pack refuses them.

Until the shared schema package is present, a small table of the fields the rules read
stands in for it; keys it does not know are kept as written (and so stay refused by the
allow-lists).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from k8s_objects import UNKNOWN

try:  # the shared schema (policies/argo_rules, imported as a sibling package by the pack)
    from argo_rules import go_json as _go_json
    from argo_rules import schema as _schema
except ImportError:  # pragma: no cover - exercised only before the schema package lands
    _go_json = None
    _schema = None


@dataclass(frozen=True)
class CanonicalObject:
    value: Any
    # "path: keys a, b bind the same field (Go keeps b)" for each collision.
    collisions: list[str] = field(default_factory=list)


_META = {"apiVersion": None, "kind": None, "metadata": None, "status": None}
_REF = {"name": None, "clusterScope": None}
_FALLBACK_TYPES: dict[str, dict[str, str | None]] = {
    "Workflow": {**_META, "spec": "WorkflowSpec"},
    "WorkflowTemplate": {**_META, "spec": "WorkflowSpec"},
    "ClusterWorkflowTemplate": {**_META, "spec": "WorkflowSpec"},
    "CronWorkflow": {**_META, "spec": "CronWorkflowSpec"},
    "WorkflowEventBinding": {**_META, "spec": "WorkflowEventBindingSpec"},
    "CronWorkflowSpec": {"workflowSpec": "WorkflowSpec", "workflowMetadata": None},
    "WorkflowEventBindingSpec": {"event": None, "submit": "Submit"},
    "Submit": {"workflowTemplateRef": "WorkflowTemplateRef", "metadata": None, "arguments": None},
    "WorkflowTemplateRef": _REF,
    "WorkflowLevelArtifactGC": {
        "strategy": None,
        "forceFinalizerRemoval": None,
        "serviceAccountName": None,
        "podSpecPatch": None,
        "podMetadata": None,
    },
    "WorkflowSpec": {
        name: None
        for name in [
            "templates",
            "entrypoint",
            "arguments",
            "serviceAccountName",
            "automountServiceAccountToken",
            "executor",
            "volumes",
            "volumeClaimTemplates",
            "parallelism",
            "artifactRepositoryRef",
            "suspend",
            "nodeSelector",
            "affinity",
            "tolerations",
            "imagePullSecrets",
            "hostNetwork",
            "dnsPolicy",
            "dnsConfig",
            "onExit",
            "ttlStrategy",
            "activeDeadlineSeconds",
            "priority",
            "schedulerName",
            "podGC",
            "podPriorityClassName",
            "podPriority",
            "hostAliases",
            "securityContext",
            "podSpecPatch",
            "podDisruptionBudget",
            "metrics",
            "shutdown",
            "synchronization",
            "volumeClaimGC",
            "retryStrategy",
            "podMetadata",
            "templateDefaults",
            "archiveLogs",
            "hooks",
            "workflowMetadata",
        ]
    }
    | {"workflowTemplateRef": "WorkflowTemplateRef", "artifactGC": "WorkflowLevelArtifactGC"},
    "ControllerConfig": {
        "workflowRestrictions": "WorkflowRestrictions",
        "workflowDefaults": "Workflow",
        "mainContainer": None,
        "executor": None,
    },
    "WorkflowRestrictions": {"templateReferencing": None},
}


def _fallback(value: Any, type_name: str | None, path: str, collisions: list[str]) -> Any:
    if isinstance(value, list):
        return value
    fields = _FALLBACK_TYPES.get(type_name or "")
    if not isinstance(value, dict) or fields is None:
        return value
    by_fold = {name.casefold(): name for name in fields}
    result: dict[str, Any] = {}
    written: dict[str, list[str]] = {}
    for key, item in value.items():
        name = by_fold.get(key.casefold(), key) if isinstance(key, str) else key
        written.setdefault(name, []).append(key)
        where = f"{path}.{name}" if path else name
        result[name] = _fallback(item, fields.get(name), where, collisions)
    for keys in written.values():
        if len(keys) > 1:
            collisions.append(_collision(path, keys))
    return result


def _collision(path: str, keys: list[str]) -> str:
    # The API server and sigs.k8s.io/yaml write object keys sorted, and encoding/json lets
    # the last key that binds a field win.
    where = path or "the top level"
    listed = ", ".join(sorted(keys))
    return f"{where}: keys {listed} bind the same field (Go keeps {max(keys)})"


def _schema_root(kind: str) -> str:
    schema = _schema.load_schema()
    try:
        return schema.root(kind)
    except (KeyError, ValueError):
        return kind


def canonicalize(value: Any, kind: str) -> CanonicalObject:
    """`value` (an Argo object of `kind`, or "ControllerConfig") with Go's field names."""
    if value is UNKNOWN or not isinstance(value, dict):
        return CanonicalObject(value)
    if _go_json is not None and _schema is not None:
        schema = _schema.load_schema()
        result = _go_json.canonicalize(value, _schema_root(kind), schema)
        return CanonicalObject(result.value, [_describe(c) for c in result.collisions])
    collisions: list[str] = []
    return CanonicalObject(_fallback(value, kind, "", collisions), collisions)


def _describe(collision: Any) -> str:
    return collision if isinstance(collision, str) else str(collision)

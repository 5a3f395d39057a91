"""The labels and annotations a template puts on the pods the controller creates for it,
and on the Workflow object itself.

The controller marks every pod it creates with labels and annotations of its own prefix
(the workflow and node the pod belongs to, whether it completed, its controller instance)
and then copies the workflow's `podMetadata` and the template's `metadata` over them
(workflow/controller/workflowpod.go, createWorkflowPod and addMetadata). A template that
wrote `workflows.argoproj.io/node-id` or `workflows.argoproj.io/workflow` would pass its
pod off as another node's, or another workflow's. Artifact GC pods get their
`podMetadata` the same way, over the labels by which the controller finds them and the
annotation that names their strategy (workflow/controller/artifact_gc.go,
createArtifactGCPod). `spec.workflowMetadata` is written over the Workflow's own labels
(who created it, whether it completed, its controller instance) the same way
(workflow/controller/operator.go, updateWorkflowMetadata).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from . import template_facts as facts
from .template_problem import UNKNOWN_FOUND, Problem, as_map, join, opaque, problem

_WHY = (
    "the controller marks its pods with labels and annotations of that prefix (workflow, "
    "node, completion) and copies a template's over them"
)


_WHY_WORKFLOW = (
    "the server and the controller keep labels of that prefix on the Workflow (its creator, "
    "whether it completed, its controller instance) and write workflowMetadata over them"
)


def _pod_metadata(
    spec: dict, walked: Sequence[tuple[str, dict]], gc_settings: Sequence[tuple[str, dict]]
) -> Iterator[tuple[str, object]]:
    """Every set of labels and annotations the spec gives a pod, with its path."""
    if spec.get("podMetadata") is not None:
        yield "spec.podMetadata", spec["podMetadata"]
    for path, gc in gc_settings:
        if as_map(gc).get("podMetadata") is not None:
            yield f"{path}.podMetadata", gc["podMetadata"]
    for path, template in (
        ("spec.templateDefaults", as_map(spec.get("templateDefaults"))),
        *walked,
    ):
        if template.get("metadata") is not None:
            yield f"{path}.metadata", template["metadata"]


def pod_metadata_problems(
    spec: dict, walked: Sequence[tuple[str, dict]], gc_settings: Sequence[tuple[str, dict]]
) -> list[Problem]:
    """Label and annotation keys under the controller's own prefix, on pods and on the
    Workflow (``walked``: ``all_templates(spec)``; ``gc_settings``:
    ``artifact_gc_settings(spec, walked)``)."""
    problems: list[Problem] = []
    for path, metadata in _pod_metadata(spec, walked, gc_settings):
        problems += _keys(metadata, path, facts.TEMPLATE_POD_ANNOTATIONS, _WHY)
    return problems + workflow_metadata_problems(spec)


def workflow_metadata_problems(spec: dict, path: str = "spec") -> list[Problem]:
    """Label and annotation keys of ``spec.workflowMetadata`` under the controller's own
    prefix (a Workflow's or a WorkflowTemplate's spec at ``path``)."""
    if spec.get("workflowMetadata") is None:
        return []
    return _keys(
        spec["workflowMetadata"],
        f"{path}.workflowMetadata",
        facts.WORKFLOW_ANNOTATIONS,
        _WHY_WORKFLOW,
    )


def _keys(metadata: object, path: str, annotations: frozenset[str], why: str) -> list[Problem]:
    """Keys under the controller's prefix in ``metadata``'s labels (and labelsFrom), and in
    its annotations but ``annotations``. A mapping whose keys are unknown during a preview
    may hold any of them."""
    known = "labels and annotations known at preview"
    if opaque(metadata):
        return [problem(path, UNKNOWN_FOUND, known, why)]
    problems: list[Problem] = []
    prefix = facts.CONTROLLER_POD_METADATA_PREFIX
    for field, allowed in (("labels", ()), ("labelsFrom", ()), ("annotations", annotations)):
        found = as_map(metadata).get(field)
        if opaque(found):
            problems.append(problem(f"{path}.{field}", UNKNOWN_FOUND, known, why))
        outside = f"a key outside {prefix}" + (
            f" (or {', '.join(sorted(allowed))})" if allowed else ""
        )
        for key in as_map(found):
            if isinstance(key, str) and key.startswith(prefix) and key not in allowed:
                problems.append(problem(join(f"{path}.{field}", key), repr(key), outside, why))
    return problems

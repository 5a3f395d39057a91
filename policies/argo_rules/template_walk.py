"""Where the parts of a WorkflowTemplate spec are: templates (inline ones included), their
steps and DAG tasks, and the containers a template's pod runs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .template_problem import as_list, as_map, maps, opaque

# Template fields that hold one main container, and lists of containers added as written.
MAIN_CONTAINER_KEYS = ("container", "script")
EXTRA_CONTAINER_KEYS = ("initContainers", "sidecars")


def all_templates(spec: dict) -> Iterator[tuple[str, dict]]:
    """The spec's templates, each followed by the inline templates of its steps and tasks."""

    def walk(path: str, template: dict) -> Iterator[tuple[str, dict]]:
        yield path, template
        for where, call in calls(template, path):
            if isinstance(call.get("inline"), dict):
                yield from walk(f"{where}.inline", call["inline"])

    for i, template in maps(spec.get("templates")):
        yield from walk(f"spec.templates[{i}]", template)


def pod_spec_patches(
    spec: dict, walked: Iterable[tuple[str, dict]]
) -> Iterator[tuple[str, object]]:
    """Every podSpecPatch the spec sets, with its path: the workflow's, templateDefaults',
    the artifact GC pods' and each template's (``walked``: ``all_templates(spec)``)."""
    holders = (
        ("spec", spec),
        ("spec.templateDefaults", as_map(spec.get("templateDefaults"))),
        ("spec.artifactGC", as_map(spec.get("artifactGC"))),
    )
    for path, holder in (*holders, *walked):
        if holder.get("podSpecPatch") is not None:
            yield f"{path}.podSpecPatch", holder["podSpecPatch"]


def artifact_gc_settings(
    spec: dict, walked: Iterable[tuple[str, dict]]
) -> Iterator[tuple[str, dict]]:
    """The workflow's `spec.artifactGC` and every output artifact's own `artifactGC` (of
    templateDefaults and each template), with their paths (``walked``:
    ``all_templates(spec)``): each a mapping, or an opaque value (unknown during a
    preview), which the rules refuse."""
    if _mapping_or_opaque(spec.get("artifactGC")):
        yield "spec.artifactGC", spec["artifactGC"]
    for path, template in (
        ("spec.templateDefaults", as_map(spec.get("templateDefaults"))),
        *walked,
    ):
        if not template.get("outputs"):
            continue
        for i, artifact in maps(as_map(template["outputs"]).get("artifacts")):
            if _mapping_or_opaque(artifact.get("artifactGC")):
                yield f"{path}.outputs.artifacts[{i}].artifactGC", artifact["artifactGC"]


def _mapping_or_opaque(value: object) -> bool:
    return isinstance(value, dict) or opaque(value)


def steps(template: dict, path: str) -> Iterator[tuple[str, int, dict]]:
    """Every step with its path and the index of its group."""
    for g, group in enumerate(as_list(template.get("steps"))):
        # A group is a list of steps; Argo also reads `{steps: [...]}` (ParallelSteps).
        members = group.get("steps") if isinstance(group, dict) else group
        for j, step in maps(members):
            yield f"{path}.steps[{g}][{j}]", g, step


def tasks(template: dict, path: str) -> Iterator[tuple[str, dict]]:
    for k, task in maps(as_map(template.get("dag")).get("tasks")):
        yield f"{path}.dag.tasks[{k}]", task


def calls(template: dict, path: str) -> Iterator[tuple[str, dict]]:
    """Every step and DAG task of a template, with its path."""
    for where, _, step in steps(template, path):
        yield where, step
    yield from tasks(template, path)


def main_containers(template: dict, path: str) -> Iterator[tuple[str, str, dict]]:
    """(path, key, container) of the containers `mainContainer` defaults apply to."""
    for key in MAIN_CONTAINER_KEYS:
        if isinstance(template.get(key), dict):
            yield f"{path}.{key}", key, template[key]
    for i, container in maps(as_map(template.get("containerSet")).get("containers")):
        yield f"{path}.containerSet.containers[{i}]", "containerSet", container


def extra_containers(template: dict, path: str) -> Iterator[tuple[str, dict]]:
    """Init containers and sidecars: added to the pod as written."""
    for key in EXTRA_CONTAINER_KEYS:
        for i, container in maps(template.get(key)):
            yield f"{path}.{key}[{i}]", container

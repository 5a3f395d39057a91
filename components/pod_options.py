"""Per-component pod options: image, pull policy and Secrets, extra args and env, pod
labels and annotations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from components import facts
from components.settings import Settings, document

IMAGE_NAMES = {
    "controller": facts.CONTROLLER_IMAGE,
    "server": facts.SERVER_IMAGE,
    "executor": facts.EXECUTOR_IMAGE,
}


def image(settings: Settings, part: str) -> str:
    """The image of ``part`` (controller, server, executor): repository and tag from
    their keys, else ``imageRegistry``/<upstream name> and ``version``; a sha256 digest
    as the tag pins the image by digest."""
    repository = getattr(settings, f"{part}ImageRepository") or (
        f"{settings.imageRegistry}/{IMAGE_NAMES[part]}"
    )
    tag = getattr(settings, f"{part}ImageTag") or settings.version
    separator = "@" if tag.startswith("sha256:") else ":"
    return f"{repository}{separator}{tag}"


@dataclass(frozen=True)
class PodOptionsArgs:
    image: str
    pull_policy: str
    pull_secrets: tuple[str, ...]
    extra_args: tuple[str, ...]
    extra_env: list[dict[str, Any]]
    pod_labels: dict[str, str]
    pod_annotations: dict[str, str]


def pod_options_args(settings: Settings, part: str) -> PodOptionsArgs:
    """``part`` is controller or server."""
    return PodOptionsArgs(
        image=image(settings, part),
        pull_policy=settings.imagePullPolicy,
        pull_secrets=tuple(settings.imagePullSecrets),
        extra_args=tuple(getattr(settings, f"{part}ExtraArgs")),
        extra_env=document(getattr(settings, f"{part}ExtraEnv"), []),
        pod_labels=document(getattr(settings, f"{part}PodLabels"), {}),
        pod_annotations=document(getattr(settings, f"{part}PodAnnotations"), {}),
    )


def pull_secrets(names: tuple[str, ...] | list[str]) -> list[dict[str, str]]:
    return [{"name": name} for name in names]


def apply_to_container(args: PodOptionsArgs, container: dict[str, Any]) -> dict[str, Any]:
    """The container with its image, pull policy, extra args and env."""
    out = {**container, "image": args.image}
    if args.pull_policy:
        out["imagePullPolicy"] = args.pull_policy
    if args.extra_args:
        out["args"] = [*container.get("args", []), *args.extra_args]
    if args.extra_env:
        out["env"] = [*container.get("env", []), *args.extra_env]
    return out


def pod_metadata(args: PodOptionsArgs, labels: dict[str, str]) -> dict[str, Any]:
    """Pod template metadata: the program's labels win over extra ones (validation
    refuses extra app.kubernetes.io/ labels anyway)."""
    metadata: dict[str, Any] = {"labels": {**args.pod_labels, **labels}}
    if args.pod_annotations:
        metadata["annotations"] = dict(args.pod_annotations)
    return metadata

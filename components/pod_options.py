"""Per-component pod options: image, pull policy and Secrets, extra args and env, pod
labels and annotations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from components import facts

IMAGE_NAMES = {
    "controller": facts.CONTROLLER_IMAGE,
    "server": facts.SERVER_IMAGE,
    "executor": facts.EXECUTOR_IMAGE,
}


def image_reference(repository: str, tag: str) -> str:
    """``repository:tag``, or ``repository@sha256:...`` when the tag is a digest."""
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


def apply_to_deployment(
    deployment: dict[str, Any],
    options: PodOptionsArgs | None,
    scheduling: dict[str, Any] | None,
) -> dict[str, Any]:
    """The Deployment with pod options and scheduling fields applied to its pod template
    (its one container keeps the securityContext the Deployment gave it)."""
    if options is None and scheduling is None:
        return deployment
    template = deployment["spec"]["template"]
    metadata, pod = dict(template["metadata"]), dict(template["spec"])
    if options is not None:
        metadata = pod_metadata(options, metadata["labels"])
        pod["containers"] = [apply_to_container(options, c) for c in pod["containers"]]
        if options.pull_secrets:
            pod["imagePullSecrets"] = pull_secrets(options.pull_secrets)
    if scheduling is not None:
        pod.update(scheduling)
    spec = {**deployment["spec"], "template": {"metadata": metadata, "spec": pod}}
    return {**deployment, "spec": spec}

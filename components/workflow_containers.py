"""Defaults the controller gives the containers of every workflow pod: the executor
(Argo's init and wait containers) and the main container."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ContainerDefaultsArgs:
    executor_resources: dict[str, dict[str, str]]
    main_resources: dict[str, dict[str, str]]
    image_pull_policy: str
    # The init and wait containers' image (--executor-image).
    executor_image: str


def executor_config(args: ContainerDefaultsArgs, base: dict[str, Any]) -> dict[str, Any]:
    """The ConfigMap's ``executor`` (an apiv1.Container applied to the init and wait
    containers): ``base`` (its securityContext) plus resources and pull policy."""
    config = dict(base)
    if args.executor_resources:
        config["resources"] = args.executor_resources
    if args.image_pull_policy:
        config["imagePullPolicy"] = args.image_pull_policy
    return config


def main_container_config(args: ContainerDefaultsArgs) -> dict[str, Any] | None:
    """The ConfigMap's ``mainContainer``, merged under every main container by strategic
    merge (workflow/controller/workflowpod.go), so a template's own resources win."""
    if not args.main_resources:
        return None
    return {"resources": args.main_resources}

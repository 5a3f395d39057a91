"""The control and managed namespaces, created or adopted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components import k8s as objects


@dataclass(frozen=True)
class NamespacesArgs:
    """The two namespaces and how they are owned."""

    control: str
    managed: str
    create: bool = True
    protect: bool = False
    delete_on_destroy: bool = False
    managed_pod_security: str = "restricted"


def pod_security_labels(enforce: str) -> dict[str, str]:
    """Pod Security Admission labels: enforce ``enforce``; audit and warn at restricted."""
    return {
        "pod-security.kubernetes.io/enforce": enforce,
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
    }


def build_namespace(name: str, role: str, enforce: str = "restricted") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": name,
            "labels": {**objects.labels(role, name), **pod_security_labels(enforce)},
        },
    }


class ArgoNamespaces(pulumi.ComponentResource):
    """The control namespace (controller, server) and the managed one (workflows)."""

    control: pulumi.CustomResource
    managed: pulumi.CustomResource
    # The names as the cluster holds them (an adopted namespace's id is its name).
    control_name: pulumi.Output[str]
    managed_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: NamespacesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("argo-workflows:index:ArgoNamespaces", name, None, opts)
        namespaces = {
            "control": (args.control, "restricted"),
            "managed": (args.managed, args.managed_pod_security),
        }
        created: dict[str, pulumi.CustomResource] = {}
        for role, (ns, enforce) in namespaces.items():
            if args.create:
                # A deleted namespace takes every workflow in it along: it is left in the
                # cluster unless the stack opts in to deleting it.
                child_opts = pulumi.ResourceOptions(
                    parent=self,
                    protect=args.protect,
                    retain_on_delete=not args.delete_on_destroy,
                )
                created[role] = objects.create(build_namespace(ns, role, enforce), child_opts)
            else:
                # Adopted: read, so dependents still wait for it and preview fails when it
                # is missing, but never modified or deleted. A name of its own, so a stack
                # that switches from creating to adopting does not turn one into the other.
                created[role] = objects.read(
                    "v1",
                    "Namespace",
                    f"existing-namespace-{ns}",
                    ns,
                    pulumi.ResourceOptions(parent=self),
                )
        self.control = created["control"]
        self.managed = created["managed"]
        names = {
            role: (ns.metadata["name"] if args.create else ns.id) for role, ns in created.items()
        }
        self.control_name = names["control"]
        self.managed_name = names["managed"]
        self.register_outputs({"control": self.control_name, "managed": self.managed_name})

"""The control and managed namespaces, created or adopted."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components import k8s as objects
from components.settings import Settings


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

    control: k8s.core.v1.Namespace
    managed: k8s.core.v1.Namespace

    def __init__(
        self, name: str, settings: Settings, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("argo-workflows:index:ArgoNamespaces", name, None, opts)
        namespaces = {
            "control": (settings.controlNamespace, "restricted"),
            "managed": (settings.managedNamespace, settings.managedNamespacePodSecurity),
        }
        created: dict[str, k8s.core.v1.Namespace] = {}
        for role, (ns, enforce) in namespaces.items():
            if settings.createNamespaces:
                # A deleted namespace takes every workflow in it along: it is left in the
                # cluster unless the stack opts in to deleting it.
                child_opts = pulumi.ResourceOptions(
                    parent=self,
                    protect=settings.protectNamespaces,
                    retain_on_delete=not settings.deleteNamespacesOnDestroy,
                )
                created[role] = objects.create(build_namespace(ns, role, enforce), child_opts)
            else:
                # Adopted: read, so dependents still wait for it and preview fails when it
                # is missing, but never modified or deleted. A name of its own, so a stack
                # that switches from creating to adopting does not turn one into the other.
                created[role] = k8s.core.v1.Namespace.get(
                    f"existing-namespace-{ns}", ns, opts=pulumi.ResourceOptions(parent=self)
                )
        self.control = created["control"]
        self.managed = created["managed"]
        self.register_outputs(
            {"control": settings.controlNamespace, "managed": settings.managedNamespace}
        )

"""The control and managed namespaces, created or adopted."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components import k8s as objects
from components.settings import Settings

# Pod Security Admission labels: every pod in both namespaces must meet "restricted".
_POD_SECURITY = {
    f"pod-security.kubernetes.io/{mode}": "restricted" for mode in ("enforce", "audit", "warn")
}


def build_namespace(name: str, role: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name, "labels": {**objects.labels(role, name), **_POD_SECURITY}},
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
            "control": settings.controlNamespace,
            "managed": settings.managedNamespace,
        }
        created: dict[str, k8s.core.v1.Namespace] = {}
        for role, ns in namespaces.items():
            if settings.createNamespaces:
                # A deleted namespace takes every workflow in it along: protected stacks
                # refuse to delete it and keep it when it leaves the program.
                child_opts = pulumi.ResourceOptions(
                    parent=self,
                    protect=settings.protectNamespaces,
                    retain_on_delete=settings.protectNamespaces,
                )
                created[role] = objects.create(build_namespace(ns, role), child_opts)
            else:
                # Adopted: read, so dependents still wait for it and preview fails when it
                # is missing, but never modified or deleted.
                created[role] = k8s.core.v1.Namespace.get(
                    f"namespace-{ns}", ns, opts=pulumi.ResourceOptions(parent=self)
                )
        self.control = created["control"]
        self.managed = created["managed"]
        self.register_outputs(
            {"control": settings.controlNamespace, "managed": settings.managedNamespace}
        )

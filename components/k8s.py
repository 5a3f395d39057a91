"""Turn plain Kubernetes manifests into Pulumi resources.

Every component builds its objects as plain dictionaries (easy to read and test) and
hands them to :func:`create`, the one place that knows which pulumi-kubernetes class
registers which kind.
"""

from __future__ import annotations

import re
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

PART_OF = "argo-workflows"
MANAGED_BY = "pulumi"

# (apiVersion, kind) -> typed pulumi-kubernetes class. Kinds missing here register as
# CustomResource, which is what the Argo kinds need.
_TYPED_CLASSES: dict[tuple[str, str], type[pulumi.CustomResource]] = {
    ("v1", "Namespace"): k8s.core.v1.Namespace,
    ("v1", "ServiceAccount"): k8s.core.v1.ServiceAccount,
    ("v1", "ConfigMap"): k8s.core.v1.ConfigMap,
    ("v1", "Secret"): k8s.core.v1.Secret,
    ("v1", "Service"): k8s.core.v1.Service,
    ("apps/v1", "Deployment"): k8s.apps.v1.Deployment,
    ("policy/v1", "PodDisruptionBudget"): k8s.policy.v1.PodDisruptionBudget,
    ("scheduling.k8s.io/v1", "PriorityClass"): k8s.scheduling.v1.PriorityClass,
    ("networking.k8s.io/v1", "Ingress"): k8s.networking.v1.Ingress,
    ("networking.k8s.io/v1", "NetworkPolicy"): k8s.networking.v1.NetworkPolicy,
    ("rbac.authorization.k8s.io/v1", "Role"): k8s.rbac.v1.Role,
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): k8s.rbac.v1.RoleBinding,
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): k8s.rbac.v1.ClusterRole,
    (
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
    ): k8s.apiextensions.v1.CustomResourceDefinition,
}


def labels(component: str, name: str | None = None) -> dict[str, str]:
    """Recommended Kubernetes labels for an object of this install."""
    return {
        "app.kubernetes.io/name": name or component,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/managed-by": MANAGED_BY,
    }


def service_account(name: str, namespace: str, component: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": name, "namespace": namespace, "labels": labels(component)},
    }


def resource_name(manifest: dict[str, Any]) -> str:
    """Stable Pulumi logical name: kind, namespace and name of the object."""
    meta = manifest["metadata"]
    parts = [manifest["kind"].lower(), meta.get("namespace"), meta["name"]]
    return "-".join(p for p in parts if p)


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def create(
    manifest: dict[str, Any],
    opts: pulumi.ResourceOptions,
    name: str | None = None,
) -> pulumi.CustomResource:
    """Register one manifest as a Pulumi resource named ``name`` (default: derived)."""
    api_version, kind = manifest["apiVersion"], manifest["kind"]
    name = name or resource_name(manifest)
    fields = {k: v for k, v in manifest.items() if k not in ("apiVersion", "kind")}
    typed = _TYPED_CLASSES.get((api_version, kind))
    if typed is None:
        return k8s.apiextensions.CustomResource(
            name,
            api_version=api_version,
            kind=kind,
            metadata=fields.pop("metadata"),
            spec=fields.pop("spec", None),
            opts=opts,
        )
    return typed(name, opts=opts, **{_snake(k): v for k, v in fields.items()})

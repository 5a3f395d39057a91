"""The built-in Kubernetes kinds this install registers, and what pulumi-kubernetes' typed
class for each sends the engine beyond the object itself.

The program registers these kinds through one generic class (`components.k8s`) instead
of importing the typed classes: importing those costs about 0.8 CPU s in every process
that loads the program (every `pulumi preview`), for classes that only add the facts
below. The facts come from each class's `_internal_init` in pulumi-kubernetes 4.x
(`pulumi_kubernetes/<group>/<version>/<Kind>.py`); tests/test_k8s_registration.py checks
that both ways send the engine identical requests.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KindFacts:
    # Type tokens the kind was registered under in older API versions: a resource that
    # a stack created under one of them keeps its identity (`pulumi.Alias(type_=...)`).
    aliases: tuple[str, ...] = ()
    # Fields sent as Pulumi secrets, and kept secret in the state the engine returns.
    secret_fields: tuple[str, ...] = ()


_RBAC = "rbac.authorization.k8s.io"

TYPED_KINDS: dict[tuple[str, str], KindFacts] = {
    ("v1", "Namespace"): KindFacts(),
    ("v1", "ServiceAccount"): KindFacts(),
    ("v1", "ConfigMap"): KindFacts(),
    ("v1", "Secret"): KindFacts(secret_fields=("data", "stringData")),
    ("v1", "Service"): KindFacts(),
    ("apps/v1", "Deployment"): KindFacts(
        aliases=(
            "kubernetes:apps/v1beta1:Deployment",
            "kubernetes:apps/v1beta2:Deployment",
            "kubernetes:extensions/v1beta1:Deployment",
        )
    ),
    ("policy/v1", "PodDisruptionBudget"): KindFacts(
        aliases=("kubernetes:policy/v1beta1:PodDisruptionBudget",)
    ),
    ("scheduling.k8s.io/v1", "PriorityClass"): KindFacts(
        aliases=(
            "kubernetes:scheduling.k8s.io/v1alpha1:PriorityClass",
            "kubernetes:scheduling.k8s.io/v1beta1:PriorityClass",
        )
    ),
    ("networking.k8s.io/v1", "Ingress"): KindFacts(
        aliases=(
            "kubernetes:extensions/v1beta1:Ingress",
            "kubernetes:networking.k8s.io/v1beta1:Ingress",
        )
    ),
    ("networking.k8s.io/v1", "NetworkPolicy"): KindFacts(
        aliases=("kubernetes:extensions/v1beta1:NetworkPolicy",)
    ),
    (f"{_RBAC}/v1", "Role"): KindFacts(
        aliases=(f"kubernetes:{_RBAC}/v1alpha1:Role", f"kubernetes:{_RBAC}/v1beta1:Role")
    ),
    (f"{_RBAC}/v1", "RoleBinding"): KindFacts(
        aliases=(
            f"kubernetes:{_RBAC}/v1alpha1:RoleBinding",
            f"kubernetes:{_RBAC}/v1beta1:RoleBinding",
        )
    ),
    (f"{_RBAC}/v1", "ClusterRole"): KindFacts(
        aliases=(
            f"kubernetes:{_RBAC}/v1alpha1:ClusterRole",
            f"kubernetes:{_RBAC}/v1beta1:ClusterRole",
        )
    ),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"): KindFacts(
        aliases=("kubernetes:apiextensions.k8s.io/v1beta1:CustomResourceDefinition",)
    ),
}


def type_token(api_version: str, kind: str) -> str:
    """The Pulumi type of a built-in kind: `kubernetes:<apiVersion>:<Kind>`, the core
    group spelled `core/v1` (pulumi-kubernetes' tokens, e.g. `kubernetes:core/v1:Secret`)."""
    group_version = api_version if "/" in api_version else f"core/{api_version}"
    return f"kubernetes:{group_version}:{kind}"

"""The one Kubernetes provider every component deploys through, from stack config."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi_kubernetes as k8s


@dataclass(frozen=True)
class ProviderArgs:
    """Which cluster: a kubeconfig path and a context ('' = the ambient default)."""

    kubeconfig: str = ""
    context: str = ""


def create_provider(name: str, args: ProviderArgs) -> k8s.Provider:
    """An explicit provider, so no resource falls back to the ambient default provider.

    Server-side apply: the API server tracks field ownership, so a field another manager
    owns is reported as a conflict instead of being silently overwritten.
    """
    return k8s.Provider(
        name,
        kubeconfig=args.kubeconfig or None,
        context=args.context or None,
        enable_server_side_apply=True,
    )

"""Pieces shared by the controller and server Deployments."""

from __future__ import annotations

from typing import Any

from components import facts


def resources(cpu_request: str, memory_request: str, cpu_limit: str, memory_limit: str):
    return {
        "requests": {"cpu": cpu_request, "memory": memory_request},
        "limits": {"cpu": cpu_limit, "memory": memory_limit},
    }


def deployment(
    *,
    name: str,
    namespace: str,
    labels: dict[str, str],
    replicas: int,
    service_account: str,
    container: dict[str, Any],
    pod_extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A Deployment whose one container meets Pod Security "restricted"."""
    selector = {"app.kubernetes.io/name": labels["app.kubernetes.io/name"]}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": selector},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "serviceAccountName": service_account,
                    "securityContext": dict(facts.RESTRICTED_POD_SECURITY_CONTEXT),
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "containers": [
                        {
                            **container,
                            "securityContext": dict(facts.RESTRICTED_CONTAINER_SECURITY_CONTEXT),
                        }
                    ],
                    **(pod_extra or {}),
                },
            },
        },
    }


def pod_disruption_budget(name: str, namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {
            "minAvailable": 1,
            "selector": {
                "matchLabels": {"app.kubernetes.io/name": labels["app.kubernetes.io/name"]}
            },
        },
    }

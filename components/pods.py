"""Pieces shared by the controller and server Deployments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from components import facts


@dataclass(frozen=True)
class Images:
    """Where the Argo images come from: one registry, one release for all of them."""

    registry: str
    version: str

    def image(self, name: str) -> str:
        return f"{self.registry}/{name}:{self.version}"


@dataclass(frozen=True)
class Resources:
    """Requests and limits of one container."""

    cpu_request: str
    memory_request: str
    cpu_limit: str
    memory_limit: str

    def spec(self) -> dict[str, dict[str, str]]:
        return {
            "requests": {"cpu": self.cpu_request, "memory": self.memory_request},
            "limits": {"cpu": self.cpu_limit, "memory": self.memory_limit},
        }


def service(
    name: str, namespace: str, labels: dict[str, str], port_name: str, port: int
) -> dict[str, Any]:
    """A ClusterIP Service in front of the pods named ``labels['app.kubernetes.io/name']``."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {
            "selector": {"app.kubernetes.io/name": labels["app.kubernetes.io/name"]},
            "ports": [{"name": port_name, "port": port, "targetPort": port, "protocol": "TCP"}],
        },
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

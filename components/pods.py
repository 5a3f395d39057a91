"""Pieces shared by the controller and server Deployments."""

from __future__ import annotations

from typing import Any

from components import facts
from components.settings import Settings


def resources(settings: Settings, part: str) -> dict[str, dict[str, str]]:
    """Requests and limits from the ``<part>CpuRequest`` ... ``<part>MemoryLimit`` keys."""
    return {
        kind: {
            resource.lower(): getattr(settings, f"{part}{resource}{kind[:-1].title()}")
            for resource in ("Cpu", "Memory")
        }
        for kind in ("requests", "limits")
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

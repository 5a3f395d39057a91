"""How users reach the Argo Server: Service type, Ingress, Gateway API HTTPRoute."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from components import facts
from components import k8s as objects

NAME = "argo-server"
GATEWAY_API = "gateway.networking.k8s.io/v1"


@dataclass(frozen=True)
class RoutingArgs:
    namespace: str
    secure: bool
    service_type: str
    ingress_hosts: tuple[str, ...]
    ingress_paths: tuple[str, ...]
    ingress_path_type: str
    ingress_class: str
    ingress_tls_secret: str
    ingress_annotations: dict[str, str]
    ingress_labels: dict[str, str]
    route_parent_refs: list[dict[str, str]]
    route_hostnames: tuple[str, ...]
    route_paths: tuple[str, ...]


def apply_service_type(args: RoutingArgs, service: dict[str, Any]) -> dict[str, Any]:
    """The server Service with its type (ClusterIP stays implicit)."""
    if args.service_type == "ClusterIP":
        return service
    return {**service, "spec": {**service["spec"], "type": args.service_type}}


def build_ingress(args: RoutingArgs) -> dict[str, Any]:
    annotations = dict(args.ingress_annotations)
    if args.secure:
        # The server speaks HTTPS; ingress-nginx must too (a user annotation wins).
        annotations.setdefault("nginx.ingress.kubernetes.io/backend-protocol", "HTTPS")
    backend = {"service": {"name": NAME, "port": {"number": facts.SERVER_PORT}}}
    paths = [
        {"path": path, "pathType": args.ingress_path_type, "backend": backend}
        for path in args.ingress_paths
    ]
    spec: dict[str, Any] = {
        "rules": [{"host": host, "http": {"paths": paths}} for host in args.ingress_hosts]
    }
    if args.ingress_class:
        spec["ingressClassName"] = args.ingress_class
    if args.ingress_tls_secret:
        spec["tls"] = [{"hosts": list(args.ingress_hosts), "secretName": args.ingress_tls_secret}]
    metadata: dict[str, Any] = {
        "name": NAME,
        "namespace": args.namespace,
        "labels": {**args.ingress_labels, **objects.labels(NAME)},
    }
    if annotations:
        metadata["annotations"] = annotations
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": metadata,
        "spec": spec,
    }


def build_http_route(args: RoutingArgs) -> dict[str, Any]:
    """A Gateway API HTTPRoute (gateway.networking.k8s.io/v1) to the server Service."""
    spec: dict[str, Any] = {
        "parentRefs": [
            {"group": "gateway.networking.k8s.io", "kind": "Gateway", **ref}
            for ref in args.route_parent_refs
        ],
        "rules": [
            {
                "matches": [
                    {"path": {"type": "PathPrefix", "value": path}} for path in args.route_paths
                ],
                "backendRefs": [{"name": NAME, "port": facts.SERVER_PORT}],
            }
        ],
    }
    if args.route_hostnames:
        spec["hostnames"] = list(args.route_hostnames)
    return {
        "apiVersion": GATEWAY_API,
        "kind": "HTTPRoute",
        "metadata": {"name": NAME, "namespace": args.namespace, "labels": objects.labels(NAME)},
        "spec": spec,
    }

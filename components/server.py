"""The Argo Server (UI and API): service account, Deployment, Service, SSO Secret,
optional Ingress and PDB."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from components import facts, network_policies, pod_options, pods, routing, scheduling
from components import k8s as objects
from components.sso import CLIENT_ID_KEY, CLIENT_SECRET_KEY

NAME = "argo-server"


@dataclass(frozen=True)
class IngressArgs:
    host: str
    class_name: str = ""
    tls_secret: str = ""


@dataclass(frozen=True)
class SsoClientArgs:
    """The OIDC client Secret this install creates: the client id, and the client secret
    when it comes from config rather than from an existing Secret."""

    secret_name: str
    client_id: str
    # A Pulumi secret Output (pulumi.Config.get_secret), never a plain string; None when
    # the client secret lives in an existing Secret.
    client_secret: pulumi.Input[str] | None = None


@dataclass(frozen=True)
class ServerArgs:
    """The Argo Server's Deployment, Service and what sits in front of it."""

    control_namespace: str
    managed_namespace: str
    images: pods.Images
    replicas: int
    resources: pods.Resources
    auth_modes: tuple[str, ...]
    secure: bool = True
    tls_secret: str = ""
    base_href: str = "/"
    ingress: IngressArgs | None = None
    sso_client: SsoClientArgs | None = None
    # Production features; None keeps the plain defaults.
    placement: scheduling.PlacementArgs | None = None
    pod_options: pod_options.PodOptionsArgs | None = None
    routing: routing.RoutingArgs | None = None
    http_route: bool = False
    network: network_policies.NetworkArgs | None = None


def build_server_args(args: ServerArgs) -> list[str]:
    out = ["server", "--namespaced", "--managed-namespace", args.managed_namespace]
    for mode in args.auth_modes:
        out += ["--auth-mode", mode]
    out.append(f"--secure={str(args.secure).lower()}")
    if args.tls_secret:
        out += ["--tls-certificate-secret-name", args.tls_secret]
    if args.base_href != "/":
        # docs/argo-server.md "Base HREF".
        out += ["--base-href", args.base_href]
    return out


def build_deployment(args: ServerArgs) -> dict[str, Any]:
    scheme = "HTTPS" if args.secure else "HTTP"
    container = {
        "name": NAME,
        "image": args.images.image(facts.SERVER_IMAGE),
        "args": build_server_args(args),
        "ports": [{"name": "web", "containerPort": facts.SERVER_PORT}],
        # With --secure the server only speaks HTTPS, so the probe must too
        # (docs/tls.md).
        "readinessProbe": {
            "httpGet": {"path": "/", "port": facts.SERVER_PORT, "scheme": scheme},
            "initialDelaySeconds": 10,
            "periodSeconds": 20,
        },
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
        "resources": args.resources.spec(),
    }
    deployment = pods.deployment(
        name=NAME,
        namespace=args.control_namespace,
        labels=objects.labels(NAME),
        replicas=args.replicas,
        service_account=facts.SERVER_SERVICE_ACCOUNT,
        container=container,
        pod_extra={"volumes": [{"name": "tmp", "emptyDir": {}}]},
    )
    placement = None
    if args.placement is not None:
        selector = deployment["spec"]["selector"]["matchLabels"]
        placement = scheduling.pod_spec_fields(args.placement, args.replicas, selector)
    return pod_options.apply_to_deployment(deployment, args.pod_options, placement)


def build_service(args: ServerArgs) -> dict[str, Any]:
    service = pods.service(
        NAME, args.control_namespace, objects.labels(NAME), "web", facts.SERVER_PORT
    )
    return routing.apply_service_type(args.routing, service) if args.routing else service


def build_sso_secret(namespace: str, client: SsoClientArgs) -> dict[str, Any]:
    """The OIDC client Secret; the client secret stays a Pulumi secret Output."""
    data: dict[str, Any] = {CLIENT_ID_KEY: client.client_id}
    if client.client_secret is not None:
        data[CLIENT_SECRET_KEY] = pulumi.Output.secret(client.client_secret)
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": client.secret_name,
            "namespace": namespace,
            "labels": objects.labels(NAME),
        },
        "type": "Opaque",
        "stringData": data,
    }


def build_ingress(args: ServerArgs, ingress: IngressArgs) -> dict[str, Any]:
    annotations = {}
    if args.secure:
        # The server speaks HTTPS; ingress-nginx must too.
        annotations["nginx.ingress.kubernetes.io/backend-protocol"] = "HTTPS"
    spec: dict[str, Any] = {
        "rules": [
            {
                "host": ingress.host,
                "http": {
                    "paths": [
                        {
                            "path": args.base_href,
                            "pathType": "Prefix",
                            "backend": {
                                "service": {"name": NAME, "port": {"number": facts.SERVER_PORT}}
                            },
                        }
                    ]
                },
            }
        ]
    }
    if ingress.class_name:
        spec["ingressClassName"] = ingress.class_name
    if ingress.tls_secret:
        spec["tls"] = [{"hosts": [ingress.host], "secretName": ingress.tls_secret}]
    metadata: dict[str, Any] = {
        "name": NAME,
        "namespace": args.control_namespace,
        "labels": objects.labels(NAME),
    }
    if annotations:
        metadata["annotations"] = annotations
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": metadata,
        "spec": spec,
    }


class ArgoServer(pulumi.ComponentResource):
    """Argo Server in the control namespace, serving the managed namespace."""

    service_account: pulumi.CustomResource
    deployment: pulumi.CustomResource
    service: pulumi.CustomResource
    sso_secret: pulumi.CustomResource | None
    ingress: pulumi.CustomResource | None
    http_route: pulumi.CustomResource | None
    network_policy: pulumi.CustomResource | None
    disruption_budget: pulumi.CustomResource | None

    def __init__(
        self,
        name: str,
        args: ServerArgs,
        *,
        namespace: pulumi.Resource,
        rbac: Sequence[pulumi.Resource],
        config_map: pulumi.Resource,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("argo-workflows:index:ArgoServer", name, None, opts)
        ns = args.control_namespace
        in_namespace = pulumi.ResourceOptions(parent=self, depends_on=[namespace])
        self.service_account = objects.create(
            objects.service_account(facts.SERVER_SERVICE_ACCOUNT, ns, NAME), in_namespace
        )
        deployment_deps: list[pulumi.Resource] = [
            namespace,
            self.service_account,
            config_map,
            *rbac,
        ]
        self.sso_secret = None
        if args.sso_client is not None:
            self.sso_secret = objects.create(
                build_sso_secret(ns, args.sso_client),
                pulumi.ResourceOptions(
                    parent=self,
                    depends_on=[namespace],
                    additional_secret_outputs=["stringData", "data"],
                ),
            )
            deployment_deps.append(self.sso_secret)
        self.deployment = objects.create(
            build_deployment(args),
            pulumi.ResourceOptions(parent=self, depends_on=deployment_deps),
        )
        self.service = objects.create(build_service(args), in_namespace)
        self.ingress = None
        if args.ingress is not None:
            self.ingress = objects.create(
                routing.build_ingress(args.routing)
                if args.routing
                else build_ingress(args, args.ingress),
                pulumi.ResourceOptions(parent=self, depends_on=[namespace, self.service]),
            )
        self.http_route = None
        if args.http_route and args.routing is not None:
            self.http_route = objects.create(
                routing.build_http_route(args.routing),
                pulumi.ResourceOptions(parent=self, depends_on=[namespace, self.service]),
            )
        self.network_policy = None
        if args.network is not None and args.network.components:
            self.network_policy = objects.create(
                network_policies.server_policy(args.network), in_namespace
            )
        self.disruption_budget = None
        if args.replicas > 1:
            self.disruption_budget = objects.create(
                pods.pod_disruption_budget(NAME, ns, objects.labels(NAME)), in_namespace
            )
        self.service_name: pulumi.Output[str] = self.service.metadata["name"]
        self.service_port: pulumi.Output[int] = self.service.spec["ports"][0]["port"]
        self.register_outputs({"serviceName": self.service_name, "port": self.service_port})

"""The Argo Server (UI and API): service account, Deployment, Service, SSO Secret,
optional Ingress and PDB."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from components import facts, pods
from components import k8s as objects
from components.settings import Settings

NAME = "argo-server"


def build_server_args(settings: Settings) -> list[str]:
    args = ["server", "--namespaced", "--managed-namespace", settings.managedNamespace]
    for mode in settings.serverAuthModes:
        args += ["--auth-mode", mode]
    args.append(f"--secure={str(settings.serverSecure).lower()}")
    if settings.serverTlsSecret:
        args += ["--tls-certificate-secret-name", settings.serverTlsSecret]
    if settings.serverBaseHref != "/":
        # docs/argo-server.md "Base HREF".
        args += ["--base-href", settings.serverBaseHref]
    return args


def build_deployment(settings: Settings) -> dict[str, Any]:
    scheme = "HTTPS" if settings.serverSecure else "HTTP"
    container = {
        "name": NAME,
        "image": settings.image(facts.SERVER_IMAGE),
        "args": build_server_args(settings),
        "ports": [{"name": "web", "containerPort": facts.SERVER_PORT}],
        # With --secure the server only speaks HTTPS, so the probe must too
        # (docs/tls.md).
        "readinessProbe": {
            "httpGet": {"path": "/", "port": facts.SERVER_PORT, "scheme": scheme},
            "initialDelaySeconds": 10,
            "periodSeconds": 20,
        },
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
        "resources": pods.resources(settings, "server"),
    }
    return pods.deployment(
        name=NAME,
        namespace=settings.controlNamespace,
        labels=objects.labels(NAME),
        replicas=settings.serverReplicas,
        service_account=facts.SERVER_SERVICE_ACCOUNT,
        container=container,
        pod_extra={"volumes": [{"name": "tmp", "emptyDir": {}}]},
    )


def build_service(settings: Settings) -> dict[str, Any]:
    return pods.service(
        NAME, settings.controlNamespace, objects.labels(NAME), "web", facts.SERVER_PORT
    )


def build_sso_secret(settings: Settings, client_secret: Any) -> dict[str, Any]:
    """Secret argo-sso from config; ``client_secret`` stays a Pulumi secret Output."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": settings.sso_secret_name,
            "namespace": settings.controlNamespace,
            "labels": objects.labels(NAME),
        },
        "type": "Opaque",
        "stringData": {"client-id": settings.ssoClientId, "client-secret": client_secret},
    }


def build_ingress(settings: Settings) -> dict[str, Any]:
    annotations = {}
    if settings.serverSecure:
        # The server speaks HTTPS; ingress-nginx must too.
        annotations["nginx.ingress.kubernetes.io/backend-protocol"] = "HTTPS"
    spec: dict[str, Any] = {
        "rules": [
            {
                "host": settings.ingressHost,
                "http": {
                    "paths": [
                        {
                            "path": settings.serverBaseHref,
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
    if settings.ingressClassName:
        spec["ingressClassName"] = settings.ingressClassName
    if settings.ingressTlsSecret:
        spec["tls"] = [{"hosts": [settings.ingressHost], "secretName": settings.ingressTlsSecret}]
    metadata: dict[str, Any] = {
        "name": NAME,
        "namespace": settings.controlNamespace,
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
    disruption_budget: pulumi.CustomResource | None

    def __init__(
        self,
        name: str,
        settings: Settings,
        *,
        namespace: pulumi.Resource,
        rbac: Sequence[pulumi.Resource],
        config_map: pulumi.Resource,
        sso_client_secret: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("argo-workflows:index:ArgoServer", name, None, opts)
        ns = settings.controlNamespace
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
        if settings.creates_sso_secret:
            self.sso_secret = objects.create(
                build_sso_secret(settings, pulumi.Output.secret(sso_client_secret or "")),
                pulumi.ResourceOptions(
                    parent=self,
                    depends_on=[namespace],
                    additional_secret_outputs=["stringData", "data"],
                ),
            )
            deployment_deps.append(self.sso_secret)
        self.deployment = objects.create(
            build_deployment(settings),
            pulumi.ResourceOptions(parent=self, depends_on=deployment_deps),
        )
        self.service = objects.create(build_service(settings), in_namespace)
        self.ingress = None
        if settings.ingressEnabled:
            self.ingress = objects.create(
                build_ingress(settings),
                pulumi.ResourceOptions(parent=self, depends_on=[namespace, self.service]),
            )
        self.disruption_budget = None
        if settings.serverReplicas > 1:
            self.disruption_budget = objects.create(
                pods.pod_disruption_budget(NAME, ns, objects.labels(NAME)), in_namespace
            )
        self.register_outputs({"serviceName": NAME, "port": facts.SERVER_PORT})

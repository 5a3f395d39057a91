"""The workflow controller: service account, config map, Deployment, metrics, PDB."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import yaml

from components import facts, pods, workflow_pod_defaults
from components import k8s as objects
from components.settings import Settings

NAME = "workflow-controller"


def _yaml(value: Any) -> str:
    return yaml.safe_dump(value, sort_keys=True, default_flow_style=False)


def build_controller_config(settings: Settings) -> dict[str, str]:
    """workflow-controller-configmap data. Parsed strictly by the controller: an unknown
    key stops it (workflow/config), so only known keys, each a YAML document."""
    data = {
        # Template-only execution at run time (docs/workflow-restrictions.md).
        "workflowRestrictions": _yaml({"templateReferencing": settings.templateReferencing}),
        "workflowDefaults": _yaml(
            {
                "spec": {
                    "serviceAccountName": settings.workflowServiceAccount,
                    "ttlStrategy": {
                        "secondsAfterSuccess": settings.workflowTtlSecondsAfterSuccess,
                        "secondsAfterFailure": settings.workflowTtlSecondsAfterFailure,
                    },
                    "podGC": {
                        "strategy": settings.podGcStrategy,
                        "deleteDelayDuration": settings.podGcDeleteDelay,
                    },
                    # Workflow pods run in a namespace that enforces Pod Security
                    # "restricted"; this is the pod-level half of it.
                    "securityContext": workflow_pod_defaults.WORKFLOW_POD_SECURITY_CONTEXT,
                }
            }
        ),
        # Every main container, and the init and wait containers Argo adds to every
        # workflow pod: "restricted" whatever the template says about securityContext.
        "mainContainer": _yaml(workflow_pod_defaults.MAIN_CONTAINER),
        "executor": _yaml(workflow_pod_defaults.EXECUTOR),
        "metricsConfig": _yaml(
            {"enabled": True, "path": "/metrics", "port": facts.CONTROLLER_METRICS_PORT}
        ),
    }
    if settings.ssoEnabled:
        secret = settings.sso_secret_name
        data["sso"] = _yaml(
            {
                "issuer": settings.ssoIssuer,
                "clientId": {"name": secret, "key": "client-id"},
                "clientSecret": {"name": secret, "key": "client-secret"},
                "redirectUrl": settings.ssoRedirectUrl,
                "scopes": list(settings.ssoScopes),
                "sessionExpiry": settings.ssoSessionExpiry,
                "rbac": {"enabled": settings.ssoRbacEnabled},
            }
        )
    return data


def build_config_map(settings: Settings) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": facts.CONTROLLER_CONFIGMAP,
            "namespace": settings.controlNamespace,
            "labels": objects.labels(NAME),
        },
        "data": build_controller_config(settings),
    }


def build_priority_class() -> dict[str, Any]:
    return {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": facts.CONTROLLER_PRIORITY_CLASS, "labels": objects.labels(NAME)},
        "value": facts.CONTROLLER_PRIORITY,
        "globalDefault": False,
        "description": "Argo Workflows controller: schedule before the workflows it runs.",
    }


def build_controller_args(settings: Settings) -> list[str]:
    # --managed-namespace is ignored without --namespaced (cmd/workflow-controller).
    return [
        "--configmap",
        facts.CONTROLLER_CONFIGMAP,
        "--executor-image",
        settings.image(facts.EXECUTOR_IMAGE),
        "--namespaced",
        "--managed-namespace",
        settings.managedNamespace,
    ]


def build_deployment(settings: Settings) -> dict[str, Any]:
    container = {
        "name": NAME,
        "image": settings.image(facts.CONTROLLER_IMAGE),
        "command": ["workflow-controller"],
        "args": build_controller_args(settings),
        "env": [
            # Mandatory unless leader election is disabled; the Lease lives in the
            # controller's own namespace.
            {
                "name": "LEADER_ELECTION_IDENTITY",
                "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}},
            },
        ],
        "ports": [
            {"name": "metrics", "containerPort": facts.CONTROLLER_METRICS_PORT},
            {"name": "healthz", "containerPort": facts.CONTROLLER_HEALTH_PORT},
        ],
        "livenessProbe": {
            "httpGet": {"path": "/healthz", "port": facts.CONTROLLER_HEALTH_PORT},
            "initialDelaySeconds": 90,
            "periodSeconds": 60,
            "timeoutSeconds": 30,
        },
        "resources": pods.resources(settings, "controller"),
    }
    return pods.deployment(
        name=NAME,
        namespace=settings.controlNamespace,
        labels=objects.labels(NAME),
        replicas=settings.controllerReplicas,
        service_account=facts.CONTROLLER_SERVICE_ACCOUNT,
        container=container,
        pod_extra={"priorityClassName": facts.CONTROLLER_PRIORITY_CLASS},
    )


def build_metrics_service(settings: Settings) -> dict[str, Any]:
    return pods.service(
        f"{NAME}-metrics",
        settings.controlNamespace,
        objects.labels(NAME),
        "metrics",
        facts.CONTROLLER_METRICS_PORT,
    )


class WorkflowController(pulumi.ComponentResource):
    """The controller in the control namespace, running workflows of the managed one."""

    service_account: pulumi.CustomResource
    config_map: pulumi.CustomResource
    priority_class: pulumi.CustomResource
    deployment: pulumi.CustomResource
    metrics_service: pulumi.CustomResource
    disruption_budget: pulumi.CustomResource | None

    def __init__(
        self,
        name: str,
        settings: Settings,
        *,
        namespace: pulumi.Resource,
        rbac: Sequence[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("argo-workflows:index:WorkflowController", name, None, opts)
        ns = settings.controlNamespace
        in_namespace = pulumi.ResourceOptions(parent=self, depends_on=[namespace])
        self.service_account = objects.create(
            objects.service_account(facts.CONTROLLER_SERVICE_ACCOUNT, ns, NAME), in_namespace
        )
        self.config_map = objects.create(build_config_map(settings), in_namespace)
        self.priority_class = objects.create(
            build_priority_class(), pulumi.ResourceOptions(parent=self)
        )
        self.deployment = objects.create(
            build_deployment(settings),
            pulumi.ResourceOptions(
                parent=self,
                depends_on=[
                    namespace,
                    self.service_account,
                    self.config_map,
                    self.priority_class,
                    *rbac,
                ],
            ),
        )
        self.metrics_service = objects.create(build_metrics_service(settings), in_namespace)
        self.disruption_budget = None
        if settings.controllerReplicas > 1:
            self.disruption_budget = objects.create(
                pods.pod_disruption_budget(NAME, ns, objects.labels(NAME)), in_namespace
            )
        self.register_outputs({"configMapName": facts.CONTROLLER_CONFIGMAP})

"""The workflow controller: service account, config map, Deployment, metrics, PDB."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import yaml

from components import facts, pods, workflow_pod_defaults
from components import k8s as objects
from components.sso import SsoConfig, build_sso_section

NAME = "workflow-controller"


@dataclass(frozen=True)
class WorkflowDefaults:
    """What every workflow gets unless its template says otherwise."""

    service_account: str
    executor_service_account: str
    ttl_seconds_after_success: int
    ttl_seconds_after_failure: int
    pod_gc_strategy: str
    pod_gc_delete_delay: str


@dataclass(frozen=True)
class ControllerArgs:
    """The controller's Deployment and its ConfigMap."""

    control_namespace: str
    managed_namespace: str
    images: pods.Images
    replicas: int
    resources: pods.Resources
    template_referencing: str
    workflow_defaults: WorkflowDefaults
    sso: SsoConfig | None = None


def _yaml(value: Any) -> str:
    return yaml.safe_dump(value, sort_keys=True, default_flow_style=False)


def build_controller_config(args: ControllerArgs) -> dict[str, str]:
    """workflow-controller-configmap data. Parsed strictly by the controller: an unknown
    key stops it (workflow/config), so only known keys, each a YAML document."""
    defaults = args.workflow_defaults
    data = {
        # Template-only execution at run time (docs/workflow-restrictions.md).
        "workflowRestrictions": _yaml({"templateReferencing": args.template_referencing}),
        "workflowDefaults": _yaml(
            {
                "spec": {
                    "serviceAccountName": defaults.service_account,
                    # The workflow account's token stays out of every container; Argo's
                    # init and wait containers get the executor account's token instead
                    # (workflow/controller/workflowpod.go: with automountServiceAccountToken
                    # false it mounts Secret <executor>.service-account-token into them, and
                    # refuses the pod without executor.serviceAccountName).
                    "automountServiceAccountToken": False,
                    "executor": {"serviceAccountName": defaults.executor_service_account},
                    "ttlStrategy": {
                        "secondsAfterSuccess": defaults.ttl_seconds_after_success,
                        "secondsAfterFailure": defaults.ttl_seconds_after_failure,
                    },
                    "podGC": {
                        "strategy": defaults.pod_gc_strategy,
                        "deleteDelayDuration": defaults.pod_gc_delete_delay,
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
    if args.sso is not None:
        data["sso"] = _yaml(build_sso_section(args.sso))
    return data


def build_config_map(args: ControllerArgs) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": facts.CONTROLLER_CONFIGMAP,
            "namespace": args.control_namespace,
            "labels": objects.labels(NAME),
        },
        "data": build_controller_config(args),
    }


def priority_class_name(args: ControllerArgs) -> str:
    """Cluster-scoped, so named per install."""
    return facts.cluster_scoped_name(facts.CONTROLLER_PRIORITY_CLASS, args.control_namespace)


def executor_image(args: ControllerArgs) -> str:
    return args.images.image(facts.EXECUTOR_IMAGE) + facts.EXECUTOR_TAG_SUFFIX


def build_priority_class(args: ControllerArgs) -> dict[str, Any]:
    return {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": priority_class_name(args), "labels": objects.labels(NAME)},
        "value": facts.CONTROLLER_PRIORITY,
        "globalDefault": False,
        "description": "Argo Workflows controller: schedule before the workflows it runs.",
    }


def build_controller_args(args: ControllerArgs) -> list[str]:
    # --managed-namespace is ignored without --namespaced (cmd/workflow-controller).
    return [
        "--configmap",
        facts.CONTROLLER_CONFIGMAP,
        "--executor-image",
        executor_image(args),
        "--namespaced",
        "--managed-namespace",
        args.managed_namespace,
    ]


def build_deployment(args: ControllerArgs) -> dict[str, Any]:
    container = {
        "name": NAME,
        "image": args.images.image(facts.CONTROLLER_IMAGE),
        "command": ["workflow-controller"],
        "args": build_controller_args(args),
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
        "resources": args.resources.spec(),
    }
    return pods.deployment(
        name=NAME,
        namespace=args.control_namespace,
        labels=objects.labels(NAME),
        replicas=args.replicas,
        service_account=facts.CONTROLLER_SERVICE_ACCOUNT,
        container=container,
        pod_extra={"priorityClassName": priority_class_name(args)},
    )


def build_metrics_service(args: ControllerArgs) -> dict[str, Any]:
    return pods.service(
        f"{NAME}-metrics",
        args.control_namespace,
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
        args: ControllerArgs,
        *,
        namespace: pulumi.Resource,
        rbac: Sequence[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("argo-workflows:index:WorkflowController", name, None, opts)
        ns = args.control_namespace
        in_namespace = pulumi.ResourceOptions(parent=self, depends_on=[namespace])
        self.service_account = objects.create(
            objects.service_account(facts.CONTROLLER_SERVICE_ACCOUNT, ns, NAME), in_namespace
        )
        self.config_map = objects.create(build_config_map(args), in_namespace)
        self.priority_class = objects.create(
            build_priority_class(args), pulumi.ResourceOptions(parent=self)
        )
        self.deployment = objects.create(
            build_deployment(args),
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
        self.metrics_service = objects.create(build_metrics_service(args), in_namespace)
        self.disruption_budget = None
        if args.replicas > 1:
            self.disruption_budget = objects.create(
                pods.pod_disruption_budget(NAME, ns, objects.labels(NAME)), in_namespace
            )
        self.register_outputs({"configMapName": self.config_map.metadata.name})

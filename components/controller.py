"""The workflow controller: service account, config map, Deployment, metrics, PDB."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from components import (
    archive,
    artifacts,
    facts,
    network_policies,
    observability,
    pod_options,
    pods,
    scaling,
    scheduling,
    workflow_containers,
    workflow_pod_defaults,
)
from components import k8s as objects
from components.sso import SsoConfig, build_sso_section
from components.yaml_text import config_text

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
    # Production features; None leaves each at the controller's own default.
    artifacts: artifacts.ArtifactArgs | None = None
    archive: archive.ArchiveArgs | None = None
    scale: scaling.ScaleArgs | None = None
    containers: workflow_containers.ContainerDefaultsArgs | None = None
    placement: scheduling.PlacementArgs | None = None
    pod_options: pod_options.PodOptionsArgs | None = None
    observability: observability.ObservabilityArgs | None = None
    network: network_policies.NetworkArgs | None = None


def build_controller_config(args: ControllerArgs) -> dict[str, str]:
    """workflow-controller-configmap data. Parsed strictly by the controller: an unknown
    key stops it (workflow/config), so only known keys, each a YAML document."""
    defaults = args.workflow_defaults
    data = {
        # Template-only execution at run time (docs/workflow-restrictions.md).
        "workflowRestrictions": config_text({"templateReferencing": args.template_referencing}),
        "workflowDefaults": config_text(
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
                    **(artifacts.workflow_defaults(args.artifacts) if args.artifacts else {}),
                }
            }
        ),
        # Every main container, and the init and wait containers Argo adds to every
        # workflow pod: "restricted" whatever the template says about securityContext.
        "mainContainer": config_text(_main_container(args)),
        "executor": config_text(_executor(args)),
        "metricsConfig": config_text(
            observability.metrics_config(args.observability)
            if args.observability
            else {"enabled": True, "path": "/metrics", "port": facts.CONTROLLER_METRICS_PORT}
        ),
    }
    if args.sso is not None:
        data["sso"] = config_text(build_sso_section(args.sso))
    data.update({key: _config_value(value) for key, value in _feature_config(args).items()})
    return data


def _config_value(value: Any) -> str:
    """A ConfigMap value. The controller joins the values into one document, indenting
    multi-line ones under their key (config/controller.go, parseConfigMap), so a scalar
    must stay on one line: YAML's document end marker would join the number."""
    if isinstance(value, (dict, list)):
        return config_text(value)
    return str(value)


def _executor(args: ControllerArgs) -> dict[str, Any]:
    base = dict(workflow_pod_defaults.EXECUTOR)
    if args.containers is None:
        return base
    return workflow_containers.executor_config(args.containers, base)


def _main_container(args: ControllerArgs) -> dict[str, Any]:
    """The restricted securityContext, plus the configured main-container resources."""
    main = workflow_containers.main_container_config(args.containers) if args.containers else None
    return {**workflow_pod_defaults.MAIN_CONTAINER, **(main or {})}


def _feature_config(args: ControllerArgs) -> dict[str, Any]:
    """ConfigMap keys of the production features (names from config/config.go
    `Config`: artifactRepository, persistence, mainContainer, parallelism, ...)."""
    config: dict[str, Any] = {}
    repository = artifacts.repository_config(args.artifacts) if args.artifacts else None
    if repository:
        config["artifactRepository"] = repository
    persistence = archive.persistence_config(args.archive) if args.archive else None
    if persistence:
        config["persistence"] = persistence
    if args.scale is not None:
        config.update(scaling.config_entries(args.scale))
    return config


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
        args.containers.executor_image if args.containers else executor_image(args),
        "--namespaced",
        "--managed-namespace",
        args.managed_namespace,
        *(scaling.controller_args(args.scale) if args.scale else []),
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
            *(observability.controller_env(args.observability) if args.observability else []),
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
    deployment = pods.deployment(
        name=NAME,
        namespace=args.control_namespace,
        labels=objects.labels(NAME),
        replicas=args.replicas,
        service_account=facts.CONTROLLER_SERVICE_ACCOUNT,
        container=container,
        pod_extra={"priorityClassName": priority_class_name(args)},
    )
    placement = None
    if args.placement is not None:
        selector = deployment["spec"]["selector"]["matchLabels"]
        placement = scheduling.pod_spec_fields(args.placement, args.replicas, selector)
    return pod_options.apply_to_deployment(deployment, args.pod_options, placement)


def build_metrics_service(args: ControllerArgs) -> dict[str, Any]:
    return pods.service(
        f"{NAME}-metrics",
        args.control_namespace,
        objects.labels(NAME),
        "metrics",
        facts.CONTROLLER_METRICS_PORT,
    )


def _network_policies(args: ControllerArgs) -> list[dict[str, Any]]:
    if args.network is None:
        return []
    policies = []
    if args.network.components:
        policies.append(network_policies.controller_policy(args.network))
    if args.network.workflows:
        policies.append(network_policies.workflow_policy(args.network))
    return policies


class WorkflowController(pulumi.ComponentResource):
    """The controller in the control namespace, running workflows of the managed one."""

    service_account: pulumi.CustomResource
    config_map: pulumi.CustomResource
    priority_class: pulumi.CustomResource
    deployment: pulumi.CustomResource
    metrics_service: pulumi.CustomResource
    disruption_budget: pulumi.CustomResource | None
    service_monitor: pulumi.CustomResource | None
    network_policies: list[pulumi.CustomResource]

    def __init__(
        self,
        name: str,
        args: ControllerArgs,
        *,
        namespace: pulumi.Resource,
        rbac: Sequence[pulumi.Resource],
        managed_namespace: pulumi.Resource | None = None,
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
        self.service_monitor = None
        if args.observability is not None and args.observability.service_monitor:
            self.service_monitor = objects.create(
                observability.build_service_monitor(args.observability, objects.labels(NAME)),
                pulumi.ResourceOptions(parent=self, depends_on=[namespace, self.metrics_service]),
            )
        # The controller's own NetworkPolicy, and the default-deny of the workflow pods
        # it creates (in the managed namespace).
        self.network_policies = [
            objects.create(
                policy,
                pulumi.ResourceOptions(
                    parent=self,
                    depends_on=[
                        namespace
                        if policy["metadata"]["namespace"] == ns
                        else (managed_namespace or namespace)
                    ],
                ),
            )
            for policy in _network_policies(args)
        ]
        self.disruption_budget = None
        if args.replicas > 1:
            self.disruption_budget = objects.create(
                pods.pod_disruption_budget(NAME, ns, objects.labels(NAME)), in_namespace
            )
        self.register_outputs({"configMapName": self.config_map.metadata["name"]})

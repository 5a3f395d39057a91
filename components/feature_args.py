"""Typed arguments of the production features, derived from the validated settings
(pure). Components receive these, never the settings object."""

from __future__ import annotations

from components import facts
from components.archive import DEFAULT_PORTS, ArchiveArgs
from components.artifacts import ArtifactArgs
from components.network_policies import NetworkArgs
from components.observability import ObservabilityArgs
from components.pod_options import IMAGE_NAMES, PodOptionsArgs, image_reference
from components.routing import RoutingArgs
from components.scaling import ScaleArgs
from components.scheduling import PlacementArgs
from components.settings import Settings, document
from components.workflow_containers import ContainerDefaultsArgs


def image(settings: Settings, part: str) -> str:
    """The image of ``part`` (controller, server, executor): repository and tag from
    their keys, else ``imageRegistry``/<upstream name> and ``version``."""
    repository = getattr(settings, f"{part}ImageRepository") or (
        f"{settings.imageRegistry}/{IMAGE_NAMES[part]}"
    )
    # The executor's default is the nonroot variant of the release (facts).
    default_tag = settings.version + (facts.EXECUTOR_TAG_SUFFIX if part == "executor" else "")
    return image_reference(repository, getattr(settings, f"{part}ImageTag") or default_tag)


def artifact_args(s: Settings) -> ArtifactArgs | None:
    if not s.artifactRepository:
        return None
    return ArtifactArgs(
        kind=s.artifactRepository,
        bucket=s.artifactBucket,
        endpoint=s.artifactEndpoint,
        region=s.artifactRegion,
        insecure=s.artifactInsecure,
        key_format=s.artifactKeyFormat,
        credentials_secret=s.artifactCredentialsSecret,
        access_key_key=s.artifactAccessKeyKey,
        secret_key_key=s.artifactSecretKeyKey,
        use_sdk_creds=s.artifactUseSdkCreds,
        archive_logs=s.artifactArchiveLogs,
        gc_strategy=s.artifactGcStrategy,
        gc_service_account=s.artifactGcServiceAccount,
    )


def archive_args(s: Settings) -> ArchiveArgs | None:
    if not (s.archiveEnabled or s.archiveNodeStatusOffload):
        return None
    return ArchiveArgs(
        archive=s.archiveEnabled,
        node_status_offload=s.archiveNodeStatusOffload,
        database=s.archiveDatabase,
        host=s.archiveHost,
        port=s.archivePort,
        database_name=s.archiveDatabaseName,
        table_name=s.archiveTableName,
        credentials_secret=s.archiveCredentialsSecret,
        username_key=s.archiveUsernameKey,
        password_key=s.archivePasswordKey,
        ttl=s.archiveTtl,
        ssl_mode=s.archiveSslMode,
    )


def scale_args(s: Settings) -> ScaleArgs:
    return ScaleArgs(
        parallelism=s.parallelism,
        namespace_parallelism=s.namespaceParallelism,
        rate_limit=s.resourceRateLimit,
        rate_burst=s.resourceRateBurst,
        workflow_workers=s.controllerWorkflowWorkers,
        pod_cleanup_workers=s.controllerPodCleanupWorkers,
        pod_gc_grace_period_seconds=s.podGcGracePeriodSeconds,
        pod_gc_queue_delay=s.podGcQueueDelay,
        retention={
            "completed": s.retentionCompleted,
            "succeeded": s.retentionSucceeded,
            "failed": s.retentionFailed,
            "errored": s.retentionErrored,
        },
    )


def _resources(s: Settings, part: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for kind in ("requests", "limits"):
        suffix = kind[:-1].title()
        values = {
            resource.lower(): getattr(s, f"{part}{resource}{suffix}")
            for resource in ("Cpu", "Memory")
        }
        values = {k: v for k, v in values.items() if v}
        if values:
            out[kind] = values
    return out


def container_defaults_args(s: Settings) -> ContainerDefaultsArgs:
    return ContainerDefaultsArgs(
        executor_resources=_resources(s, "executor"),
        main_resources=_resources(s, "mainContainer"),
        image_pull_policy=s.imagePullPolicy,
        executor_image=image(s, "executor"),
    )


def placement_args(s: Settings, part: str) -> PlacementArgs:
    """``part`` is controller or server."""
    spread = getattr(s, f"{part}TopologySpread")
    return PlacementArgs(
        node_selector=document(getattr(s, f"{part}NodeSelector"), {}),
        tolerations=document(getattr(s, f"{part}Tolerations"), []),
        affinity=document(getattr(s, f"{part}Affinity"), {}),
        topology_spread=None if not spread.strip() else document(spread, []),
    )


def pod_options_args(s: Settings, part: str) -> PodOptionsArgs:
    """``part`` is controller or server."""
    return PodOptionsArgs(
        image=image(s, part),
        pull_policy=s.imagePullPolicy,
        pull_secrets=tuple(s.imagePullSecrets),
        extra_args=tuple(getattr(s, f"{part}ExtraArgs")),
        extra_env=document(getattr(s, f"{part}ExtraEnv"), []),
        pod_labels=document(getattr(s, f"{part}PodLabels"), {}),
        pod_annotations=document(getattr(s, f"{part}PodAnnotations"), {}),
    )


def routing_args(s: Settings) -> RoutingArgs:
    return RoutingArgs(
        namespace=s.controlNamespace,
        secure=s.serverSecure,
        service_type=s.serverServiceType,
        ingress_hosts=tuple(h for h in (s.ingressHost, *s.ingressExtraHosts) if h),
        ingress_paths=tuple(s.ingressPaths) or (s.serverBaseHref,),
        ingress_path_type=s.ingressPathType,
        ingress_class=s.ingressClassName,
        ingress_tls_secret=s.ingressTlsSecret,
        ingress_annotations=document(s.ingressAnnotations, {}),
        ingress_labels=document(s.ingressLabels, {}),
        route_parent_refs=document(s.httpRouteParentRefs, []),
        route_hostnames=tuple(s.httpRouteHostnames),
        route_paths=(s.serverBaseHref,),
    )


def observability_args(s: Settings) -> ObservabilityArgs:
    return ObservabilityArgs(
        namespace=s.controlNamespace,
        secure=s.metricsSecure,
        metrics_ttl=s.metricsTtl,
        otlp_endpoint=s.otlpEndpoint,
        service_monitor=s.serviceMonitorEnabled,
        service_monitor_labels=document(s.serviceMonitorLabels, {}),
        interval=s.serviceMonitorInterval,
    )


def network_args(s: Settings) -> NetworkArgs | None:
    if not (s.networkPoliciesEnabled or s.workflowNetworkPolicyEnabled):
        return None
    archive_on = s.archiveEnabled or s.archiveNodeStatusOffload
    return NetworkArgs(
        control_namespace=s.controlNamespace,
        managed_namespace=s.managedNamespace,
        components=s.networkPoliciesEnabled,
        workflows=s.workflowNetworkPolicyEnabled,
        api_server_cidrs=tuple(s.networkApiServerCidrs),
        api_server_ports=tuple(int(p) for p in s.networkApiServerPorts),
        dns_namespace=s.networkDnsNamespace,
        dns_pod_labels=document(s.networkDnsPodLabels, {}),
        sso_issuer_cidrs=tuple(s.networkSsoIssuerCidrs) if s.ssoEnabled else (),
        archive_cidrs=tuple(s.networkArchiveCidrs) if archive_on else (),
        archive_port=s.archivePort or DEFAULT_PORTS[s.archiveDatabase],
        artifact_cidrs=tuple(s.networkArtifactStoreCidrs) if s.artifactRepository else (),
        artifact_port=s.networkArtifactStorePort,
        metrics_namespaces=tuple(s.networkMetricsNamespaces),
        server_ingress_namespaces=tuple(s.networkServerIngressNamespaces),
        controller_egress=document(s.networkControllerEgress, []),
        server_egress=document(s.networkServerEgress, []),
        workflow_egress=document(s.workflowEgress, []),
    )

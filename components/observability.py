"""Controller metrics: how they are served, where else they go, and an optional
Prometheus Operator ServiceMonitor that scrapes them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from components import facts
from components import k8s as objects

NAME = "workflow-controller"
METRICS_SERVICE = f"{NAME}-metrics"
METRICS_PATH = "/metrics"
MONITORING_API = "monitoring.coreos.com/v1"


@dataclass(frozen=True)
class ObservabilityArgs:
    namespace: str
    secure: bool
    metrics_ttl: str
    otlp_endpoint: str
    service_monitor: bool
    service_monitor_labels: dict[str, str]
    interval: str


def metrics_config(args: ObservabilityArgs) -> dict[str, Any]:
    """The ConfigMap's ``metricsConfig`` (config/config.go `MetricsConfig`). `secure` is
    written out: the controller defaults it to true (workflow/controller/controller.go,
    `MetricsConfig.GetSecure(true)`), so the scrape scheme never depends on a default."""
    config: dict[str, Any] = {
        "enabled": True,
        "path": METRICS_PATH,
        "port": facts.CONTROLLER_METRICS_PORT,
        "secure": args.secure,
    }
    if args.metrics_ttl:
        config["metricsTTL"] = args.metrics_ttl
    return config


def controller_env(args: ObservabilityArgs) -> list[dict[str, str]]:
    """OpenTelemetry export of metrics and traces: the controller turns it on when the
    standard OTEL_EXPORTER_OTLP_ENDPOINT is set, over gRPC unless
    OTEL_EXPORTER_OTLP_PROTOCOL says otherwise (docs/telemetry-configuration.md)."""
    if not args.otlp_endpoint:
        return []
    return [{"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": args.otlp_endpoint}]


def build_service_monitor(
    args: ObservabilityArgs, service_labels: dict[str, str]
) -> dict[str, Any]:
    """Scrape the metrics Service with the scheme the controller serves. With `secure`
    the metrics server makes itself a self-signed certificate at start
    (util/telemetry/exporter_prometheus.go, tlsutils.GenerateX509KeyPairTLSConfig) and
    no CA exists to verify it, so verification is skipped for that case only; plain
    HTTP gets no tlsConfig."""
    endpoint: dict[str, Any] = {
        "port": "metrics",
        "path": METRICS_PATH,
        "scheme": "https" if args.secure else "http",
    }
    if args.secure:
        endpoint["tlsConfig"] = {"insecureSkipVerify": True}
    if args.interval:
        endpoint["interval"] = args.interval
    return {
        "apiVersion": MONITORING_API,
        "kind": "ServiceMonitor",
        "metadata": {
            "name": NAME,
            "namespace": args.namespace,
            "labels": {**args.service_monitor_labels, **objects.labels(NAME)},
        },
        "spec": {
            "selector": {"matchLabels": dict(service_labels)},
            "namespaceSelector": {"matchNames": [args.namespace]},
            "endpoints": [endpoint],
        },
    }

"""Controller metrics and the ServiceMonitor that scrapes them, as rendered."""

from __future__ import annotations

from features_support import FULL, FULL_AZURE, container, controller_config, find, render_file


def test_metrics_secure_by_default_and_scraped_over_https(stack_render):
    # workflow/controller/controller.go: MetricsConfig.GetSecure(true); the metrics server
    # then serves a self-signed certificate (util/telemetry), so the scrape skips
    # verification for that case only.
    assert controller_config(stack_render("dev"))["metricsConfig"]["secure"] is True
    render = render_file(FULL_AZURE)
    monitor = find(render, "ServiceMonitor", "workflow-controller", "argo")
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint == {
        "port": "metrics",
        "path": "/metrics",
        "scheme": "https",
        "tlsConfig": {"insecureSkipVerify": True},
    }


def test_plain_http_metrics_get_no_tls_config():
    render = render_file(FULL)
    config = controller_config(render)["metricsConfig"]
    assert config == {
        "enabled": True,
        "path": "/metrics",
        "port": 9090,
        "secure": False,
        "metricsTTL": "10m",
    }
    monitor = find(render, "ServiceMonitor", "workflow-controller", "argo")
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint == {"port": "metrics", "path": "/metrics", "scheme": "http", "interval": "30s"}
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"


def test_service_monitor_selects_the_metrics_service_only():
    render = render_file(FULL)
    monitor = find(render, "ServiceMonitor", "workflow-controller", "argo")
    selector = monitor["spec"]["selector"]["matchLabels"]
    assert monitor["spec"]["namespaceSelector"] == {"matchNames": ["argo"]}
    selected = [
        o["metadata"]["name"]
        for o in render.objects
        if o["kind"] == "Service"
        and o["metadata"]["namespace"] == "argo"
        and selector.items() <= o["metadata"]["labels"].items()
    ]
    assert selected == ["workflow-controller-metrics"]
    service = find(render, "Service", "workflow-controller-metrics")
    assert [p["name"] for p in service["spec"]["ports"]] == ["metrics"]


def test_no_service_monitor_by_default(stack_render):
    assert not [o for o in stack_render("prod").objects if o["kind"] == "ServiceMonitor"]


def test_otlp_export():
    env = container(render_file(FULL), "workflow-controller")["env"]
    assert {
        "name": "OTEL_EXPORTER_OTLP_ENDPOINT",
        "value": "http://otel-collector.monitoring.svc:4317",
    } in env

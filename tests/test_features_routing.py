"""Service type, Ingress and Gateway API HTTPRoute of the Argo Server, as rendered."""

from __future__ import annotations

from features_support import FULL, find, render_file


def test_service_type():
    service = find(render_file(FULL), "Service", "argo-server")
    assert service["spec"]["type"] == "LoadBalancer"


def test_cluster_ip_stays_implicit(stack_render):
    assert "type" not in find(stack_render("prod"), "Service", "argo-server")["spec"]


def test_ingress_hosts_paths_labels_annotations():
    ingress = find(render_file(FULL), "Ingress", "argo-server")
    meta = ingress["metadata"]
    assert meta["annotations"] == {"nginx.ingress.kubernetes.io/proxy-body-size": "10m"}
    assert meta["labels"]["exposure"] == "internal"
    assert meta["labels"]["app.kubernetes.io/name"] == "argo-server"
    rules = ingress["spec"]["rules"]
    assert [r["host"] for r in rules] == ["argo.example.com", "workflows.example.com"]
    for rule in rules:
        assert [(p["path"], p["pathType"]) for p in rule["http"]["paths"]] == [
            ("/", "ImplementationSpecific"),
            ("/api/", "ImplementationSpecific"),
        ]
        for path in rule["http"]["paths"]:
            assert path["backend"] == {"service": {"name": "argo-server", "port": {"number": 2746}}}
    assert ingress["spec"]["tls"] == [
        {
            "hosts": ["argo.example.com", "workflows.example.com"],
            "secretName": "argo-example-com-tls",
        }
    ]
    assert ingress["spec"]["ingressClassName"] == "nginx"


def test_https_backend_annotation_stays_with_a_secure_server(stack_render, render):
    prod = find(stack_render("prod"), "Ingress", "argo-server")["metadata"]["annotations"]
    assert prod == {"nginx.ingress.kubernetes.io/backend-protocol": "HTTPS"}
    custom = render("prod", {"ingressAnnotations": "{example.com/a: b}"})
    annotations = find(custom, "Ingress", "argo-server")["metadata"]["annotations"]
    assert annotations == {
        "example.com/a": "b",
        "nginx.ingress.kubernetes.io/backend-protocol": "HTTPS",
    }


def test_http_route():
    route = find(render_file(FULL), "HTTPRoute", "argo-server", "argo")
    assert route["apiVersion"] == "gateway.networking.k8s.io/v1"
    assert route["spec"] == {
        "parentRefs": [
            {
                "group": "gateway.networking.k8s.io",
                "kind": "Gateway",
                "name": "internal",
                "namespace": "gateways",
                "sectionName": "https",
            }
        ],
        "hostnames": ["argo.example.com"],
        "rules": [
            {
                "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                "backendRefs": [{"name": "argo-server", "port": 2746}],
            }
        ],
    }


def test_no_route_by_default(stack_render):
    assert not [o for o in stack_render("prod").objects if o["kind"] == "HTTPRoute"]

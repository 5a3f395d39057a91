"""NetworkPolicies of the controller, the server and workflow pods, as rendered."""

from __future__ import annotations

from features_support import FULL, FULL_AZURE, find, kinds, render_file

DNS = {
    "to": [
        {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "dns-system"}},
            "podSelector": {"matchLabels": {"app": "coredns"}},
        }
    ],
    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
}
API_SERVER = {
    "to": [{"ipBlock": {"cidr": "172.20.0.10/32"}}, {"ipBlock": {"cidr": "172.20.0.11/32"}}],
    "ports": [{"protocol": "TCP", "port": 6443}],
}


def _cidr_rule(cidr, port):
    return {"to": [{"ipBlock": {"cidr": cidr}}], "ports": [{"protocol": "TCP", "port": port}]}


def _selects(policy, labels):
    selector = policy["spec"]["podSelector"]
    match = selector.get("matchLabels", {}).items() <= labels.items()
    for expression in selector.get("matchExpressions", []):
        assert expression["operator"] == "Exists"
        match = match and expression["key"] in labels
    return match


def _pod_labels(render, deployment):
    return find(render, "Deployment", deployment)["spec"]["template"]["metadata"]["labels"]


def test_controller_reaches_api_server_dns_database_and_nothing_else():
    render = render_file(FULL)
    policy = find(render, "NetworkPolicy", "workflow-controller", "argo")
    assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"]
    assert policy["spec"]["egress"] == [
        DNS,
        API_SERVER,
        _cidr_rule("10.20.0.0/24", 5433),
        _cidr_rule("10.40.0.0/24", 4317),
    ]
    # Only the monitoring namespace, only the metrics port.
    assert policy["spec"]["ingress"] == [
        {
            "from": [
                {
                    "namespaceSelector": {
                        "matchLabels": {"kubernetes.io/metadata.name": "monitoring"}
                    }
                }
            ],
            "ports": [{"protocol": "TCP", "port": 9090}],
        }
    ]
    assert _selects(policy, _pod_labels(render, "workflow-controller"))
    assert not _selects(policy, _pod_labels(render, "argo-server"))


def test_server_reaches_issuer_database_artifacts_and_is_reached_on_its_port():
    render = render_file(FULL)
    policy = find(render, "NetworkPolicy", "argo-server", "argo")
    assert policy["spec"]["egress"] == [
        DNS,
        API_SERVER,
        _cidr_rule("203.0.113.0/24", 443),
        _cidr_rule("10.20.0.0/24", 5433),
        _cidr_rule("10.30.0.0/24", 9000),
        _cidr_rule("10.50.0.0/24", 443),
    ]
    (rule,) = policy["spec"]["ingress"]
    assert rule["ports"] == [{"protocol": "TCP", "port": 2746}]
    assert [
        p["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] for p in rule["from"]
    ] == [
        "ingress-nginx",
        "gateways",
    ]
    assert _selects(policy, _pod_labels(render, "argo-server"))
    assert not _selects(policy, _pod_labels(render, "workflow-controller"))


def test_server_ingress_from_anywhere_by_default_and_default_ports():
    render = render_file(FULL_AZURE)
    policy = find(render, "NetworkPolicy", "argo-server", "argo")
    assert policy["spec"]["ingress"] == [{"ports": [{"protocol": "TCP", "port": 2746}]}]
    # MySQL's default port, both API server ports, no SSO rule without SSO.
    assert _cidr_rule("10.20.0.0/24", 3306) in policy["spec"]["egress"]
    api = policy["spec"]["egress"][1]
    assert api["ports"] == [{"protocol": "TCP", "port": 443}, {"protocol": "TCP", "port": 6443}]
    assert len(policy["spec"]["egress"]) == 4  # DNS, API server, database, artifact store
    controller = find(render, "NetworkPolicy", "workflow-controller", "argo")
    assert controller["spec"]["ingress"] == []
    assert not [
        p for p in kinds(render, "NetworkPolicy") if p["metadata"]["name"] == "workflow-pods"
    ]


def test_workflow_pods_are_denied_all_but_their_egress():
    render = render_file(FULL)
    policy = find(render, "NetworkPolicy", "workflow-pods", "argo-events")
    spec = policy["spec"]
    assert spec["policyTypes"] == ["Ingress", "Egress"] and spec["ingress"] == []
    # Only pods of workflows (workflows.argoproj.io/workflow label), not Argo Events.
    assert spec["podSelector"] == {
        "matchExpressions": [{"key": "workflows.argoproj.io/workflow", "operator": "Exists"}]
    }
    assert spec["egress"] == [
        DNS,
        API_SERVER,
        _cidr_rule("10.30.0.0/24", 9000),
        {
            "to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["169.254.169.254/32"]}}],
            "ports": [{"port": 443, "protocol": "TCP"}],
        },
    ]


def test_no_policies_by_default(stack_render):
    for stack in ("dev", "prod"):
        assert not kinds(stack_render(stack), "NetworkPolicy")


def test_workflow_default_deny_alone(render):
    result = render(
        "dev", {"workflowNetworkPolicyEnabled": "true", "networkApiServerCidrs": '["10.0.0.1/32"]'}
    )
    assert [p["metadata"]["name"] for p in kinds(result, "NetworkPolicy")] == ["workflow-pods"]

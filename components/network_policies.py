"""NetworkPolicies: the controller and server reach what they need and nothing else;
optionally, workflow pods are denied everything but DNS, the API server, the artifact
store and configured egress.

A NetworkPolicy cannot name the API server or an outside host, so those are CIDRs from
config. Policies only take effect with a CNI that enforces them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from components import facts
from components import k8s as objects

API = "networking.k8s.io/v1"
# Label every pod of a workflow carries (workflow/common/common.go LabelKeyWorkflow).
WORKFLOW_POD_LABEL = "workflows.argoproj.io/workflow"
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
HTTPS_PORT = 443


@dataclass(frozen=True)
class NetworkArgs:
    control_namespace: str
    managed_namespace: str
    components: bool
    workflows: bool
    api_server_cidrs: tuple[str, ...]
    api_server_ports: tuple[int, ...]
    dns_namespace: str
    dns_pod_labels: dict[str, str]
    sso_issuer_cidrs: tuple[str, ...]
    archive_cidrs: tuple[str, ...]
    archive_port: int
    artifact_cidrs: tuple[str, ...]
    artifact_port: int
    metrics_namespaces: tuple[str, ...]
    server_ingress_namespaces: tuple[str, ...]
    controller_egress: list[dict[str, Any]]
    server_egress: list[dict[str, Any]]
    workflow_egress: list[dict[str, Any]]


def _tcp(*ports: int) -> list[dict[str, Any]]:
    return [{"protocol": "TCP", "port": port} for port in ports]


def _to_cidrs(cidrs: tuple[str, ...], *ports: int) -> list[dict[str, Any]]:
    if not cidrs:
        return []
    return [{"to": [{"ipBlock": {"cidr": cidr}} for cidr in cidrs], "ports": _tcp(*ports)}]


def _dns(args: NetworkArgs) -> dict[str, Any]:
    return {
        "to": [
            {
                "namespaceSelector": {"matchLabels": {NAMESPACE_NAME_LABEL: args.dns_namespace}},
                "podSelector": {"matchLabels": dict(args.dns_pod_labels)},
            }
        ],
        "ports": [{"protocol": proto, "port": 53} for proto in ("UDP", "TCP")],
    }


def _from_namespaces(namespaces: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{"namespaceSelector": {"matchLabels": {NAMESPACE_NAME_LABEL: ns}}} for ns in namespaces]


def _policy(
    name: str,
    namespace: str,
    pod_selector: dict[str, Any],
    ingress: list[dict[str, Any]],
    egress: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "apiVersion": API,
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace, "labels": objects.labels("network")},
        "spec": {
            "podSelector": pod_selector,
            "policyTypes": ["Ingress", "Egress"],
            "ingress": ingress,
            "egress": egress,
        },
    }


def _base_egress(args: NetworkArgs) -> list[dict[str, Any]]:
    return [_dns(args), *_to_cidrs(args.api_server_cidrs, *args.api_server_ports)]


def controller_policy(args: NetworkArgs) -> dict[str, Any]:
    """The controller talks to the API server, DNS and the archive database; only the
    namespaces listed may scrape its metrics (kubelet probes are not pod traffic)."""
    ingress = []
    if args.metrics_namespaces:
        ingress.append(
            {
                "from": _from_namespaces(args.metrics_namespaces),
                "ports": _tcp(facts.CONTROLLER_METRICS_PORT),
            }
        )
    egress = [
        *_base_egress(args),
        *_to_cidrs(args.archive_cidrs, args.archive_port),
        *args.controller_egress,
    ]
    return _policy(
        "workflow-controller",
        args.control_namespace,
        {"matchLabels": {"app.kubernetes.io/name": "workflow-controller"}},
        ingress,
        egress,
    )


def server_policy(args: NetworkArgs) -> dict[str, Any]:
    """The server talks to the API server, DNS, the SSO issuer (discovery at start and
    token exchange), the archive database and the artifact store (artifact downloads and
    archived logs); it is reached on its port only."""
    rule: dict[str, Any] = {"ports": _tcp(facts.SERVER_PORT)}
    if args.server_ingress_namespaces:
        rule["from"] = _from_namespaces(args.server_ingress_namespaces)
    egress = [
        *_base_egress(args),
        *_to_cidrs(args.sso_issuer_cidrs, HTTPS_PORT),
        *_to_cidrs(args.archive_cidrs, args.archive_port),
        *_to_cidrs(args.artifact_cidrs, args.artifact_port),
        *args.server_egress,
    ]
    return _policy(
        "argo-server",
        args.control_namespace,
        {"matchLabels": {"app.kubernetes.io/name": "argo-server"}},
        [rule],
        egress,
    )


def workflow_policy(args: NetworkArgs) -> dict[str, Any]:
    """Default-deny for workflow pods only (other tenants of the managed namespace, such
    as Argo Events, are not selected): no ingress; egress to DNS, the API server (the
    executor writes WorkflowTaskResults), the artifact store and configured rules."""
    egress = [
        *_base_egress(args),
        *_to_cidrs(args.artifact_cidrs, args.artifact_port),
        *args.workflow_egress,
    ]
    return _policy(
        "workflow-pods",
        args.managed_namespace,
        {"matchExpressions": [{"key": WORKFLOW_POD_LABEL, "operator": "Exists"}]},
        [],
        egress,
    )

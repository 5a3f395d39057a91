"""Where the controller and server pods run: node selector, tolerations, affinity and
topology spread, with replicas spread across nodes by default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HOSTNAME_TOPOLOGY = "kubernetes.io/hostname"
# Every upstream image is linux-only.
BASE_NODE_SELECTOR = {"kubernetes.io/os": "linux"}


@dataclass(frozen=True)
class PlacementArgs:
    node_selector: dict[str, str]
    tolerations: list[dict[str, Any]]
    affinity: dict[str, Any]
    # None: the default spread (more than one replica across nodes).
    topology_spread: list[dict[str, Any]] | None


def default_spread(selector: dict[str, str]) -> list[dict[str, Any]]:
    """One replica per node at most while there are nodes to spare. Tainted nodes
    (NotReady, unreachable, cordoned) do not count (nodeTaintsPolicy Honor), so a lost
    node does not block its replacement pod."""
    return [
        {
            "maxSkew": 1,
            "topologyKey": HOSTNAME_TOPOLOGY,
            "whenUnsatisfiable": "DoNotSchedule",
            "nodeTaintsPolicy": "Honor",
            "labelSelector": {"matchLabels": dict(selector)},
        }
    ]


def pod_spec_fields(args: PlacementArgs, replicas: int, selector: dict[str, str]) -> dict[str, Any]:
    """The scheduling fields of a pod spec."""
    fields: dict[str, Any] = {"nodeSelector": {**BASE_NODE_SELECTOR, **args.node_selector}}
    if args.tolerations:
        fields["tolerations"] = args.tolerations
    if args.affinity:
        fields["affinity"] = args.affinity
    spread = args.topology_spread
    if spread is None:
        spread = default_spread(selector) if replicas > 1 else []
    if spread:
        # A constraint without a labelSelector counts no pod at all; give it the pods
        # of this Deployment.
        fields["topologySpreadConstraints"] = [
            {"labelSelector": {"matchLabels": dict(selector)}, **constraint}
            for constraint in spread
        ]
    return fields

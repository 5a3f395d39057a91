"""Scale knobs of the controller: parallelism, pod creation rate, workers, pod GC and
retention of completed workflows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ScaleArgs:
    parallelism: int
    namespace_parallelism: int
    rate_limit: str
    rate_burst: int
    workflow_workers: int
    pod_cleanup_workers: int
    pod_gc_grace_period_seconds: int
    pod_gc_queue_delay: str
    retention: dict[str, int]


def config_entries(args: ScaleArgs) -> dict[str, Any]:
    """Top-level keys of the controller ConfigMap (config/config.go `Config`: parallelism,
    namespaceParallelism, resourceRateLimit {limit, burst}, podGCGracePeriodSeconds,
    podGCDeleteDelayDuration; config/retention_policy.go `RetentionPolicy`). Unset knobs
    are left out, so the controller keeps its own default."""
    entries: dict[str, Any] = {}
    if args.parallelism:
        entries["parallelism"] = args.parallelism
    if args.namespace_parallelism:
        entries["namespaceParallelism"] = args.namespace_parallelism
    if args.rate_limit:
        limit = float(args.rate_limit)
        entries["resourceRateLimit"] = {
            "limit": int(limit) if limit.is_integer() else limit,
            "burst": args.rate_burst,
        }
    if args.pod_gc_grace_period_seconds >= 0:
        entries["podGCGracePeriodSeconds"] = args.pod_gc_grace_period_seconds
    if args.pod_gc_queue_delay:
        entries["podGCDeleteDelayDuration"] = args.pod_gc_queue_delay
    retention = {k: v for k, v in args.retention.items() if v}
    if retention:
        entries["retentionPolicy"] = retention
    return entries


def controller_args(args: ScaleArgs) -> list[str]:
    """Worker flags of workflow-controller (cmd/workflow-controller/main.go:
    --workflow-workers, default 32; --pod-cleanup-workers, default 4)."""
    out = []
    if args.workflow_workers:
        out.append(f"--workflow-workers={args.workflow_workers}")
    if args.pod_cleanup_workers:
        out.append(f"--pod-cleanup-workers={args.pod_cleanup_workers}")
    return out

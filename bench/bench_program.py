"""Program run time under mocks against the SDK's floor.

The floor is the same number of bare WorkflowTemplate custom resources registered under
the same mocks: what any Pulumi program that registers N objects pays. The program adds
loading and validating the catalog (measured alone too: its share) and the rest of the
install. Peak memory comes from a fresh process per size (bench.one_run).
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from bench.catalog_gen import template, write_catalog
from components.catalog import load_catalog
from components.program import run as run_program
from tools import mock_runtime
from tools.stack_config import merged_config

ROOT = Path(__file__).resolve().parent.parent


def floor_program(manifests: list[dict]) -> Callable[[], None]:
    """Register each manifest as a bare CustomResource, nothing else."""

    def program() -> None:
        for manifest in manifests:
            k8s.apiextensions.CustomResource(
                f"workflowtemplate-{manifest['metadata']['name']}",
                api_version=manifest["apiVersion"],
                kind=manifest["kind"],
                metadata={**manifest["metadata"], "namespace": "argo-events"},
                spec=manifest["spec"],
                opts=pulumi.ResourceOptions(),
            )

    return program


class _Parent(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("bench:index:Catalog", name, None, None)


def structured_floor_program(manifests: list[dict]) -> Callable[[], None]:
    """The floor with the program's structure: each template under a component parent and
    depending on two resources (the program's CRD and namespace). Context for the program's
    ratio: what that structure costs the SDK."""

    def program() -> None:
        namespace = k8s.core.v1.Namespace("managed", metadata={"name": "argo-events"})
        crd = k8s.apiextensions.CustomResource(
            "crd", api_version="v1", kind="Marker", metadata={"name": "marker"}
        )
        parent = _Parent("catalog")
        opts = pulumi.ResourceOptions(parent=parent, depends_on=[crd, namespace])
        for manifest in manifests:
            k8s.apiextensions.CustomResource(
                f"workflowtemplate-{manifest['metadata']['name']}",
                api_version=manifest["apiVersion"],
                kind=manifest["kind"],
                metadata={**manifest["metadata"], "namespace": "argo-events"},
                spec=manifest["spec"],
                opts=opts,
            )

    return program


def _seconds(fn: Callable[[], object]) -> float:
    """CPU seconds of this process (every thread): the mocks run in-process, and CPU time
    is far less disturbed by other load on the machine than wall time."""
    gc.collect()
    start = time.process_time()
    fn()
    return time.process_time() - start


def _best_of(runs: int, *fns: Callable[[], object]) -> list[float]:
    """Best time of each function, running them in turn so drift hits all alike."""
    best = [float("inf")] * len(fns)
    for _ in range(runs):
        for i, fn in enumerate(fns):
            best[i] = min(best[i], _seconds(fn))
    return best


def _peak_mb(kind: str, catalog: Path) -> float:
    """Peak resident memory (MB) of a fresh process running the program or the floor once."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.one_run", kind, str(catalog)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)["peak_mb"]


def measure(
    sizes: tuple[int, ...] = (100, 1000, 3000), runs: int = 3, structured_at: int = 1000
) -> list[dict[str, float]]:
    """CPU seconds (best of ``runs``) for the program, the floor and the catalog alone at
    each catalog size, and each one's peak memory; at ``structured_at`` templates also
    the structured floor."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            catalog = write_catalog(Path(tmp) / f"catalog-{size}", size)
            config, secrets = merged_config("dev", {"templatesDir": str(catalog)})
            registered, _ = mock_runtime.run(run_program, config, secrets)
            assert sum(r.type.endswith(":WorkflowTemplate") for r in registered) == size
            manifests = [template(i) for i in range(size)]
            floor_fn = floor_program(manifests)
            fns = [
                lambda c=config, s=secrets: mock_runtime.run(run_program, c, s),
                lambda f=floor_fn, c=config: mock_runtime.run(f, c),
                lambda d=catalog: load_catalog(d, managed_namespace="argo-events"),
            ]
            if size == structured_at:
                structured = structured_floor_program(manifests)
                fns.append(lambda f=structured, c=config: mock_runtime.run(f, c))
            program, floor, catalog_only, *rest = _best_of(runs, *fns)
            rows.append(
                {
                    "templates": size,
                    "program": program,
                    "floor": floor,
                    "catalog": catalog_only,
                    "structured": rest[0] if rest else None,
                    "program_mb": _peak_mb("program", catalog),
                    "floor_mb": _peak_mb("floor", catalog),
                }
            )
    return rows

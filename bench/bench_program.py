"""Program run time under mocks against the SDK's floor.

The floor is the same number of bare WorkflowTemplate custom resources registered under
the same mocks, with the program's garbage-collector setting
(components.program.fewer_full_collections): what any Pulumi program that registers N
objects pays in the same interpreter. The program adds
loading and validating the catalog (measured alone too: its share) and the rest of the
install. Peak memory comes from a fresh process per size (bench.one_run).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from bench.catalog_gen import write_catalog
from bench.other_work import Watch, keeps
from components import k8s as objects
from components import program as program_module
from components.program import run as run_program
from tools import mock_runtime
from tools.stack_config import merged_config

ROOT = Path(__file__).resolve().parent.parent


def _register(manifests: list[dict], opts: pulumi.ResourceOptions) -> None:
    """Each manifest as a bare CustomResource in the managed namespace."""
    for manifest in manifests:
        k8s.apiextensions.CustomResource(
            f"workflowtemplate-{manifest['metadata']['name']}",
            api_version=manifest["apiVersion"],
            kind=manifest["kind"],
            metadata={**manifest["metadata"], "namespace": "argo-events"},
            spec=manifest["spec"],
            opts=opts,
        )


def floor_program(manifests: list[dict]) -> Callable[[], None]:
    """Register each manifest as a bare CustomResource, nothing else."""

    def program() -> None:
        program_module.fewer_full_collections()  # same interpreter settings as the program
        _register(manifests, pulumi.ResourceOptions())

    return program


class _Parent(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("bench:index:Catalog", name, None, None)


def structured_floor_program(manifests: list[dict]) -> Callable[[], None]:
    """The floor with the program's structure: each template under a component parent and
    depending on two resources (the program's CRD and namespace). Context for the program's
    ratio: what that structure costs the SDK."""

    def program() -> None:
        program_module.fewer_full_collections()
        namespace = objects.create(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "argo-events"}},
            pulumi.ResourceOptions(),
            name="managed",
        )
        crd = k8s.apiextensions.CustomResource(
            "crd", api_version="v1", kind="Marker", metadata={"name": "marker"}
        )
        parent = _Parent("catalog")
        _register(manifests, pulumi.ResourceOptions(parent=parent, depends_on=[crd, namespace]))

    return program


# Suffix of a bench.one_run kind that runs with CPython's default collector setting.
DEFAULT_GC = "-default-gc"
# Suffix of a bench.one_run kind that stops where the run would start.
BEFORE_RUN = "-before-run"


def _fresh(kind: str, catalog: Path) -> dict[str, float]:
    """CPU seconds and peak MB of one run of ``kind`` in a fresh process (bench.one_run),
    and the cores other work kept busy beside that process (bench.other_work)."""
    watch = Watch.start()
    out = subprocess.run(
        [sys.executable, "-m", "bench.one_run", kind, str(catalog)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {**json.loads(out), "other_cores": watch.other_cores()}


def measure(
    sizes: tuple[int, ...] = (100, 1000, 3000), runs: int = 3, structured_at: int = 1000
) -> list[dict[str, Any]]:
    """CPU seconds (best of ``runs``) of the program, the floor and the catalog alone at
    each catalog size, each run in a fresh process as `pulumi preview` runs a program
    (nothing a run leaves in the SDK's runtime or in caches slows or speeds the next), and
    each one's peak memory; at ``structured_at`` templates also the structured floor. The
    kinds take turns, so drift in the machine's speed hits all alike. A kind keeps its best
    run beside which the machine was otherwise quiet (bench.other_work); ``other_cores``
    holds, for each kind, the cores other work kept busy beside the run it kept, and
    ``rounds`` every run, a dict of kinds a round."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            catalog = write_catalog(Path(tmp) / f"catalog-{size}", size)
            config, secrets = merged_config("dev", {"templatesDir": str(catalog)})
            registered, _ = mock_runtime.run(run_program, config, secrets)
            assert sum(r.type.endswith(":WorkflowTemplate") for r in registered) == size
            kinds = ["program", "floor", "catalog"]
            if size == structured_at:
                kinds += ["structured", f"program{DEFAULT_GC}", f"floor{DEFAULT_GC}"]
            best: dict[str, dict[str, float]] = {}
            rounds: list[dict[str, dict[str, float]]] = []
            for _ in range(runs):
                rounds.append({})
                for kind in kinds:
                    found = rounds[-1][kind] = _fresh(kind, catalog)
                    if keeps(found, best.get(kind)):
                        best[kind] = found
            rows.append(
                {
                    "templates": size,
                    "program": best["program"]["cpu"],
                    "floor": best["floor"]["cpu"],
                    "catalog": best["catalog"]["cpu"],
                    **{
                        kind.replace("-", "_"): best[kind]["cpu"]
                        for kind in ("structured", f"program{DEFAULT_GC}", f"floor{DEFAULT_GC}")
                        if kind in best
                    },
                    "program_mb": best["program"]["peak_mb"],
                    "floor_mb": best["floor"]["peak_mb"],
                    "other_cores": {kind: best[kind]["other_cores"] for kind in kinds},
                    "rounds": rounds,
                }
            )
    return rows


def _instructions(kind: str, catalog: Path, out: Path) -> int:
    """Instructions a fresh ``bench.one_run`` process of ``kind`` executes (valgrind's
    cachegrind without cache simulation: a count, which the machine's load does not move)."""
    subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            f"--cachegrind-out-file={out}",
            sys.executable,
            "-m",
            "bench.one_run",
            kind,
            str(catalog),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return cachegrind_summary(out)


def cachegrind_summary(out: Path) -> int:
    """The instructions a cachegrind output file counts (its ``summary:`` line)."""
    for line in out.read_text().splitlines():
        if line.startswith("summary:"):
            return int(line.split()[1])
    raise RuntimeError(f"no summary line in {out}")


def instruction_counts(sizes: Sequence[int] = (1000,)) -> dict[int, dict[str, int]] | None:
    """Instructions of one program run and one floor run at each of ``sizes`` templates
    (each process's count less that of the same process stopped before its run), or None
    where valgrind is not installed. About 20 times slower than a plain run; a count does
    not depend on what else runs, so as many processes run at once as there are cores."""
    if shutil.which("valgrind") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        catalogs = {size: write_catalog(Path(tmp) / f"catalog-{size}", size) for size in sizes}
        jobs = [
            (size, kind, suffix, catalogs[size])
            for size in sorted(catalogs, reverse=True)  # the longest first
            for kind in ("program", "floor")
            for suffix in ("", BEFORE_RUN)
        ]

        def count(job: tuple[int, str, str, Path]) -> int:
            size, kind, suffix, catalog = job
            return _instructions(f"{kind}{suffix}", catalog, Path(tmp) / f"{size}-{kind}{suffix}")

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            found = dict(
                zip(((s, k, x) for s, k, x, _ in jobs), pool.map(count, jobs), strict=True)
            )
    return {
        size: {
            kind: found[(size, kind, "")] - found[(size, kind, BEFORE_RUN)]
            for kind in ("program", "floor")
        }
        for size in sorted(catalogs)
    }

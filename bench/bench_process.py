"""Whole processes: `python -m tools.render` against the floor process, and startup.

Each process runs fresh; its CPU time (user + system, every thread) and peak memory come
from the kernel's accounting of the finished child (os.wait4), so other load on the
machine disturbs them far less than wall time, which is reported beside them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.catalog_gen import write_catalog
from bench.other_work import Watch, keeps

ROOT = Path(__file__).resolve().parent.parent


def run_process(args: list[str]) -> dict:
    """CPU seconds, wall seconds, peak MB and stdout of ``python args...`` run in ROOT
    (a module of this package, which prints JSON with ``peak_mb`` last), and the cores
    other work kept busy beside it (bench.other_work)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        watch = Watch.start()
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        other_cores = watch.other_cores()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"python {' '.join(args)} failed:\n{err.read().decode()}")
        printed = out.read().decode()
        # the child reports its own peak (bench.peak): ru_maxrss would count this
        # process's memory, which the forked child held before exec
        return {
            "cpu": usage.ru_utime + usage.ru_stime,
            "wall": wall,
            "peak_mb": json.loads(printed.strip().splitlines()[-1])["peak_mb"],
            "out": printed,
            "other_cores": other_cores,
        }


def _best(runs: int, *commands: list[str]) -> tuple[list[dict], list[dict[str, dict]]]:
    """Each command's run with the least CPU time, running them in turn, of those beside
    which the machine was otherwise quiet where it has any (bench.other_work); and every
    run, a dict a round with the command's index (as a string) as key."""
    best: list[dict | None] = [None] * len(commands)
    rounds: list[dict[str, dict]] = []
    for _ in range(runs):
        rounds.append({})
        for i, command in enumerate(commands):
            result = rounds[-1][str(i)] = run_process(command)
            if keeps(result, best[i]):
                best[i] = result
    return best, rounds  # type: ignore[return-value]


def measure_render(size: int, runs: int = 3) -> dict:
    """`tools.render` of the dev stack with a generated catalog of ``size`` templates
    (objects written to a folder) against the floor process over the same files."""
    with tempfile.TemporaryDirectory() as tmp:
        catalog = write_catalog(Path(tmp) / "catalog", size)
        out = Path(tmp) / "out"
        (render, floor), rounds = _best(
            runs,
            ["-m", "bench.startup", "render", "dev", str(out), f"templatesDir={catalog}"],
            ["-m", "bench.floor_process", str(catalog)],
        )
    rounds = [{"render": r["0"], "floor": r["1"]} for r in rounds]
    return {
        "templates": size,
        "render": render,
        "floor": floor,
        "rounds": rounds,
        **_startup(render),
    }


def _startup(result: dict) -> dict:
    data = json.loads(result["out"].strip().splitlines()[-1])
    return {"import": data["import"], "hera": data["hera"]}


def measure_startup(runs: int = 3) -> dict:
    """The default (dev) stack's render process against importing the SDKs alone."""
    with tempfile.TemporaryDirectory() as tmp:
        (render, floor), _ = _best(
            runs,
            ["-m", "bench.startup", "render", "dev", str(Path(tmp) / "out")],
            ["-m", "bench.startup", "floor"],
        )
    python_templates = sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "workflowtemplates").rglob("*.py")
        if not any(part.startswith(("_", ".")) for part in p.relative_to(ROOT).parts)
    )
    return {
        "render": render,
        "floor": floor,
        "render_import": _startup(render)["import"],
        "floor_import": _startup(floor)["import"],
        "hera": _startup(render)["hera"],
        "python_templates": python_templates,
    }

"""Benchmark: python -m bench [--sizes 10,100,1000] [--runs 3] [--out bench/RESULTS.md]

Reports the program's run time under mocks against the SDK's floor, and the policy pack's
Analyze throughput over the real protocol against an empty pack, as a Markdown table.
Goals: at 1000 templates at most 1.5x the floor, and linear growth from 100 to 1000 (at
most 10x); the pack at most 1.5x the empty pack.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from datetime import date
from pathlib import Path

from bench import bench_policy, bench_program
from bench.catalog_gen import write_catalog
from tools import mock_runtime
from tools.render import render_stack

PROGRAM_GOAL = 1.5
PACK_GOAL = 1.5


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def report(sizes: list[int], runs: int) -> str:
    mock_runtime.install()
    rows = bench_program.measure(tuple(sizes), runs)
    lines = [
        f"Measured {date.today().isoformat()} on {_machine()}; best of {runs} runs.",
        "",
        "| templates | program (CPU s) | floor (CPU s) | program / floor | goal |",
        "| ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        ratio = row["program"] / row["floor"]
        goal = ""
        if row["templates"] == max(sizes):
            goal = f"<= {PROGRAM_GOAL}x: {'met' if ratio <= PROGRAM_GOAL else 'missed'}"
        lines.append(
            f"| {row['templates']} | {row['program']:.2f} | {row['floor']:.2f} "
            f"| {ratio:.2f}x | {goal} |"
        )
    by_size = {r["templates"]: r for r in rows}
    if 100 in by_size and 1000 in by_size:
        growth = by_size[1000]["program"] / by_size[100]["program"]
        floor_growth = by_size[1000]["floor"] / by_size[100]["floor"]
        lines += [
            "",
            f"Growth from 100 to 1000 templates: program {growth:.1f}x (goal: linear, at most "
            f"10x: {'met' if growth <= 10 else 'missed'}); the floor grew {floor_growth:.1f}x.",
        ]
    with tempfile.TemporaryDirectory() as tmp:
        catalog = write_catalog(Path(tmp) / "catalog", max(sizes))
        resources = render_stack("dev", {"templatesDir": str(catalog)}).resources
    policy = bench_policy.measure(resources, runs)
    n = policy["resources"]
    vs_empty = policy["pack"] / policy["empty"]
    vs_shape = policy["pack"] / policy["shape"]
    lines += [
        "",
        "| policy pack | resources | seconds | resources/s | this pack / it | goal |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
        f"| empty pack (1 policy, checks nothing) | {n} | {policy['empty']:.2f} | "
        f"{n / policy['empty']:.0f} | {vs_empty:.2f}x | <= {PACK_GOAL}x: "
        f"{'met' if vs_empty <= PACK_GOAL else 'missed'} |",
        f"| same-shape pack ({policy['policies']} policies, check nothing; context, not "
        f"the goal) | {n} | {policy['shape']:.2f} | {n / policy['shape']:.0f} | "
        f"{vs_shape:.2f}x | |",
        f"| this pack | {n} | {policy['pack']:.2f} | {n / policy['pack']:.0f} | | |",
    ]
    if policy["violations"]:
        lines.append(
            f"\nThe pack reported {policy['violations']} violation(s): the input is wrong."
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    text = report([int(s) for s in args.sizes.split(",")], args.runs)
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

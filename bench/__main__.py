"""Benchmark: python -m bench [--sizes 100,1000,3000] [--runs 5] [--out bench/RESULTS.md]

Measures each target of the project as a ratio against its floor, in one run, and prints
whether it is met, with the machine's load before and after. Each kind runs once a round,
beside its floor; beside each run the benchmark measures the CPU other work used
(bench/other_work.py). A goal is judged on the median of the rounds' ratios, of the rounds
in which the machine was otherwise quiet beside both runs, and is not judged without one;
the tables show each kind's best run of those beside a quiet machine.

1. the policy pack against an empty one-policy pack (Analyze of every resource of the
   1000-template stack, then AnalyzeStack, over the real protocol);
2. the program against the SDK floor at 1000 templates, growth to the largest size
   against the floor's, peak memory, and both counted in instructions where valgrind is
   installed; the whole `tools.render` process against a process
   that only imports the SDKs and registers the same files, and the catalog's share;
3. the default stack's render startup against importing pulumi and pulumi_kubernetes;
4. the newcomer's set-up and test times, as the last `bash .ci/run` recorded them.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import re
import signal
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import bench_policy, bench_process, bench_program
from bench.catalog_gen import write_catalog
from bench.other_work import QUIET_CORES, busy_kinds, paired_ratio
from tools import mock_runtime
from tools.render import engine_config, render_stack

ROOT = Path(__file__).resolve().parent.parent
CI_TIMES = ROOT / ".ci" / "last-run.tsv"

PACK_GOAL = 1.2
PROGRAM_GOAL = 1.4
PROCESS_GOAL = 1.8
SETUP_GOAL = 90.0
TEST_GOAL = 60.0
AT = 1000
DEFAULT_SIZES = "100,1000,3000"
DEFAULT_RUNS = 5


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    # the base interpreter: how CPython was built (setup.sh says why it matters)
    base = getattr(sys, "_base_executable", sys.executable)
    python = f"Python {platform.python_version()} ({base})"
    return f"{cpu}, {os.cpu_count()} cores, {python}, {platform.system()}"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} CPUs"


@dataclass(frozen=True)
class Noise:
    """What a run showed of its own noise: a measurement that does all its floor does and
    more came out below that floor, by `fraction` of itself."""

    fraction: float
    seen: str


def less_than_its_floor(
    rounds: list[dict[str, dict]],
    name: str,
    kinds: str | tuple[str, ...],
    floor: str,
    floor_kinds: str | tuple[str, ...],
) -> Noise | None:
    """A measurement that does all its floor does and more can only come out below the floor
    by noise, and by how much is the least the noise was in that run. Judged as the goals
    are: on the median of the rounds' ratios of the two (bench.other_work.paired_ratio)."""
    pair = paired_ratio(rounds, kinds, floor_kinds)
    if pair is None or pair[0] >= 1:
        return None
    ratio = pair[0]
    fraction = 1 / ratio - 1
    return Noise(
        fraction,
        f"{name}, which does all that {floor} does and more, measured {fraction:.1%} below "
        f"it (the median of the rounds' ratios of the two, {ratio:.3f}x)",
    )


def _larger(*found: Noise | None) -> Noise | None:
    return max((n for n in found if n), key=lambda n: n.fraction, default=None)


def _too_noisy(ratio: float, goal: float, noise: Noise | None) -> bool:
    """Whether noise of the size the run showed, in either direction, could carry the
    ratio to the other side of the goal."""
    return bool(noise) and ratio / (1 + noise.fraction) <= goal < ratio * (1 + noise.fraction)


def _judged(ratio: float, goal: float, noise: Noise | None = None, busy: str = "") -> str:
    """met, MISSED or why not judged. ``busy``: the compared kinds whose kept run had other
    work beside it (bench.other_work), which slowed them by an amount no one knows."""
    if busy:
        return "not judged, other work kept the machine busy"
    if _too_noisy(ratio, goal, noise):
        return "not judged, the run was noisier than the margin"
    return "met" if ratio <= goal else "MISSED"


def _verdict(ratio: float, goal: float, noise: Noise | None = None, busy: str = "") -> str:
    return f"<= {goal}x: {_judged(ratio, goal, noise, busy)}"


def _noise_note(noise: Noise, ratio: float, goal: float) -> str:
    if _too_noisy(ratio, goal, noise):
        return (
            f"Not judged: {noise.seen} in this run, so the machine's noise was at least "
            f"{noise.fraction:.1%}, enough to carry {ratio:.2f}x across the {goal}x goal. Run "
            "the benchmark again."
        )
    return (
        f"A noisy run: {noise.seen}. Noise of that size ({noise.fraction:.1%}) cannot carry "
        f"{ratio:.2f}x across the {goal}x goal, so the verdict stands."
    )


def _judged_ratio(
    rounds: list[dict[str, dict]], a: str, b: str, best: float, busy: str
) -> tuple[float, str, str]:
    """The ratio of ``a`` to ``b`` that a goal is judged on: the median of the rounds'
    pairs (bench.other_work.paired_ratio), or the best runs' ratio where no round ran both
    beside a quiet machine. Also why it is not judged ("" if it is), and how it was found."""
    pair = paired_ratio(rounds, a, b)
    if pair is None:
        return best, busy or "no round ran both beside a quiet machine", "of the best runs"
    ratio, count = pair
    how = (
        f"the median over {count} round{'s' if count != 1 else ''} of the two in the same "
        f"round; the best runs' {best:.2f}x"
    )
    return ratio, "", how


def _quiet_note(compared: dict[str, float]) -> str:
    """What other work did beside the runs kept of the ``compared`` kinds (the cores it
    kept busy, by kind): how quiet the machine was, or which ratios it leaves unjudged."""
    busy = busy_kinds(compared)
    if busy:
        return (
            f"Other work kept the machine busy beside every run of {busy}: more than "
            f"{QUIET_CORES} of a core on average (the machine's busy time in /proc/stat, "
            "steal included, less the run's own CPU and the benchmark's: bench/other_work.py), "
            "so no ratio with those is judged. Run the benchmark again on a quieter machine."
        )
    return (
        f"Beside the runs kept, other work kept at most {max(compared.values()):.2f} cores "
        f"busy (a run counts when at most {QUIET_CORES}: bench/other_work.py)."
    )


def _policy_lines(runs: int) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        catalog = write_catalog(Path(tmp) / "catalog", AT)
        render = render_stack("dev", {"templatesDir": str(catalog)})
    stack_config = engine_config(render)
    result = bench_policy.measure(render.resources, runs, stack_config)
    wall, cpu = result["wall"], result["cpu"]
    n = result["resources"]
    best_ratio = cpu["pack"] / cpu["empty"]
    wall_ratio = wall["pack"] / wall["empty"]
    other = result["other_cores"]
    compared = {
        "this pack": other["pack"],
        "the empty pack": other["empty"],
        "this pack without the template-content rules": other["rest"],
    }
    busy = busy_kinds({k: compared[k] for k in ("this pack", "the empty pack")})
    ratio, busy, how = _judged_ratio(result["rounds"], "pack", "empty", best_ratio, busy)
    # Pairs where the first does all the second does and more: the pack and the pack
    # without one policy; the empty pack with and without the runtime set-up per request.
    noise = _larger(
        less_than_its_floor(
            result["rounds"],
            "this pack",
            "pack",
            "the same pack without the template-content rules",
            "rest",
        ),
        less_than_its_floor(
            result["rounds"],
            "the empty pack",
            "empty",
            "the empty pack without the stack's environment",
            "bare",
        ),
    )
    lines = [
        f"### 1. Policy pack: {_verdict(ratio, PACK_GOAL, noise, busy)} ({ratio:.2f}x the "
        f"empty pack's CPU time, {how}; wall time of the best runs {wall_ratio:.2f}x: "
        f"{_judged(wall_ratio, PACK_GOAL, busy=busy)})",
        "",
        f"Analyze of each of the {n} resources of the dev stack with {AT} templates, then "
        f"one AnalyzeStack, over the Analyzer protocol; {result['policies']} policies at "
        "their own enforcement levels. The goal is judged on the pack process's CPU time "
        "(what the pack does; the kernel's accounting, less disturbed by other load than the "
        "wall time, yet still disturbed: see below which runs count); the "
        "wall time of the same run, which also holds the client and waits for a CPU on a "
        "busy machine, is beside it. The table holds each pack's best run; the goal is "
        "judged on the median of the rounds' ratios.",
        "",
        "| pack | wall s | pack CPU s | / empty (wall) | / empty (CPU) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for key, label in bench_policy.PACKS.items():
        lines.append(
            f"| {label} | {wall[key]:.2f} | {cpu[key]:.2f} | {wall[key] / wall['empty']:.2f}x "
            f"| {cpu[key] / max(cpu['empty'], 1e-9):.2f}x |"
        )
    if result["violations"]:
        lines.append(
            f"\nThe pack reported {result['violations']} mandatory violation(s): the input is "
            "wrong, the figures do not count."
        )
    rest_busy = busy_kinds({k: v for k, v in compared.items() if k != "this pack"})
    rest_ratio, rest_busy, _ = _judged_ratio(
        result["rounds"], "rest", "empty", cpu["rest"] / max(cpu["empty"], 1e-9), rest_busy
    )
    lines.append(
        f"\nWithout the template-content rules the pack takes {rest_ratio:.2f}x the empty "
        f"pack's CPU ({_verdict(rest_ratio, PACK_GOAL, noise, rest_busy)}); those rules (the "
        f"catalog's checks applied to each of the {AT} WorkflowTemplates, the issue-8 attack "
        "class 10) cost "
        f"{cpu['pack'] - cpu['rest']:.2f} CPU s, "
        f"{(cpu['pack'] - cpu['rest']) / AT * 1000:.2f} ms a template."
    )
    set_up = (cpu["empty"] - cpu["bare"]) / n * 1000
    lines.append(
        "\nThe engine starts a pack with the stack's name and config in its environment "
        "(pulumi/pulumi analyzer_plugin.go, constructEnv), and the SDK's servicer sets the "
        "Pulumi runtime up from them before every request: "
        f"{set_up:.2f} ms a request in this run (the first two rows). This pack does that only "
        "when it would change what a policy reads (policies/shared_analysis.py). Against the "
        f"empty pack started without that environment this pack takes "
        f"{cpu['pack'] / max(cpu['bare'], 1e-9):.2f}x the CPU."
    )
    lines.append(f"\n{_quiet_note(compared)}")
    if noise and not busy:
        lines.append(f"\n{_noise_note(noise, ratio, PACK_GOAL)}")
    counted = bench_policy.instruction_counts(render.resources, stack_config)
    if counted is None:
        lines.append("\nvalgrind is not installed here: no instruction counts.")
    else:
        lines.append(
            "\nCounted instead of timed (valgrind's cachegrind, one run each; each pack "
            "process's instructions less those of the same pack started and stopped without "
            "a request; a count the machine's load does not move, though instructions are not "
            f"time): this pack {counted['pack'] / 1e9:.2f} G, the empty pack "
            f"{counted['empty'] / 1e9:.2f} G, {counted['pack'] / counted['empty']:.2f}x; the "
            "goal is judged on CPU time."
        )
    if not busy and (ratio > PACK_GOAL or wall_ratio > PACK_GOAL):
        lines.append(
            f"\nOver the goal: the pack spent {cpu['pack'] - cpu['empty']:.2f} CPU s and "
            f"{wall['pack'] - wall['empty']:.2f} wall s more than the empty pack; the "
            "same-shape row is what the SDK alone spends before any rule runs. Each run starts "
            "every pack afresh, as `pulumi preview` does, so no verdict kept from an earlier "
            "run is counted."
        )
    return lines


def _gc_effect(program: float, program_default_gc: float) -> str:
    saved = 1 - program / program_default_gc
    if saved >= 0.005:
        return f"The setting made the program {saved:.0%} cheaper in this run."
    return (
        "The setting made the program no cheaper in this run: the machine's speed moved "
        "more than the setting saves."
    )


def _beside(rows: list[dict], sizes: set[int]) -> dict[str, float]:
    """The cores other work kept busy beside the program's and the floor's kept runs at
    each of ``sizes`` templates, by run."""
    return {
        f"the {kind} at {r['templates']} templates": r["other_cores"][kind]
        for r in rows
        if r["templates"] in sizes
        for kind in ("program", "floor")
    }


def _program_lines(sizes: list[int], runs: int) -> list[str]:
    rows = bench_program.measure(tuple(sizes), runs, structured_at=AT)
    by_size = {r["templates"]: r for r in rows}
    at = by_size.get(AT, rows[-1])
    small, large = rows[0], rows[-1]
    busy = busy_kinds(_beside(rows, {at["templates"]}))
    ratio, busy, how = _judged_ratio(
        at["rounds"], "program", "floor", at["program"] / at["floor"], busy
    )
    noise = (
        _larger(
            less_than_its_floor(
                at["rounds"],
                "the floor with the program's structure",
                "structured",
                "the floor",
                "floor",
            ),
            # The program loads the catalog and registers the templates with that structure.
            less_than_its_floor(
                at["rounds"],
                "the program",
                "program",
                "the floor with the program's structure and the catalog together",
                ("structured", "catalog"),
            ),
        )
        if at.get("structured")
        else None
    )
    lines = [
        f"### 2a. Program: {_verdict(ratio, PROGRAM_GOAL, noise, busy)} ({ratio:.2f}x the "
        f"floor's CPU time at {at['templates']} templates, {how})",
        "",
        "CPU seconds of one run under the SDK's mocks, each run in a fresh process as "
        "`pulumi preview` runs a program (best run); the floor registers the same number of "
        "bare WorkflowTemplate custom resources, with the program's garbage-collector setting "
        "(full collections rarer: `fewer_full_collections` in components/program.py), so both "
        "run in the same interpreter. `catalog` is loading and validating the "
        "templates alone (part of `program`). Peak memory of the best run's process. The "
        "table holds each kind's best run; the goal is judged on the median of the rounds' "
        "ratios (bench/other_work.py, paired_ratio).",
        "",
        "| templates | program s | floor s | program / floor | catalog s | catalog share "
        "| program MB | floor MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['templates']} | {r['program']:.2f} | {r['floor']:.2f} | "
            f"{r['program'] / r['floor']:.2f}x | {r['catalog']:.2f} | "
            f"{r['catalog'] / r['program']:.0%} | {r['program_mb']:.0f} | {r['floor_mb']:.0f} |"
        )
    if at.get("structured"):
        rest = at["program"] - at["catalog"] - at["structured"]
        lines += [
            "",
            f"Where the {at['templates']}-template program's time goes: loading and "
            f"validating the catalog {at['catalog']:.2f} s; the floor with the program's "
            f"structure (each template under a component parent, depending on the CRD and "
            f"the namespace) takes {at['structured']:.2f} s "
            f"({at['structured'] / at['floor']:.2f}x the floor); "
            + (
                f"the rest of the install and the program's own work {rest:.2f} s."
                if rest >= 0
                else "these two came out above the whole program in this run (noise)."
            ),
        ]
    lines += ["", _quiet_note(_beside(rows, {r["templates"] for r in rows}))]
    if noise and not busy:
        lines += ["", _noise_note(noise, ratio, PROGRAM_GOAL)]
    counted = bench_program.instruction_counts(
        sorted({small["templates"], at["templates"], large["templates"]})
    )
    if counted is None:
        lines += ["", "valgrind is not installed here: no instruction counts."]
    else:
        lines += ["", _counted_line(counted, at["templates"], small, large)]
    if at.get("program_default_gc") and at.get("floor_default_gc"):
        lines += [
            "",
            f"With CPython's default collector setting instead, at {at['templates']} templates: "
            f"program {at['program_default_gc']:.2f} s, floor {at['floor_default_gc']:.2f} s "
            f"({at['program_default_gc'] / at['floor_default_gc']:.2f}x). "
            f"{_gc_effect(at['program'], at['program_default_gc'])} "
            "The goal is judged with the program's setting on both sides.",
        ]
    if small is not large:
        growth = large["program"] / small["program"]
        floor_growth = large["floor"] / small["floor"]
        # No worse than the floor's growth: the program's ratio to the floor at the largest
        # size no above the one at the smallest, each the median of its rounds' pairs.
        ends = [paired_ratio(r["rounds"], "program", "floor") for r in (small, large)]
        busy = busy_kinds(_beside(rows, {small["templates"], large["templates"]}))
        if None in ends:
            met = _judged(growth, floor_growth, busy=busy or "no quiet round")
            how = ""
        else:
            (at_small, _), (at_large, _) = ends
            met = _judged(at_large, at_small)
            how = (
                f", judged on the program's ratio to the floor, the median of the rounds' "
                f"pairs: {at_large:.2f}x at {large['templates']} templates against "
                f"{at_small:.2f}x at {small['templates']}"
            )
        lines += [
            "",
            f"Growth from {small['templates']} to {large['templates']} templates "
            f"({large['templates'] / small['templates']:.0f}x the templates), best runs: "
            f"program {growth:.1f}x, floor {floor_growth:.1f}x (goal: no worse than the "
            f"floor's{how}: {met}).",
        ]
    return lines


def _counted_line(counted: dict[int, dict[str, int]], at: int, small: dict, large: dict) -> str:
    """The instruction counts: the ratio at ``at`` templates, and the growth from the
    smallest to the largest size beside the floor's."""
    program, floor = counted[at]["program"], counted[at]["floor"]
    line = (
        f"Counted instead of timed (valgrind's cachegrind, one run each, the process's "
        "instructions less those of the same process stopped before its run; a count the "
        f"machine's load does not move, though instructions are not time): at {at} "
        f"templates program {program / 1e9:.2f} G, floor {floor / 1e9:.2f} G, "
        f"{program / floor:.2f}x."
    )
    first, last = small["templates"], large["templates"]
    if first != last:
        growth = counted[last]["program"] / counted[first]["program"]
        floor_growth = counted[last]["floor"] / counted[first]["floor"]
        line += (
            f" From {first} to {last} templates the program's count grows {growth:.1f}x, the "
            f"floor's {floor_growth:.1f}x; the goals are judged on CPU time."
        )
    return line


def _process_lines(runs: int) -> list[str]:
    result = bench_process.measure_render(AT, runs)
    render, floor = result["render"], result["floor"]
    compared = {"tools.render": render["other_cores"], "the floor": floor["other_cores"]}
    ratio, busy, how = _judged_ratio(
        result["rounds"], "render", "floor", render["cpu"] / floor["cpu"], busy_kinds(compared)
    )
    lines = [
        f"### 2b. Whole render process: {_verdict(ratio, PROCESS_GOAL, busy=busy)} "
        f"({ratio:.2f}x the floor process's CPU time at {AT} templates, {how})",
        "",
        "`python -m tools.render --stack dev --out DIR` with the generated catalog (imports, "
        "config, catalog validation, every object written as YAML) against a process that "
        "imports the SDKs, reads the same files and registers each template under the same "
        "mocks. CPU seconds of the best run (kernel accounting of the child), wall seconds "
        "and peak memory beside; the goal is judged on the median of the rounds' ratios.",
        "",
        "| process | CPU s | wall s | peak MB | imports CPU s |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| tools.render | {render['cpu']:.2f} | {render['wall']:.2f} | "
        f"{render['peak_mb']:.0f} | {result['import']:.2f} |",
        f"| floor | {floor['cpu']:.2f} | {floor['wall']:.2f} | {floor['peak_mb']:.0f} | |",
        "",
        f"Hera imported for a catalog without `.py` templates: "
        f"{'yes (its models validate the YAML templates)' if result['hera'] else 'no'}.",
        "",
        _quiet_note(compared),
    ]
    if ratio > PROCESS_GOAL and not busy:
        lines.append(
            f"\nMissed by {render['cpu'] - floor['cpu'] * PROCESS_GOAL:.2f} CPU s; the "
            "catalog's share is in table 2a."
        )
    return lines


def _startup_lines(runs: int) -> list[str]:
    result = bench_process.measure_startup(runs)
    needed = bool(result["python_templates"])
    met = result["hera"] == needed
    ratio = result["render_import"] / result["floor_import"]
    why = (
        f"the stack's catalog has Python templates ({', '.join(result['python_templates'])}), "
        "so Hera is needed"
        if needed
        else "the stack's catalog has no Python template"
    )
    return [
        f"### 3. Default stack startup: {'met' if met else 'MISSED'} (Hera imported: "
        f"{'yes' if result['hera'] else 'no'}; {why})",
        "",
        "CPU seconds in fresh processes: the imports `python -m tools.render` needs, and the "
        "whole render of the dev stack, against importing pulumi and pulumi_kubernetes alone.",
        "",
        "| process | imports CPU s | total CPU s | peak MB |",
        "| --- | ---: | ---: | ---: |",
        f"| tools.render --stack dev | {result['render_import']:.2f} | "
        f"{result['render']['cpu']:.2f} | {result['render']['peak_mb']:.0f} |",
        f"| import pulumi, pulumi_kubernetes | {result['floor_import']:.2f} | "
        f"{result['floor']['cpu']:.2f} | {result['floor']['peak_mb']:.0f} |",
        "",
        f"The render's imports take {ratio:.1f}x the SDKs' (they include the submodules of "
        "pulumi_kubernetes the program uses, Hera when needed, and the program itself).",
    ]


def _newcomer_lines() -> list[str]:
    if not CI_TIMES.exists():
        return [
            "### 4. Newcomer: not measured in this run",
            "",
            "Run `bash .ci/run` on a fresh clone (it records each phase's time in "
            f"`{CI_TIMES.relative_to(ROOT)}`), then this benchmark again.",
        ]
    phases: list[tuple[str, float, str, str]] = []
    for line in CI_TIMES.read_text().splitlines():
        key, seconds, *rest = line.split("\t")
        rest += ["", ""]
        phases.append((key, float(seconds), rest[0], rest[1]))
    lines = [
        "### 4. Newcomer, as the last `bash .ci/run` recorded it",
        "",
        "Wall seconds of each phase on a fresh clone, the machine's load at the end of the "
        "phase, the CPU the phase used and the cores other processes kept busy meanwhile "
        "(run with empty package caches: a new UV_CACHE_DIR and PIP_NO_CACHE_DIR=1).",
        "",
        "| phase | seconds | load at its end | CPU | goal |",
        "| --- | ---: | --- | --- | --- |",
    ]
    goals = {"set-up": SETUP_GOAL, "tests": TEST_GOAL}
    for phase, seconds, phase_load, usage in phases:
        goal = goals.get(phase)
        verdict = f"<= {goal:.0f} s: {'met' if seconds <= goal else 'MISSED'}" if goal else ""
        if phase == "tests" and not _busy(usage):
            verdict += " on this machine; not judged for a busy one (see below)"
        lines.append(f"| {phase} | {seconds:.1f} | {phase_load} | {usage} | {verdict} |")
    notes = [
        "The goals are for a fresh machine (set-up) and a busy two-core machine (tests). "
        f"The test phase counts as run on a busy machine when other processes kept at least "
        f"{BUSY_OTHER_CORES:g} of a core busy on average while it ran (one CPU-bound process "
        "beside the suite's two workers gets about two thirds of a core); a test phase on a "
        "quieter machine is not judged against the busy-machine goal."
    ]
    return lines + ["", *notes]


# Cores that other processes must keep busy during the test phase for it to count as run on
# a busy machine: one CPU-bound process beside the suite's two workers gets about 2/3 of one.
BUSY_OTHER_CORES = 0.5


def _busy(usage: str) -> bool:
    """Whether a phase's usage ("phase CPU 80.1 s; other work 0.66 cores") shows other
    processes keeping at least BUSY_OTHER_CORES busy."""
    found = re.search(r"other work ([0-9.]+) cores", usage)
    return bool(found) and float(found[1]) >= BUSY_OTHER_CORES


# The project's own modules, compiled to bytecode before anything is measured: Python does
# that itself on a first import, unless PYTHONDONTWRITEBYTECODE is set (as on some CI
# machines). Every process then starts as it would the second time, like the SDKs, whose
# bytecode the set-up writes.
_PROJECT_PACKAGES = ("components", "policies", "tools", "bench")


def _compile_project() -> None:
    root = Path(__file__).resolve().parent.parent
    for package in _PROJECT_PACKAGES:
        compileall.compile_dir(root / package, quiet=1)


def report(sizes: list[int], runs: int) -> str:
    mock_runtime.install()
    _compile_project()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Measured {now} on {_machine()}; {runs} rounds; the project's modules "
        "compiled to bytecode first, as a first import does where PYTHONDONTWRITEBYTECODE "
        "is not set.",
        f"Before: {load()}.",
        "",
        *_policy_lines(runs),
        "",
        *_program_lines(sizes, runs),
        "",
        *_process_lines(runs),
        "",
        *_startup_lines(runs),
        "",
        *_newcomer_lines(),
        "",
        f"After: {load()}.",
    ]
    return "\n".join(lines) + "\n"


def let_packs_stop() -> None:
    """A shell starts a background job (`cmd &`, nohup) with SIGINT ignored, and every
    process the job starts inherits that. The SDK's empty packs measured here stop only on
    SIGINT (ours takes it back: policies/clean_stop.py), so each would wait out the
    runner's stop bound and then be killed; their default is restored for them."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def main(argv: list[str] | None = None) -> int:
    let_packs_stop()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    text = report(sizes, args.runs)
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

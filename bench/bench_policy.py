"""Policy pack: Analyze of every resource plus one AnalyzeStack, over the real protocol.

Every pack runs as the engine runs it (tools.policy_runner), started for the dev stack
with its settings and config in its environment as the engine starts an analyzer
(pulumi/pulumi sdk/go/common/resource/plugin/analyzer_plugin.go, constructEnv), which the
SDK reads again before every request. The requests are built once, before timing, so
the figures hold only what the packs do (and the protocol's round trips). Baselines:
- the empty pack: one resource policy that checks nothing, the protocol's floor;
- the same empty pack started without the stack's environment (no runtime set-up per
  request): context, to show what that set-up costs;
- the same-shape pack: as many resource and stack policies as ours, each checking
  nothing, on the SDK's own servicer (it converts a resource's properties once per
  policy, pulumi_policy/policy.py `Analyze`): what our pack would cost without
  policies/shared_analysis.py before any rule runs. Context, not a goal.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.bench_program import cachegrind_summary
from bench.other_work import Watch, keeps
from tools.policy_runner import POLICIES_DIR, PolicyRunner, build_requests

_PACK_YAML = "runtime: python\nversion: 0.0.1\ndescription: A pack that checks nothing.\n"

# The floor packs start like ours (policies/__main__.py): the objects the imports built are
# frozen out of the garbage collector's sight before the server starts.
_PACK_MAIN = """\
import gc

from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ResourceValidationPolicy,
    StackValidationPolicy,
)


def _nothing(args, report_violation):
    return None


gc.freeze()

PolicyPack(
    name="noop",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        *[ResourceValidationPolicy(name=n, description="Checks nothing.", validate=_nothing)
          for n in {resource!r}],
        *[StackValidationPolicy(name=n, description="Checks nothing.", validate=_nothing)
          for n in {stack!r}],
    ],
)
"""

# The policy holding every WorkflowTemplate to the catalog's rules (issue 8): the
# "rest" row runs the pack with it disabled, to show what those rules cost.
TEMPLATE_CONTENT = "workflowtemplates-follow-catalog-rules"

PACKS = {
    "empty": "empty pack (1 policy, checks nothing)",
    "bare": "empty pack, started without the stack's environment",
    "shape": "same-shape pack on the SDK's servicer (checks nothing)",
    "pack": "this pack",
    "rest": f"this pack with {TEMPLATE_CONTENT} disabled",
}


def _noop_pack(folder: Path, resource: list[str], stack: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "PulumiPolicy.yaml").write_text(_PACK_YAML)
    (folder / "__main__.py").write_text(_PACK_MAIN.format(resource=resource, stack=stack))
    return folder


def our_policy_names() -> tuple[list[str], list[str]]:
    """Names of our resource and stack policies (the pack imports its modules as siblings)."""
    sys.path.insert(0, str(POLICIES_DIR))
    try:
        from resource_policies import RESOURCE_POLICIES
        from stack_policies import STACK_POLICIES
    finally:
        sys.path.remove(str(POLICIES_DIR))
    return [p.name for p in RESOURCE_POLICIES], [p.name for p in STACK_POLICIES]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(resources: list, runs: int = 3, stack_config: dict[str, str] | None = None) -> dict:
    """Seconds (wall, best of ``runs``) to Analyze every resource and AnalyzeStack once,
    for each pack, the pack process's CPU seconds in its best run, and the cores other
    work kept busy beside that run (a pack keeps its best run of those beside which the
    machine was otherwise quiet, where it has any: bench.other_work), and every run in
    ``rounds``, a dict of packs a round.

    Every run starts each pack afresh, as `pulumi preview` does, so nothing the pack kept
    from an earlier run is counted; starting is not measured. The packs take turns, so
    drift in the machine's speed hits all of them alike.
    """
    resource_names, stack_names = our_policy_names()
    requests, stack_request = build_requests(resources)
    best: dict[str, dict[str, float]] = {}
    rounds: list[dict[str, dict[str, float]]] = []
    violations = 0
    with tempfile.TemporaryDirectory() as tmp:
        folders = {
            "empty": _noop_pack(Path(tmp) / "empty", ["nothing"], []),
            "bare": Path(tmp) / "empty",
            "shape": _noop_pack(Path(tmp) / "shape", resource_names, stack_names),
            "pack": POLICIES_DIR,
            "rest": POLICIES_DIR,
        }
        configs = {"rest": {TEMPLATE_CONTENT: "disabled"}}
        for _ in range(runs):
            rounds.append({})
            for key, folder in folders.items():
                stack = None if key == "bare" else "dev"
                with PolicyRunner(
                    configs.get(key), pack_dir=folder, stack=stack, stack_config=stack_config
                ) as runner:
                    cpu = _cpu_seconds(runner.pid)
                    watch = Watch.start()
                    found = runner.send(requests, stack_request)
                    run = {"wall": time.perf_counter() - watch.started}
                    run["cpu"] = _cpu_seconds(runner.pid) - cpu
                    run["other_cores"] = watch.other_cores(running_cpu=run["cpu"])
                    rounds[-1][key] = run
                    if keeps(run, best.get(key), by="wall"):
                        best[key] = run
                if key == "pack":
                    violations = len([v for v in found if v.enforcement_level == "mandatory"])
    return {
        "resources": len(resources),
        "policies": len(resource_names) + len(stack_names),
        "wall": {key: value["wall"] for key, value in best.items()},
        "cpu": {key: value["cpu"] for key, value in best.items()},
        "other_cores": {key: value["other_cores"] for key, value in best.items()},
        "rounds": rounds,
        "violations": violations,
    }


# The pack's interpreter under cachegrind: each process it starts writes its own count.
_COUNTING_PYTHON = """#!/bin/sh
exec valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file={out}/cachegrind.%p \\
  {python} "$@"
"""

COUNTED = ("pack", "empty")


def _count(folder: Path, out: Path, requests: tuple, stack_config: dict[str, str] | None) -> int:
    """Instructions of one pack process started for the dev stack under cachegrind, which
    serves ``requests`` (the Analyze requests and the AnalyzeStack one) if any, then stops."""
    out.mkdir()
    python = out / "python"
    python.write_text(_COUNTING_PYTHON.format(out=out, python=sys.executable))
    python.chmod(0o755)
    with PolicyRunner(
        pack_dir=folder,
        python=str(python),
        stack="dev",
        stack_config=stack_config,
        start_timeout=600,
        # Every pack ends on SIGTERM, and cachegrind writes its count then; under
        # cachegrind the SDK's empty pack does not stop on SIGINT.
        stop_signal=signal.SIGTERM,
    ) as runner:
        if requests:
            runner.send(*requests)
    return sum(cachegrind_summary(f) for f in out.glob("cachegrind.*"))


def instruction_counts(
    resources: list, stack_config: dict[str, str] | None = None
) -> dict[str, int] | None:
    """Instructions this pack and the empty pack spend serving every Analyze request and
    the AnalyzeStack one (each pack process's count less that of the same pack started and
    stopped without a request), or None where valgrind is not installed. A count, which the
    machine's load does not move; as many processes run at once as there are cores."""
    if shutil.which("valgrind") is None:
        return None
    requests = build_requests(resources)
    with tempfile.TemporaryDirectory() as tmp:
        folders = {"pack": POLICIES_DIR, "empty": _noop_pack(Path(tmp) / "empty", ["nothing"], [])}
        jobs = [(key, served) for key in COUNTED for served in (True, False)]

        def count(job: tuple[str, bool]) -> int:
            key, served = job
            out = Path(tmp) / f"{key}-{'served' if served else 'idle'}"
            return _count(folders[key], out, requests if served else (), stack_config)

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            found = dict(zip(jobs, pool.map(count, jobs), strict=True))
    return {key: found[(key, True)] - found[(key, False)] for key in COUNTED}

"""Policy pack Analyze throughput over the real protocol, against empty packs.

Every pack runs as the engine runs it (tools.policy_runner). Two baselines:
- the empty pack: one policy that checks nothing, the protocol's floor;
- the same-shape pack: our policy names (as many resource and stack policies), each
  checking nothing. The Python SDK deserializes a resource's properties once per policy
  (pulumi_policy/policy.py, Analyze), so this is the floor for a pack of our shape, and the
  difference to it is what our rules themselves cost.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import time
from pathlib import Path

from tools.policy_runner import POLICIES_DIR, PolicyRunner

_PACK_YAML = "runtime: python\nversion: 0.0.1\ndescription: A pack that checks nothing.\n"

_PACK_MAIN = """\
from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ResourceValidationPolicy,
    StackValidationPolicy,
)


def _nothing(args, report_violation):
    return None


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


def measure(resources: list, runs: int = 3) -> dict[str, float]:
    """Seconds to Analyze every resource and AnalyzeStack once, for each pack.

    The three packs run side by side and take turns, so drift in the machine's speed hits
    all of them alike; each keeps its best time.
    """
    resource_names, stack_names = our_policy_names()
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        packs = {
            "empty": _noop_pack(Path(tmp) / "empty", ["nothing"], []),
            "shape": _noop_pack(Path(tmp) / "shape", resource_names, stack_names),
            "pack": POLICIES_DIR,
        }
        runners = {key: stack.enter_context(PolicyRunner(pack_dir=d)) for key, d in packs.items()}
        best = dict.fromkeys(runners, float("inf"))
        violations = 0
        for _ in range(runs):
            for key, runner in runners.items():
                start = time.perf_counter()
                found = runner.analyze(resources)
                best[key] = min(best[key], time.perf_counter() - start)
                if key == "pack":
                    violations = len(found)
    return {
        "resources": len(resources),
        "policies": len(resource_names) + len(stack_names),
        **best,
        "violations": violations,
    }

"""What the rest of the machine did while a run was measured, and which runs count.

A run's CPU time is the kernel's accounting of its own process, yet other work on the
machine still moves it: a process on the other core shares the caches and the memory
bus, and on a virtual machine the host may run other machines on ours (steal). The
machine's busy time (/proc/stat, steal included) less the CPU of the run and of the
benchmark itself is what other work took meanwhile; over the run's wall time, the cores
it kept busy. Each kind keeps its best run among those beside which the machine was
otherwise quiet, and a goal is judged on the median of the rounds' ratios, of the rounds
quiet on both sides (paired_ratio); a ratio with no such round is not judged.
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

# Cores other work may keep busy beside a run that counts. An idle machine here reads
# 0.03 to 0.04 (mostly steal); one CPU-bound process beside the run reads 1.0.
QUIET_CORES = 0.2

_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def busy_seconds(stat: str | None = None) -> float:
    """CPU seconds every core has spent busy since boot, steal included (the first line
    of /proc/stat: user nice system idle iowait irq softirq steal ...)."""
    line = (stat if stat is not None else Path("/proc/stat").read_text()).split("\n", 1)[0]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, line.split()[1:9])
    return (user + nice + system + irq + softirq + steal) / _TICKS_PER_SECOND


def _own_seconds() -> float:
    """CPU seconds of this process (every thread) and of its children it has waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


@dataclass(frozen=True)
class Watch:
    """A window over one run: started just before it, read just after it."""

    started: float
    busy: float
    own: float

    @classmethod
    def start(cls) -> Watch:
        return cls(time.perf_counter(), busy_seconds(), _own_seconds())

    def other_seconds(self, running_cpu: float = 0.0) -> float:
        """CPU seconds other work used since the start: the machine's busy time less this
        process's and its waited-for children's, and less ``running_cpu``, the CPU that a
        process not yet waited for used in the window."""
        other = busy_seconds() - self.busy - (_own_seconds() - self.own) - running_cpu
        return max(other, 0.0)  # the machine's ticks can round below the processes' own

    def other_cores(self, running_cpu: float = 0.0) -> float:
        """The cores other work kept busy on average since the start (other_seconds)."""
        wall = time.perf_counter() - self.started
        return self.other_seconds(running_cpu) / wall if wall > 0 else 0.0


def keeps(found: dict, kept: dict | None, by: str = "cpu") -> bool:
    """Whether run ``found`` replaces ``kept`` as the one its kind keeps: a run beside
    which the machine was quiet (``other_cores``) over one beside other work, then the
    lesser ``by``."""
    if kept is None:
        return True
    return (not quiet(found), found[by]) < (not quiet(kept), kept[by])


def busy_kinds(other_cores: dict[str, float]) -> str:
    """The kinds, of those compared, whose kept run had other work beside it ("" if none),
    for a verdict's note: each with the cores that work kept busy."""
    return ", ".join(
        f"{kind} ({cores:.2f} cores)" for kind, cores in other_cores.items() if cores > QUIET_CORES
    )


def quiet(run: dict) -> bool:
    """Whether other work kept at most QUIET_CORES busy beside ``run``."""
    return run["other_cores"] <= QUIET_CORES


def paired_ratio(
    rounds: list[dict[str, dict]], a: str | tuple[str, ...], b: str | tuple[str, ...]
) -> tuple[float, int] | None:
    """The median, over the rounds in which both ran beside a quiet machine, of kind
    ``a``'s CPU time over kind ``b``'s in the same round (a tuple of kinds: their sum), and
    how many rounds those were; None if there were none. The kinds of a round run back to
    back, so a slow spell of the machine that no figure of a run shows (the host's other
    machines sharing its caches) hits both sides of a pair, and the median sets aside a
    pair that one spell split: the best run of each kind alone can come from different
    spells."""
    first = (a,) if isinstance(a, str) else a
    second = (b,) if isinstance(b, str) else b
    ratios = [
        sum(r[k]["cpu"] for k in first) / sum(r[k]["cpu"] for k in second)
        for r in rounds
        if all(quiet(r[k]) for k in (*first, *second))
    ]
    if not ratios:
        return None
    return statistics.median(ratios), len(ratios)

"""The CPU a phase of .ci/run used, and how much other processes used meanwhile, in cores.

Arguments: the phase's wall seconds, then its start and end marks as `.ci/run` writes them:
the machine's busy CPU ticks and this shell's children's user and system time as `times`
prints it ("1m2.345s 0m0.678s"). The machine's busy time minus the phase's own is what the
rest of the machine did; divided by the wall time it is the cores they kept busy.
"""

from __future__ import annotations

import os
import re
import sys

_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _seconds(text: str) -> float:
    found = re.fullmatch(r"(\d+)m([0-9.]+)s", text)
    if not found:
        raise ValueError(f"expected a `times` value like 1m2.345s, found {text!r}")
    return int(found[1]) * 60 + float(found[2])


def _mark(text: str) -> tuple[float, float]:
    ticks, user, system = text.split()
    return int(ticks) / _TICKS_PER_SECOND, _seconds(user) + _seconds(system)


def phase_usage(wall: float, start: str, end: str) -> tuple[float, float]:
    """The phase's own CPU seconds, and the cores other processes kept busy on average."""
    machine_start, own_start = _mark(start)
    machine_end, own_end = _mark(end)
    own = own_end - own_start
    other = max((machine_end - machine_start) - own, 0.0)  # tick rounding can go below 0
    return own, other / wall if wall > 0 else 0.0


if __name__ == "__main__":
    wall, start, end = sys.argv[1:4]
    own, other = phase_usage(float(wall), start, end)
    print(f"phase CPU {own:.1f} s; other work {other:.2f} cores")

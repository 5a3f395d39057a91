"""A phase of .ci/run: its wall time, the machine's load, the CPU the phase used and how much
other processes used meanwhile, in cores.

Arguments: the phase's start and end (seconds since the epoch, as bash's $EPOCHREALTIME),
then its start and end marks as `.ci/run` writes them: the machine's busy CPU ticks and
this shell's children's user and system time as `times` prints it ("1m2.345s 0m0.678s").
The machine's busy time minus the phase's own is what the rest of the machine did;
divided by the wall time it is the cores they kept busy. Prints the three figures
separated by tabs.
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


def phase_figures(start: str, end: str, start_mark: str, end_mark: str) -> tuple[str, ...]:
    """The wall seconds, the load and the CPU usage of a phase, as .ci/run prints them."""
    wall = float(end) - float(start)
    own, other = phase_usage(wall, start_mark, end_mark)
    a = os.getloadavg()
    return (
        f"{wall:.1f}",
        f"load {a[0]:.2f} / {a[1]:.2f} / {a[2]:.2f} on {os.cpu_count()} CPUs",
        f"phase CPU {own:.1f} s; other work {other:.2f} cores",
    )


if __name__ == "__main__":
    print("\t".join(phase_figures(*sys.argv[1:5])))

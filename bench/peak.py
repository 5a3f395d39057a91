"""Peak resident memory of this process since it started its program (Linux)."""

from __future__ import annotations

from pathlib import Path


def peak_mb() -> float:
    """VmHWM of /proc/self/status in MB: the peak of this program's own memory. Unlike
    ru_maxrss it does not count the parent's memory a forked child held before exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")

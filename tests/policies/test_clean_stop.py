"""The pack stops cleanly on SIGINT whenever the signal arrives, even before the policy
SDK has entered its serve loop (the cause of unclean stops on a busy machine).

The race is made deterministic: the test pack holds its main thread right after the port
is printed (the SDK's `sys.stdout.buffer.write`) until a SIGINT has arrived, which is
exactly the moment a busy machine may leave it in, then lets it carry on.
"""

from __future__ import annotations

import signal
from pathlib import Path

from policy_harness import write_pack

from tools.policy_runner import PolicyRunner

_PACK = """\
import signal
import sys
import time

sys.path.insert(0, {policies!r})
import clean_stop
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy


class _HeldAfterWrite:
    '''Writes, then waits until a SIGINT is pending (blocked) or raised (not blocked).'''

    def __init__(self, raw):
        self._raw = raw

    def write(self, data):
        written = self._raw.write(data)
        while signal.SIGINT not in signal.sigpending():
            time.sleep(0.01)
        return written

    def __getattr__(self, name):
        return getattr(self._raw, name)


class _Stdout:
    buffer = _HeldAfterWrite(sys.stdout.buffer)

    def __getattr__(self, name):
        return getattr(sys.__stdout__, name)


# SIGINT at its default, as a pack started by the engine has it: a suite run as a shell's
# background job would hand down SIG_IGN (the last test covers that case).
signal.signal(signal.SIGINT, signal.default_int_handler)
if {install!r}:
    clean_stop.install()
sys.stdout = _Stdout()
PolicyPack(
    name="held",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[ResourceValidationPolicy(name="nothing", description="-", validate=print)],
)
"""


def _pack(folder: Path, *, install: bool) -> Path:
    return write_pack(folder, _PACK, install=install)


def test_a_sigint_before_the_serve_loop_stops_the_pack_cleanly(tmp_path: Path) -> None:
    with PolicyRunner(pack_dir=_pack(tmp_path / "pack", install=True)) as runner:
        assert runner.info().name == "held"
    assert runner.returncode == 0, runner.stderr
    assert "Traceback" not in runner.stderr


def test_without_it_the_same_sigint_kills_the_pack(tmp_path: Path) -> None:
    """The cause: the SDK's KeyboardInterrupt handler is not yet in place."""
    with PolicyRunner(pack_dir=_pack(tmp_path / "pack", install=False)) as runner:
        assert runner.info().name == "held"
    assert runner.returncode != 0
    assert "KeyboardInterrupt" in runner.stderr


def test_a_pack_started_with_sigint_ignored_still_stops_on_it() -> None:
    """A shell starts background jobs (`pytest &`, nohup) with SIGINT ignored; the pack
    inherits that, and would otherwise only stop when killed after the stop wait."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        runner = PolicyRunner().__enter__()
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        assert runner.info().name == "argo-workflows-guard"
    finally:
        runner.__exit__(None, None, None)
    assert runner.returncode == 0, runner.stderr

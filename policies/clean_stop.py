"""Stop cleanly on SIGINT whenever it arrives.

The engine and tools.policy_runner stop a pack with SIGINT. The policy SDK (pulumi_policy
`policy.py`, `PolicyPack.__init__`) prints the port, then serves in `while True:
time.sleep(...)` inside `try: ... except KeyboardInterrupt: server.stop(0)`. A SIGINT that
lands before the pack reaches that loop (the client may already be talking to the
server, which started before the port was printed; on a busy machine the main thread can
wait there for a while) raises KeyboardInterrupt outside the `try`: the pack dies with a
traceback instead of stopping its server. Python also runs signal handlers only in the
main thread, and a sleeping main thread only notices a signal that is delivered to it.

`install()` (before the pack is built) blocks SIGINT in the main thread, so every thread
the gRPC server starts inherits the block, and lets the SDK's serve loop unblock it in
the main thread as it starts sleeping: a SIGINT that came early waits, pending, and is
then raised inside the `try`; one that comes later interrupts the sleep as before. A
pack started with SIGINT ignored (a background job of a shell) takes it back.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from pulumi_policy import policy as _sdk


class _ServeLoopClock:
    """Stands in for `time` in the SDK's policy module, whose only use of it is the serve
    loop's sleep."""

    def sleep(self, seconds: float) -> None:
        # Unblocking delivers a pending SIGINT here, inside the SDK's try (Python checks
        # for signals as pthread_sigmask returns).
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        time.sleep(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def install() -> None:
    """Defer SIGINT until the pack serves; call in the main thread before PolicyPack()."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        # A shell starts background jobs (`cmd &`, nohup) with SIGINT ignored and the pack
        # inherits that, yet SIGINT is how it is asked to stop: without this it would run
        # until killed.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    _sdk.time = _ServeLoopClock()

"""One mock run per distinct stack config in each test process.

A run under the SDK mocks is deterministic for the same stack, config and files, so tests
that need the same render share one run; each caller gets its own deep copy, so a test
may change what it gets without touching what others see. Bad config is not kept: every
call that fails runs again and raises again.
"""

from __future__ import annotations

import functools
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.render import Render

_RENDERS: dict[tuple[object, ...], Render] = {}


@functools.cache
def render_function() -> Callable[..., Render]:
    """``tools.render.render_stack`` as defined, even while a test replaces it in its module
    (the program and the SDKs are imported on the first call)."""
    from tools.render import render_stack

    return render_stack


def _frozen(values: dict[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((values or {}).items()))


def rendered(
    stack: str,
    overrides: dict[str, str] | None = None,
    secret_overrides: dict[str, str] | None = None,
    stack_file: Path | None = None,
) -> Render:
    """What ``tools.render.render_stack`` returns for these arguments, run once."""
    key = (
        stack,
        _frozen(overrides),
        _frozen(secret_overrides),
        str(Path(stack_file).resolve()) if stack_file else None,
    )
    if key not in _RENDERS:
        run = render_function()
        _RENDERS[key] = run(stack, overrides, secret_overrides, stack_file=stack_file)
    # a deep copy; pickle's round trip makes it in C, about twice as fast as copy.deepcopy
    return pickle.loads(pickle.dumps(_RENDERS[key], protocol=pickle.HIGHEST_PROTOCOL))

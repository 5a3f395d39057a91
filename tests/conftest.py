"""Shared test set-up: the Pulumi mock runtime, installed once for the whole session.

`pulumi.runtime.set_mocks` must run once, before any program module registers a
resource, and with preview=False so every `apply` runs (with preview=True unknown
outputs skip their callbacks and assertions pass vacuously).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools import mock_runtime  # noqa: E402
from tools.render import Render, render_stack  # noqa: E402

mock_runtime.install()

_CACHE: dict[str, Render] = {}


@pytest.fixture(scope="session")
def stack_render() -> Callable[[str], Render]:
    """Render a committed stack once per session (dev, prod)."""

    def get(stack: str) -> Render:
        if stack not in _CACHE:
            _CACHE[stack] = render_stack(stack)
        return _CACHE[stack]

    return get


@pytest.fixture
def render() -> Callable[..., Render]:
    """Render a stack with config overrides (not cached)."""
    return render_stack


@pytest.fixture(params=["dev", "prod"])
def stack(request: pytest.FixtureRequest) -> str:
    return request.param

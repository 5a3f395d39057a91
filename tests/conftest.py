"""Shared test set-up: the Pulumi mock runtime, installed once for the whole session.

`pulumi.runtime.set_mocks` must run once, before any program module registers a
resource, and with preview=False so every `apply` runs (with preview=True unknown
outputs skip their callbacks and assertions pass vacuously).

The program and the SDKs are imported by the first test that needs them, not here: the
process that only distributes tests to workers (pytest -n) then never pays for them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from render_support import render_function, rendered  # noqa: E402

if TYPE_CHECKING:
    from tools.render import Render


@pytest.fixture(scope="session", autouse=True)
def _mock_runtime() -> None:
    from tools import mock_runtime

    mock_runtime.install()


@pytest.fixture(scope="session")
def stack_render() -> Callable[[str], Render]:
    """Render a committed stack (dev, prod); one run per process, a copy per call."""
    return rendered


@pytest.fixture
def render() -> Callable[..., Render]:
    """Render a stack with config overrides; one run per distinct config and process,
    a copy per call (bad config raises on every call)."""
    return rendered


@pytest.fixture
def memoized_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """``tools.render.main`` renders through the same per-process memo: same arguments,
    same objects (test_render.py::test_two_renders_are_identical shows, through main
    itself and without this fixture, that a render is deterministic)."""
    from tools import render as render_tool

    render_function()  # the real one, bound before main's is replaced
    monkeypatch.setattr(render_tool, "render_stack", rendered)


@pytest.fixture(params=["dev", "prod"])
def stack(request: pytest.FixtureRequest) -> str:
    return request.param

"""Policy pack tests: the pack's modules import as siblings (`import workflow_rules`), as
they do when the engine runs the pack from its folder; the runner imports from tools.

Suites that judge many changes to the rendered dev stack share, per test process, one
rendering of it (its requests built once) and one running pack that reuses the answers
of Analyze requests it already answered under the same config (tools.policy_runner).
Each change's own resources and every AnalyzeStack still go to the pack; the pack's own
protocol tests (test_policy_pack_e2e) send every request.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT / "policies", ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from tools.policy_runner import PolicyConfig, PolicyRunner, PreparedResource, prepare  # noqa: E402


@pytest.fixture(scope="session")
def dev_program(stack_render: Callable[[str], Any]) -> list[PreparedResource]:
    """The rendered dev stack's resources, their requests built once."""
    return prepare(stack_render("dev").resources)


@pytest.fixture(scope="session")
def _started_dev_pack() -> Iterator[tuple[PolicyRunner, dict[str, PolicyConfig]]]:
    with PolicyRunner(stack="dev", reuse_answers=True) as runner:
        yield runner, runner.effective_config


@pytest.fixture(scope="session")
def dev_pack(_started_dev_pack: tuple[PolicyRunner, Any]) -> PolicyRunner:
    """The pack started as the engine starts it for the dev stack, reusing answers."""
    return _started_dev_pack[0]


@pytest.fixture
def pack(_started_dev_pack: tuple[PolicyRunner, Any]) -> Iterator[PolicyRunner]:
    """The shared pack at its default config, and back at it after the test."""
    runner, defaults = _started_dev_pack
    if runner.effective_config != defaults:
        runner.configure(None)
    yield runner
    if runner.effective_config != defaults:
        runner.configure(None)

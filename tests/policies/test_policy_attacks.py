"""Attempts to run something unreviewed, each through the RUNNING pack over the Analyzer
protocol: Analyze for every resource, AnalyzeStack over the rendered dev stack plus the
attempt (fixtures/attacks/*.yaml). What must pass passes the same way (fixtures/accept).

The rendered dev stack and the running pack are shared with the other corpus suites
(conftest.py): one render and one pack process per test process.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from policy_harness import ACCEPTED, ATTACKS, load_attempt

from tools.policy_runner import PolicyRunner, PreparedResource, Violation


@pytest.fixture
def program(dev_program: list[PreparedResource]) -> list[PreparedResource]:
    return dev_program


@pytest.fixture
def runner(pack: PolicyRunner) -> PolicyRunner:
    return pack


def _describe(violations: list[Violation]) -> str:
    return "\n".join(f"{v.policy_name} [{v.enforcement_level}] {v.message}" for v in violations)


def _judge(runner: PolicyRunner, program: list[PreparedResource], fixture: Path):
    attempt = load_attempt(fixture, program)
    if attempt.config is None:
        # the runner is at the default config (the `pack` fixture)
        violations = runner.analyze(attempt.resources)
    else:
        runner.configure(attempt.config)
        try:
            violations = runner.analyze(attempt.resources)
        finally:
            runner.configure(None)
    mandatory = {v.policy_name for v in violations if v.enforcement_level == "mandatory"}
    advisory = {v.policy_name for v in violations if v.enforcement_level == "advisory"}
    return attempt, violations, mandatory, advisory


def test_fixture_sets_are_large_enough() -> None:
    assert len(ATTACKS) >= 55, len(ATTACKS)
    assert len(ACCEPTED) >= 8, len(ACCEPTED)


@pytest.mark.parametrize("fixture", ATTACKS, ids=lambda path: path.stem)
def test_attack_is_refused_by_the_expected_policies(
    runner: PolicyRunner, program: list[PreparedResource], fixture: Path
) -> None:
    attempt, violations, mandatory, advisory = _judge(runner, program, fixture)
    assert attempt.expect, f"{fixture.name} names no expected policy"
    assert mandatory == attempt.expect, _describe(violations)
    assert attempt.advisory <= advisory, _describe(violations)


@pytest.mark.parametrize("fixture", ACCEPTED, ids=lambda path: path.stem)
def test_accepted_change_passes(
    runner: PolicyRunner, program: list[PreparedResource], fixture: Path
) -> None:
    attempt, violations, mandatory, advisory = _judge(runner, program, fixture)
    assert mandatory == set(), _describe(violations)
    assert attempt.advisory <= advisory, _describe(violations)

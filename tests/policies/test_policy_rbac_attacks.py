"""Attack and must-pass fixtures of the RBAC, Sensor and WorkflowEventBinding rules,
driven through the running pack over the Analyzer protocol.

Each fixture (fixtures/attacks-6-7/<item>-<name>.yaml, fixtures/accept-6-7/<name>.yaml) adds its
resources to the rendered dev stack; the pack gets Analyze for every resource and
AnalyzeStack over all of them, as the engine sends them. What the fixture adds must be
refused by exactly the policies its header names (must-pass: by none). The dev stack's own
violations, if any, are the baseline and are not counted here (the stacks are judged in
test_policy_pack_e2e).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from policy_harness import load_yaml, load_yaml_all, resource

from tools.policy_runner import PolicyRunner, PreparedResource, Violation

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ATTACKS = sorted((FIXTURES / "attacks-6-7").glob("*.yaml"))
MUST_PASS = sorted((FIXTURES / "accept-6-7").glob("*.yaml"))


def _load(path: Path) -> tuple[list[Any], set[str]]:
    fixture = load_yaml(path)
    added = [resource(r["type"], r["name"], r.get("inputs") or {}) for r in fixture["resources"]]
    return added, set(fixture["expect"])


@pytest.fixture
def runner(pack: PolicyRunner) -> PolicyRunner:
    return pack


@pytest.fixture
def dev_stack(dev_program: list[PreparedResource]) -> list[Any]:
    return dev_program


@pytest.fixture(scope="module")
def baseline(dev_pack: PolicyRunner, dev_program: list[PreparedResource]) -> set[tuple[str, str]]:
    # every request sent, at the default config (as each test runs: the `pack` fixture)
    dev_pack.configure(None)
    return {(v.policy_name, v.message) for v in dev_pack.analyze(dev_program, reuse=False)}


def _added(runner, dev_stack, baseline, path: Path) -> tuple[list[Violation], set[str]]:
    added, expected = _load(path)
    violations = runner.analyze([*dev_stack, *added])
    return [v for v in violations if (v.policy_name, v.message) not in baseline], expected


def _describe(violations: list[Violation]) -> str:
    return "\n".join(f"{v.policy_name}: {v.message}" for v in violations)


def test_there_are_enough_attacks() -> None:
    items = [path.name.split("-", 1)[0] for path in ATTACKS]
    assert len(ATTACKS) >= 30
    assert items.count("06") >= 15 and items.count("07") >= 15


@pytest.mark.parametrize("path", ATTACKS, ids=lambda path: path.stem)
def test_attack_is_refused_by_the_named_policy(runner, dev_stack, baseline, path: Path) -> None:
    violations, expected = _added(runner, dev_stack, baseline, path)
    assert expected, f"{path.name} names no policy"
    assert {v.policy_name for v in violations} == expected, _describe(violations)
    assert all(v.enforcement_level == "mandatory" for v in violations)


@pytest.mark.parametrize("path", MUST_PASS, ids=lambda path: path.stem)
def test_must_pass_fixture_passes(runner, dev_stack, baseline, path: Path) -> None:
    violations, expected = _added(runner, dev_stack, baseline, path)
    assert expected == set()
    assert violations == [], _describe(violations)


def test_violation_points_at_the_binding(runner, dev_stack, baseline) -> None:
    path = FIXTURES / "attacks-6-7" / "06-token-of-the-controller.yaml"
    violations, _ = _added(runner, dev_stack, baseline, path)
    [violation] = violations
    assert violation.urn.endswith("::rolebinding-argo-mint")
    assert "Service account ci/deployer-bot may" in violation.message
    assert "acting as service account argo/argo" in violation.message
    assert "cronworkflows in namespace argo-events" in violation.message


def _token(manifest: dict) -> str:
    api_version = manifest["apiVersion"]
    module = api_version if "/" in api_version else f"core/{api_version}"
    return f"kubernetes:{module}:{manifest['kind']}"


def test_main_dev_stack_is_refused_through_the_running_pack(runner: PolicyRunner) -> None:
    """main 4ed615c's dev stack: `--auth-mode server`, and a server that may write
    WorkflowTemplates, CronWorkflows, Sensors and EventSources."""
    recorded = FIXTURES / "rbac" / "dev-stack-main-4ed615c.yaml"
    manifests = [doc for doc in load_yaml_all(recorded) if doc]
    resources = [
        resource(_token(m), f"{m['kind'].lower()}-{m['metadata'].get('namespace', '')}-{i}", m)
        for i, m in enumerate(manifests)
    ]
    violations = [
        v for v in runner.analyze(resources) if v.policy_name == "only-deployer-changes-what-runs"
    ]
    text = _describe(violations)
    assert (
        "Service account argo/argo-server may create, update, patch, delete workflowtemplates"
        in text
    )
    assert "--auth-mode server" in text
    assert "Service account argo/argo may" not in text, "the controller keeps its own writes"

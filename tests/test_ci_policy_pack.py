"""CI runs the policy pack (and its config) of the base branch, never the pull request's.

A pull request may change policies/; if the preview ran that copy, the change would judge
itself. preview.yml checks out the base commit a second time and runs its pack; deploy.yml
runs `pulumi up` with the default branch's pack, where preview-time unknowns are known.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
PACK_DIR = "policy-base/policies"


# libyaml's parser where PyYAML has it: the same documents, far faster than the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _workflow(name: str) -> dict[str, Any]:
    return yaml.load((WORKFLOWS / name).read_text(encoding="utf-8"), Loader=_LOADER)


def _steps(name: str, job: str) -> list[dict[str, Any]]:
    return _workflow(name)["jobs"][job]["steps"]


def _pulumi_step(name: str, job: str) -> dict[str, Any]:
    [step] = [s for s in _steps(name, job) if str(s.get("uses", "")).startswith("pulumi/actions")]
    return step


def _triggers(workflow: dict[str, Any]) -> Any:
    # YAML 1.1 reads the key `on` as True.
    return workflow.get("on", workflow.get(True))


CASES = [("preview.yml", "preview", "${{ github.event.pull_request.base.sha }}")]
CASES += [("deploy.yml", "deploy", "${{ github.event.repository.default_branch }}")]


@pytest.mark.parametrize(("name", "job", "trusted_ref"), CASES)
def test_pack_comes_from_a_separate_checkout_of_the_trusted_ref(name, job, trusted_ref) -> None:
    steps = _steps(name, job)
    checkouts = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout")]
    trusted = [s for s in checkouts if s.get("with", {}).get("path") == "policy-base"]
    assert len(trusted) == 1, checkouts
    assert trusted[0]["with"]["ref"] == trusted_ref
    assert trusted[0]["with"]["persist-credentials"] is False
    inputs = _pulumi_step(name, job)["with"]
    assert inputs["policyPacks"] == PACK_DIR
    assert inputs["policyPackConfigs"] == "${{ runner.temp }}/policy-config.json"


@pytest.mark.parametrize(("name", "job", "trusted_ref"), CASES)
def test_no_step_uses_the_checked_out_policies_folder(name, job, trusted_ref) -> None:
    for step in _steps(name, job):
        text = str(step.get("run", "")) + json.dumps(step.get("with", {}))
        for match in re.finditer(r"(\S*)policies/", text):
            assert match.group(1).endswith("policy-base/"), (step.get("name"), text)


@pytest.mark.parametrize(("name", "job", "trusted_ref"), CASES)
def test_pack_venv_is_set_up_in_the_trusted_pack_before_pulumi(name, job, trusted_ref) -> None:
    steps = _steps(name, job)
    names = [s.get("name") for s in steps]
    set_up = steps[names.index("Set up the policy pack")]["run"]
    assert f"python3 -m venv {PACK_DIR}/venv" in set_up
    assert f"{PACK_DIR}/venv/bin/pip install -r {PACK_DIR}/requirements.txt" in set_up
    assert names.index("Set up the policy pack") < names.index("Policy pack config")
    pulumi = next(i for i, s in enumerate(steps) if "pulumi/actions" in str(s.get("uses")))
    assert names.index("Policy pack config") < pulumi


def _run_config_step(name: str, job: str, workspace: Path, stack: str) -> Path:
    [step] = [s for s in _steps(name, job) if s.get("name") == "Policy pack config"]
    runner = workspace.parent / "runner"
    runner.mkdir(exist_ok=True)
    env = {"PATH": os.environ["PATH"], "RUNNER_TEMP": str(runner), "STACK": stack}
    assert step["env"]["STACK"] == "${{ matrix.stack }}"
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return runner / "policy-config.json"


@pytest.mark.parametrize(("name", "job", "trusted_ref"), CASES)
def test_config_comes_from_the_trusted_pack_only(tmp_path: Path, name, job, trusted_ref) -> None:
    workspace = tmp_path / "workspace"
    (workspace / "policies" / "config").mkdir(parents=True)
    (workspace / "policies" / "config" / "dev.json").write_text('{"all": "disabled"}')
    written = _run_config_step(name, job, workspace, "dev")
    assert json.loads(written.read_text()) == {}, "the pull request's config must be ignored"
    (workspace / "policy-base" / "policies" / "config").mkdir(parents=True)
    base = {"no-cluster-workflow-templates": "advisory"}
    (workspace / "policy-base" / "policies" / "config" / "dev.json").write_text(json.dumps(base))
    assert json.loads(_run_config_step(name, job, workspace, "dev").read_text()) == base


def test_preview_still_previews_the_pull_request_program() -> None:
    steps = _steps("preview.yml", "preview")
    program = [
        s
        for s in steps
        if str(s.get("uses", "")).startswith("actions/checkout") and "path" not in s.get("with", {})
    ]
    assert len(program) == 1 and "ref" not in program[0]["with"]
    assert _pulumi_step("preview.yml", "preview")["with"]["command"] == "preview"


def test_deploy_runs_up_only_from_the_default_branch_with_environments() -> None:
    workflow = _workflow("deploy.yml")
    assert set(_triggers(workflow)) == {"push", "workflow_dispatch"}
    assert _triggers(workflow)["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["deploy"]
    assert (
        job["if"]
        == "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
    )
    assert job["environment"] == "${{ matrix.stack }}"
    assert job["strategy"]["matrix"]["stack"] == ["dev", "prod"]
    assert workflow["concurrency"]["cancel-in-progress"] is False
    inputs = _pulumi_step("deploy.yml", "deploy")["with"]
    assert inputs["command"] == "up"
    assert "comment-on-pr" not in inputs


def test_deploy_has_no_expressions_inside_shell_scripts() -> None:
    for step in _steps("deploy.yml", "deploy"):
        assert "${{" not in str(step.get("run", "")), step.get("name")

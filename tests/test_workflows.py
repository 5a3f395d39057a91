"""Tests for the GitHub Actions workflows: their shape, and their shell steps run for real.

The shell steps are run with bash the way a runner does (``bash -eo pipefail``), with the
``${{ }}`` expressions of their env resolved from a table, in a temporary workspace that
has a stub tools.render and the real tools.diff.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO / ".github" / "workflows"

SET_UP = "python3 -m venv venv && venv/bin/pip install -r requirements.txt"
TEST = "venv/bin/python -m pytest -q"
LINT = "venv/bin/ruff check . && venv/bin/ruff format --check ."

# Inputs of pulumi/actions v6 (its action.yml); a misspelt input is silently ignored.
PULUMI_ACTION_INPUTS = {
    "command",
    "stack-name",
    "pulumi-version",
    "pulumi-version-file",
    "work-dir",
    "comment-on-pr",
    "comment-on-pr-number",
    "comment-on-summary",
    "github-token",
    "cloud-url",
    "secrets-provider",
    "parallel",
    "message",
    "config-map",
    "expect-no-changes",
    "diff",
    "replace",
    "target",
    "target-dependents",
    "policyPacks",
    "policyPackConfigs",
    "refresh",
    "upsert",
    "remove",
    "edit-pr-comment",
    "color",
    "exclude-protected",
    "plan",
    "suppress-outputs",
    "suppress-progress",
    "always-include-summary",
}


# --- helpers ----------------------------------------------------------------------------


# libyaml's parser where PyYAML has it: the same documents, far faster than the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _workflow(name: str) -> dict[str, Any]:
    data = yaml.load((WORKFLOWS / name).read_text(encoding="utf-8"), Loader=_LOADER)
    assert isinstance(data, dict), f"{name} is not a mapping"
    return data


def _triggers(workflow: dict[str, Any]) -> set[str]:
    # YAML 1.1 reads the bare key `on` as the boolean true.
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return set(on)
    assert isinstance(on, dict), f"unexpected `on`: {on!r}"
    return set(on)


def _steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return workflow["jobs"][job]["steps"]


def _step(workflow: dict[str, Any], job: str, name: str) -> dict[str, Any]:
    matches = [s for s in _steps(workflow, job) if name in (s.get("id"), s.get("name"))]
    assert len(matches) == 1, f"no single step {name!r} in job {job}"
    return matches[0]


def _index(steps: list[dict[str, Any]], predicate: Any) -> int:
    for index, step in enumerate(steps):
        if predicate(step):
            return index
    raise AssertionError("no matching step")


def _runs(step: dict[str, Any]) -> str:
    return step.get("run", "")


def _uses(step: dict[str, Any], action: str) -> bool:
    return step.get("uses", "").split("@")[0] == action


def _stacks_in_repo() -> set[str]:
    return {path.name[len("Pulumi.") : -len(".yaml")] for path in REPO.glob("Pulumi.*.yaml")}


def _run_step(
    step: dict[str, Any],
    workspace: Path,
    context: dict[str, str],
    outputs: dict[str, dict[str, str]] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run one `run:` step like a runner does; records its outputs under its id."""
    outputs = outputs if outputs is not None else {}

    def resolve(expression: str) -> str:
        expression = expression.strip()
        match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
        if match:
            return outputs[match.group(1)][match.group(2)]
        return context[expression]

    def substitute(value: str) -> str:
        return re.sub(r"\$\{\{(.*?)\}\}", lambda m: resolve(m.group(1)), str(value))

    runner = workspace.parent / "runner"
    runner.mkdir(exist_ok=True)
    output_file = runner / "output"
    output_file.write_text("")
    for name in ("summary", "env"):
        (runner / name).touch()
    script = runner / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(runner)),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_OUTPUT": str(output_file),
        "GITHUB_STEP_SUMMARY": str(runner / "summary"),
        "GITHUB_ENV": str(runner / "env"),
        "RUNNER_TEMP": str(runner),
    }
    env.update({key: substitute(value) for key, value in step.get("env", {}).items()})
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=workspace / step.get("working-directory", "."),
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if "id" in step:
        lines = output_file.read_text().splitlines()
        outputs[step["id"]] = dict(line.split("=", 1) for line in lines if "=" in line)
    return done


def _python_wrapper(venv: Path) -> None:
    """A venv/bin/python that runs this interpreter (which has PyYAML)."""
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)


RENDER_STUB = textwrap.dedent(
    '''
    """Stub of tools.render: writes one Deployment per stack; --check is recorded."""
    import argparse
    import pathlib
    import sys

    import yaml

    REPLICAS = {replicas!r}
    LAYOUT = {layout!r}
    FAIL = {fail!r}

    parser = argparse.ArgumentParser()
    parser.add_argument("--stack", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    with open(pathlib.Path(__file__).parent.parent / "render.log", "a") as log:
        log.write(f"{{args.stack}} {{args.check}}\\n")
    if args.stack in FAIL:
        sys.exit(f"render failed for {{args.stack}}")
    path = pathlib.Path(args.out) / LAYOUT.format(stack=args.stack)
    path.parent.mkdir(parents=True)
    obj = {{
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {{"name": "workflow-controller", "namespace": "argo"}},
        "spec": {{"replicas": REPLICAS[args.stack]}},
    }}
    path.write_text(yaml.safe_dump(obj))
    '''
)


def _project(
    root: Path,
    stacks: list[str],
    replicas: dict[str, int],
    layout: str = "argo/deployment-workflow-controller.yaml",
    fail: tuple[str, ...] = (),
    render: bool = True,
) -> None:
    """Lay out a project tree: stack files, tools.diff, and a tools.render stub."""
    if root.exists():
        for child in root.iterdir():
            if child.name not in (".git", "venv"):
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    (root / "tools").mkdir(parents=True)
    (root / "tools" / "__init__.py").write_text("")
    shutil.copy(REPO / "tools" / "diff.py", root / "tools" / "diff.py")
    if render:
        stub = RENDER_STUB.format(replicas=replicas, layout=layout, fail=list(fail))
        (root / "tools" / "render.py").write_text(stub)
    for stack in stacks:
        (root / f"Pulumi.{stack}.yaml").write_text("config: {}\n")
    (root / ".gitignore").write_text("venv/\nrender.log\n")


def _git(cwd: Path, *args: str) -> str:
    identity = ["-c", "user.name=ci", "-c", "user.email=ci@example.com"]
    identity += ["-c", "commit.gpgsign=false"]
    done = subprocess.run(
        ["git", *identity, *args],
        cwd=cwd,
        env={key: value for key, value in os.environ.items() if not key.startswith("GIT_")},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _pull_request(tmp_path: Path, base: dict[str, Any], head: dict[str, Any]) -> Path:
    """Workspace with head/ a git checkout whose HEAD^1 is the base and HEAD the head."""
    workspace = tmp_path / "workspace"
    repo = workspace / "head"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q")
    _project(repo, **base)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    _project(repo, **head)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "--allow-empty", "-m", "head")
    _python_wrapper(repo / "venv")
    return workspace


def _run_manifest_diff(workspace: Path) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """Run the diff job's shell steps in order; stop at the first failing one."""
    workflow = _workflow("manifest-diff.yml")
    context = {
        "github.event.pull_request.head.sha": "f" * 40,
    }
    outputs: dict[str, dict[str, str]] = {}
    results: dict[str, Any] = {}
    for name in ("base", "render", "diff"):
        done = _run_step(_step(workflow, "diff", name), workspace, context, outputs)
        results[name] = done
        if done.returncode != 0:
            break
    return results, outputs


# --- every workflow ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["test.yml", "preview.yml", "manifest-diff.yml"])
def test_workflow_parses_and_has_jobs(name: str) -> None:
    workflow = _workflow(name)
    assert workflow["name"]
    assert workflow["jobs"]
    for job in workflow["jobs"].values():
        assert job["runs-on"] == "ubuntu-latest"
        assert job["steps"]
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), step
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), step["uses"]


@pytest.mark.parametrize("name", ["test.yml", "preview.yml", "manifest-diff.yml"])
def test_no_expressions_inside_shell_scripts(name: str) -> None:
    # Values reach scripts through env, never by pasting ${{ }} into the script text.
    for job in _workflow(name)["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in _runs(step), step.get("name")


# --- test.yml ---------------------------------------------------------------------------


def test_test_workflow_runs_on_push_and_pull_request() -> None:
    assert _triggers(_workflow("test.yml")) == {"push", "pull_request"}


def test_test_workflow_runs_the_readme_commands_on_python_3_11() -> None:
    steps = _steps(_workflow("test.yml"), "test")
    python = _index(steps, lambda s: _uses(s, "actions/setup-python"))
    assert steps[python]["with"]["python-version"] == "3.11"
    set_up = _index(steps, lambda s: _runs(s) == SET_UP)
    test = _index(steps, lambda s: _runs(s) == TEST)
    lint = _index(steps, lambda s: _runs(s) == LINT)
    render = _index(steps, lambda s: "-m tools.render" in _runs(s))
    assert python < set_up < test
    assert set_up < lint and set_up < render
    assert "venv/bin/ruff check ." in _runs(steps[lint])


def test_test_workflow_checks_every_stack(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    _project(workspace, ["dev", "prod", "extra"], {"dev": 1, "prod": 2, "extra": 3})
    _python_wrapper(workspace / "venv")
    step = _step(_workflow("test.yml"), "test", "render")
    assert 'venv/bin/python -m tools.render --stack "$stack" --out' in _runs(step)
    done = _run_step(step, workspace, {})
    assert done.returncode == 0, done.stdout + done.stderr
    log = (workspace / "render.log").read_text().splitlines()
    assert sorted(log) == ["dev True", "extra True", "prod True"]
    assert (workspace / "rendered" / "prod" / "argo").is_dir()


def test_test_workflow_fails_when_one_stack_fails_the_check(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    _project(workspace, ["dev", "prod"], {"dev": 1, "prod": 2}, fail=("dev",))
    _python_wrapper(workspace / "venv")
    done = _run_step(_step(_workflow("test.yml"), "test", "render"), workspace, {})
    assert done.returncode != 0
    assert "tools.render --check failed for stack dev" in done.stdout
    assert sorted((workspace / "render.log").read_text().splitlines()) == ["dev True", "prod True"]


def test_test_workflow_fails_without_stacks(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    _project(workspace, [], {})
    _python_wrapper(workspace / "venv")
    done = _run_step(_step(_workflow("test.yml"), "test", "render"), workspace, {})
    assert done.returncode != 0
    assert "no Pulumi.<stack>.yaml" in done.stdout


# --- preview.yml ------------------------------------------------------------------------


def test_preview_runs_on_pull_request_with_comment_permission() -> None:
    workflow = _workflow("preview.yml")
    assert _triggers(workflow) == {"pull_request"}
    assert workflow["permissions"]["pull-requests"] == "write"


def test_preview_matrix_is_dev_and_prod_and_covers_every_stack_file() -> None:
    matrix = _workflow("preview.yml")["jobs"]["preview"]["strategy"]["matrix"]["stack"]
    assert matrix == ["dev", "prod"]
    assert set(matrix) == _stacks_in_repo()


def test_preview_uses_pulumi_actions_v6_with_the_required_inputs() -> None:
    steps = _steps(_workflow("preview.yml"), "preview")
    pulumi = [s for s in steps if _uses(s, "pulumi/actions")]
    assert len(pulumi) == 1
    step = pulumi[0]
    assert step["uses"] == "pulumi/actions@v6"
    inputs = step["with"]
    assert set(inputs) <= PULUMI_ACTION_INPUTS
    assert inputs["command"] == "preview"
    assert inputs["comment-on-pr"] is True
    assert inputs["diff"] is True
    assert inputs["policyPacks"] == "policy-base/policies"
    assert "matrix.stack" in inputs["stack-name"]
    assert inputs["work-dir"] == "."
    assert inputs["cloud-url"] == "${{ secrets.PULUMI_BACKEND_URL }}"
    assert step["env"]["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"


def test_preview_sets_up_venv_and_kubeconfig_before_pulumi() -> None:
    steps = _steps(_workflow("preview.yml"), "preview")
    python = _index(steps, lambda s: _uses(s, "actions/setup-python"))
    set_up = _index(steps, lambda s: _runs(s) == SET_UP)
    kubeconfig = _index(steps, lambda s: "KUBECONFIG=" in _runs(s))
    pulumi = _index(steps, lambda s: _uses(s, "pulumi/actions"))
    assert steps[python]["with"]["python-version"] == "3.11"
    assert python < set_up < pulumi
    assert kubeconfig < pulumi
    assert "secrets." in steps[kubeconfig]["env"]["KUBECONFIG_DATA"]


def test_preview_skips_forks_which_get_no_secrets() -> None:
    condition = _workflow("preview.yml")["jobs"]["preview"]["if"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in condition


KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n"


@pytest.mark.parametrize(
    "secret", [KUBECONFIG, base64.b64encode(KUBECONFIG.encode()).decode()], ids=["raw", "base64"]
)
def test_preview_writes_the_kubeconfig_secret_to_a_file(tmp_path: Path, secret: str) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    step = _step(_workflow("preview.yml"), "preview", "Write the kubeconfig")
    expression = step["env"]["KUBECONFIG_DATA"].strip("${} ")
    context = {expression: secret, "matrix.stack": "dev"}
    done = _run_step(step, workspace, context)
    assert done.returncode == 0, done.stdout + done.stderr
    env_file = (tmp_path / "runner" / "env").read_text().splitlines()
    assert env_file == [f"KUBECONFIG={tmp_path / 'runner' / 'kubeconfig'}"]
    written = tmp_path / "runner" / "kubeconfig"
    assert yaml.safe_load(written.read_text()) == yaml.safe_load(KUBECONFIG)
    assert written.stat().st_mode & 0o077 == 0


def test_preview_fails_clearly_without_kubeconfig_or_backend(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    workflow = _workflow("preview.yml")
    step = _step(workflow, "preview", "Write the kubeconfig")
    expression = step["env"]["KUBECONFIG_DATA"].strip("${} ")
    done = _run_step(step, workspace, {expression: "", "matrix.stack": "prod"})
    assert done.returncode != 0
    assert "KUBECONFIG_PROD or KUBECONFIG repository secret" in done.stdout
    step = _step(workflow, "preview", "Check backend secrets")
    context = {"secrets.PULUMI_ACCESS_TOKEN": "", "secrets.PULUMI_BACKEND_URL": ""}
    done = _run_step(step, workspace, context)
    assert done.returncode != 0
    assert "PULUMI_ACCESS_TOKEN or PULUMI_BACKEND_URL" in done.stdout
    context["secrets.PULUMI_BACKEND_URL"] = "s3://state-bucket"
    assert _run_step(step, workspace, context).returncode == 0


# --- manifest-diff.yml ------------------------------------------------------------------


def test_manifest_diff_runs_on_pull_request_without_secrets() -> None:
    text = (WORKFLOWS / "manifest-diff.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    assert _triggers(workflow) == {"pull_request"}
    assert "secrets." not in text
    assert "pull_request_target" not in text
    assert workflow["permissions"] == {"contents": "read"}
    assert "permissions" not in workflow["jobs"]["diff"]


def test_manifest_diff_checks_out_base_and_head_and_sets_up_the_head() -> None:
    workflow = _workflow("manifest-diff.yml")
    steps = _steps(workflow, "diff")
    checkout = steps[_index(steps, lambda s: _uses(s, "actions/checkout"))]
    assert checkout["with"]["path"] == "head"
    assert checkout["with"]["fetch-depth"] >= 2
    assert "worktree add" in _runs(_step(workflow, "diff", "base"))
    set_up = steps[_index(steps, lambda s: _runs(s) == SET_UP)]
    assert set_up["working-directory"] == "head"
    diff = _runs(_step(workflow, "diff", "diff"))
    assert '-m tools.diff "base/$stack" "head/$stack"' in diff
    assert "$GITHUB_STEP_SUMMARY" in diff
    upload = steps[_index(steps, lambda s: _uses(s, "actions/upload-artifact"))]
    assert "manifest-diff/" in upload["with"]["path"]


def test_manifest_diff_comments_only_from_a_job_that_runs_no_pull_request_code() -> None:
    job = _workflow("manifest-diff.yml")["jobs"]["comment"]
    assert job["needs"] == "diff"
    assert job["permissions"]["pull-requests"] == "write"
    assert "github.event.pull_request.head.repo.full_name == github.repository" in job["if"]
    assert not any(_uses(step, "actions/checkout") or "run" in step for step in job["steps"])
    script = job["steps"][-1]["with"]["script"]
    assert "manifest-diff/comment.md" in script
    assert "<!-- manifest-diff -->" in script


def test_manifest_diff_end_to_end(tmp_path: Path) -> None:
    base = {"stacks": ["dev", "prod"], "replicas": {"dev": 1, "prod": 2}}
    head = {
        "stacks": ["dev", "prod"],
        "replicas": {"dev": 3, "prod": 2},
        "layout": "{stack}/all-objects.yaml",
    }
    workspace = _pull_request(tmp_path, base, head)
    results, outputs = _run_manifest_diff(workspace)
    for name, done in results.items():
        assert done.returncode == 0, f"{name}: {done.stdout}{done.stderr}"
    assert outputs["render"]["stacks"] == "dev prod"
    assert outputs["diff"]["changed"] == "true"
    assert outputs["base"]["sha"] == _git(workspace / "head", "rev-parse", "HEAD^1")

    artifact = workspace / "manifest-diff"
    assert "-  replicas: 1\n+  replicas: 3\n" in (artifact / "dev.diff").read_text()
    assert (artifact / "prod.diff").read_text().startswith("No differences: 1 objects")
    assert (workspace / "rendered" / "base" / "prod" / "argo").is_dir()
    assert (workspace / "rendered" / "head" / "prod" / "prod" / "all-objects.yaml").is_file()

    summary = (tmp_path / "runner" / "summary").read_text()
    assert "### Stack `dev`: 0 added, 1 changed, 0 removed" in summary
    assert "### Stack `prod`: no differences" in summary
    assert "```diff\n" in summary
    comment = (artifact / "comment.md").read_text()
    assert comment.startswith("<!-- manifest-diff -->\n## Rendered manifest diff\n")
    assert "+  replicas: 3" in comment
    assert "`base/dev` → `head/dev`" in comment


def test_manifest_diff_reports_no_change(tmp_path: Path) -> None:
    same = {"stacks": ["dev"], "replicas": {"dev": 1}}
    workspace = _pull_request(tmp_path, same, same)
    results, outputs = _run_manifest_diff(workspace)
    assert results["diff"].returncode == 0, results["diff"].stderr
    assert outputs["diff"]["changed"] == "false"


def test_manifest_diff_against_a_base_that_cannot_render(tmp_path: Path) -> None:
    base = {"stacks": ["dev"], "replicas": {}, "render": False}
    head = {"stacks": ["dev", "prod"], "replicas": {"dev": 1, "prod": 2}}
    workspace = _pull_request(tmp_path, base, head)
    results, outputs = _run_manifest_diff(workspace)
    assert results["diff"].returncode == 0, results["diff"].stderr
    assert "::warning::could not render stack dev on the base" in results["render"].stdout
    comment = (workspace / "manifest-diff" / "comment.md").read_text()
    assert "The base could not be rendered for stack `dev`" in comment
    assert "Stack `prod` is new" in comment
    assert "### Stack `prod`: 1 added, 0 changed, 0 removed" in comment
    assert outputs["diff"]["changed"] == "true"


def test_manifest_diff_fails_when_the_head_cannot_render(tmp_path: Path) -> None:
    base = {"stacks": ["dev"], "replicas": {"dev": 1}}
    head = {"stacks": ["dev"], "replicas": {"dev": 1}, "fail": ("dev",)}
    workspace = _pull_request(tmp_path, base, head)
    results, _ = _run_manifest_diff(workspace)
    assert results["render"].returncode != 0
    assert "diff" not in results


def test_manifest_diff_fails_on_unreadable_manifests(tmp_path: Path) -> None:
    same = {"stacks": ["dev"], "replicas": {"dev": 1}}
    workspace = _pull_request(tmp_path, same, same)
    workflow = _workflow("manifest-diff.yml")
    outputs: dict[str, dict[str, str]] = {}
    context = {"github.event.pull_request.head.sha": "f" * 40}
    for name in ("base", "render"):
        assert _run_step(_step(workflow, "diff", name), workspace, context, outputs).returncode == 0
    (workspace / "rendered" / "head" / "dev" / "broken.yaml").write_text("kind: [\n")
    done = _run_step(_step(workflow, "diff", "diff"), workspace, context, outputs)
    assert done.returncode == 2
    assert "broken.yaml: invalid YAML" in done.stderr

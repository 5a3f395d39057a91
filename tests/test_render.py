"""The offline render: same code path as the tests, stable output, redaction, --check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from render_support import rendered

from tools import render as render_tool
from tools.schema_check import SchemaChecker
from tools.stack_config import REDACTED, merged_config

ROOT = Path(__file__).resolve().parent.parent


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*.yaml"))}


@pytest.mark.usefixtures("memoized_cli")
def test_cli_writes_one_file_per_object(tmp_path, capsys):
    assert render_tool.main(["--stack", "dev", "--out", str(tmp_path / "dev")]) == 0
    files = _tree(tmp_path / "dev")
    assert "argo/deployment-workflow-controller.yaml" in files
    assert "_cluster/customresourcedefinition-workflows.argoproj.io.yaml" in files
    assert "argo-events/rolebinding-executor.yaml" in files
    deployment = yaml.safe_load(files["argo/deployment-argo-server.yaml"])
    assert deployment["kind"] == "Deployment" and deployment["spec"]["replicas"] == 1
    assert len(files) == len(rendered("dev").objects)
    assert "wrote" in capsys.readouterr().out


def test_two_renders_are_identical(tmp_path):
    render_tool.main(["--stack", "prod", "--out", str(tmp_path / "a")])
    render_tool.main(["--stack", "prod", "--out", str(tmp_path / "b")])
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    # Rendering again into the same folder replaces it, leaving no stale files.
    render_tool.main(["--stack", "dev", "--out", str(tmp_path / "a")])
    assert _tree(tmp_path / "a") == _tree(_render_to(tmp_path / "c", "dev"))


def _render_to(folder: Path, stack: str) -> Path:
    assert render_tool.main(["--stack", stack, "--out", str(folder)]) == 0
    return folder


@pytest.mark.usefixtures("memoized_cli")
def test_refuses_to_clear_a_foreign_folder(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert render_tool.main(["--stack", "dev", "--out", str(tmp_path)]) == 2
    assert (tmp_path / "keep.txt").read_text() == "mine"
    assert "not written by tools.render" in capsys.readouterr().err


def test_set_overrides_the_stack_file(tmp_path):
    out = tmp_path / "x"
    assert (
        render_tool.main(["--stack", "prod", "--out", str(out), "--set", "serverReplicas=3"]) == 0
    )
    deployment = yaml.safe_load((out / "argo/deployment-argo-server.yaml").read_text())
    assert deployment["spec"]["replicas"] == 3


def test_bad_config_exits_2_listing_every_problem(capsys):
    code = render_tool.main(
        ["--stack", "dev", "--set", "version=latest", "--set", "controllerReplicas=0"]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "argo-workflows:version: found 'latest'" in err
    assert "argo-workflows:controllerReplicas: found 0" in err


def test_unknown_stack_exits_2(capsys):
    assert render_tool.main(["--stack", "staging"]) == 2
    assert "Pulumi.staging.yaml not found" in capsys.readouterr().err


def test_config_merge_order_and_secure_values(tmp_path):
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.qa.yaml").write_text(
        "config:\n"
        "  argo-workflows:serverReplicas: 2\n"
        "  argo-workflows:controllerReplicas: 2\n"
        "  argo-workflows:ssoClientSecret:\n"
        "    secure: v1:AAAABBBBCCCC\n"
    )
    config, secret_keys = merged_config("qa", {"serverReplicas": "4"}, root=tmp_path)
    assert config["argo-workflows:version"] == "v4.1.2"  # Pulumi.yaml default
    assert config["argo-workflows:controllerReplicas"] == "2"  # stack file
    assert config["argo-workflows:serverReplicas"] == "4"  # --set wins
    assert config["argo-workflows:serverAuthModes"] == '["client"]'  # lists as JSON
    assert config["argo-workflows:ssoClientSecret"] == REDACTED  # never decrypted
    assert secret_keys == {"argo-workflows:ssoClientSecret"}


def test_secret_never_reaches_the_rendered_files(tmp_path):
    out = tmp_path / "sso"
    code = render_tool.main(
        [
            "--stack", "dev", "--out", str(out),
            "--set", "ssoEnabled=true", "--set", 'serverAuthModes=["sso"]',
            "--set", "ssoIssuer=https://idp.corp.internal",
            "--set", "ssoRedirectUrl=https://argo.corp.internal/oauth2/callback",
            "--set", 'ssoViewerGroups=["readers"]',
            "--set", "ssoClientId=argo-ui", "--set-secret", "ssoClientSecret=very-secret-123",
        ]
    )  # fmt: skip
    assert code == 0
    everything = "".join(_tree(out).values())
    assert "very-secret-123" not in everything
    secret = yaml.safe_load((out / "argo/secret-argo-server-sso.yaml").read_text())
    assert secret["stringData"]["client-secret"] == REDACTED


@pytest.mark.usefixtures("memoized_cli")
@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_committed_stacks_pass_check(stack):
    assert render_tool.main(["--stack", stack, "--check"]) == 0


def test_schema_check_lists_every_unknown_field():
    checker = SchemaChecker()
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s", "namespace": "argo", "labelz": {}},
        "spec": {"ports": [{"port": "web", "prot": "TCP"}]},
    }
    problems = checker.problems(service)
    assert any("metadata" in p and "labelz" in p for p in problems), problems
    assert any("spec.ports.0" in p and "prot" in p for p in problems), problems
    assert any("spec.ports.0.port" in p for p in problems), problems
    assert checker.problems({**service, "metadata": {"name": "s"}, "spec": {}}) == []


def _tampered(stack: str, kind: str, mutate) -> render_tool.Render:
    result = rendered(stack)  # a copy of its own
    target = next(r for r in result.resources if r.type.endswith(f":{kind}"))
    mutate(target.inputs)
    return result


def test_check_reports_schema_problems():
    result = _tampered("dev", "Deployment", lambda i: i["spec"].update(replica=2))
    problems = render_tool.check(result)
    assert any("Deployment argo/" in p and "replica" in p for p in problems), problems


def test_check_reports_mandatory_policy_violations():
    def switch_off(inputs):
        inputs["data"]["workflowRestrictions"] = "templateReferencing: None\n"

    problems = render_tool.check(_tampered("dev", "ConfigMap", switch_off))
    assert any(p.startswith("policy ") and "templateReferencing" in p for p in problems), problems

"""Tests for tools.diff: loading manifest trees, comparing them and reporting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools import diff
from tools.diff import ObjectKey

REPO = Path(__file__).resolve().parent.parent

CONTROLLER = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "workflow-controller", "namespace": "argo"},
    "spec": {
        "replicas": 1,
        "template": {"spec": {"containers": [{"name": "controller", "image": "ctrl:v4.1.2"}]}},
    },
}
CONFIG = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "workflow-controller-configmap", "namespace": "argo"},
    "data": {"config": "parallelism: 10\nnamespaceParallelism: 5\n"},
}
ROLE = {
    "apiVersion": "rbac.authorization.k8s.io/v1",
    "kind": "ClusterRole",
    "metadata": {"name": "argo-aggregate-to-view"},
    "rules": [],
}
ACCOUNT = {
    "apiVersion": "v1",
    "kind": "ServiceAccount",
    "metadata": {"name": "workflow", "namespace": "argo-events"},
}

CONTROLLER_KEY = ObjectKey("apps/v1", "Deployment", "argo", "workflow-controller")
CONFIG_KEY = ObjectKey("v1", "ConfigMap", "argo", "workflow-controller-configmap")
ROLE_KEY = ObjectKey("rbac.authorization.k8s.io/v1", "ClusterRole", "", "argo-aggregate-to-view")
ACCOUNT_KEY = ObjectKey("v1", "ServiceAccount", "argo-events", "workflow")


def _with(obj: dict, path: str, value: object) -> dict:
    """Deep copy of obj with the dotted path set to value."""
    copy = yaml.safe_load(yaml.safe_dump(obj))
    *parents, last = path.split(".")
    node = copy
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[last] = value
    return copy


def _write(root: Path, relative: str, *docs: object) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False), encoding="utf-8")
    return path


def _tree(root: Path, *objects: dict) -> Path:
    """One file per object in the tools.render layout."""
    for obj in objects:
        namespace = obj["metadata"].get("namespace", "_cluster")
        _write(root, f"{namespace}/{obj['kind'].lower()}-{obj['metadata']['name']}.yaml", obj)
    return root


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = diff.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- loading ----------------------------------------------------------------------------


def test_load_identifies_objects_by_content(tmp_path: Path) -> None:
    _tree(tmp_path, CONTROLLER, CONFIG, ROLE)
    objects = diff.load_manifests(tmp_path)
    assert set(objects) == {CONTROLLER_KEY, CONFIG_KEY, ROLE_KEY}
    assert yaml.safe_load(objects[CONTROLLER_KEY]) == CONTROLLER


def test_load_reads_multi_document_files_and_skips_empty_documents(tmp_path: Path) -> None:
    text = "---\n" + yaml.safe_dump(CONTROLLER) + "---\n---\n" + yaml.safe_dump(ROLE) + "...\n"
    (tmp_path / "all.yaml").write_text(text, encoding="utf-8")
    assert set(diff.load_manifests(tmp_path)) == {CONTROLLER_KEY, ROLE_KEY}


def test_load_reads_yml_recursively_and_ignores_other_files(tmp_path: Path) -> None:
    _write(tmp_path, "a/b/c/deep.yml", CONFIG)
    _write(tmp_path, "notes.txt", ROLE)
    _write(tmp_path, "manifest.json", ACCOUNT)
    (tmp_path / "folder.yaml").mkdir()
    assert set(diff.load_manifests(tmp_path)) == {CONFIG_KEY}


def test_load_expands_list_documents(tmp_path: Path) -> None:
    _write(tmp_path, "list.yaml", {"apiVersion": "v1", "kind": "List", "items": [CONFIG, ROLE]})
    assert set(diff.load_manifests(tmp_path)) == {CONFIG_KEY, ROLE_KEY}


def test_empty_folder_has_no_objects(tmp_path: Path) -> None:
    assert diff.load_manifests(tmp_path) == {}


def test_canonical_yaml_sorts_keys_and_keeps_multiline_strings_readable() -> None:
    text = diff.canonical_yaml({"b": 1, "a": {"d": "x\ny\n", "c": [2, 1]}})
    assert text == "a:\n  c:\n  - 2\n  - 1\n  d: |\n    x\n    y\nb: 1\n"


def test_object_key_rejects_documents_that_are_not_objects() -> None:
    with pytest.raises(ValueError, match="kind"):
        diff.object_key({"apiVersion": "v1", "metadata": {"name": "x"}})
    with pytest.raises(ValueError, match="metadata.name"):
        diff.object_key({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}})
    with pytest.raises(TypeError, match="mapping"):
        diff.object_key(["not", "an", "object"])  # type: ignore[arg-type]


def test_cluster_scoped_and_namespaced_objects_of_one_name_are_distinct(tmp_path: Path) -> None:
    namespaced = _with(ROLE, "metadata.namespace", "argo")
    _write(tmp_path, "both.yaml", ROLE, namespaced)
    keys = set(diff.load_manifests(tmp_path))
    assert keys == {ROLE_KEY, ROLE_KEY._replace(namespace="argo")}


# --- comparing --------------------------------------------------------------------------


def test_identical_trees(tmp_path: Path) -> None:
    base = diff.load_manifests(_tree(tmp_path / "base", CONTROLLER, CONFIG, ROLE))
    head = diff.load_manifests(_tree(tmp_path / "head", CONTROLLER, CONFIG, ROLE))
    result = diff.compare_manifests(base, head)
    assert result.identical
    assert (result.added, result.removed, result.changed, result.unchanged) == ((), (), (), 3)


def test_added_removed_and_changed_objects(tmp_path: Path) -> None:
    base = diff.load_manifests(_tree(tmp_path / "base", CONTROLLER, CONFIG, ROLE))
    new_controller = _with(CONTROLLER, "spec.replicas", 2)
    head = diff.load_manifests(_tree(tmp_path / "head", new_controller, CONFIG, ACCOUNT))
    result = diff.compare_manifests(base, head)
    assert not result.identical
    assert result.added == (ACCOUNT_KEY,)
    assert result.removed == (ROLE_KEY,)
    assert [change.key for change in result.changed] == [CONTROLLER_KEY]
    assert result.unchanged == 1
    patch = diff.unified_diff(result.changed[0], "base/dev", "head/dev")
    assert "-  replicas: 1\n" in patch
    assert "+  replicas: 2\n" in patch
    assert patch.startswith("--- base/dev: Deployment argo/workflow-controller (apps/v1)\n")


def test_moved_and_regrouped_files_with_the_same_objects_are_identical(tmp_path: Path) -> None:
    _tree(tmp_path / "base", CONTROLLER, CONFIG, ROLE, ACCOUNT)
    reordered = {key: CONTROLLER[key] for key in reversed(list(CONTROLLER))}
    _write(tmp_path / "head", "one/big.yaml", ACCOUNT, reordered)
    _write(tmp_path / "head", "two/three/rest.yml", ROLE, CONFIG)
    base = diff.load_manifests(tmp_path / "base")
    head = diff.load_manifests(tmp_path / "head")
    assert diff.compare_manifests(base, head).identical


def test_api_version_change_is_a_removal_and_an_addition() -> None:
    old = {CONTROLLER_KEY: diff.canonical_yaml(CONTROLLER)}
    moved_key = CONTROLLER_KEY._replace(api_version="apps/v2")
    new = {moved_key: diff.canonical_yaml(_with(CONTROLLER, "apiVersion", "apps/v2"))}
    result = diff.compare_manifests(old, new)
    assert (result.added, result.removed, result.changed) == ((moved_key,), (CONTROLLER_KEY,), ())


def test_results_are_sorted_by_namespace_kind_and_name() -> None:
    keys = [
        ObjectKey("v1", "Service", "argo", "b"),
        ObjectKey("v1", "ConfigMap", "argo", "z"),
        ObjectKey("v1", "Namespace", "", "argo"),
        ObjectKey("v1", "ConfigMap", "argo", "a"),
        ObjectKey("v1", "ConfigMap", "argo-events", "a"),
    ]
    result = diff.compare_manifests({}, {key: "x: 1\n" for key in keys})
    assert result.added == (keys[2], keys[3], keys[1], keys[0], keys[4])


# --- reports ----------------------------------------------------------------------------


def _sample_diff(tmp_path: Path) -> diff.ManifestDiff:
    base = diff.load_manifests(_tree(tmp_path / "base", CONTROLLER, CONFIG, ROLE))
    new_config = _with(CONFIG, "data.config", "parallelism: 20\nnamespaceParallelism: 5\n")
    head = diff.load_manifests(_tree(tmp_path / "head", CONTROLLER, new_config, ACCOUNT))
    return diff.compare_manifests(base, head)


def test_text_report_lists_summary_then_diffs(tmp_path: Path) -> None:
    report = diff.format_text(_sample_diff(tmp_path), "base/dev", "head/dev")
    lines = report.splitlines()
    assert lines[0] == "base/dev -> head/dev: 1 added, 1 changed, 1 removed, 1 unchanged"
    assert "  + ServiceAccount argo-events/workflow (v1)" in lines
    assert "  ~ ConfigMap argo/workflow-controller-configmap (v1)" in lines
    assert "  - ClusterRole argo-aggregate-to-view (rbac.authorization.k8s.io/v1)" in lines
    assert lines.index("added:") < lines.index("changed:") < lines.index("removed:")
    assert "-    parallelism: 10" in lines
    assert "+    parallelism: 20" in lines
    assert report.index("removed:") < report.index("--- base/dev")


def test_text_report_for_identical_trees() -> None:
    same = diff.compare_manifests({CONFIG_KEY: "a: 1\n"}, {CONFIG_KEY: "a: 1\n"})
    assert diff.format_text(same, "b", "h") == "No differences: 1 objects in both b and h.\n"


def test_markdown_report_has_table_and_diff_fences(tmp_path: Path) -> None:
    report = diff.format_markdown(_sample_diff(tmp_path), "base/dev", "head/dev", "Stack dev")
    assert report.startswith("### Stack dev: 1 added, 1 changed, 1 removed\n")
    assert "| Change | Kind | Namespace | Name | API version |" in report
    assert "| added | ServiceAccount | argo-events | workflow | v1 |" in report
    row = "| removed | ClusterRole | (cluster) | argo-aggregate-to-view |"
    assert row in report
    assert "| changed | ConfigMap | argo | workflow-controller-configmap | v1 |" in report
    fenced = report.split("```diff\n", 1)[1].split("\n```\n", 1)[0]
    assert "+    parallelism: 20" in fenced.splitlines()
    assert report.count("<details") == report.count("</details>") == 1


def test_markdown_report_for_identical_trees() -> None:
    same = diff.compare_manifests({}, {})
    report = diff.format_markdown(same, "base/prod", "head/prod")
    assert report.startswith("### Manifest diff: no differences\n")
    assert "```" not in report


def test_markdown_fence_outgrows_backticks_inside_the_diff() -> None:
    base = {CONFIG_KEY: "data:\n  readme: use ``` fences\n"}
    head = {CONFIG_KEY: "data:\n  readme: use ```` fences\n"}
    report = diff.format_markdown(diff.compare_manifests(base, head))
    assert "`````diff\n" in report
    assert "\n`````\n" in report


def test_markdown_table_escapes_pipes() -> None:
    key = ObjectKey("v1", "ConfigMap", "argo", "a|b")
    report = diff.format_markdown(diff.compare_manifests({}, {key: "x: 1\n"}))
    assert "| added | ConfigMap | argo | a\\|b | v1 |" in report


def test_markdown_size_limit_leaves_out_diffs_with_a_note(tmp_path: Path) -> None:
    base_objects = {
        ObjectKey("v1", "ConfigMap", "argo", f"cm-{index}"): f"data: {index}\n" + "x: 1\n" * 200
        for index in range(5)
    }
    head_objects = {key: text.replace("data:", "data: 1") for key, text in base_objects.items()}
    result = diff.compare_manifests(base_objects, head_objects)
    full = diff.format_markdown(result)
    limited = diff.format_markdown(result, max_chars=len(full) // 2)
    assert len(limited) <= len(full) // 2
    assert limited.startswith(full.split("\n\n", 1)[0])
    assert "| changed | ConfigMap | argo | cm-4 | v1 |" in limited
    assert limited.endswith("object diffs left out of this report._\n")
    assert diff.format_markdown(result, max_chars=len(full)) == full


def test_reports_are_stable(tmp_path: Path) -> None:
    first = _sample_diff(tmp_path / "one")
    second = _sample_diff(tmp_path / "two")
    assert diff.format_text(first) == diff.format_text(second)
    assert diff.format_markdown(first) == diff.format_markdown(second)


# --- command line -----------------------------------------------------------------------


def test_main_exit_zero_when_identical(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tree(tmp_path / "base", CONTROLLER, ROLE)
    _write(tmp_path / "head", "everything.yaml", ROLE, CONTROLLER)
    code, out, err = _run(capsys, str(tmp_path / "base"), str(tmp_path / "head"))
    assert (code, err) == (0, "")
    assert out.startswith("No differences: 2 objects")


def test_main_exit_one_when_different(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tree(tmp_path / "base", CONTROLLER)
    _tree(tmp_path / "head", CONTROLLER, ROLE)
    code, out, _ = _run(capsys, str(tmp_path / "base"), str(tmp_path / "head"))
    assert code == 1
    assert "1 added, 0 changed, 0 removed" in out


def test_main_markdown_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tree(tmp_path / "base", CONTROLLER)
    _tree(tmp_path / "head", _with(CONTROLLER, "spec.replicas", 3))
    argv = [str(tmp_path / "base"), str(tmp_path / "head"), "--format", "markdown"]
    code, out, _ = _run(capsys, *argv, "--title", "Stack `prod`")
    assert code == 1
    assert out.startswith("### Stack `prod`: 0 added, 1 changed, 0 removed\n")
    assert "```diff\n" in out


def test_main_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tree(tmp_path / "base", CONTROLLER)
    missing = tmp_path / "nothing-here"
    code, out, err = _run(capsys, str(tmp_path / "base"), str(missing))
    assert (code, out) == (2, "")
    assert f"{missing}: no such directory" in err


def test_main_file_instead_of_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "one.yaml", CONTROLLER)
    code, _, err = _run(capsys, str(path), str(tmp_path))
    assert code == 2
    assert "not a directory" in err


def test_main_names_the_unparsable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tree(tmp_path / "base", CONTROLLER)
    broken = tmp_path / "head" / "argo" / "broken.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text("apiVersion: v1\nkind: [unclosed\n", encoding="utf-8")
    code, out, err = _run(capsys, str(tmp_path / "base"), str(tmp_path / "head"))
    assert (code, out) == (2, "")
    assert str(broken) in err
    assert "invalid YAML" in err


def test_main_rejects_documents_that_are_not_objects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = _write(tmp_path / "head", "odd.yaml", CONFIG, {"just": "data"})
    code, _, err = _run(capsys, str(tmp_path / "head"), str(tmp_path / "head"))
    assert code == 2
    assert f"{odd}: object 2: document has no metadata mapping" in err


def test_main_rejects_an_object_defined_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _write(tmp_path / "head", "a.yaml", CONFIG)
    second = _write(tmp_path / "head", "b.yaml", _with(CONFIG, "data", {}))
    code, _, err = _run(capsys, str(tmp_path / "head"), str(tmp_path / "head"))
    assert code == 2
    assert "duplicate object ConfigMap argo/workflow-controller-configmap" in err
    assert str(first) in err and str(second) in err


def test_main_rejects_undecodable_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.yaml").write_bytes(b"\xff\xfe\x00garbage")
    code, _, err = _run(capsys, str(tmp_path), str(tmp_path))
    assert code == 2
    assert str(tmp_path / "bad.yaml") in err


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["only-one"],
        ["a", "b", "--format", "html"],
        ["a", "b", "--max-chars", "100"],
        ["a", "b", "--format", "markdown", "--max-chars", "0"],
    ],
)
def test_main_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, *argv)
    assert (code, out) == (2, "")
    assert "usage: python -m tools.diff" in err


def test_module_runs_as_a_command(tmp_path: Path) -> None:
    _tree(tmp_path / "base", CONTROLLER)
    _tree(tmp_path / "head", ROLE)
    done = subprocess.run(
        [sys.executable, "-m", "tools.diff", str(tmp_path / "base"), str(tmp_path / "head")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "  - Deployment argo/workflow-controller (apps/v1)" in done.stdout.splitlines()


# --- templateReferencing: Secure -----------------------------------------------------------


def _controller_config(mode: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "workflow-controller-configmap", "namespace": "argo"},
        "data": {"workflowRestrictions": f"templateReferencing: {mode}\n"},
    }


def _workflow_template(name: str, message: str, description: str = "Say it.") -> dict:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {
            "name": name,
            "namespace": "argo-events",
            "annotations": {"workflows.argoproj.io/description": description},
        },
        "spec": {
            "entrypoint": "main",
            "templates": [{"name": "main", "container": {"image": "alpine", "args": [message]}}],
        },
    }


def test_secure_mode_names_every_template_whose_spec_changes(tmp_path: Path) -> None:
    base = _tree(
        tmp_path / "base",
        _controller_config("Secure"),
        _workflow_template("say", "hi"),
        _workflow_template("other", "x"),
        _workflow_template("described", "x"),
    )
    head = _tree(
        tmp_path / "head",
        _controller_config("Secure"),
        _workflow_template("say", "hello"),
        _workflow_template("other", "y"),
        _workflow_template("described", "x", "Say it louder."),  # metadata only
    )
    result = diff.compare_manifests(diff.load_manifests(base), diff.load_manifests(head))
    assert [key.name for key in result.secure_spec_changes] == ["other", "say"]
    text = diff.format_text(result)
    assert "templateReferencing: Secure" in text and "will fail" in text
    assert "WorkflowTemplate argo-events/say" in text
    assert "WorkflowTemplate argo-events/described" not in text.split("\n\n")[1]
    markdown = diff.format_markdown(result)
    assert "> [!WARNING]" in markdown and "`WorkflowTemplate argo-events/other" in markdown


def test_strict_mode_has_no_template_warning(tmp_path: Path) -> None:
    base = _tree(tmp_path / "base", _controller_config("Strict"), _workflow_template("say", "hi"))
    head = _tree(tmp_path / "head", _controller_config("Strict"), _workflow_template("say", "yo"))
    result = diff.compare_manifests(diff.load_manifests(base), diff.load_manifests(head))
    assert result.secure_spec_changes == ()
    assert "will fail" not in diff.format_text(result)


def test_secure_mode_is_read_from_a_single_config_key(tmp_path: Path) -> None:
    config = _controller_config("Strict")
    config["data"] = {"config": "workflowRestrictions:\n  templateReferencing: Secure\n"}
    base = _tree(tmp_path / "base", config, _workflow_template("say", "hi"))
    head = _tree(tmp_path / "head", config, _workflow_template("say", "yo"))
    result = diff.compare_manifests(diff.load_manifests(base), diff.load_manifests(head))
    assert [key.name for key in result.secure_spec_changes] == ["say"]


def test_the_rendered_stacks_state_their_mode(tmp_path: Path) -> None:
    from render_support import rendered

    from tools.render import write_objects

    for stack, mode in (("prod", "Secure"), ("dev", "Strict")):
        write_objects(rendered(stack).objects, tmp_path / stack)
        assert diff.template_referencing(diff.load_manifests(tmp_path / stack)) == mode

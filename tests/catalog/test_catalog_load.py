"""The starter catalog loads, and the strict model check reads YAML as Kubernetes would."""

from __future__ import annotations

import hashlib
import json
import shutil
import textwrap
from pathlib import Path

import pytest

from components.catalog import CatalogError, content_hash, load_catalog
from components.settings import PROJECT_ROOT
from policies.argo_rules.template_rules import TemplateContext, template_problems
from policies.argo_rules.template_schema import check_manifest

STARTER = PROJECT_ROOT / "workflowtemplates"
HERA_EXAMPLE = PROJECT_ROOT / "examples" / "hera" / "http_check.py"
NS = "argo-events"


def _write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def _template(name: str = "numbers", body: str = "") -> str:
    return textwrap.dedent(
        f"""\
        apiVersion: argoproj.io/v1alpha1
        kind: WorkflowTemplate
        metadata:
          name: {name}
          annotations:
            workflows.argoproj.io/description: Test template.
        spec:
          entrypoint: main
          templates:
            - name: main
              container:
                image: busybox:1.36.1
        """
    ) + textwrap.dedent(body)


# --- The starter catalog -------------------------------------------------------------------


@pytest.fixture(scope="module")
def starter():
    return {t.name: t for t in load_catalog(STARTER, managed_namespace=NS)}


def test_starter_catalog_loads(starter):
    assert set(starter) == {"say", "check-and-announce", "http-check"}
    assert starter["say"].source == "steps/say.yaml#0"
    assert starter["check-and-announce"].source == "pipelines/check-and-announce.yaml#0"
    assert starter["http-check"].source == "steps/http-check.yaml#0"
    for template in starter.values():
        manifest = template.manifest
        assert manifest["apiVersion"] == "argoproj.io/v1alpha1"
        assert manifest["kind"] == "WorkflowTemplate"
        assert manifest["metadata"]["name"] == template.name
        assert manifest["metadata"]["namespace"] == NS
        assert template.content_hash == content_hash(manifest)


def test_hera_example_gives_the_starter_yaml_manifest(tmp_path, starter):
    """The Python way, shown by examples/hera, ends in the same manifest as the YAML the
    starter catalog deploys (the YAML file is the reference)."""
    shutil.copy(HERA_EXAMPLE, tmp_path / HERA_EXAMPLE.name)
    (example,) = load_catalog(tmp_path, managed_namespace=NS)
    assert example.source == "http_check.py#http_check"
    assert example.manifest == starter["http-check"].manifest
    assert example.content_hash == starter["http-check"].content_hash


def test_content_hash_is_sha256_of_canonical_json(starter):
    manifest = starter["say"].manifest
    canonical = json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert starter["say"].content_hash == hashlib.sha256(canonical.encode()).hexdigest()


def test_starter_shows_the_patterns(starter):
    say = starter["say"].manifest["spec"]
    (level,) = [p for p in say["templates"][0]["inputs"]["parameters"] if p["name"] == "level"]
    assert level["default"] == "info" and "warn" in level["enum"]

    dag = starter["check-and-announce"].manifest["spec"]["templates"][0]["dag"]
    refs = {t["templateRef"]["name"] for t in dag["tasks"]}
    assert refs == {"say", "http-check"}

    check = starter["http-check"].manifest["spec"]
    assert check["templates"][0]["retryStrategy"]["limit"] == 3
    assert check["templates"][0]["activeDeadlineSeconds"] == 60
    assert check["activeDeadlineSeconds"] == 600


def test_starter_pods_are_restricted_by_the_controller_defaults(starter):
    """The starters set no securityContext: the controller's mainContainer, executor and
    workflowDefaults make their pods "restricted"; without those defaults they would fail."""
    bare = TemplateContext(catalog=None)
    for template in starter.values():
        spec = template.manifest["spec"]
        assert "securityContext" not in spec
        assert spec.get("serviceAccountName") in (None, "workflow")
        for t in spec["templates"]:
            if "container" not in t:
                continue
            container = t["container"]
            assert "securityContext" not in container
            assert set(container["resources"]) == {"requests", "limits"}
            assert ":" in container["image"] and not container["image"].endswith(":latest")
        refused = {p.path for p in template_problems(template.manifest, bare)}
        if any("container" in t for t in spec["templates"]):
            assert "spec.templates[0].container.securityContext.allowPrivilegeEscalation" in refused


def test_moving_a_file_keeps_name_and_hash(tmp_path):
    shutil.copytree(STARTER, tmp_path / "catalog")
    before = {
        t.name: t
        for t in load_catalog(tmp_path / "catalog", managed_namespace=NS, require_restricted=False)
    }
    moved = tmp_path / "catalog" / "elsewhere" / "deeper"
    moved.mkdir(parents=True)
    (tmp_path / "catalog" / "steps" / "say.yaml").rename(moved / "say.yml")
    after = {
        t.name: t
        for t in load_catalog(tmp_path / "catalog", managed_namespace=NS, require_restricted=False)
    }
    assert after["say"].source == "elsewhere/deeper/say.yml#0"
    assert after["say"].content_hash == before["say"].content_hash


def test_missing_folder_is_a_catalog_error(tmp_path):
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path / "nope", managed_namespace=NS, require_restricted=False)
    assert caught.value.problems == [f"{tmp_path / 'nope'}: the catalog folder does not exist"]


def test_hidden_and_underscore_files_are_skipped(tmp_path):
    _write(tmp_path, "ok.yaml", _template())
    _write(tmp_path, "_helpers.py", "raise RuntimeError('never imported')\n")
    _write(tmp_path, ".drafts/broken.yaml", "kind: [\n")
    _write(tmp_path, "README.md", "# not a template\n")
    assert [
        t.name for t in load_catalog(tmp_path, managed_namespace=NS, require_restricted=False)
    ] == ["numbers"]


def test_several_documents_per_file_and_empty_documents(tmp_path):
    _write(tmp_path, "two.yaml", _template("one") + "---\n" + _template("two") + "---\n")
    loaded = load_catalog(tmp_path, managed_namespace=NS, require_restricted=False)
    assert [(t.name, t.source) for t in loaded] == [("one", "two.yaml#0"), ("two", "two.yaml#1")]


# --- Reading values as Kubernetes and Argo do ------------------------------------------------


def test_any_string_and_quantities_become_strings(tmp_path):
    body = """\
          arguments:
            parameters:
              - name: count
                value: 5
                enum: [1, 5, 10.5, true]
        """
    text = _template() + textwrap.indent(textwrap.dedent(body), "  ")
    text = text.replace(
        "image: busybox:1.36.1",
        "image: busybox:1.36.1\n        resources: {requests: {cpu: 1, memory: 64Mi}, "
        "limits: {cpu: 0.5}}",
    )
    _write(tmp_path, "t.yaml", text)
    (template,) = load_catalog(tmp_path, managed_namespace=NS, require_restricted=False)
    spec = template.manifest["spec"]
    (parameter,) = spec["arguments"]["parameters"]
    # Argo's AnyString (pkg/apis/workflow/v1alpha1/anystring.go) keeps numbers as text.
    assert parameter == {"name": "count", "value": "5", "enum": ["1", "5", "10.5", "true"]}
    resources = spec["templates"][0]["container"]["resources"]
    assert resources == {"requests": {"cpu": "1", "memory": "64Mi"}, "limits": {"cpu": "0.5"}}


def test_dates_stay_strings(tmp_path):
    body = """\
          arguments:
            parameters:
              - name: day
                value: 2024-01-31
        """
    _write(tmp_path, "t.yaml", _template() + textwrap.indent(textwrap.dedent(body), "  "))
    (template,) = load_catalog(tmp_path, managed_namespace=NS, require_restricted=False)
    assert template.manifest["spec"]["arguments"]["parameters"][0]["value"] == "2024-01-31"


def _schema(spec: dict) -> list[str]:
    manifest = {"apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowTemplate", "spec": spec}
    return [str(p) for p in check_manifest(manifest, "v4.1.2")]


def test_int_or_string_fields_take_both():
    for limit in (3, "3", "{{inputs.parameters.retries}}"):
        data = {"templates": [{"name": "m", "retryStrategy": {"limit": limit}, "suspend": {}}]}
        assert _schema(data) == []


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"parallelism": True}, "spec.parallelism: expected an integer, found boolean true"),
        ({"parallelism": 2.5}, "spec.parallelism: expected an integer, found number 2.5"),
        ({"suspend": "true"}, "spec.suspend: expected a boolean, found string 'true'"),
        ({"templates": {"name": "x"}}, "spec.templates: expected a list, found a mapping"),
        (
            {"templates": [{"name": "m", "retryStrategy": {"limit": [1]}}]},
            "spec.templates[0].retryStrategy.limit: expected an integer or a string, found a list",
        ),
        (
            {"podMetadata": {"labels": {"app.kubernetes.io/name": 1}}},
            "spec.podMetadata.labels['app.kubernetes.io/name']: expected a string, found "
            "integer 1 (quote the value to make it a string)",
        ),
        (
            {"podMetadata": {"labels": {1: "one"}}},
            "spec.podMetadata.labels[1]: found integer 1, expected a string key; quote the key",
        ),
        (
            {"entrypointt": "main"},
            "spec.entrypointt: unknown field (did you mean 'entrypoint'?)",
        ),
        (
            {
                "templates": [
                    {"name": "m", "container": {"image": "x", "imagepullPolicy": "Always"}}
                ]
            },
            "spec.templates[0].container.imagepullPolicy: unknown field "
            "(did you mean 'imagePullPolicy'?)",
        ),
        ({"entrypoint": None}, None),  # null is "not set", as in Kubernetes
    ],
)
def test_scalars_are_checked_strictly(data, problem):
    assert _schema(data) == ([problem] if problem else [])


def test_hera_is_imported_only_for_python_templates(tmp_path):
    import subprocess
    import sys

    _write(tmp_path, "yaml-only/t.yaml", _template())
    _write(tmp_path, "with-hera/t.yaml", _template())
    shutil.copy(HERA_EXAMPLE, tmp_path / "with-hera" / HERA_EXAMPLE.name)
    script = (
        "import sys; from components.catalog import load_catalog; "
        "load_catalog(__import__('pathlib').Path(sys.argv[1]), managed_namespace='argo-events'); "
        "print('hera' in sys.modules, 'pydantic' in sys.modules)"
    )
    cases = (
        (tmp_path / "yaml-only", "False False"),
        (STARTER, "False False"),  # a default stack's render pays nothing for Hera
        (tmp_path / "with-hera", "True True"),
    )
    for folder, expected in cases:
        out = subprocess.run(
            [sys.executable, "-c", script, str(folder)],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.split() == expected.split()

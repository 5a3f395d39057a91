"""The starter catalog loads, and the strict model check reads YAML as Kubernetes would."""

from __future__ import annotations

import hashlib
import json
import shutil
import textwrap
import typing
from pathlib import Path

import pydantic
import pytest
from hera.workflows import models as argo

from components.catalog import (
    CatalogError,
    _check_value,
    check_against_model,
    content_hash,
    load_catalog,
)
from components.settings import PROJECT_ROOT

STARTER = PROJECT_ROOT / "workflowtemplates"
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
    assert starter["http-check"].source == "http_check.py#http_check"  # written with Hera
    for template in starter.values():
        manifest = template.manifest
        assert manifest["apiVersion"] == "argoproj.io/v1alpha1"
        assert manifest["kind"] == "WorkflowTemplate"
        assert manifest["metadata"]["name"] == template.name
        assert manifest["metadata"]["namespace"] == NS
        assert template.content_hash == content_hash(manifest)


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


def test_starter_pods_meet_pod_security_restricted(starter):
    for template in starter.values():
        spec = template.manifest["spec"]
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}
        assert spec.get("serviceAccountName") in (None, "workflow")
        for t in spec["templates"]:
            if "container" not in t:
                continue
            container = t["container"]
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
            assert set(container["resources"]) == {"requests", "limits"}
            assert ":" in container["image"] and not container["image"].endswith(":latest")


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


def test_int_or_string_fields_take_both():
    for limit in (3, "3", "{{inputs.parameters.retries}}"):
        data = {"templates": [{"name": "m", "retryStrategy": {"limit": limit}, "suspend": {}}]}
        assert check_against_model(argo.WorkflowSpec, data, "spec")[1] == []


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"parallelism": True}, "spec.parallelism: expected an integer, found boolean true"),
        ({"parallelism": 2.5}, "spec.parallelism: expected an integer, found number 2.5"),
        ({"suspend": "true"}, "spec.suspend: expected a boolean, found string 'true'"),
        ({"templates": {"name": "x"}}, "spec.templates: expected a list, found a mapping"),
        (
            {"templates": [{"name": "m", "retryStrategy": {"limit": [1]}}]},
            "spec.templates[0].retryStrategy.limit: expected a string or an integer, found a list",
        ),
        (
            {"podMetadata": {"labels": {"app.kubernetes.io/name": 1}}},
            "spec.podMetadata.labels['app.kubernetes.io/name']: expected a string, found "
            "integer 1 (quote the value to make it a string)",
        ),
        (
            {"podMetadata": {"labels": {1: "one"}}},
            "spec.podMetadata.labels[1]: keys must be strings (quote the key)",
        ),
        ({"entrypoint": None}, None),  # null is "not set", as in Kubernetes
    ],
)
def test_scalars_are_checked_strictly(data, problem):
    problems = check_against_model(argo.WorkflowSpec, data, "spec")[1]
    assert problems == ([problem] if problem else [])


def test_hera_models_alone_would_accept_these_mistakes():
    """Why the strict walk exists: pydantic's defaults let each of these through."""
    sloppy = {
        "parallelism": "5",
        "entrypointt": "main",
        "templates": [{"name": "m", "container": {"image": "x", "image_pull_policy": "Always"}}],
    }
    argo.WorkflowSpec.model_validate(sloppy)  # no error
    assert check_against_model(argo.WorkflowSpec, sloppy, "spec")[1] == [
        "spec.parallelism: expected an integer, found string '5'",
        "spec.entrypointt: unknown field (did you mean 'entrypoint'?)",
        "spec.templates[0].container.image_pull_policy: unknown field "
        "(did you mean 'imagePullPolicy'?)",
    ]


def test_model_errors_past_the_strict_walk_use_the_same_paths():
    problems = check_against_model(argo.ObjectMeta, {"creationTimestamp": "yesterday"}, "metadata")[
        1
    ]
    assert len(problems) == 1
    assert problems[0].startswith("metadata.creationTimestamp: Input should be a valid datetime")


def _annotation_parts(annotation, seen):
    """Every annotation reachable from ``annotation``, through containers and models."""
    yield annotation
    if typing.get_origin(annotation) is typing.Annotated:
        yield from _annotation_parts(typing.get_args(annotation)[0], seen)
        return
    for arg in typing.get_args(annotation):
        yield from _annotation_parts(arg, seen)
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for info in annotation.model_fields.values():
            yield from _annotation_parts(info.annotation, seen)


def test_the_strict_walk_understands_every_annotation_of_the_models():
    """A Hera upgrade that brings a new kind of annotation fails here, not in a preview."""
    seen: set = set()
    parts = [
        *_annotation_parts(argo.WorkflowSpec, seen),
        *_annotation_parts(argo.ObjectMeta, seen),
    ]
    assert len(seen) > 150
    for part in parts:
        if part is type(None):
            continue
        _check_value(part, object(), "x", [])  # raises TypeError when unsupported

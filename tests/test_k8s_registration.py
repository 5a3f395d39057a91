"""Built-in kinds registered without pulumi-kubernetes' typed classes send the engine what
the typed classes send.

The reference is pulumi-kubernetes itself: each object of the full test stack (which
holds every kind of components.k8s_kinds) is registered once through its typed class and
once through components.k8s, and the two RegisterResource requests the mock monitor
receives must be equal field by field (properties, secrets, aliases, provider version,
dependencies, options), but for the resource's name and the line it was declared on.
Reads of existing objects (adopted namespaces, pre-installed CRDs) are compared the same
way.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from features_support import FULL, render_file
from google.protobuf import json_format

from components import k8s as objects
from components import k8s_kinds
from tools import mock_runtime
from tools.stack_config import merged_config

ROOT = Path(__file__).resolve().parent.parent

# pulumi_kubernetes' Python package of each API group ("" is the core group).
_PACKAGES = {
    "": "core",
    "apps": "apps",
    "policy": "policy",
    "scheduling.k8s.io": "scheduling",
    "networking.k8s.io": "networking",
    "rbac.authorization.k8s.io": "rbac",
    "apiextensions.k8s.io": "apiextensions",
}


def _typed_module(api_version: str, kind: str) -> str:
    group, _, version = api_version.rpartition("/")
    return f"pulumi_kubernetes.{_PACKAGES[group]}.{version}.{kind}"


def _typed_class(api_version: str, kind: str) -> type[pulumi.CustomResource]:
    return getattr(importlib.import_module(_typed_module(api_version, kind)), kind)


def _snake(key: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key)


def _typed_create(manifest: dict[str, Any], name: str) -> None:
    """The manifest through its typed class, as pulumi-kubernetes' users write it."""
    fields = {_snake(k): v for k, v in manifest.items() if k not in ("apiVersion", "kind")}
    _typed_class(manifest["apiVersion"], manifest["kind"])(
        name, opts=pulumi.ResourceOptions(), **fields
    )


def _typed_read(api_version: str, kind: str, name: str, object_id: str) -> None:
    _typed_class(api_version, kind).get(name, object_id, opts=pulumi.ResourceOptions())


@pytest.fixture(scope="module")
def manifests() -> list[dict[str, Any]]:
    """The objects of built-in kinds the full test stack registers."""
    return [
        r.inputs
        for r in render_file(FULL).resources
        if (r.inputs.get("apiVersion"), r.inputs.get("kind")) in k8s_kinds.TYPED_KINDS
    ]


def _requests(program: Callable[[], None], monkeypatch: pytest.MonkeyPatch) -> dict[str, dict]:
    """The RegisterResource and ReadResource requests ``program`` sends, by resource name,
    as JSON-like dicts."""
    recorder = mock_runtime.install()
    sent: dict[str, dict] = {}

    def recording(method: str) -> Callable[[Any], Any]:
        original = getattr(recorder, method)

        def record(request: Any) -> Any:
            sent[request.name] = json_format.MessageToDict(request)
            return original(request)

        return record

    monkeypatch.setattr(recorder, "RegisterResource", recording("RegisterResource"))
    monkeypatch.setattr(recorder, "ReadResource", recording("ReadResource"))
    config, secrets = merged_config("dev")
    mock_runtime.run(program, config, secrets)
    return sent


def _differences(reference: dict, ours: dict) -> Iterator[str]:
    """Fields that differ, but for the name and the line each was declared on: ours are
    declared in components/k8s.py, called by the same code as the typed class."""
    for key in sorted((set(reference) | set(ours)) - {"name", "sourcePosition"}):
        a, b = reference.get(key), ours.get(key)
        if key == "stackTrace":
            a = [frame.get("pc", {}).get("uri") for frame in a["frames"]]
            b = [frame.get("pc", {}).get("uri") for frame in b["frames"]]
            declared_here = b[0].endswith("/components/k8s.py")
            a, b = (a[-len(b) + 1 :], b[1:]) if declared_here else (a, b)
        if a != b:
            yield f"{key}: typed class sends {json.dumps(a)[:300]}, ours {json.dumps(b)[:300]}"


def _compare(manifests: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads = [
        ("v1", "Namespace", "argo-events"),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition", "workflows.argoproj.io"),
    ]

    def program() -> None:
        for i, manifest in enumerate(manifests):
            _typed_create(manifest, f"typed-{i}")
            objects.create(manifest, pulumi.ResourceOptions(), name=f"ours-{i}")
        for i, (api_version, kind, object_id) in enumerate(reads):
            _typed_read(api_version, kind, f"typed-read-{i}", object_id)
            objects.read(api_version, kind, f"ours-read-{i}", object_id, pulumi.ResourceOptions())

    sent = _requests(program, monkeypatch)
    problems = []
    for name in sorted(sent):
        if name.startswith("typed-"):
            ours = sent[name.replace("typed-", "ours-", 1)]
            problems += [f"{name}: {d}" for d in _differences(sent[name], ours)]
    assert len(sent) == 2 * (len(manifests) + len(reads))
    return problems


def test_the_full_stack_holds_every_kind_registered_without_its_typed_class(
    manifests: list[dict[str, Any]],
) -> None:
    found = {(m["apiVersion"], m["kind"]) for m in manifests}
    assert found == set(k8s_kinds.TYPED_KINDS)


def test_each_object_sends_what_its_typed_class_sends(
    manifests: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _compare(manifests, monkeypatch) == []


@pytest.mark.parametrize(
    ("kind", "facts"),
    [
        (("apps/v1", "Deployment"), k8s_kinds.KindFacts()),
        (("v1", "Secret"), k8s_kinds.KindFacts()),
        (("v1", "ConfigMap"), k8s_kinds.KindFacts(aliases=("kubernetes:core/v1beta1:ConfigMap",))),
    ],
    ids=["alias-missing", "secret-missing", "alias-extra"],
)
def test_a_wrong_fact_shows_as_a_difference(
    manifests: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    kind: tuple[str, str],
    facts: k8s_kinds.KindFacts,
) -> None:
    monkeypatch.setitem(k8s_kinds.TYPED_KINDS, kind, facts)
    of_kind = [m for m in manifests if (m["apiVersion"], m["kind"]) == kind]
    assert of_kind
    assert _compare(of_kind, monkeypatch) != []


def test_the_type_token_is_the_typed_class_token(manifests: list[dict[str, Any]]) -> None:
    for api_version, kind in k8s_kinds.TYPED_KINDS:
        source = Path(importlib.util.find_spec(_typed_module(api_version, kind)).origin)
        token = k8s_kinds.type_token(api_version, kind)
        assert f"'{token}'" in source.read_text(), (token, source)


def test_the_program_imports_no_typed_class() -> None:
    """Every process that runs the program (each `pulumi preview`) is spared their
    imports: a whole run of the dev stack loads no module of a typed class of these kinds."""
    modules = sorted({_typed_module(*kind) for kind in k8s_kinds.TYPED_KINDS})
    code = (
        "import sys\n"
        "from components.program import run\n"
        "from tools import mock_runtime\n"
        "from tools.stack_config import merged_config\n"
        "registered, _ = mock_runtime.run(run, *merged_config('dev'))\n"
        f"print(len(registered), [m for m in {modules!r} if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    count, loaded = out.strip().splitlines()[-1].split(" ", 1)
    assert int(count) > 30
    assert loaded == "[]"

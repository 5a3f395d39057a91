"""The README's argo-helm mapping covers every top-level group of the chart's values and
names only keys that exist."""

from __future__ import annotations

import re
from pathlib import Path

from features_support import feature_keys

from components.settings import declared_keys

README = Path(__file__).resolve().parent.parent / "README.md"

# Top-level keys of argo-helm charts/argo-workflows/values.yaml.
CHART_GROUPS = (
    "images", "crds", "createAggregateRoles", "nameOverride", "fullnameOverride",
    "kubeVersionOverride", "singleNamespace", "workflow", "controller", "mainContainer",
    "executor", "server", "extraObjects", "useDefaultArtifactRepo", "useStaticCredentials",
    "artifactRepository", "customArtifactRepository", "emissary",
)  # fmt: skip


def _section() -> str:
    text = README.read_text()
    start = text.index("## Coming from argo-helm")
    return text[start : text.index("\n## ", start + 1)]


def _rows() -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in _section().splitlines()
        if line.startswith("| ") and not line.startswith("| ---")
    ][1:]


def test_every_chart_group_is_mapped():
    firsts = [row[0] for row in _rows()]
    for group in CHART_GROUPS:
        assert any(
            cell.startswith((f"**{group}**", f"**{group}.", f"`{group}.")) or f"**{group}**" in cell
            for cell in firsts
        ), group


def test_every_row_says_where_it_goes_or_why_not():
    for row in _rows():
        if row[0].startswith("**") and not row[1]:
            continue  # a group heading
        assert row[1], row
        if row[1] == "not supported":
            assert row[2].startswith("because "), row


def test_named_keys_exist():
    declared = set(declared_keys())
    for row in _rows():
        for name in re.findall(r"`([a-z][A-Za-z]+)`", row[1]):
            assert name in declared, (name, row)


def test_every_feature_key_is_mentioned():
    section = _section()
    network_keys = [k for k in feature_keys() if k.startswith("network")]
    missing = [k for k in feature_keys() if f"`{k}`" not in section and k not in network_keys]
    assert not missing, missing

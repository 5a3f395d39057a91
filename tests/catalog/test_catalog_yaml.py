"""The catalog's YAML reader builds what PyYAML's SafeLoader builds, refusing what it must.

The expected documents come from PyYAML's own SafeLoader (with the one documented
difference: timestamps stay strings, as Kubernetes reads them in string fields).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from components.catalog.reading import _read_yaml

CORPUS = Path(__file__).parent / "corpus"
REPO = Path(__file__).resolve().parents[2]
FILES = sorted(
    [
        *CORPUS.rglob("*.yaml"),
        *(REPO / "workflowtemplates").rglob("*.yaml"),
        *(Path(__file__).parent / "fixtures").rglob("*.yaml"),
    ]
)


class _SafeWithoutDates(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """PyYAML's SafeLoader (its constructor, on libyaml's parser), dates kept as strings."""


_SafeWithoutDates.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read(tmp_path: Path, text: str) -> tuple[list, list[str]]:
    path = tmp_path / "t.yaml"
    path.write_text(text)
    documents, problems = _read_yaml(path, "t.yaml", "catalog/t.yaml")
    return [d.data for d in documents], problems


def _safe(text: str) -> list:
    return [d for d in yaml.load_all(text, Loader=_SafeWithoutDates) if d is not None]


def _has_duplicate_keys(text: str) -> bool:
    def walk(node: yaml.Node) -> bool:
        if isinstance(node, yaml.MappingNode):
            keys = [(k.tag, k.value) for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
            if len(keys) != len(set(keys)):
                return True
            return any(walk(v) for _, v in node.value)
        if isinstance(node, yaml.SequenceNode):
            return any(walk(v) for v in node.value)
        return False

    return any(walk(node) for node in yaml.compose_all(text, Loader=_SafeWithoutDates))


def _mismatch(path: Path, tmp_path: Path) -> str | None:
    """How the catalog's reading of ``path`` differs from SafeLoader's (None: it does not)."""
    text = path.read_text()
    documents, problems = _read(tmp_path, text)
    try:
        expected = _safe(text)
    except yaml.YAMLError:
        return None if problems else "SafeLoader refuses it, the catalog reads it"
    if _has_duplicate_keys(text):
        return None if any("duplicate key" in p for p in problems) else "duplicate key not named"
    if not expected:
        return None if problems == ["catalog/t.yaml: the file holds no document"] else "empty"
    if problems or documents != expected:
        return f"problems {problems} or documents differ"
    return None


def test_every_catalog_file_reads_as_safe_loader_reads_it(tmp_path: Path) -> None:
    assert len(FILES) > 200
    mismatches = {str(p.relative_to(REPO)): _mismatch(p, tmp_path) for p in FILES}
    assert {path: why for path, why in mismatches.items() if why} == {}


SHAPES = {
    "anchors and aliases": "a: &x {b: [1, 2]}\nc: *x\nd: &s hello\ne: *s\n",
    "merge key": "base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n",
    "merge of a list": "a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n",
    "scalar types": (
        "int: 0x1f\noctal: 017\nfloat: 1.5e3\ninf: .inf\nbool: yes\nnull: ~\n"
        "quoted: '017'\nsexagesimal: 1:30\nempty:\nkeys: {1: a, false: b, 1.5: c}\n"
    ),
    "dates stay strings": "when: 2024-01-01\nstamp: 2001-12-14t21:59:43.10-05:00\n",
    "explicit tags": "s: !!str 017\ni: !!int '7'\nb: !!binary aGVsbG8=\nset: !!set {a, b}\n",
    "explicit key": "? a\n: pair\n? 7\n: seven\n",
    "several documents": "a: 1\n---\n---\n- x\n- {y: z}\n",
    "block scalars": "run: |\n  echo one\n  echo two\nfolded: >\n  one\n  two\n",
}


@pytest.mark.parametrize("text", SHAPES.values(), ids=SHAPES.keys())
def test_yaml_shapes_read_as_safe_loader_reads_them(text: str, tmp_path: Path) -> None:
    documents, problems = _read(tmp_path, text)
    assert problems == []
    assert documents == _safe(text)


def test_aliased_nodes_are_one_object(tmp_path: Path) -> None:
    (document,), _ = _read(tmp_path, "a: &x {b: [1]}\nc: *x\n")
    assert document["a"] is document["c"]


REFUSED = {
    "duplicate key": ("a: 1\nb: 2\na: 3\n", "duplicate key 'a'"),
    "nested duplicate key": ("spec:\n  x: 1\n  x: 2\n", "duplicate key 'x'"),
    "duplicate key beside a merge": ("b: &b {x: 1}\nd:\n  <<: *b\n  y: 1\n  y: 2\n", "'y'"),
    "duplicate after construction": ("{1: a, 0x1: b}\n", "duplicate key 1"),
    "recursive alias": ("a: &x\n  b: *x\n", "recursive"),
    "unhashable key": ("? {a: 1}\n: v\n", "unhashable key"),
    "unknown tag": ("a: !!python/name:os.system x\n", "could not determine a constructor"),
    "not YAML": ("a: [1, 2\n", "YAML does not parse"),
}


@pytest.mark.parametrize(("text", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_bad_yaml_is_reported_with_file_and_place(text: str, message: str, tmp_path: Path) -> None:
    documents, problems = _read(tmp_path, text)
    assert len(problems) == 1, problems
    assert problems[0].startswith("catalog/t.yaml[0]: YAML does not parse at line ")
    assert message in problems[0]

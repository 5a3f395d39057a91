"""Acceptance corpus for the catalog validator, loaded as `pulumi preview` would load it.

Each corpus file is copied alone into an empty catalog folder (with the catalog templates it
calls through ``templateRef``) and loaded with ``load_catalog`` and the stack defaults declared in
Pulumi.yaml:

- ``corpus/valid``: real WorkflowTemplates (Argo Workflows' own examples and a production
  deployment's templates, re-created as WorkflowTemplates, each citing its source) must be
  accepted unchanged;
- ``corpus/refused``: templates a Pod Security "restricted" namespace (or this install) truly
  refuses; they must be refused, with a problem naming the file and the field (the ``expect:``
  token of the file's header);
- ``corpus/invalid``: subtly invalid templates that Argo's own validation refuses or that fail
  when they run; they must be refused, naming the file and the field (``expect:``);
- misspelt twins: every valid file with one field misspelt (the first scalar key other than
  ``name`` at depth four or more under ``spec`` of its first document, last letter doubled) must
  be refused, naming the file and the field path.

Expected outcomes come from the upstream sources the headers cite, never from the validator.
"""

from __future__ import annotations

import copy
import functools
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.catalog import CatalogError, load_catalog
from components.settings import declared_keys

CORPUS = Path(__file__).parent / "corpus"
VALID = sorted((CORPUS / "valid").glob("*.yaml"))
REFUSED = sorted((CORPUS / "refused").glob("*.yaml"))
INVALID = sorted((CORPUS / "invalid").glob("*.yaml"))
PROJECT_FILE = Path(__file__).resolve().parents[2] / "Pulumi.yaml"

# Pulumi.yaml keys whose load_catalog keyword is not simply their snake_case spelling.
_KEYWORD_FOR_KEY = {
    "requireTemplateDescription": "require_description",
    "requireRestrictedPods": "require_restricted",
    "managedNamespacePodSecurity": "pod_security",
    "version": "argo_version",
}
# Mappings whose keys are data (names, resource kinds, items), not fields of Argo's schema.
_FREE_FORM = frozenset(
    {"annotations", "labels", "labelsFrom", "matchLabels", "nodeSelector", "requests", "limits",
     "withItems", "plugin"}
)  # fmt: skip
_TWIN_MIN_DEPTH = 4
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --- loading -----------------------------------------------------------------------------------


def _stack_defaults() -> dict[str, Any]:
    declared = declared_keys(PROJECT_FILE).items()
    return {key: spec.default for key, spec in declared if spec.default is not None}


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


@functools.cache
def _catalog_keywords() -> dict[str, Any]:
    """load_catalog keywords filled from the Pulumi.yaml defaults they stand for."""
    accepted = inspect.signature(load_catalog).parameters
    keywords = {}
    for key, value in _stack_defaults().items():
        keyword = _KEYWORD_FOR_KEY.get(key, _snake(key))
        if keyword in accepted and keyword != "root":
            keywords[keyword] = tuple(value) if isinstance(value, list) else value
    return keywords


@functools.cache
def _documents(path: Path) -> tuple[dict[str, Any], ...]:
    """The file's documents, parsed once per process: read them, never change them."""
    return tuple(doc for doc in yaml.load_all(path.read_text(), Loader=_LOADER) if doc is not None)


def _template_refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        ref = value.get("templateRef")
        if isinstance(ref, dict) and isinstance(ref.get("name"), str):
            yield ref["name"]
        for child in value.values():
            yield from _template_refs(child)
    elif isinstance(value, list):
        for child in value:
            yield from _template_refs(child)


def _defining_files() -> dict[str, Path]:
    return {doc["metadata"]["name"]: path for path in VALID for doc in _documents(path)}


DEFINED_IN = _defining_files()


def _with_references(path: Path) -> list[Path]:
    """The file and every corpus file it reaches through templateRef."""
    needed, queue = [path], [path]
    while queue:
        for name in _template_refs(list(_documents(queue.pop()))):
            target = DEFINED_IN.get(name)
            if target is not None and target not in needed:
                needed.append(target)
                queue.append(target)
    return needed


def _load(catalog: Path, files: list[Path], texts: dict[Path, str] | None = None) -> list[str]:
    """Load a catalog made of these files; return its problems ([] when accepted)."""
    catalog.mkdir()
    for path in files:
        (catalog / path.name).write_text((texts or {}).get(path, path.read_text()))
    try:
        load_catalog(catalog, **dict(_catalog_keywords()))
    except CatalogError as err:
        return [str(p) for p in getattr(err, "problems", None) or [str(err)]]
    return []


def _expected_tokens(path: Path) -> list[str]:
    match = re.search(r"^# expect: (.+)$", path.read_text(), re.MULTILINE)
    assert match, f"{path.name}: header has no '# expect:' line"
    return match.group(1).strip().split("|")


def _naming(problems: list[str], path: Path) -> list[str]:
    return [p for p in problems if path.name in p]


def _refused_naming_expected(path: Path, tmp_path: Path) -> list[str]:
    """Load the file alone; it must be refused with a problem naming it and its header's
    ``expect:`` token. Returns the problems naming it."""
    problems = _load(tmp_path / "catalog", [path])
    named = _naming(problems, path)
    tokens = _expected_tokens(path)
    assert named, f"{path.name} accepted or not named: {problems}"
    assert any(t.lower() in p.lower() for p in named for t in tokens), (
        f"{path.name}: no problem mentions {tokens}: {named}"
    )
    return named


# --- valid ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_real_template_is_accepted(path: Path, tmp_path: Path) -> None:
    problems = _load(tmp_path / "catalog", _with_references(path))
    assert not problems, "\n".join(problems)


# --- refused ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", REFUSED, ids=lambda p: p.name)
def test_template_a_restricted_namespace_refuses_is_refused(path: Path, tmp_path: Path) -> None:
    named = _refused_naming_expected(path, tmp_path)
    assert not any("unknown field" in p for p in named), named


# --- invalid ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_subtly_invalid_template_is_refused(path: Path, tmp_path: Path) -> None:
    _refused_naming_expected(path, tmp_path)


# --- misspelt twins ---------------------------------------------------------------------------


def _leaves(value: Any, path: str, depth: int) -> Iterator[tuple[str, str, int, dict]]:
    """(path, key, depth, parent) of every scalar-valued key, in document order."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key in _FREE_FORM:
                continue
            child_path = f"{path}.{key}" if path else key
            if isinstance(child, (dict, list)):
                yield from _leaves(child, child_path, depth + 1)
            else:
                yield child_path, key, depth + 1, value
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _leaves(child, f"{path}[{index}]", depth)


def misspell(document: dict[str, Any]) -> tuple[str, str]:
    """Misspell one field of ``document`` in place; return (its new path, the new key).

    The field is the first scalar-valued key other than ``name`` at depth four or more under
    ``spec`` (a key below spec.templates[i].container, for example); the misspelling doubles its
    last letter.
    """
    leaves = list(_leaves(document["spec"], "spec", 1))
    chosen = next(
        (leaf for leaf in leaves if leaf[2] >= _TWIN_MIN_DEPTH and leaf[1] != "name"), leaves[-1]
    )
    path, key, _, parent = chosen
    wrong = key + key[-1]
    parent_items = list(parent.items())
    parent.clear()
    parent.update({(wrong if k == key else k): v for k, v in parent_items})
    return path[: -len(key)] + wrong, wrong


def _twin_text(path: Path) -> tuple[str, str, str]:
    documents = copy.deepcopy(list(_documents(path)))
    field_path, wrong = misspell(documents[0])
    text = yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True)
    return text, field_path, wrong


def _squash(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "", text)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_misspelt_twin_is_named(path: Path, tmp_path: Path) -> None:
    text, field_path, wrong = _twin_text(path)
    problems = _load(tmp_path / "catalog", _with_references(path), {path: text})
    named = _naming(problems, path)
    assert named, f"twin of {path.name} ({field_path}) accepted or not named: {problems}"
    assert any(
        field_path in p or (wrong in p and _squash(field_path) in _squash(p)) for p in named
    ), f"twin of {path.name}: no problem names {field_path}: {named}"


def test_misspell_picks_a_field_below_a_template() -> None:
    document = {
        "spec": {
            "entrypoint": "main",
            "templates": [
                {
                    "name": "main",
                    "metadata": {"labels": {"team": "a"}},
                    "container": {"image": "busybox", "args": ["x"]},
                }
            ],
        }
    }
    assert misspell(document) == ("spec.templates[0].container.imagee", "imagee")
    assert document["spec"]["templates"][0]["container"] == {"imagee": "busybox", "args": ["x"]}


# --- the corpus itself ------------------------------------------------------------------------


def test_corpus_size_and_headers() -> None:
    documents = [doc for path in VALID for doc in _documents(path)]
    assert len(VALID) >= 60 and len(documents) >= 60
    assert len(REFUSED) >= 5
    assert len(INVALID) >= 32
    for path in VALID:
        assert re.search(r"^# Source: ", path.read_text(), re.MULTILINE), path.name
    for path in [*REFUSED, *INVALID]:
        assert re.search(r"^# (Source|Rule): ", path.read_text(), re.MULTILINE), path.name
        _expected_tokens(path)
    names = [doc["metadata"]["name"] for path in VALID + REFUSED + INVALID
             for doc in _documents(path)]  # fmt: skip
    assert len(names) == len(set(names)), "corpus template names must be unique"

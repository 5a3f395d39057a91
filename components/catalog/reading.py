"""Find the catalog's files and read them into documents: strict YAML, and Hera files imported."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import sys
import traceback
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from components.catalog.facts import PYTHON_SUFFIX, YAML_SUFFIXES


@dataclass
class _Document:
    path: Path
    location: str  # for messages: "<catalog folder>/<file>[<doc>]"
    source: str  # relative to the catalog root: "<file>#<doc>"
    data: Any


def _catalog_files(root: Path) -> list[Path]:
    """Every YAML and Python file below ``root``, skipping hidden and ``_``-prefixed ones."""
    found = []
    for path in root.rglob("*"):
        parts = path.relative_to(root).parts
        if not path.is_file() or any(p.startswith((".", "_")) for p in parts):
            continue
        if path.suffix in (*YAML_SUFFIXES, PYTHON_SUFFIX):
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _read_file(root: Path, path: Path) -> tuple[list[_Document], list[str]]:
    rel = path.relative_to(root).as_posix()
    shown = f"{root.name}/{rel}"
    if path.suffix == PYTHON_SUFFIX:
        return _read_python(path, rel, shown)
    return _read_yaml(path, rel, shown)


# --- YAML ----------------------------------------------------------------------------------

# libyaml's parser where PyYAML was built with it: the pure-Python one dominates the run
# time of a large catalog.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):
    """SafeLoader that refuses duplicate keys and keeps dates as strings."""

    yaml_path_resolvers: typing.ClassVar[dict] = {}  # none, whatever other loaders register

    # The parser calls these around every node to track path resolvers, which this loader
    # does not have (SafeLoader's return at once then): builtins that take the same
    # arguments and do nothing, without a Python call per node.
    descend_resolver = slice  # (parent node, index)
    ascend_resolver = tuple  # ()

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        # The parser asks for the tag of every node, and keys and values repeat across a
        # file. Without path resolvers a node's tag depends on these arguments alone: each
        # file remembers the tags it resolved, looked up in C (no Python call per node).
        self.resolve = functools.lru_cache(maxsize=None)(_TAGS.resolve)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            # Plain scalar keys compare by tag and text; only complex keys are built twice.
            if isinstance(key_node, yaml.ScalarNode):
                key, shown = (key_node.tag, key_node.value), key_node.value
            else:
                key = shown = self.construct_object(key_node, deep=True)
            if isinstance(key, typing.Hashable) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {shown!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_document(self, node: yaml.Node) -> Any:
        # One direct pass over the node tree for the plain shapes templates are made of
        # (string-keyed maps, lists, scalars): PyYAML's general constructor, with its
        # generators and per-node bookkeeping, cost more than parsing. Anything else
        # (merge keys, explicit collection tags) goes through the general constructor.
        try:
            return _Builder(self).build(node)
        finally:
            self.constructed_objects = {}
            self.recursive_objects = {}
            self.state_generators = []
            self.deep_construct = False


_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"


_MISSING = object()
_BUILDING = object()  # the value of a node whose value is being built


class _Builder:
    """Build a document as SafeLoader would, refusing duplicate keys (see _StrictLoader)."""

    def __init__(self, loader: _StrictLoader) -> None:
        self._loader = loader
        # Collection and non-string nodes by id, built once like PyYAML (an alias is the same
        # node); a plain string is its node's text, the same object however often it is used.
        self._built: dict[int, Any] = {}

    def build(self, node: yaml.Node) -> Any:
        key = id(node)
        value = self._built.get(key, _MISSING)
        if value is _MISSING:
            self._built[key] = _BUILDING
            value = self._built[key] = self._value(node)
        elif value is _BUILDING:
            raise yaml.constructor.ConstructorError(
                None, None, "found a recursive alias (a node inside itself)", node.start_mark
            )
        return value

    def _value(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR_TAG:
                return node.value
            return self._loader.construct_object(node, deep=True)
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
            return [
                item.value
                if item.tag == _STR_TAG and isinstance(item, yaml.ScalarNode)
                else self.build(item)
                for item in node.value
            ]
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
            for key_node, _ in node.value:
                if key_node.tag == _MERGE_TAG:
                    break
            else:
                return self._mapping(node)
        return self._loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode) -> dict:
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _STR_TAG and isinstance(key_node, yaml.ScalarNode):
                key = key_node.value
            else:
                key = self.build(key_node)
                if not isinstance(key, typing.Hashable):
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        "found unhashable key",
                        key_node.start_mark,
                    )
            if key in mapping:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            if value_node.tag == _STR_TAG and isinstance(value_node, yaml.ScalarNode):
                mapping[key] = value_node.value
            else:
                mapping[key] = self.build(value_node)
        return mapping


# Kubernetes reads `2024-01-01` in a string field as a string; PyYAML would make it a date.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _TagResolver(yaml.resolver.BaseResolver):
    """The loader's tag resolution on its own (no reference back to a loader and its text)."""

    yaml_implicit_resolvers = _StrictLoader.yaml_implicit_resolvers
    yaml_path_resolvers: typing.ClassVar[dict] = {}


_TAGS = _TagResolver()


def _read_yaml(path: Path, rel: str, shown: str) -> tuple[list[_Document], list[str]]:
    documents: list[_Document] = []
    problems: list[str] = []
    index = -1
    try:
        for index, data in enumerate(
            yaml.load_all(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
        ):
            if data is not None:
                documents.append(_Document(path, f"{shown}[{index}]", f"{rel}#{index}", data))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = err.problem or err.context or "invalid YAML"
        problems.append(f"{shown}[{index + 1}]: YAML does not parse{where}: {what}")
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        problems.append(f"{shown}: YAML does not parse: {err}")
    if not documents and not problems:
        problems.append(f"{shown}: the file holds no document")
    return documents, problems


# --- Hera ----------------------------------------------------------------------------------


def _read_python(path: Path, rel: str, shown: str) -> tuple[list[_Document], list[str]]:
    """Import a Hera file on its own and turn its module-level workflows into manifests."""
    from hera.shared import global_config
    from hera.workflows import Workflow

    module_name = f"_workflowtemplate_catalog_{hashlib.sha256(str(path).encode()).hexdigest()[:16]}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        return [], [f"{shown}: cannot be imported as a Python module"]
    module = importlib.util.module_from_spec(spec)
    global_config.reset()  # one catalog file must not inherit another's Hera defaults
    sys.modules[module_name] = module
    write_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # keep the tree clean
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as err:  # any failure of a catalog file is reported
        return [], [f"{shown}: import failed{_python_line(err, path)}: {_one_line(err)}"]
    finally:
        sys.dont_write_bytecode = write_bytecode
        sys.modules.pop(module_name, None)
        global_config.reset()
    documents: list[_Document] = []
    problems: list[str] = []
    seen: set[int] = set()
    for variable, value in vars(module).items():
        # Hera's WorkflowTemplate, ClusterWorkflowTemplate and CronWorkflow are Workflows;
        # the kind check then refuses everything but a WorkflowTemplate.
        if not isinstance(value, Workflow) or id(value) in seen:
            continue
        seen.add(id(value))
        location = f"{shown}[{variable}]"
        try:
            data = value.to_dict()
        except Exception as err:  # reported, not raised
            problems.append(f"{location}: Hera cannot build the manifest: {_one_line(err)}")
            continue
        documents.append(_Document(path, location, f"{rel}#{variable}", data))
    if not documents and not problems:
        problems.append(f"{shown}: defines no Hera WorkflowTemplate at module level")
    return documents, problems


def _python_line(err: BaseException, path: Path) -> str:
    if isinstance(err, SyntaxError) and err.lineno:
        return f" at line {err.lineno}"
    frames = traceback.extract_tb(err.__traceback__)
    lines = [f.lineno for f in frames if Path(f.filename).resolve() == path.resolve()]
    return f" at line {lines[-1]}" if lines else ""


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text}" if text else type(err).__name__

"""Load the WorkflowTemplate catalog and validate it before anything is registered.

The catalog is one folder of reviewed templates: YAML files (one or more documents each)
and Python files that build Hera ``WorkflowTemplate`` objects. :func:`load_catalog` reads
all of them, checks every document offline and raises one :class:`CatalogError` that lists
every problem of every file, each naming the file, the document and the field path.

Pure: this module registers no Pulumi resources.
"""

from __future__ import annotations

import datetime
import decimal
import difflib
import functools
import hashlib
import importlib.util
import json
import re
import sys
import traceback
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic
import yaml
from hera.workflows import models as argo

# --- Facts -------------------------------------------------------------------------------

API_VERSION = "argoproj.io/v1alpha1"
KIND = "WorkflowTemplate"
DESCRIPTION_ANNOTATION = "workflows.argoproj.io/description"

YAML_SUFFIXES = (".yaml", ".yml")
PYTHON_SUFFIX = ".py"

_TEMPLATE_ONLY = (
    "this install runs templates only: the catalog holds WorkflowTemplates, and every "
    "workflow is submitted with a workflowTemplateRef to one of them"
)
# Kinds someone may reasonably drop into the catalog, and why each one is refused.
_REFUSED_KINDS = {
    "Workflow": f"a Workflow cannot live in the catalog; {_TEMPLATE_ONLY}",
    "CronWorkflow": (
        f"a CronWorkflow cannot live in the catalog; {_TEMPLATE_ONLY} "
        "(schedules are created separately and reference a catalog template)"
    ),
    "ClusterWorkflowTemplate": (
        "ClusterWorkflowTemplates are not available: the controller runs in managed-namespace "
        f"mode and reads templates from the managed namespace only; {_TEMPLATE_ONLY}"
    ),
}

_DOCUMENT_KEYS = ("apiVersion", "kind", "metadata", "spec")

# Metadata the API server sets; copied from `kubectl get -o yaml` it breaks the apply.
_SERVER_SET_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "selfLink",
)

# Workflows submitted from a WorkflowTemplate carry its name in the label
# `workflows.argoproj.io/workflow-template` (workflow/common/common.go), and label values
# are at most 63 characters, so the name must be a DNS-1123 subdomain of that length.
_NAME_MAX = 63
_DNS1123_SUBDOMAIN = re.compile(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
)

# A template sets exactly one of these (workflow/validate/validate.go, validateTemplateType).
TEMPLATE_TYPES = (
    "container",
    "containerSet",
    "dag",
    "data",
    "http",
    "plugin",
    "resource",
    "script",
    "steps",
    "suspend",
)
# A step or DAG task calls exactly one of these (validate.go, validateTemplateHolder).
_CALL_KEYS = ("template", "templateRef", "inline")

# Argo's `AnyString` fields take a YAML string, number or boolean and keep it as a string
# (pkg/apis/workflow/v1alpha1/anystring.go); Hera's models type them as plain `str`.
_ANY_STRING_FIELDS = {
    (argo.Parameter, "default"),
    (argo.Parameter, "value"),
    (argo.Parameter, "enum"),
    (argo.Parameter, "description"),
    (argo.ValueFrom, "default"),
}
# Kubernetes quantities accept a YAML number as well as a string
# (k8s.io/apimachinery/pkg/api/resource/quantity.go, UnmarshalJSON); Hera types them `str`.
_NUMBER_OR_TEXT_MODELS = (argo.Quantity,)


# --- Public interface ----------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogTemplate:
    """One validated WorkflowTemplate of the catalog."""

    name: str
    source: str
    manifest: dict = field(hash=False)
    content_hash: str


class CatalogError(Exception):
    """The catalog has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        header = f"{count} problem{'s' if count != 1 else ''} in the WorkflowTemplate catalog:"
        super().__init__("\n".join([header, *self.problems]))


def load_catalog(
    root: Path,
    *,
    managed_namespace: str,
    require_description: bool = True,
    allowed_service_accounts: Sequence[str] = ("workflow",),
) -> list[CatalogTemplate]:
    """Read and validate every template below ``root``; raise CatalogError on any problem."""
    root = Path(root)
    if not root.is_dir():
        raise CatalogError([f"{root}: the catalog folder does not exist"])
    documents: list[_Document] = []
    file_problems: dict[Path, list[str]] = {}  # catalog order
    for path in _catalog_files(root):
        found, file_problems[path] = _read_file(root, path)
        documents += found
    ctx = _Context(
        managed_namespace=managed_namespace,
        require_description=require_description,
        allowed_service_accounts=tuple(allowed_service_accounts),
        catalog=_catalog_index(documents),
    )
    templates: list[CatalogTemplate] = []
    doc_problems: dict[Path, list[str]] = {path: [] for path in file_problems}
    for doc in documents:
        template, found = _check_document(doc, ctx)
        doc_problems[doc.path] += [f"{doc.location}: {p}" for p in found]
        if template is not None:
            templates.append(template)
    # Per file: its documents' problems, then what stopped the file from being read further.
    problems = [p for path in file_problems for p in doc_problems[path] + file_problems[path]]
    if problems:
        raise CatalogError(problems)
    return templates


def content_hash(manifest: Mapping[str, Any]) -> str:
    """sha256 of the manifest as canonical JSON (sorted keys, no whitespace)."""
    canonical = json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- Reading files -------------------------------------------------------------------------


@dataclass
class _Document:
    path: Path
    location: str  # for messages: "<catalog folder>/<file>[<doc>]"
    source: str  # relative to the catalog root: "<file>#<doc>"
    data: Any


@dataclass
class _Context:
    managed_namespace: str
    require_description: bool
    allowed_service_accounts: tuple[str, ...]
    catalog: dict[str, frozenset[str]]  # template name -> names of the templates inside it
    first_seen: dict[str, str] = field(default_factory=dict)  # template name -> location


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


# libyaml's parser where PyYAML was built with it: the pure-Python one dominates the run
# time of a large catalog.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):
    """SafeLoader that refuses duplicate keys and keeps dates as strings."""

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


# Kubernetes reads `2024-01-01` in a string field as a string; PyYAML would make it a date.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


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


def _catalog_index(documents: Iterable[_Document]) -> dict[str, frozenset[str]]:
    """Template name -> names of the templates inside it, read leniently from every document.

    Built before any check so a reference to a template that has problems of its own is
    not reported a second time.
    """
    index: dict[str, frozenset[str]] = {}
    for doc in documents:
        data = doc.data if isinstance(doc.data, dict) else {}
        metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
        spec = data.get("spec") if isinstance(data.get("spec"), dict) else {}
        name, templates = metadata.get("name"), spec.get("templates")
        if data.get("kind") != KIND or not isinstance(name, str) or name in index:
            continue
        inner = templates if isinstance(templates, list) else []
        index[name] = frozenset(
            t["name"] for t in inner if isinstance(t, dict) and isinstance(t.get("name"), str)
        )
    return index


# --- One document --------------------------------------------------------------------------


def _check_document(doc: _Document, ctx: _Context) -> tuple[CatalogTemplate | None, list[str]]:
    data = doc.data
    if not isinstance(data, dict):
        return None, [f"the document is {_describe(data)}, expected a WorkflowTemplate mapping"]
    problems = _check_envelope(data)
    if data.get("kind") != KIND:
        return None, problems
    for key in data:
        if key not in _DOCUMENT_KEYS:
            problems.append(f"{_join('', key)}: unknown field{_suggest(key, _DOCUMENT_KEYS)}")
    metadata, meta_problems = _check_metadata(data.get("metadata"), doc, ctx)
    problems += meta_problems
    if "spec" not in data:
        problems.append("spec: required field missing")
        return None, problems
    spec, spec_problems = check_against_model(argo.WorkflowSpec, data["spec"], "spec")
    problems += spec_problems
    if not spec_problems:
        problems += _check_spec(spec, ctx)
    if problems:
        return None, problems
    manifest = {"apiVersion": API_VERSION, "kind": KIND, "metadata": metadata, "spec": spec}
    template = CatalogTemplate(metadata["name"], doc.source, manifest, content_hash(manifest))
    return template, []


def _check_envelope(data: dict) -> list[str]:
    kind, api_version = data.get("kind"), data.get("apiVersion")
    problems = []
    if api_version != API_VERSION:
        problems.append(f"apiVersion: expected {API_VERSION!r}, found {_short(api_version)}")
    if isinstance(kind, str) and kind in _REFUSED_KINDS:
        problems.append(f"kind: {kind} is refused: {_REFUSED_KINDS[kind]}")
    elif kind != KIND:
        problems.append(f"kind: expected {KIND!r}, found {_short(kind)}")
    return problems


def _check_metadata(raw: Any, doc: _Document, ctx: _Context) -> tuple[dict, list[str]]:
    if raw is None:
        return {}, ["metadata: required field missing"]
    metadata, problems = check_against_model(argo.ObjectMeta, raw, "metadata")
    if not isinstance(metadata, dict):
        return {}, problems
    for key in _SERVER_SET_METADATA:
        if key in metadata:
            problems.append(f"metadata.{key}: set by the API server; remove it from the catalog")
    problems += _check_name(metadata, doc, ctx)
    namespace = metadata.get("namespace")
    if namespace is None:
        metadata["namespace"] = ctx.managed_namespace
    elif isinstance(namespace, str) and namespace != ctx.managed_namespace:
        problems.append(
            f"metadata.namespace: {namespace!r} is not the managed namespace "
            f"{ctx.managed_namespace!r}; leave it out or set it to {ctx.managed_namespace!r}"
        )
    if ctx.require_description:
        annotations = metadata.get("annotations")
        description = annotations.get(DESCRIPTION_ANNOTATION) if _is_map(annotations) else ""
        if not isinstance(description, str) or not description.strip():
            problems.append(
                f"metadata.annotations[{DESCRIPTION_ANNOTATION!r}]: required; say what the "
                "template does, for reviewers and the Argo UI"
            )
    return metadata, problems


def _check_name(metadata: dict, doc: _Document, ctx: _Context) -> list[str]:
    name = metadata.get("name")
    if "generateName" in metadata:
        return [
            "metadata.generateName: not allowed; a catalog template needs a fixed "
            "metadata.name, which workflowTemplateRef and templateRef point at"
        ]
    if name is None:
        return ["metadata.name: required field missing"]
    if not isinstance(name, str):  # reported by the schema check
        return []
    if len(name) > _NAME_MAX or not _DNS1123_SUBDOMAIN.match(name):
        return [
            f"metadata.name: {name!r} is not a valid DNS-1123 name (lowercase letters, digits, "
            f"'-' and '.', starting and ending with a letter or digit, at most {_NAME_MAX} "
            "characters)"
        ]
    first = ctx.first_seen.setdefault(name, doc.location)
    if first != doc.location:
        return [f"metadata.name: {name!r} is already defined in {first}"]
    return []


# --- Strict check against Hera's Argo models -----------------------------------------------


def check_against_model(
    model: type[pydantic.BaseModel], data: Any, path: str
) -> tuple[Any, list[str]]:
    """Check ``data`` strictly against ``model``; return the normalized data and problems.

    Hera's models ignore unknown fields, accept snake_case names next to the Kubernetes
    (camelCase) ones and coerce "5" into 5, none of which Kubernetes or the controller do.
    So the data is walked along the models' annotations first: every key must be a field's
    wire name and every scalar must already have the field's type. Argo's AnyString fields
    become strings and quantities given as numbers become strings, as the API would read
    them. Only data that passes is then validated by the model itself.
    """
    problems: list[str] = []
    normalized = _check_value(model, data, path, problems)
    if not problems:
        try:
            model.model_validate(normalized)
        except pydantic.ValidationError as err:
            for error in err.errors():
                problems.append(f"{_loc_path(path, error['loc'])}: {error['msg']}")
    return normalized, problems


@functools.cache
def _shape(annotation: Any) -> tuple[Any, tuple, str]:
    """typing.get_origin, get_args and the kind of model, once per annotation."""
    kind = ""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.RootModel):
        kind = "root"
    elif isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        kind = "model"
    return typing.get_origin(annotation), typing.get_args(annotation), kind


def _check_value(annotation: Any, value: Any, path: str, problems: list[str]) -> Any:
    if annotation is Any:
        return value
    origin, args, kind = _shape(annotation)
    if origin is typing.Annotated:
        return _check_value(args[0], value, path, problems)
    if origin in (typing.Union, types.UnionType):
        return _check_union(args, value, path, problems)
    if origin is list:
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list, found {_describe(value)}")
            return value
        (item,) = args
        return [_check_value(item, v, f"{path}[{i}]", problems) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a mapping, found {_describe(value)}")
            return value
        _, item = args
        for key in value:
            if not isinstance(key, str):
                problems.append(f"{_join(path, key)}: keys must be strings (quote the key)")
        return {k: _check_value(item, v, _join(path, k), problems) for k, v in value.items()}
    if kind == "root":
        if issubclass(annotation, _NUMBER_OR_TEXT_MODELS) and _is_number(value):
            return _number_text(value)
        root = annotation.model_fields["root"].annotation
        return _check_value(root, value, path, problems)
    if kind == "model":
        return _check_model(annotation, value, path, problems)
    if annotation in _SCALARS:
        if not _SCALARS[annotation][1](value):
            problems.append(f"{path}: {_type_problem(annotation, value)}")
        return value
    raise TypeError(f"{path}: unsupported annotation {annotation!r} in Hera's models")


def _check_union(args: tuple, value: Any, path: str, problems: list[str]) -> Any:
    options = [a for a in args if a is not type(None)]
    if value is None and len(options) < len(args):
        return None
    if len(options) == 1:
        return _check_value(options[0], value, path, problems)
    if all(a in _SCALARS for a in options):  # IntOrString is `str | int`
        if any(_SCALARS[a][1](value) for a in options):
            return value
        expected = " or ".join(_SCALARS[a][0] for a in options)
        problems.append(f"{path}: expected {expected}, found {_describe(value)}")
        return value
    raise TypeError(f"{path}: unsupported union {args!r} in Hera's models")


def _check_model(
    model: type[pydantic.BaseModel], value: Any, path: str, problems: list[str]
) -> Any:
    if not isinstance(value, dict):
        problems.append(f"{path}: expected a mapping, found {_describe(value)}")
        return value
    fields = _wire_fields(model)
    out = {}
    for key, item in value.items():
        where = _join(path, key)
        if not isinstance(key, str):
            problems.append(f"{where}: field names must be strings")
            continue
        if key not in fields:
            problems.append(f"{where}: unknown field{_suggest(key, fields)}")
            continue
        name, info = fields[key]
        if (model, name) in _ANY_STRING_FIELDS:
            out[key] = _any_string(info.annotation, item, where, problems)
        else:
            out[key] = _check_value(info.annotation, item, where, problems)
    for key in _required_fields(model):
        if key not in value:
            problems.append(f"{_join(path, key)}: required field missing")
    return out


@functools.cache
def _required_fields(model: type[pydantic.BaseModel]) -> tuple[str, ...]:
    return tuple(key for key, (_, info) in _wire_fields(model).items() if info.is_required())


@functools.cache
def _wire_fields(model: type[pydantic.BaseModel]) -> dict[str, tuple[str, Any]]:
    """The name each field has in Kubernetes YAML (its alias, else its name)."""
    return {(f.alias or name): (name, f) for name, f in model.model_fields.items()}


def _any_string(annotation: Any, value: Any, path: str, problems: list[str]) -> Any:
    if value is None:
        return None
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    if typing.get_origin(annotation) is list:
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list, found {_describe(value)}")
            return value
        return [_any_string(str, v, f"{path}[{i}]", problems) for i, v in enumerate(value)]
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        return _number_text(value)
    problems.append(f"{path}: expected a string, number or boolean, found {_describe(value)}")
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number_text(value: int | float) -> str:
    """A number as Go prints it (strconv.FormatFloat(v, 'f', -1, 64)): no exponent."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value)
    return format(decimal.Decimal(repr(value)), "f")


_SCALARS: dict[Any, tuple[str, Callable[[Any], bool]]] = {
    str: ("a string", lambda v: isinstance(v, str)),
    int: ("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    float: ("a number", _is_number),
    bool: ("a boolean", lambda v: isinstance(v, bool)),
    pydantic.AwareDatetime: (
        "a timestamp",
        lambda v: isinstance(v, str | datetime.datetime),
    ),
}


def _type_problem(annotation: Any, value: Any) -> str:
    text = f"expected {_SCALARS[annotation][0]}, found {_describe(value)}"
    if annotation is str and isinstance(value, bool | int | float):
        text += " (quote the value to make it a string)"
    return text


# --- Spec checks beyond the schema ---------------------------------------------------------


def _check_spec(spec: dict, ctx: _Context) -> list[str]:
    """References, template types, service accounts and enums of a schema-valid spec."""
    templates = spec.get("templates") or []
    problems = _check_template_names(templates)
    refs = _References({t["name"] for t in templates if t.get("name")}, ctx.catalog)
    for key in ("entrypoint", "onExit"):
        if spec.get(key) is not None:
            problems += refs.local(spec[key], f"spec.{key}")
    problems += refs.hooks(spec.get("hooks"), "spec.hooks")
    arguments = (spec.get("arguments") or {}).get("parameters")
    problems += _check_enums(arguments, "spec.arguments.parameters")
    problems += _check_service_accounts(spec, "spec", ctx.allowed_service_accounts)
    for path, template in _all_templates(templates):
        chosen = [t for t in TEMPLATE_TYPES if template.get(t) is not None]
        if len(chosen) != 1:
            found = f" (found {', '.join(chosen)})" if chosen else ""
            problems.append(f"{path}: set exactly one of {', '.join(TEMPLATE_TYPES)}{found}")
        problems += _check_calls(template, path, refs)
        inputs = (template.get("inputs") or {}).get("parameters")
        problems += _check_enums(inputs, f"{path}.inputs.parameters")
        problems += _check_service_accounts(template, path, ctx.allowed_service_accounts)
    return problems


def _check_template_names(templates: list[dict]) -> list[str]:
    problems = []
    names: dict[str, int] = {}
    for i, template in enumerate(templates):
        path, name = f"spec.templates[{i}]", template.get("name")
        if not name:
            problems.append(f"{path}.name: required field missing")
        elif name in names:
            problems.append(
                f"{path}.name: {name!r} is already used by spec.templates[{names[name]}]"
            )
        else:
            names[name] = i
    return problems


def _all_templates(templates: list[dict]) -> Iterator[tuple[str, dict]]:
    """The spec's templates, each followed by the inline templates of its steps and tasks."""

    def walk(path: str, template: dict) -> Iterator[tuple[str, dict]]:
        yield path, template
        for where, call in _calls(template, path):
            if call.get("inline") is not None:
                yield from walk(f"{where}.inline", call["inline"])

    for i, template in enumerate(templates):
        yield from walk(f"spec.templates[{i}]", template)


def _calls(template: dict, path: str) -> Iterator[tuple[str, dict]]:
    """Every step and DAG task of a template, with its path."""
    yield from _steps(template, path)
    yield from _tasks(template, path)


def _steps(template: dict, path: str) -> Iterator[tuple[str, dict]]:
    for g, group in enumerate(template.get("steps") or []):
        for j, step in enumerate(group):
            yield f"{path}.steps[{g}][{j}]", step


def _tasks(template: dict, path: str) -> Iterator[tuple[str, dict]]:
    for k, task in enumerate((template.get("dag") or {}).get("tasks") or []):
        yield f"{path}.dag.tasks[{k}]", task


@dataclass
class _References:
    local_names: set[str]
    catalog: dict[str, frozenset[str]]

    def local(self, name: str, path: str) -> list[str]:
        if name in self.local_names:
            return []
        return [f"{path}: {name!r} is not a template of this spec ({_listing(self.local_names)})"]

    def remote(self, ref: dict, path: str) -> list[str]:
        if ref.get("clusterScope"):
            return [
                f"{path}.clusterScope: ClusterWorkflowTemplates are not available in "
                "managed-namespace mode; reference a WorkflowTemplate of the catalog"
            ]
        name, inner = ref.get("name"), ref.get("template")
        if not name:
            return [f"{path}.name: required field missing"]
        if name not in self.catalog:
            return [f"{path}.name: {name!r} is not a WorkflowTemplate of the catalog"]
        if not inner:
            return [f"{path}.template: required field missing"]
        if inner not in self.catalog[name]:
            return [
                f"{path}.template: {inner!r} is not a template of catalog template {name!r} "
                f"({_listing(self.catalog[name])})"
            ]
        return []

    def call(self, holder: dict, path: str) -> list[str]:
        """A step or task: exactly one of template, templateRef, inline, and it must exist."""
        chosen = [k for k in _CALL_KEYS if holder.get(k) is not None]
        if len(chosen) != 1:
            found = f" (found {', '.join(chosen)})" if chosen else ""
            return [f"{path}: set exactly one of template, templateRef, inline{found}"]
        problems = []
        if "template" in chosen:
            problems += self.local(holder["template"], f"{path}.template")
        if "templateRef" in chosen:
            problems += self.remote(holder["templateRef"], f"{path}.templateRef")
        if holder.get("onExit") is not None:
            problems += self.local(holder["onExit"], f"{path}.onExit")
        return problems + self.hooks(holder.get("hooks"), f"{path}.hooks")

    def hooks(self, hooks: dict | None, path: str) -> list[str]:
        problems = []
        for key, hook in (hooks or {}).items():
            where = _join(path, key)
            if hook.get("template") is not None:
                problems += self.local(hook["template"], f"{where}.template")
            if hook.get("templateRef") is not None:
                problems += self.remote(hook["templateRef"], f"{where}.templateRef")
        return problems


def _check_calls(template: dict, path: str, refs: _References) -> list[str]:
    problems: list[str] = []
    step_names: set[str] = set()
    for where, step in _steps(template, path):
        problems += _unique_name(step, where, step_names, "step")
        problems += refs.call(step, where)
    tasks = list(_tasks(template, path))
    task_names = {task["name"] for _, task in tasks}
    seen: set[str] = set()
    for where, task in tasks:
        problems += _unique_name(task, where, seen, "task")
        problems += refs.call(task, where)
        for d, dependency in enumerate(task.get("dependencies") or []):
            if dependency not in task_names:
                problems.append(
                    f"{where}.dependencies[{d}]: {dependency!r} is not a task of this DAG "
                    f"({_listing(task_names, 'tasks')})"
                )
    return problems


def _unique_name(holder: dict, path: str, seen: set[str], what: str) -> list[str]:
    name = holder.get("name")
    if not name:
        return [f"{path}.name: required field missing"]
    if name in seen:
        return [f"{path}.name: {name!r} is already used by another {what} of this template"]
    seen.add(name)
    return []


def _check_service_accounts(holder: dict, path: str, allowed: tuple[str, ...]) -> list[str]:
    """Every service account a pod of this spec or template could run as must be allowed."""
    allowed_text = f"allowed: {', '.join(allowed) or 'none'}"
    executor = holder.get("executor") or {}
    problems = []
    for where, account in (
        (f"{path}.serviceAccountName", holder.get("serviceAccountName")),
        (f"{path}.executor.serviceAccountName", executor.get("serviceAccountName")),
    ):
        if account is not None and account not in allowed:
            problems.append(
                f"{where}: {account!r} is not an allowed service account ({allowed_text})"
            )
    # A literal podSpecPatch could swap the pod's account behind the fields above.
    patch = _patch_mapping(holder.get("podSpecPatch"))
    for key in ("serviceAccountName", "serviceAccount"):
        account = patch.get(key)
        if account is not None and account not in allowed:
            problems.append(
                f"{path}.podSpecPatch: sets {key} {account!r}, which is not an allowed "
                f"service account ({allowed_text})"
            )
    return problems


def _patch_mapping(patch: str | None) -> dict:
    """The podSpecPatch as a mapping when it is literal YAML/JSON, else empty."""
    if not patch:
        return {}
    try:
        loaded = yaml.safe_load(patch)
    except yaml.YAMLError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _check_enums(parameters: list[dict] | None, path: str) -> list[str]:
    """A parameter's value and default must be one of its enum (validate.go)."""
    problems = []
    for p, parameter in enumerate(parameters or []):
        enum = parameter.get("enum")
        if enum is None:
            continue
        where = f"{path}[{p}]"
        if not enum:
            problems.append(f"{where}.enum: must list at least one value")
            continue
        for key in ("value", "default"):
            value = parameter.get(key)
            if value is not None and "{{" not in value and value not in enum:
                problems.append(
                    f"{where}.{key}: {value!r} is not one of its enum ({', '.join(enum)})"
                )
    return problems


# --- Small helpers -------------------------------------------------------------------------

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _join(path: str, key: Any) -> str:
    if isinstance(key, str) and _PLAIN_KEY.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{key!r}]"


def _loc_path(path: str, loc: Sequence[Any]) -> str:
    for part in loc:
        path = f"{path}[{part}]" if isinstance(part, int) else _join(path, part)
    return path


def _suggest(key: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _listing(names: Iterable[str], what: str = "templates") -> str:
    names = sorted(names)
    return f"{what}: {', '.join(names)}" if names else f"it has no {what}"


def _is_map(value: Any) -> bool:
    return isinstance(value, dict)


def _short(value: Any) -> str:
    if value is None:
        return "nothing"
    return repr(value) if isinstance(value, str) else _describe(value)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {value}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else f"{value[:37]}..."
        return f"string {text!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"

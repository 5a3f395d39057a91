"""Compare two trees of rendered Kubernetes manifests object by object.

Objects are identified by (apiVersion, kind, namespace, name) taken from their content,
so moving an object to another file or splitting and merging multi-document files is not
a change. Each object is compared through its canonical YAML (keys sorted, one value per
line, multi-line strings as literal blocks).

Usage: python -m tools.diff BASE_DIR HEAD_DIR [--format text|markdown]

Under `templateReferencing: Secure` (read from the head tree's workflow controller
ConfigMap) the report names every WorkflowTemplate whose spec changes: the controller
fails workflows of it that are running when the change lands (operator.go re-checks the
stored template on every reconcile).

Exit status: 0 when both trees hold the same objects, 1 when they differ, 2 on a usage
error or a tree that cannot be read.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml

EXIT_IDENTICAL = 0
EXIT_DIFFERENT = 1
EXIT_ERROR = 2

MANIFEST_SUFFIXES = (".yaml", ".yml")
CLUSTER_SCOPE = "(cluster)"
DEFAULT_TITLE = "Manifest diff"
_OPEN_DETAILS_UP_TO = 4
_YAML_WIDTH = 1_000_000


class ManifestError(Exception):
    """A manifest tree cannot be read: missing folder, unparsable file or bad object."""


class ObjectKey(NamedTuple):
    """Identity of a Kubernetes object; namespace is "" for cluster-scoped objects."""

    api_version: str
    kind: str
    namespace: str
    name: str

    def describe(self) -> str:
        """Human-readable form, e.g. ``Deployment argo/server (apps/v1)``."""
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.kind} {where} ({self.api_version})"


@dataclass(frozen=True)
class ChangedObject:
    """An object present in both trees with different canonical YAML."""

    key: ObjectKey
    base_yaml: str
    head_yaml: str


@dataclass(frozen=True)
class ManifestDiff:
    """Result of comparing two manifest trees; every sequence is in stable order."""

    added: tuple[ObjectKey, ...]
    removed: tuple[ObjectKey, ...]
    changed: tuple[ChangedObject, ...]
    unchanged: int
    # WorkflowTemplates whose spec changes while the controller runs in Secure mode.
    secure_spec_changes: tuple[ObjectKey, ...] = ()

    @property
    def identical(self) -> bool:
        return not (self.added or self.removed or self.changed)


# --- loading ----------------------------------------------------------------------------


# libyaml's parser when PyYAML was built with it: the same documents as the pure-Python
# SafeLoader, several times faster. The text stays the pure-Python emitter's: libyaml
# escapes characters beyond U+FFFF that the pure-Python emitter writes as they are.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _CanonicalDumper(yaml.SafeDumper):
    """SafeDumper that writes multi-line strings as literal blocks for readable diffs."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_CanonicalDumper.add_representer(str, _represent_str)


def canonical_yaml(obj: Any) -> str:
    """Canonical YAML text of a parsed document: keys sorted, block style, stable."""
    return yaml.dump(
        obj,
        Dumper=_CanonicalDumper,
        sort_keys=True,
        default_flow_style=False,
        allow_unicode=True,
        width=_YAML_WIDTH,
    )


def object_key(doc: Mapping[str, Any]) -> ObjectKey:
    """Identity of one manifest document; ValueError or TypeError when it has none."""
    if not isinstance(doc, Mapping):
        raise TypeError(f"document is a {type(doc).__name__}, not a mapping")
    metadata = doc.get("metadata")
    if not isinstance(metadata, Mapping):
        raise TypeError("document has no metadata mapping")
    fields = {
        "apiVersion": doc.get("apiVersion"),
        "kind": doc.get("kind"),
        "metadata.name": metadata.get("name"),
    }
    for field, value in fields.items():
        if not isinstance(value, str) or not value:
            raise ValueError(f"document has no {field}")
    namespace = metadata.get("namespace") or ""
    if not isinstance(namespace, str):
        raise TypeError("metadata.namespace is not a string")
    return ObjectKey(doc["apiVersion"], doc["kind"], namespace, metadata["name"])


def _manifest_files(root: Path) -> list[Path]:
    return sorted(
        path for path in root.rglob("*") if path.suffix in MANIFEST_SUFFIXES and path.is_file()
    )


def _documents(path: Path) -> Iterator[Any]:
    try:
        text = path.read_text(encoding="utf-8")
        docs = list(yaml.load_all(text, Loader=_LOADER))
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ManifestError(f"{path}: invalid YAML: {exc}") from exc
    for doc in docs:
        if doc is None:
            continue
        if isinstance(doc, Mapping) and doc.get("kind") == "List":
            items = doc.get("items") or []
            if not isinstance(items, list):
                raise ManifestError(f"{path}: List items is not a sequence")
            yield from items
        else:
            yield doc


def load_manifests(root: str | Path) -> dict[ObjectKey, str]:
    """Every object under ``root`` (recursively, *.yaml and *.yml) as canonical YAML.

    Raises ManifestError for a missing folder, an unreadable or unparsable file, a
    document that is not a Kubernetes object, or the same object defined twice.
    """
    root = Path(root)
    if not root.exists():
        raise ManifestError(f"{root}: no such directory")
    if not root.is_dir():
        raise ManifestError(f"{root}: not a directory")
    objects: dict[ObjectKey, str] = {}
    sources: dict[ObjectKey, Path] = {}
    for path in _manifest_files(root):
        for index, doc in enumerate(_documents(path), start=1):
            try:
                key = object_key(doc)
                text = canonical_yaml(doc)
            except (ValueError, TypeError, yaml.YAMLError) as exc:
                raise ManifestError(f"{path}: object {index}: {exc}") from exc
            if key in objects:
                raise ManifestError(
                    f"{path}: duplicate object {key.describe()} (also in {sources[key]})"
                )
            objects[key] = text
            sources[key] = path
    return objects


# --- comparing --------------------------------------------------------------------------


def _sort_key(key: ObjectKey) -> tuple[str, str, str, str]:
    return (key.namespace, key.kind, key.name, key.api_version)


def compare_manifests(base: Mapping[ObjectKey, str], head: Mapping[ObjectKey, str]) -> ManifestDiff:
    """Compare two {ObjectKey: canonical YAML} maps (as returned by load_manifests)."""
    added = sorted(head.keys() - base.keys(), key=_sort_key)
    removed = sorted(base.keys() - head.keys(), key=_sort_key)
    common = sorted(base.keys() & head.keys(), key=_sort_key)
    changed = [ChangedObject(key, base[key], head[key]) for key in common if base[key] != head[key]]
    secure = ()
    if template_referencing(head) == "Secure":
        secure = tuple(c.key for c in changed if _template_spec_changed(c))
    return ManifestDiff(
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(changed),
        unchanged=len(common) - len(changed),
        secure_spec_changes=secure,
    )


# --- templateReferencing: Secure ------------------------------------------------------------

WORKFLOW_TEMPLATE = ("argoproj.io/", "WorkflowTemplate")
SECURE_NOTE = (
    "the controller runs with templateReferencing: Secure, which fails a running workflow "
    "whose WorkflowTemplate changed: workflows of {names} that are running when this "
    "change is applied will fail. To change a template safely, add it under a new "
    "versioned name, switch callers to it, and remove the old one once nothing runs it "
    "(README: Changing a template)."
)


def template_referencing(objects: Mapping[ObjectKey, str]) -> str:
    """`workflowRestrictions.templateReferencing` of the controller ConfigMap in a tree
    ('' when no ConfigMap sets it). The controller reads each data key as a YAML document,
    or everything under one `config` key (workflow/config)."""
    for key, text in objects.items():
        if key.kind != "ConfigMap" or key.api_version != "v1":
            continue
        parsed = _yaml_value(text)
        data = parsed.get("data") if isinstance(parsed, dict) else None
        if not isinstance(data, dict):
            continue
        restrictions = _yaml_value(data.get("workflowRestrictions"))
        if restrictions is None and "config" in data:
            config = _yaml_value(data["config"])
            restrictions = config.get("workflowRestrictions") if isinstance(config, dict) else None
        if isinstance(restrictions, dict) and restrictions.get("templateReferencing"):
            return str(restrictions["templateReferencing"])
    return ""


def _yaml_value(text: Any) -> Any:
    if not isinstance(text, str):
        return None
    try:
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError:
        return None


def _template_spec_changed(change: ChangedObject) -> bool:
    api_version, kind = WORKFLOW_TEMPLATE
    if change.key.kind != kind or not change.key.api_version.startswith(api_version):
        return False
    base, head = _yaml_value(change.base_yaml), _yaml_value(change.head_yaml)
    if not isinstance(base, dict) or not isinstance(head, dict):
        return False
    return base.get("spec") != head.get("spec")


def _secure_names(diff: ManifestDiff) -> str:
    return ", ".join(key.describe() for key in diff.secure_spec_changes)


def unified_diff(change: ChangedObject, base_label: str = "base", head_label: str = "head") -> str:
    """Unified diff of one changed object's canonical YAML, headers naming the object."""
    what = change.key.describe()
    lines = difflib.unified_diff(
        change.base_yaml.splitlines(keepends=True),
        change.head_yaml.splitlines(keepends=True),
        fromfile=f"{base_label}: {what}",
        tofile=f"{head_label}: {what}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


# --- formatting -------------------------------------------------------------------------


def _counts(diff: ManifestDiff) -> str:
    return f"{len(diff.added)} added, {len(diff.changed)} changed, {len(diff.removed)} removed"


def _entries(diff: ManifestDiff) -> list[tuple[str, ObjectKey]]:
    return (
        [("added", key) for key in diff.added]
        + [("changed", change.key) for change in diff.changed]
        + [("removed", key) for key in diff.removed]
    )


def format_text(diff: ManifestDiff, base_label: str = "base", head_label: str = "head") -> str:
    """Plain-text report: a summary line, the added/changed/removed lists, then diffs."""
    if diff.identical:
        return f"No differences: {diff.unchanged} objects in both {base_label} and {head_label}.\n"
    out = [f"{base_label} -> {head_label}: {_counts(diff)}, {diff.unchanged} unchanged\n"]
    if diff.secure_spec_changes:
        out.append(f"\nWarning: {SECURE_NOTE.format(names=_secure_names(diff))}\n")
    marks = {"added": "+", "changed": "~", "removed": "-"}
    for change_kind in ("added", "changed", "removed"):
        keys = [key for kind, key in _entries(diff) if kind == change_kind]
        if keys:
            out.append(f"\n{change_kind}:\n")
            out.extend(f"  {marks[change_kind]} {key.describe()}\n" for key in keys)
    for change in diff.changed:
        out.append("\n")
        out.append(unified_diff(change, base_label, head_label))
    return "".join(out)


def _cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|") or " "


def _fence(body: str) -> str:
    longest = run = 0
    for char in body:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


def _code(value: str) -> str:
    return f"`` {value} ``" if "`" in value else f"`{value}`"


def _markdown_table(diff: ManifestDiff) -> str:
    rows = ["| Change | Kind | Namespace | Name | API version |", "| --- | --- | --- | --- | --- |"]
    for change_kind, key in _entries(diff):
        namespace = key.namespace or CLUSTER_SCOPE
        cells = [change_kind, key.kind, namespace, key.name, key.api_version]
        rows.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(rows) + "\n"


def _markdown_section(change: ChangedObject, base_label: str, head_label: str, open_: bool) -> str:
    body = unified_diff(change, base_label, head_label)
    fence = _fence(body)
    tag = "<details open>" if open_ else "<details>"
    summary = change.key.describe().replace("<", "&lt;").replace(">", "&gt;")
    return f"{tag}<summary>{summary}</summary>\n\n{fence}diff\n{body}{fence}\n\n</details>\n"


def format_markdown(
    diff: ManifestDiff,
    base_label: str = "base",
    head_label: str = "head",
    title: str = DEFAULT_TITLE,
    max_chars: int | None = None,
) -> str:
    """Markdown report for PR comments and job summaries.

    A heading with the counts, a table of added/changed/removed objects, then one
    ```diff block per changed object. With ``max_chars`` the sections that would take the
    report past that size are left out and a note says how many (the heading and that
    note are always kept, so the cap is best effort for very small values).
    """
    labels = f"{_code(base_label)} → {_code(head_label)}"
    if diff.identical:
        return f"### {title}: no differences\n\n{labels}: the same {diff.unchanged} objects.\n"
    head = f"### {title}: {_counts(diff)}\n\n{labels}, {diff.unchanged} objects unchanged.\n"
    if diff.secure_spec_changes:
        names = ", ".join(_code(key.describe()) for key in diff.secure_spec_changes)
        head += f"\n> [!WARNING]\n> Template spec changed: {SECURE_NOTE.format(names=names)}\n"
    open_ = len(diff.changed) <= _OPEN_DETAILS_UP_TO
    sections = [_markdown_table(diff)] + [
        _markdown_section(change, base_label, head_label, open_) for change in diff.changed
    ]
    out = [head]
    size = len(head)
    for index, section in enumerate(sections):
        piece = "\n" + section
        rest = sum(len(later) + 1 for later in sections[index:])
        if max_chars is not None and size + rest > max_chars:
            note = _left_out_note(len(diff.changed), index)
            if size + len(piece) + len(note) > max_chars:
                out.append(note)
                break
        out.append(piece)
        size += len(piece)
    return "".join(out)


def _left_out_note(changed: int, first_left_out: int) -> str:
    """Note for sections [first_left_out:] left out; section 0 is the table."""
    diffs_left_out = changed - max(first_left_out - 1, 0)
    what = f"{diffs_left_out} of {changed} object diffs"
    if first_left_out == 0:
        what = f"the object table and {what}"
    return f"\n_Size limit: {what} left out of this report._\n"


# --- command line -----------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.diff",
        description=(
            "Compare two folders of rendered Kubernetes manifests by object identity "
            "(apiVersion, kind, namespace, name). Exit 0: identical, 1: different, "
            "2: error."
        ),
    )
    parser.add_argument("base_dir", help="folder of the base manifests")
    parser.add_argument("head_dir", help="folder of the head manifests")
    parser.add_argument("--format", choices=("text", "markdown"), default="text")
    parser.add_argument("--title", default=DEFAULT_TITLE, help="markdown heading")
    parser.add_argument(
        "--max-chars",
        type=int,
        default=None,
        help="markdown only: leave out diff sections past this many characters",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status instead of exiting."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        if args.max_chars is not None and (args.format != "markdown" or args.max_chars <= 0):
            parser.error("--max-chars needs --format markdown and a positive number")
    except SystemExit as exc:
        return EXIT_ERROR if exc.code else EXIT_IDENTICAL
    try:
        base = load_manifests(args.base_dir)
        head = load_manifests(args.head_dir)
    except ManifestError as exc:
        print(f"tools.diff: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    diff = compare_manifests(base, head)
    if args.format == "markdown":
        report = format_markdown(diff, args.base_dir, args.head_dir, args.title, args.max_chars)
    else:
        report = format_text(diff, args.base_dir, args.head_dir)
    sys.stdout.write(report)
    return EXIT_IDENTICAL if diff.identical else EXIT_DIFFERENT


if __name__ == "__main__":
    sys.exit(main())

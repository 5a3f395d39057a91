"""Objects carried inline by pulumi-kubernetes yaml ConfigGroup / ConfigFile components.

A manifest passed as a YAML string (`yaml`) or as plain objects (`objs`) is checked by
the same rules as the typed resource, so an inline Workflow cannot be smuggled in as a
string. `files` / `file` are paths the component reads itself: the objects they hold
are registered as child resources and checked one by one when the program (yaml) or
the provider (yaml/v2) expands them, so they are not read here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from k8s_objects import UNKNOWN, flatten_objects, is_list, is_mapping, load_yaml_documents
from upstream_facts import RAW_MANIFEST_TYPES, RAW_OBJS_INPUT, RAW_YAML_INPUT


@dataclass(frozen=True)
class InlineObject:
    """One object found inline, with where it was found (for messages)."""

    manifest: Any
    where: str


@dataclass(frozen=True)
class Unreadable:
    """Inline YAML that does not parse: nothing in it can be checked."""

    where: str
    error: str | None  # None: the input is unknown during preview


def is_raw_manifest_type(type_token: str) -> bool:
    return type_token in RAW_MANIFEST_TYPES


def inline_objects(props: Mapping[str, Any]) -> Iterator[InlineObject | Unreadable]:
    """Every object in a component's `yaml` and `objs` inputs, in order."""
    texts = props.get(RAW_YAML_INPUT)
    if texts is UNKNOWN:
        yield Unreadable("input yaml", None)
    if isinstance(texts, str):
        texts = [texts]
    for index, text in enumerate(texts if is_list(texts) else []):
        label = f"yaml[{index}]" if len(texts) > 1 else "yaml"
        if text is UNKNOWN:
            yield Unreadable(f"input {label}", None)
        if not isinstance(text, str):
            continue
        try:
            documents = load_yaml_documents(text)
        except yaml.YAMLError as err:
            yield Unreadable(f"input {label}", str(err).replace("\n", " "))
            continue
        for number, document in enumerate(documents, start=1):
            for manifest in flatten_objects(document):
                yield InlineObject(manifest, f"document {number} of input {label}")
    objs = props.get(RAW_OBJS_INPUT)
    if objs is UNKNOWN:
        yield Unreadable("input objs", None)
    if is_mapping(objs):
        objs = [objs]
    for index, item in enumerate(objs if is_list(objs) else []):
        if item is UNKNOWN:
            yield Unreadable(f"input objs[{index}]", None)
        for manifest in flatten_objects(item):
            yield InlineObject(manifest, f"input objs[{index}]")

"""Read the workflow-controller ConfigMap's data the way the controller does.

config/controller.go parseConfigMap (argoproj/argo-workflows): if the data has the key
`config`, it must be the only key and its value is the whole YAML document; otherwise
every key becomes a top-level key of one YAML document (a multi-line value is indented
under `<key>:`, a one-line value follows `<key>: ` on the same line). The document goes
through sigs.k8s.io/yaml `UnmarshalStrict` into the Config struct: YAML -> JSON (keys
sorted by json.Marshal), then encoding/json with unknown fields refused, binding keys
case-insensitively (see go_json). So:

``configmap_document(data) -> str`` the YAML document the controller parses
(ValueError when `config` is not alone, with the controller's reason).
``read_configmap(data, schema) -> ConfigMapRead``: ``value`` the canonical Config
(JSON names of config/config.go), ``canonical`` the go_json.Canonical (collisions,
unknown: keys that make the controller fail at start, since parsing is strict),
``error`` a message when the document cannot be parsed (the controller fails too).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from .go_json import Canonical, canonicalize
from .schema import CONTROLLER_CONFIG, ArgoSchema

CONFIG_KEY = "config"


@dataclass(frozen=True, slots=True)
class ConfigMapRead:
    value: dict[str, Any] | None
    canonical: Canonical | None
    error: str | None = None


def configmap_document(data: Mapping[str, str]) -> str:
    """The YAML text config/controller.go builds from the ConfigMap's data."""
    if CONFIG_KEY in data:
        if len(data) != 1:
            raise ValueError(
                "if you have an item in your config map named 'config', you must only have one item"
            )
        return str(data[CONFIG_KEY])
    lines = []
    for name, value in data.items():
        text = "" if value is None else str(value)
        if "\n" in text:
            body = "\n  ".join(text.strip("\n").split("\n"))
            lines.append(f"{name}:\n  {body}\n")
        else:
            lines.append(f"{name}: {text}\n")
    return "".join(lines)


def read_configmap(data: Mapping[str, str], schema: ArgoSchema) -> ConfigMapRead:
    """The controller's view of the ConfigMap data (see the module docstring)."""
    try:
        document = configmap_document(data)
    except ValueError as error:
        return ConfigMapRead(None, None, str(error))
    try:
        parsed = yaml.safe_load(document) if document.strip() else {}
    except yaml.YAMLError as error:
        return ConfigMapRead(None, None, f"not valid YAML: {error}")
    if parsed is None:
        parsed = {}
    if not isinstance(parsed, dict):
        return ConfigMapRead(None, None, f"expected a mapping, found {type(parsed).__name__}")
    canonical = canonicalize(parsed, schema.root(CONTROLLER_CONFIG), schema)
    return ConfigMapRead(canonical.value, canonical)

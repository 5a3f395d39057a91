"""Check a Kubernetes structure given in config (a toleration list, an affinity, ...)
against the Kubernetes OpenAPI schema of its type, strictly (unknown fields fail).

Uses the per-type schemas shipped with kubernetes-validate, the same files
``tools/schema_check.py`` checks whole objects with.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

import jsonschema
from referencing import Registry, Resource

KUBERNETES_VERSION = "1.33.0"

# Config value shape -> schema file of the item type (kubernetes-validate's naming).
TOLERATION = "toleration-v1"
AFFINITY = "affinity-v1"
TOPOLOGY_SPREAD = "topologyspreadconstraint-v1"
ENV_VAR = "envvar-v1"
EGRESS_RULE = "networkpolicyegressrule-networking-v1"


def _schema_dir() -> Any:
    return (
        resources.files("kubernetes_validate")
        / "kubernetes-json-schema"
        / f"v{KUBERNETES_VERSION}-local-strict"
    )


@functools.cache
def _registry() -> Registry:
    definitions = json.loads((_schema_dir() / "_definitions.json").read_text())
    return Resource.from_contents(definitions) @ Registry()


@functools.cache
def _validator(type_file: str) -> jsonschema.protocols.Validator:
    schema = json.loads((_schema_dir() / f"{type_file}.json").read_text())
    registry = Resource.from_contents(schema) @ _registry()
    return jsonschema.Draft202012Validator(schema, registry=registry)


def problems(value: Any, type_file: str) -> list[tuple[str, str]]:
    """Schema errors of one value of the type: (dotted path, '' at the root; message)."""
    errors = sorted(_validator(type_file).iter_errors(value), key=lambda e: list(e.path))
    return [(".".join(str(p) for p in e.absolute_path), e.message) for e in errors]

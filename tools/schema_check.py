"""Validate rendered built-in objects against a pinned Kubernetes OpenAPI schema.

Strict mode: an unknown field is an error. Uses the schemas shipped with
kubernetes-validate, and lists every problem of every object rather than the first.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import jsonschema
from referencing import Registry, Resource

from tools import crd_schemas

# The Kubernetes minor the rendered objects must be valid for.
KUBERNETES_VERSION = "1.33.0"

# Custom resources have no upstream OpenAPI schema here; the template catalog validates
# WorkflowTemplates against Argo's own models instead.
_SKIPPED_GROUPS = ("argoproj.io/",)


def _schema_dir(version: str) -> Any:
    return (
        resources.files("kubernetes_validate")
        / "kubernetes-json-schema"
        / f"v{version}-local-strict"
    )


def _load(path: Any) -> Any:
    return json.loads(path.read_text())


class SchemaChecker:
    def __init__(self, version: str = KUBERNETES_VERSION) -> None:
        self.version = version
        self._dir = _schema_dir(version)
        if not self._dir.is_dir():
            raise ValueError(f"no strict schemas for Kubernetes {version} in kubernetes-validate")
        self._registry = Resource.from_contents(_load(self._dir / "_definitions.json")) @ Registry()
        self._validators: dict[tuple[str, str], jsonschema.protocols.Validator] = {}

    def _validator(self, api_version: str, kind: str) -> jsonschema.protocols.Validator | None:
        key = (api_version, kind)
        if key not in self._validators:
            # rbac.authorization.k8s.io/v1 -> rbac-v1, v1 -> v1 (the package's file naming).
            group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
            path = self._dir / f"{kind.lower()}-{group_version}.json"
            if path.is_file():
                schema = _load(path)
            elif key in crd_schemas.SCHEMAS:
                schema = crd_schemas.SCHEMAS[key]
            else:
                return None
            registry = Resource.from_contents(schema) @ self._registry
            self._validators[key] = jsonschema.Draft202012Validator(schema, registry=registry)
        return self._validators[key]

    def problems(self, manifest: dict[str, Any]) -> list[str]:
        api_version, kind = manifest.get("apiVersion", ""), manifest.get("kind", "")
        if api_version.startswith(_SKIPPED_GROUPS):
            return []
        meta = manifest.get("metadata") or {}
        namespace = f"{meta['namespace']}/" if meta.get("namespace") else ""
        where = f"{kind} {namespace}{meta.get('name')}"
        validator = self._validator(api_version, kind)
        if validator is None:
            return [f"{where}: no schema for {api_version} {kind} in Kubernetes {self.version}"]
        out = []
        for error in sorted(validator.iter_errors(manifest), key=lambda e: list(e.absolute_path)):
            path = ".".join(str(p) for p in error.absolute_path) or "(root)"
            out.append(f"{where}: {path}: {error.message}")
        return out

"""Shared helpers of the feature tests: render the full-feature stacks once, find
objects, read the controller ConfigMap the way the controller does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from render_support import rendered

from components.settings import declared_keys
from tools.render import Render

STACKS = Path(__file__).resolve().parent / "stacks"
FULL = STACKS / "Pulumi.full.yaml"
FULL_AZURE = STACKS / "Pulumi.full-azure.yaml"

FIRST_FEATURE_KEY = "artifactRepository"


def feature_keys() -> list[str]:
    """The keys of the production features: the Pulumi.yaml block from artifactRepository
    on."""
    keys = list(declared_keys())
    return keys[keys.index(FIRST_FEATURE_KEY) :]


def render_file(path: Path, overrides: dict[str, str] | None = None) -> Render:
    name = path.name.removeprefix("Pulumi.").removesuffix(".yaml")
    return rendered(name, overrides, stack_file=path)


def find(render: Render, kind: str, name: str, namespace: str | None = None) -> dict[str, Any]:
    matches = [
        o
        for o in render.objects
        if o["kind"] == kind
        and o["metadata"]["name"] == name
        and (namespace is None or o["metadata"].get("namespace") == namespace)
    ]
    assert len(matches) == 1, (kind, name, namespace, len(matches))
    return matches[0]


def kinds(render: Render, kind: str) -> list[dict[str, Any]]:
    return [o for o in render.objects if o["kind"] == kind]


def controller_config(render: Render) -> dict[str, Any]:
    """The ConfigMap read as the controller reads it (config/controller.go,
    parseConfigMap): values joined into one YAML document, multi-line ones indented under
    their key, single-line ones after ``key: ``."""
    data = find(render, "ConfigMap", "workflow-controller-configmap")["data"]
    raw = ""
    for name, value in data.items():
        if "\n" in value:
            raw += name + ":\n  " + "\n  ".join(value.strip("\n").split("\n")) + "\n"
        else:
            raw += f"{name}: {value}\n"
    return yaml.safe_load(raw)


def pod_spec(render: Render, deployment: str) -> dict[str, Any]:
    return find(render, "Deployment", deployment)["spec"]["template"]["spec"]


def container(render: Render, deployment: str) -> dict[str, Any]:
    (only,) = pod_spec(render, deployment)["containers"]
    return only


def secret_readers(render: Render) -> dict[tuple[str, str], set[str]]:
    """(namespace, secret name or '*') -> accounts that may get it, from the bindings."""
    roles = {
        (o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]): o
        for o in kinds(render, "Role") + kinds(render, "ClusterRole")
    }
    readers: dict[tuple[str, str], set[str]] = {}
    for binding in kinds(render, "RoleBinding"):
        ref = binding["roleRef"]
        ns = binding["metadata"]["namespace"]
        role = roles[(ref["kind"], ns if ref["kind"] == "Role" else None, ref["name"])]
        for rule in role["rules"]:
            if "secrets" in rule["resources"] and "get" in rule["verbs"]:
                for name in rule.get("resourceNames", ["*"]):
                    readers.setdefault((ns, name), set()).update(
                        f"{s['namespace']}/{s['name']}" for s in binding["subjects"]
                    )
    return readers

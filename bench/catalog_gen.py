"""Generate a valid catalog of N WorkflowTemplates for the benchmark."""

from __future__ import annotations

from pathlib import Path

import yaml

_SECURITY = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}


def template(index: int) -> dict:
    """Template ``index``; every tenth one calls the previous template through templateRef."""
    name = f"bench-{index:05d}"
    templates: list[dict] = [
        {
            "name": "run",
            "inputs": {"parameters": [{"name": "message", "value": f"hello {index}"}]},
            "container": {
                "image": "busybox:1.36",
                "command": ["echo", "{{inputs.parameters.message}}"],
                "securityContext": _SECURITY,
                "resources": {
                    "requests": {"cpu": "10m", "memory": "16Mi"},
                    "limits": {"cpu": "100m", "memory": "32Mi"},
                },
            },
        }
    ]
    entrypoint = "run"
    if index % 10 == 9:
        entrypoint = "main"
        templates.append(
            {
                "name": "main",
                "dag": {
                    "tasks": [
                        {"name": "first", "template": "run"},
                        {
                            "name": "previous",
                            "depends": "first",
                            "templateRef": {"name": f"bench-{index - 1:05d}", "template": "run"},
                        },
                    ]
                },
            }
        )
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {
            "name": name,
            "annotations": {"workflows.argoproj.io/description": f"Benchmark template {index}."},
        },
        "spec": {"entrypoint": entrypoint, "templates": templates},
    }


def write_catalog(folder: Path, count: int) -> Path:
    """Write ``count`` templates, ten per file, into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, count, 10):
        docs = [template(i) for i in range(start, min(start + 10, count))]
        (folder / f"bench-{start:05d}.yaml").write_text(yaml.safe_dump_all(docs, sort_keys=True))
    return folder

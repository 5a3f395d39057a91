"""Render every Kubernetes object a stack would register, offline.

    python -m tools.render --stack dev --out rendered/dev [--set key=value ...] [--check]
    python -m tools.render --stack-file tests/stacks/Pulumi.full.yaml --check

Runs the program under the Pulumi SDK's mock runtime (the same path the tests use) with
the stack's config merged as the CLI would, and writes one YAML file per object under
``--out/<namespace or _cluster>/<kind>-<name>.yaml``, keys sorted and each scalar on one
line (components/yaml_text.py), so two renders diff cleanly. Secret values are never
decrypted: config secrets and every Secret's data are written as a redacted placeholder.
``--check`` also validates each built-in object against the pinned Kubernetes schema
(strict) and runs the policy pack over the stack through the Analyzer protocol; any
problem exits 1. Bad config exits 2.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components.program import run as run_program
from components.settings import ConfigError, parse_settings
from components.yaml_text import manifest_text
from tools import mock_runtime
from tools.stack_config import REDACTED, StackConfigError, merged_config, parse_overrides

_MARKER = ".rendered-by-tools-render"
_NOT_OBJECTS = ("kubernetes:yaml", "kubernetes:helm", "kubernetes:kustomize")


@dataclass
class Render:
    stack: str
    config: dict[str, str]
    secret_keys: set[str]
    resources: list[mock_runtime.Registered]
    outputs: dict[str, Any]

    @property
    def objects(self) -> list[dict[str, Any]]:
        """Every Kubernetes object (registered, not read), secrets redacted, sorted."""
        found = [
            manifest_of(r)
            for r in self.resources
            if r.custom and not r.read and is_kubernetes_object(r.type)
        ]
        return sorted(found, key=object_key)


def is_kubernetes_object(type_token: str) -> bool:
    return type_token.startswith("kubernetes:") and not type_token.startswith(_NOT_OBJECTS)


def _whole_numbers(value: Any) -> Any:
    """The engine's wire format (protobuf Struct) carries every number as a double."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(v) for v in value]
    return value


def _redact_all(value: Any) -> Any:
    """Keep the shape (keys), hide every value."""
    if isinstance(value, dict):
        return {k: _redact_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_all(v) for v in value]
    return REDACTED


def _redact(value: Any, path: tuple[str | int, ...]) -> Any:
    if not path:
        return _redact_all(value)
    head, rest = path[0], path[1:]
    if isinstance(value, dict) and head in value:
        return {**value, head: _redact(value[head], rest)}
    if isinstance(value, list) and isinstance(head, int) and head < len(value):
        return [_redact(v, rest) if i == head else v for i, v in enumerate(value)]
    return value


def manifest_of(resource: mock_runtime.Registered) -> dict[str, Any]:
    """The object as YAML would hold it: secret values (and every Secret's data) redacted."""
    manifest = _whole_numbers(resource.inputs)
    for path in resource.secret_paths:
        manifest = _redact(manifest, path)
    if manifest.get("kind") == "Secret":
        for field in ("data", "stringData"):
            if isinstance(manifest.get(field), dict):
                manifest[field] = {key: REDACTED for key in manifest[field]}
    return manifest


def object_key(manifest: dict[str, Any]) -> tuple[str, str, str, str]:
    meta = manifest.get("metadata") or {}
    return (
        meta.get("namespace") or "",
        manifest.get("kind", ""),
        meta.get("name", ""),
        manifest.get("apiVersion", ""),
    )


def render_stack(
    stack: str,
    overrides: dict[str, str] | None = None,
    secret_overrides: dict[str, str] | None = None,
    stack_file: Path | None = None,
) -> Render:
    """Run the program for ``stack``; raise ConfigError / StackConfigError on bad input."""
    config, secret_keys = merged_config(
        stack, overrides, secret_overrides=secret_overrides, stack_file=stack_file
    )
    resources, outputs = mock_runtime.run(run_program, config, secret_keys, stack=stack)
    return Render(stack, config, secret_keys, resources, outputs or {})


def object_path(manifest: dict[str, Any]) -> Path:
    meta = manifest["metadata"]
    folder = meta.get("namespace") or "_cluster"
    return Path(folder) / f"{manifest['kind'].lower()}-{meta['name']}.yaml"


def write_objects(objects: list[dict[str, Any]], out: Path) -> list[Path]:
    """Write one file per object; refuse to clear a folder this tool did not write."""
    if out.exists() and any(out.iterdir()):
        if not (out / _MARKER).exists():
            raise FileExistsError(f"{out} is not empty and was not written by tools.render")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / _MARKER).write_text("")
    written = []
    for manifest in objects:
        path = out / object_path(manifest)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(manifest_text(manifest))
        written.append(path)
    return written


def policy_config(render: Render) -> dict[str, Any]:
    """Settings shared by every policy that declares them, matching this stack."""
    settings = parse_settings(render.config, render.secret_keys)
    return {
        "managedNamespace": settings.managedNamespace,
        "controlNamespace": settings.controlNamespace,
        "workflowServiceAccount": settings.workflowServiceAccount,
    }


def engine_config(render: Render) -> dict[str, str]:
    """The stack's config as the engine gives it to a policy pack (PULUMI_CONFIG), without
    secret values: the pack's policies read their own config, not the stack's."""
    return {k: v for k, v in render.config.items() if k not in render.secret_keys}


def check(render: Render, kubernetes_version: str | None = None) -> list[str]:
    """Schema problems of every built-in object, then mandatory policy violations."""
    from tools.policy_runner import PolicyRunner
    from tools.schema_check import KUBERNETES_VERSION, SchemaChecker

    checker = SchemaChecker(kubernetes_version or KUBERNETES_VERSION)
    problems = [p for manifest in render.objects for p in checker.problems(manifest)]
    with PolicyRunner(
        shared=policy_config(render), stack=render.stack, stack_config=engine_config(render)
    ) as runner:
        violations = runner.analyze(render.resources)
    problems += [
        f"policy {v.policy_name} ({v.enforcement_level}) on {v.urn or 'stack'}: {v.message}"
        for v in violations
        if v.enforcement_level == "mandatory"
    ]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.render", description=__doc__.split("\n")[0]
    )
    stack = parser.add_mutually_exclusive_group(required=True)
    stack.add_argument("--stack", help="stack name (Pulumi.<stack>.yaml)")
    stack.add_argument(
        "--stack-file", type=Path, help="a stack file kept elsewhere (Pulumi.<stack>.yaml)"
    )
    parser.add_argument("--out", type=Path, help="folder to write the objects to")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config key (lists as JSON), after the stack file",
    )
    parser.add_argument(
        "--set-secret",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config key with a secret value (rendered redacted)",
    )
    parser.add_argument("--check", action="store_true", help="validate schemas and policies")
    parser.add_argument("--kubernetes-version", help="Kubernetes version for --check")
    args = parser.parse_args(argv)
    if args.stack_file:
        args.stack = args.stack_file.name.removeprefix("Pulumi.").removesuffix(".yaml")
    try:
        render = render_stack(
            args.stack,
            parse_overrides(args.set),
            parse_overrides(args.set_secret),
            stack_file=args.stack_file,
        )
    except (ConfigError, StackConfigError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    objects = render.objects
    if args.out:
        try:
            write_objects(objects, args.out)
        except FileExistsError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        print(f"{args.stack}: wrote {len(objects)} objects to {args.out}")
    else:
        print(f"{args.stack}: {len(objects)} objects")
    if args.check:
        problems = check(render, args.kubernetes_version)
        if problems:
            print(f"{args.stack}: {len(problems)} problem(s):", file=sys.stderr)
            for problem in problems:
                print(f"  - {problem}", file=sys.stderr)
            return 1
        print(f"{args.stack}: check passed (schemas and policy pack)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Stack configuration merged the way the Pulumi CLI merges it, without the CLI.

Order: the defaults of the typed ``config:`` block in Pulumi.yaml, then
``Pulumi.<stack>.yaml``, then explicit overrides. Secret (``secure:``) values are never
decrypted: they become a redacted placeholder and are marked secret.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from components.settings import PROJECT, PROJECT_ROOT, declared_keys

REDACTED = "<redacted>"


class StackConfigError(Exception):
    pass


def stacks(root: Path = PROJECT_ROOT) -> list[str]:
    """The stacks that have a Pulumi.<stack>.yaml file."""
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in root.glob("Pulumi.*.yaml"))


def _as_cli_string(value: Any) -> str:
    """The CLI hands every config value to the program as a string (JSON for lists)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def _full_key(key: str) -> str:
    return key if ":" in key else f"{PROJECT}:{key}"


def merged_config(
    stack: str,
    overrides: dict[str, str] | None = None,
    root: Path = PROJECT_ROOT,
    secret_overrides: dict[str, str] | None = None,
    stack_file: Path | None = None,
) -> tuple[dict[str, str], set[str]]:
    """Return (config as the program receives it, the secret keys). ``stack_file``
    replaces ``<root>/Pulumi.<stack>.yaml`` (a stack kept elsewhere, e.g. for tests)."""
    stack_file = stack_file or root / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        raise StackConfigError(
            f"stack {stack!r}: {stack_file.name} not found; stacks here: {', '.join(stacks(root))}"
        )
    config: dict[str, str] = {
        f"{PROJECT}:{key}": _as_cli_string(spec.default)
        for key, spec in declared_keys(root / "Pulumi.yaml").items()
        if spec.default is not None
    }
    secret_keys: set[str] = set()
    stack_values = (yaml.safe_load(stack_file.read_text()) or {}).get("config") or {}
    for key, value in stack_values.items():
        key = _full_key(key)
        if isinstance(value, dict) and set(value) == {"secure"}:
            config[key] = REDACTED
            secret_keys.add(key)
        else:
            config[key] = _as_cli_string(value)
    for key, value in (overrides or {}).items():
        config[_full_key(key)] = value
        secret_keys.discard(_full_key(key))
    for key, value in (secret_overrides or {}).items():
        config[_full_key(key)] = value
        secret_keys.add(_full_key(key))
    return config, secret_keys


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    """``key=value`` strings from the command line."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise StackConfigError(f"--set {pair!r}: expected key=value")
        out[key] = value
    return out

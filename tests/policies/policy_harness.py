"""Call policy validators the way the SDK does, and load the YAML fixtures."""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import unknown_checking_proxy

from tools.policy_runner import POLICIES_DIR, StackResource, make_urn

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD_STACK = FIXTURES / "good_stack.yaml"
BAD_FIXTURES = sorted((FIXTURES / "bad").glob("*.yaml"))


def write_pack(folder: Path, source: str, **fields: Any) -> Path:
    """A policy pack folder of its own: ``source`` (a format string; ``{policies}`` is the
    pack's folder, for a test pack that imports its modules) as its ``__main__.py``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (folder / "__main__.py").write_text(source.format(policies=str(POLICIES_DIR), **fields))
    return folder


def load_yaml(path: Path) -> Any:
    """One YAML document of a fixture, parsed with libyaml (safe loader)."""
    return yaml.load(path.read_text(), Loader=yaml.CSafeLoader)


def load_yaml_all(path: Path) -> list[Any]:
    """Every YAML document of a fixture, parsed with libyaml (safe loader)."""
    return list(yaml.load_all(path.read_text(), Loader=yaml.CSafeLoader))


def _options(parent: str | None = None) -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def validate_resource(
    policy: ResourceValidationPolicy,
    type_token: str,
    props: dict[str, Any],
    *,
    name: str = "subject",
    config: dict[str, Any] | None = None,
) -> list[str]:
    """Messages the policy reports for one resource (props proxied as the SDK does)."""
    reported: list[str] = []
    args = ResourceValidationArgs(
        type_token,
        unknown_checking_proxy(props),
        make_urn(type_token, name),
        name,
        _options(),
        None,
        config,
    )
    policy.validate(args, lambda message, urn=None: reported.append(message))
    return reported


def validate_stack(
    policy: StackValidationPolicy,
    resources: list[StackResource],
    *,
    config: dict[str, Any] | None = None,
) -> list[tuple[str, str | None]]:
    """(message, urn) the policy reports for a whole stack."""
    reported: list[tuple[str, str | None]] = []
    stack = [
        PolicyResource(
            r.type,
            unknown_checking_proxy(r.inputs),
            r.urn,
            r.name,
            _options(r.parent),
            None,
            None,
            [],
            {},
        )
        for r in resources
    ]
    args = StackValidationArgs(stack, config)
    policy.validate(args, lambda message, urn=None: reported.append((message, urn)))
    return reported


def resource(type_token: str, name: str, inputs: dict[str, Any], parent: str | None = None):
    return StackResource(type_token, name, make_urn(type_token, name), inputs, parent)


def _load_resources(entries: list[dict[str, Any]]) -> list[StackResource]:
    return [
        resource(entry["type"], entry["name"], entry.get("inputs") or {}, entry.get("parent"))
        for entry in entries
    ]


@functools.cache
def _good_stack_entries() -> list[dict[str, Any]]:
    return load_yaml(GOOD_STACK)["resources"]


def good_stack() -> list[StackResource]:
    """The good stack's resources, a fresh copy on every call (parsed once)."""
    return _load_resources(copy.deepcopy(_good_stack_entries()))


def bad_stack(path: Path) -> tuple[list[StackResource], set[str]]:
    """The good stack with a bad fixture applied (same name replaces), and the policies
    expected to report it."""
    fixture = load_yaml(path)
    added = _load_resources(fixture.get("resources") or [])
    dropped = set(fixture.get("remove") or []) | {r.name for r in added}
    kept = [r for r in good_stack() if r.name not in dropped]
    return kept + added, set(fixture["expect"])


# --- attack / accept fixtures over the rendered program stack ------------------------
#
# tests/policies/fixtures/attacks/<item>-<name>.yaml (and accept/ for what must pass):
#   # what the attempt does and why it works without the rule
#   expect: [policy, ...]          # exactly the policies with mandatory violations
#   advisory: [policy, ...]        # optional: policies that must report advisory
#   config: {...}                  # optional pack config (as --policy-pack-config)
#   remove: [resource name, ...]   # optional: program resources to drop
#   modify:                        # optional: change program resources in place
#     - {resource: name, set: {"dotted.path[0].key": value}}
#     - {resource: name, append: {"dotted.path": value}, delete: ["dotted.path"]}
#     - {resource: name, fold_data_into_config: true}   # a ConfigMap's data as `config`
#   resources: [{type, name, inputs, parent?}]   # added; a same name replaces

ATTACKS = sorted((FIXTURES / "attacks").glob("*.yaml"))
ACCEPTED = sorted((FIXTURES / "accept").glob("*.yaml"))
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _steps(path: str) -> list[str | int]:
    return [int(index) if index else key for key, index in _STEP.findall(path)]


def _walk(target: Any, steps: list[str | int]) -> Any:
    for step in steps:
        target = target[step]
    return target


def _apply(inputs: dict[str, Any], operation: dict[str, Any]) -> None:
    for path, value in (operation.get("set") or {}).items():
        *head, last = _steps(path)
        _walk(inputs, head)[last] = value
    for path, value in (operation.get("append") or {}).items():
        _walk(inputs, _steps(path)).append(value)
    for path in operation.get("delete") or []:
        *head, last = _steps(path)
        del _walk(inputs, head)[last]
    if operation.get("fold_data_into_config"):
        # every key of a ConfigMap's data under the single `config` key, as one document
        data = inputs["data"]
        text = "".join(
            f"{key}:\n" + "".join(f"  {line}\n" for line in str(value).strip("\n").split("\n"))
            for key, value in data.items()
        )
        inputs["data"] = {"config": text}


@dataclass(frozen=True)
class Attempt:
    resources: list[StackResource]
    expect: set[str]
    advisory: set[str]
    config: dict[str, Any] | None


def load_attempt(path: Path, program: list[Any]) -> Attempt:
    """A fixture applied to the program's resources (see the format above)."""
    fixture = load_yaml(path)
    added = _load_resources(fixture.get("resources") or [])
    dropped = set(fixture.get("remove") or []) | {r.name for r in added}
    by_name = {r.name: r for r in program}
    modified: dict[str, StackResource] = {}
    for operation in fixture.get("modify") or []:
        name = operation["resource"]
        if name not in modified:
            base = by_name[name]
            modified[name] = StackResource(
                base.type, base.name, base.urn, copy.deepcopy(dict(base.inputs)), base.parent
            )
        _apply(modified[name].inputs, operation)
    kept = [modified.get(r.name, r) for r in program if r.name not in dropped]
    return Attempt(
        kept + added,
        set(fixture.get("expect") or []),
        set(fixture.get("advisory") or []),
        fixture.get("config"),
    )

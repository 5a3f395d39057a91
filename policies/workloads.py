"""Reading workloads: their pod spec, containers, command lines and flags."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import upstream_facts as facts
from k8s_objects import UNKNOWN, get, is_list, is_mapping, kind_of_manifest
from resource_objects import FoundObject

_CONTROLLER_WORD = re.compile(
    r"(^|[/\s\"'=;&|])" + re.escape(facts.CONTROLLER_BINARY) + r"($|[\s\"';&|])"
)
# Flags of both binaries that take no value (pflag bool flags).
_BOOL_FLAGS = frozenset(
    {facts.FLAG_NAMESPACED, "--secure", "--hsts", "--event-async-dispatch", "--browser"}
)


@dataclass(frozen=True)
class Container:
    index: str  # e.g. "containers[0]"
    spec: Any

    @property
    def name(self) -> Any:
        return get(self.spec, "name")


def pod_spec(found: FoundObject) -> Any:
    path = facts.WORKLOAD_POD_SPECS.get((found.kind.group, found.kind.kind))
    return get(found.manifest, *path) if path else None


def containers(found: FoundObject) -> Iterator[Container]:
    spec = pod_spec(found)
    for field in facts.CONTAINER_LISTS:
        items = get(spec, field)
        for index, container in enumerate(items if is_list(items) else []):
            if is_mapping(container):
                yield Container(f"{field}[{index}]", container)


_POD_SPECS_BY_FOLDED_KIND = {
    (group, kind.casefold()): path for (group, kind), path in facts.WORKLOAD_POD_SPECS.items()
}


def manifest_containers(manifest: Any) -> Iterator[Container]:
    """The containers of a workload manifest written anywhere (a Sensor trigger's object
    included); its kind matched case-insensitively, as a dynamic client resolves it."""
    kind = kind_of_manifest(manifest)
    if kind is None:
        return
    path = _POD_SPECS_BY_FOLDED_KIND.get((kind.group, kind.kind.casefold()))
    spec = get(manifest, *path) if path else None
    for field in facts.CONTAINER_LISTS:
        items = get(spec, field)
        for index, container in enumerate(items if is_list(items) else []):
            if is_mapping(container):
                yield Container(f"{field}[{index}]", container)


def image_name(image: Any) -> str:
    """'quay.io/argoproj/workflow-controller:v4.1.2' -> 'workflow-controller'."""
    if not isinstance(image, str):
        return ""
    image = image.split("@", 1)[0]
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[0]


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if is_list(value) else []


def runs_controller(container: Any) -> bool:
    """The workflow controller's image, or its binary in the command line."""
    if image_name(get(container, "image")) == facts.CONTROLLER_IMAGE:
        return True
    words = _strings(get(container, "command")) + _strings(get(container, "args"))
    return any(_CONTROLLER_WORD.search(word) for word in words)


def runs_server(container: Any) -> bool:
    """argocli's `server` command (the Argo Server)."""
    if image_name(get(container, "image")) != facts.SERVER_IMAGE:
        return False
    words = _strings(get(container, "command"))[1:] + _strings(get(container, "args"))
    return facts.SERVER_COMMAND in words


def argv(container: Any) -> list[Any]:
    """The flags part of the command line (command after the program, then args)."""
    command = get(container, "command")
    args = get(container, "args")
    head = list(command[1:]) if is_list(command) else []
    return head + (list(args) if is_list(args) else [])


def parse_flags(words: list[Any]) -> dict[str, Any]:
    """Long flags as pflag reads them: `--f v`, `--f=v`, bool `--f` / `--f=false`; the
    last occurrence wins. A value unknown at preview is UNKNOWN."""
    flags: dict[str, Any] = {}
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if not isinstance(word, str) or not word.startswith("--"):
            continue
        name, eq, value = word.partition("=")
        if eq:
            flags[name] = value
        elif name in _BOOL_FLAGS:
            flags[name] = "true"
        elif index < len(words):
            flags[name] = words[index]
            index += 1
        else:
            flags[name] = ""
    return flags


def flag_names(words: list[Any]) -> list[str]:
    """Every flag named on the command line, in the order pflag reads them: long ones
    (`--f`, `--f=v`) and short ones (`-f`); a word taken as a flag's value is skipped."""
    names: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if not isinstance(word, str) or not word.startswith("-") or word == "-":
            continue
        name, eq, _ = word.partition("=")
        names.append(name)
        if name.startswith("--") and not eq and name not in _BOOL_FLAGS and index < len(words):
            index += 1
    return names


def image_parts(image: Any) -> tuple[str, str]:
    """'quay.io/argoproj/argoexec:v4.1.2' -> ('quay.io/argoproj', 'v4.1.2'): the
    repository path before the image's name, and its tag or digest ('sha256:...')."""
    if not isinstance(image, str):
        return "", ""
    image, at, digest = image.partition("@")
    path, _, last = image.rpartition("/")
    _, colon, tag = last.partition(":")
    return path, digest if at else (tag if colon else "latest")


def flag_is_true(value: Any) -> bool:
    # pflag bool parsing (strconv.ParseBool).
    return isinstance(value, str) and value in ("1", "t", "T", "true", "TRUE", "True")


def env_names(container: Any) -> list[Any]:
    env = get(container, "env")
    names = []
    for entry in env if is_list(env) else []:
        name = get(entry, "name")
        names.append(UNKNOWN if name is UNKNOWN else name)
    return names


def object_key(found: FoundObject) -> tuple[Any, Any]:
    return get(found.manifest, "metadata", "namespace"), get(found.manifest, "metadata", "name")

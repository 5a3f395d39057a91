"""Pod Security "restricted", checked offline for every container a template runs.

The managed namespace enforces the "restricted" profile, so a non-compliant pod is refused
by the API server when the workflow runs, not when the template is deployed. The same
container-level controls are checked here, before anything is registered
(kubernetes.io/docs/concepts/security/pod-security-standards, "Restricted").
"""

from __future__ import annotations

from collections.abc import Iterator

from components.catalog.references import _all_templates

_WHY = 'the managed namespace enforces Pod Security "restricted" and would refuse the pod'
# The only capability "restricted" lets a container add.
_ADDABLE_CAPABILITIES = frozenset({"NET_BIND_SERVICE"})
_SECCOMP_TYPES = ("RuntimeDefault", "Localhost")
# Argo template fields that hold containers the workflow pod runs.
_SINGLE_CONTAINERS = ("container", "script")
_CONTAINER_LISTS = ("initContainers", "sidecars")


def _containers(template: dict, path: str) -> Iterator[tuple[str, dict]]:
    for key in _SINGLE_CONTAINERS:
        if isinstance(template.get(key), dict):
            yield f"{path}.{key}", template[key]
    for key in _CONTAINER_LISTS:
        for i, container in enumerate(template.get(key) or []):
            yield f"{path}.{key}[{i}]", container
    for i, container in enumerate((template.get("containerSet") or {}).get("containers") or []):
        yield f"{path}.containerSet.containers[{i}]", container


def _check_context(context: dict, path: str) -> list[str]:
    """Fields that may be set at pod or container level."""
    problems = []
    if context.get("runAsNonRoot") is False:
        problems.append(f"{path}.runAsNonRoot: must not be false; {_WHY}")
    if context.get("runAsUser") == 0:
        problems.append(f"{path}.runAsUser: must not be 0 (root); {_WHY}")
    seccomp = (context.get("seccompProfile") or {}).get("type")
    if seccomp is not None and seccomp not in _SECCOMP_TYPES:
        problems.append(
            f"{path}.seccompProfile.type: {seccomp!r} is not one of "
            f"{', '.join(_SECCOMP_TYPES)}; {_WHY}"
        )
    return problems


def _check_container(container: dict, path: str) -> list[str]:
    context = container.get("securityContext") or {}
    where = f"{path}.securityContext"
    problems = _check_context(context, where)
    if context.get("allowPrivilegeEscalation") is not False:
        problems.append(f"{where}.allowPrivilegeEscalation: must be false; {_WHY}")
    if context.get("privileged"):
        problems.append(f"{where}.privileged: must not be true; {_WHY}")
    capabilities = context.get("capabilities") or {}
    if "ALL" not in (capabilities.get("drop") or []):
        problems.append(f"{where}.capabilities.drop: must include ALL; {_WHY}")
    added = sorted(set(capabilities.get("add") or []) - _ADDABLE_CAPABILITIES)
    if added:
        problems.append(
            f"{where}.capabilities.add: {', '.join(added)} not allowed (only "
            f"NET_BIND_SERVICE); {_WHY}"
        )
    return problems


def _check_volumes(volumes: list | None, path: str) -> list[str]:
    return [
        f"{path}[{i}].hostPath: host paths are not allowed; {_WHY}"
        for i, volume in enumerate(volumes or [])
        if isinstance(volume, dict) and volume.get("hostPath") is not None
    ]


def _check_restricted(spec: dict) -> list[str]:
    """Every pod-level and container-level control of the "restricted" profile."""
    problems = _check_context(spec.get("securityContext") or {}, "spec.securityContext")
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(key):
            problems.append(f"spec.{key}: must not be true; {_WHY}")
    problems += _check_volumes(spec.get("volumes"), "spec.volumes")
    for path, template in _all_templates(spec.get("templates") or []):
        problems += _check_volumes(template.get("volumes"), f"{path}.volumes")
        if isinstance(template.get("securityContext"), dict):
            problems += _check_context(template["securityContext"], f"{path}.securityContext")
        for where, container in _containers(template, path):
            if isinstance(container, dict):
                problems += _check_container(container, where)
    return problems

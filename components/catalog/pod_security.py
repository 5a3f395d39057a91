"""Pod Security "restricted", checked offline for every container a template runs.

The managed namespace enforces the "restricted" profile, so a non-compliant pod is refused
by the API server when the workflow runs, not when the template is deployed. The same
container-level controls are checked here, before anything is registered
(kubernetes.io/docs/concepts/security/pod-security-standards, "Restricted").
"""

from __future__ import annotations

from collections.abc import Iterator

from components.catalog.pod_spec import _patch_mapping
from components.catalog.references import _all_templates

_WHY = 'the managed namespace enforces Pod Security "restricted" and would refuse the pod'
# The only capability "restricted" lets a container add.
_ADDABLE_CAPABILITIES = frozenset({"NET_BIND_SERVICE"})
_SECCOMP_TYPES = ("RuntimeDefault", "Localhost")
# Volume types "restricted" allows; any other (hostPath, nfs, iscsi, ...) is refused.
_ALLOWED_VOLUME_TYPES = frozenset(
    {
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "persistentVolumeClaim",
        "projected",
        "secret",
    }
)
_HOST_NAMESPACES = ("hostNetwork", "hostPID", "hostIPC")
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


def _check_container(container: dict, path: str, *, complete: bool = True) -> list[str]:
    """A container's own controls. ``complete=False`` for a patch, which names only what
    it changes: fields it leaves out come from the template and are checked there."""
    context = container.get("securityContext") or {}
    where = f"{path}.securityContext"
    problems = _check_context(context, where)
    escalation = context.get("allowPrivilegeEscalation")
    if escalation is True or (complete and escalation is not False):
        problems.append(f"{where}.allowPrivilegeEscalation: must be false; {_WHY}")
    if context.get("privileged"):
        problems.append(f"{where}.privileged: must not be true; {_WHY}")
    capabilities = context.get("capabilities") or {}
    if complete and "ALL" not in (capabilities.get("drop") or []):
        problems.append(f"{where}.capabilities.drop: must include ALL; {_WHY}")
    for i, port in enumerate(container.get("ports") or []):
        if isinstance(port, dict) and port.get("hostPort"):
            problems.append(f"{path}.ports[{i}].hostPort: host ports are not allowed; {_WHY}")
    added = sorted(set(capabilities.get("add") or []) - _ADDABLE_CAPABILITIES)
    if added:
        problems.append(
            f"{where}.capabilities.add: {', '.join(added)} not allowed (only "
            f"NET_BIND_SERVICE); {_WHY}"
        )
    return problems


def _check_volumes(volumes: list | None, path: str) -> list[str]:
    problems = []
    for i, volume in enumerate(volumes or []):
        if not isinstance(volume, dict):
            continue
        for kind in sorted(set(volume) - {"name"} - _ALLOWED_VOLUME_TYPES):
            problems.append(
                f"{path}[{i}].{kind}: {kind} volumes are not allowed (only "
                f"{', '.join(sorted(_ALLOWED_VOLUME_TYPES))}); {_WHY}"
            )
    return problems


def _check_pod(pod: dict, path: str) -> list[str]:
    """Pod-level fields, as a spec or a podSpecPatch sets them."""
    problems = _check_context(pod.get("securityContext") or {}, f"{path}.securityContext")
    for key in _HOST_NAMESPACES:
        if pod.get(key):
            problems.append(f"{path}.{key}: must not be true; {_WHY}")
    return problems + _check_volumes(pod.get("volumes"), f"{path}.volumes")


def _check_patch(holder: dict, path: str) -> list[str]:
    """A literal podSpecPatch is merged into the pod: it must keep it "restricted" too."""
    patch = _patch_mapping(holder.get("podSpecPatch"))
    if not patch:
        return []
    where = f"{path}.podSpecPatch"
    problems = _check_pod(patch, where)
    for key in ("containers", "initContainers"):
        for i, container in enumerate(patch.get(key) or []):
            if isinstance(container, dict):
                problems += _check_container(container, f"{where}.{key}[{i}]", complete=False)
    return problems


def _with_defaults(container: dict, defaults: dict | None) -> dict:
    """The container as Argo runs it: templateDefaults merged under the template's own."""
    if not isinstance(defaults, dict):
        return container
    context = {
        **(defaults.get("securityContext") or {}),
        **(container.get("securityContext") or {}),
    }
    return {**defaults, **container, "securityContext": context}


def _check_restricted(spec: dict) -> list[str]:
    """Every pod-level and container-level control of the "restricted" profile."""
    problems = _check_pod(spec, "spec") + _check_patch(spec, "spec")
    defaults = spec.get("templateDefaults") or {}
    problems += _check_patch(defaults, "spec.templateDefaults")
    for path, template in _all_templates(spec.get("templates") or []):
        problems += _check_volumes(template.get("volumes"), f"{path}.volumes")
        if isinstance(template.get("securityContext"), dict):
            problems += _check_context(template["securityContext"], f"{path}.securityContext")
        problems += _check_patch(template, path)
        for where, container in _containers(template, path):
            if isinstance(container, dict):
                key = where.rsplit(".", 1)[-1]
                merged = _with_defaults(container, defaults.get(key))
                problems += _check_container(merged, where)
    return problems

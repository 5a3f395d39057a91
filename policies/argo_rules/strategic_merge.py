"""The strategic merge the controller applies to containers, for the fields Pod Security
judges (k8s.io/apimachinery/pkg/util/strategicpatch on corev1.Container).

Mappings merge key by key; lists without a patch strategy (`capabilities.add`,
`capabilities.drop`, `command`, ...) are replaced whole by the patch; `ports` merge by
`containerPort` and `env`/`volumeMounts` by their key. A null in YAML is an unset Go
field: it never reaches the patch, so it removes nothing.
"""

from __future__ import annotations

from typing import Any

# corev1.Container list fields that merge by key (patchMergeKey in k8s.io/api/core/v1).
_MERGE_KEYS = {
    "ports": "containerPort",
    "env": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
}


def merge_container(base: Any, patch: Any) -> dict:
    """``patch`` strategic-merged over ``base`` (either may be missing)."""
    if not isinstance(base, dict):
        return _without_nulls(patch) if isinstance(patch, dict) else {}
    if not isinstance(patch, dict):
        return _without_nulls(base)
    return _merge(base, patch, top=True)


def merge_struct(base: Any, patch: Any) -> dict:
    """A plain struct merge (a PodSecurityContext of templateDefaults or workflowDefaults)."""
    return merge_container(base, patch)


def _merge(base: dict, patch: dict, top: bool = False) -> dict:
    out = {k: v for k, v in base.items() if v is not None}
    for key, value in patch.items():
        if value is None:
            continue
        old = out.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            out[key] = _merge(old, value)
        elif top and key in _MERGE_KEYS and isinstance(value, list) and isinstance(old, list):
            out[key] = _merge_list(old, value, _MERGE_KEYS[key])
        else:
            out[key] = value
    return out


def _merge_list(base: list, patch: list, key: str) -> list:
    merged = list(base)
    index = {item.get(key): i for i, item in enumerate(merged) if isinstance(item, dict)}
    for item in patch:
        if isinstance(item, dict) and item.get(key) in index:
            i = index[item[key]]
            merged[i] = _merge(merged[i], item)
        else:
            merged.append(item)
    return merged


def _without_nulls(value: dict) -> dict:
    return {k: v for k, v in value.items() if v is not None}

"""What a template's pods run as: allowed service accounts, and pod spec patches that only
the catalog decides."""

from __future__ import annotations

from typing import Any

import yaml

from components.catalog.facts import _ARGO_TEMPLATE_MARK


def _check_service_accounts(holder: dict, path: str, allowed: tuple[str, ...]) -> list[str]:
    """Every service account a pod of this spec or template could run as must be allowed."""
    allowed_text = f"allowed: {', '.join(allowed) or 'none'}"
    executor = holder.get("executor") or {}
    problems = []
    for where, account in (
        (f"{path}.serviceAccountName", holder.get("serviceAccountName")),
        (f"{path}.executor.serviceAccountName", executor.get("serviceAccountName")),
    ):
        if account is not None and account not in allowed:
            problems.append(
                f"{where}: {account!r} is not an allowed service account ({allowed_text})"
            )
    # A literal podSpecPatch could swap the pod's account behind the fields above.
    patch = _patch_mapping(holder.get("podSpecPatch"))
    for key in ("serviceAccountName", "serviceAccount"):
        account = patch.get(key)
        if account is not None and account not in allowed and not _is_templated(account):
            problems.append(
                f"{path}.podSpecPatch: sets {key} {account!r}, which is not an allowed "
                f"service account ({allowed_text})"
            )
    return problems


def _check_pod_spec_patch(holder: dict, path: str) -> list[str]:
    """A podSpecPatch must be literal: Argo fills in its `{{...}}` when the workflow runs.

    Filled in from parameters, a patch would let whoever submits the workflow choose the
    pod's service account, security context or anything else of its spec, which the
    catalog review never saw.
    """
    if not _is_templated(holder.get("podSpecPatch")):
        return []
    return [
        f"{path}.podSpecPatch: must be a literal patch; '{{{{...}}}}' lets a submitter change "
        "the pod spec (service account, security context)"
    ]


def _is_templated(value: Any) -> bool:
    return isinstance(value, str) and _ARGO_TEMPLATE_MARK in value


def _patch_mapping(patch: str | None) -> dict:
    """The podSpecPatch as a mapping when it is literal YAML/JSON, else empty."""
    if not patch:
        return {}
    try:
        loaded = yaml.safe_load(patch)
    except yaml.YAMLError:
        return {}
    return loaded if isinstance(loaded, dict) else {}

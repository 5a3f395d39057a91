"""Who a template's artifact garbage collection pods run as, and what their patch may do.

The controller deletes a workflow's output artifacts from pods of its own: one per
strategy, service account and pod metadata, the account taken from an artifact's own
`artifactGC` before the workflow's `spec.artifactGC`; each pod mounts the artifact
repository's credentials, and `spec.artifactGC.podSpecPatch` is applied to it last
(workflow/controller/artifact_gc.go, getArtifactGCPodInfo and createArtifactGCPod, as
read in the v4 source). A reviewed template may therefore name only the account the install made for
artifact GC (`artifactGcServiceAccount`), which the controller's `workflowDefaults` set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .go_json import get_ci
from .template_accounts import patch_problems
from .template_problem import UNKNOWN_FOUND, Problem, opaque, problem

_WHY = "artifact GC pods run as it, with the artifact repository's credentials mounted"


def install_gc_account(workflow_defaults: Mapping[str, Any] | None) -> str | None:
    """The account the controller's `workflowDefaults` give artifact GC pods (None: none),
    its keys read as Go binds them."""
    gc = get_ci(get_ci(workflow_defaults, "spec"), "artifactGC")
    account = get_ci(gc, "serviceAccountName")
    return account if isinstance(account, str) and account else None


def artifact_gc_problems(
    gc_settings: Sequence[tuple[str, dict]], gc_account: str | None
) -> list[Problem]:
    """Problems of a spec's artifact GC settings (``template_walk.artifact_gc_settings``);
    ``gc_account``: the install's artifact GC account."""
    problems: list[Problem] = []
    allowed = (gc_account,) if gc_account else ()
    expected = (
        f"the install's artifact GC account ({gc_account!r}) or nothing"
        if gc_account
        else "nothing (the install runs no artifact GC account)"
    )
    for path, gc in gc_settings:
        if opaque(gc):
            problems.append(problem(path, UNKNOWN_FOUND, "settings known at preview", _WHY))
            continue
        account = gc.get("serviceAccountName")
        if account is not None and account != gc_account:
            problems.append(problem(f"{path}.serviceAccountName", repr(account), expected, _WHY))
        if path == "spec.artifactGC" and gc.get("podSpecPatch") is not None:
            problems += patch_problems(gc["podSpecPatch"], f"{path}.podSpecPatch", allowed)
    return problems

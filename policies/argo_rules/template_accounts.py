"""What a template's pods run as and what only the install decides: allowed service
accounts, literal pod spec patches, and executor plugins."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence

from .go_json import fold_key
from .template_expressions import has_variable
from .template_pod_security import literal_patch
from .template_problem import UNKNOWN_FOUND, Problem, as_map, opaque, problem
from .template_walk import all_templates

_PLUGINS_OFF = (
    "executor plugins are not enabled in this install (the controller runs without "
    "ARGO_EXECUTOR_PLUGINS=true), so the template would fail when it runs"
)


# PodSpec's serviceAccountName and its deprecated twin serviceAccount, as Go folds them.
_PATCH_ACCOUNT_KEYS = frozenset(fold_key(k) for k in ("serviceAccountName", "serviceAccount"))


def _holders(spec: dict, templates: Iterable[tuple[str, dict]]) -> Iterator[tuple[str, dict]]:
    """The spec, its templateDefaults and every template: each may set these fields."""
    yield "spec", spec
    if isinstance(spec.get("templateDefaults"), dict):
        yield "spec.templateDefaults", spec["templateDefaults"]
    yield from templates


def patch_problems(patch_text: object, path: str, allowed: Collection[str]) -> list[Problem]:
    """A podSpecPatch at ``path``: literal, a mapping, and naming only an ``allowed``
    account (keys as Go binds them: the controller decodes the patch into a PodSpec,
    letter case ignored; util.ApplyPodSpecPatch)."""
    if opaque(patch_text):
        return [
            problem(path, UNKNOWN_FOUND, "a literal patch", "it could change anything in the pod")
        ]
    problems: list[Problem] = []
    allowed_text = ", ".join(allowed) or "none"
    if has_variable(patch_text):
        # Filled in from parameters, a patch would let whoever submits the workflow
        # choose the pod's service account, security context or anything else.
        problems.append(
            problem(
                path,
                "a '{{...}}' variable or expression",
                "a literal patch",
                "Argo fills it in from values the submitter chooses, which could change the "
                "pod spec (service account, security context)",
            )
        )
    patch = literal_patch(patch_text)
    literal = isinstance(patch_text, str) and patch_text and not has_variable(patch_text)
    if literal and not patch:
        # The controller unmarshals it into a PodSpec and fails the pod otherwise.
        problems.append(
            problem(
                path,
                "text that is not a YAML or JSON mapping",
                "a pod spec patch such as '{\"terminationGracePeriodSeconds\": 5}'",
            )
        )
    for key, account in patch.items():
        if not isinstance(key, str) or fold_key(key) not in _PATCH_ACCOUNT_KEYS:
            continue
        # null too: a strategic merge patch deletes the field, and the pod runs as `default`
        if not isinstance(account, str) or account not in allowed:
            problems.append(
                problem(path, f"{key} {account!r}", f"an allowed service account ({allowed_text})")
            )
    return problems


def account_problems(
    spec: dict,
    allowed: Sequence[str],
    plugins_enabled: bool,
    *,
    walked: Sequence[tuple[str, dict]] | None = None,
) -> list[Problem]:
    """``walked``: ``all_templates(spec)`` when the caller already has it."""
    problems: list[Problem] = []
    allowed_text = ", ".join(allowed) or "none"
    for path, holder in _holders(spec, all_templates(spec) if walked is None else walked):
        for field, account in (
            ("serviceAccountName", holder.get("serviceAccountName")),
            (
                "executor.serviceAccountName",
                as_map(holder.get("executor")).get("serviceAccountName"),
            ),
        ):
            if account is not None and account not in allowed:
                problems.append(
                    problem(
                        f"{path}.{field}",
                        repr(account),
                        f"an allowed service account ({allowed_text})",
                    )
                )
        problems += patch_problems(holder.get("podSpecPatch"), f"{path}.podSpecPatch", allowed)
        if not plugins_enabled:
            if path != "spec" and holder.get("plugin") is not None:
                problems.append(
                    problem(
                        f"{path}.plugin", "a plugin template", "another template type", _PLUGINS_OFF
                    )
                )
            if holder.get("executorPlugins") is not None:
                problems.append(
                    problem(
                        f"{path}.executorPlugins",
                        "executor plugins",
                        "no executorPlugins",
                        _PLUGINS_OFF,
                    )
                )
    return problems

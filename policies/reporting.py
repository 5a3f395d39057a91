"""Reporting problems: violations, and what a policy could not judge during a preview.

A rule returns plain strings for violations and `Unjudged` strings for what it could
not judge because a value is unknown during preview. Every violation is reported first.

A resource policy then ends with the SDK's unknown-value error if something could not be
judged, which the SDK reports at advisory level with the message given here (pulumi_policy
policy.py, `except UnknownValueError`): the engine runs it again at `pulumi up` on each
resource before it is created or changed, when every value is known.

A stack policy refuses what it could not judge instead. The engine runs stack policies only
after an update has applied its steps (pulumi/pulumi pkg/resource/deploy/
deployment_executor.go, `Execute`: `AnalyzeResources` once the step executor has
completed), so at `pulumi up` a stack policy could fail the update but never prevent it.
"""

from __future__ import annotations

from collections.abc import Iterable

from k8s_objects import Unjudged
from pulumi_policy import ReportViolation
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

# What a stack policy adds to each thing it could not judge during a preview.
UNKNOWN_REFUSED = (
    " — this stack policy judges the stack at `pulumi up` only after the update has applied "
    "it, so what it needs must be known at preview"
)


def report(
    problems: Iterable[tuple[str, str | None]],
    report_violation: ReportViolation,
    *,
    unknown_refused: bool = False,
) -> None:
    """Report ``problems``; ``unknown_refused`` (stack policies): `Unjudged` ones too, as
    violations of the policy's own enforcement level."""
    unjudged: list[str] = []
    for message, urn in problems:
        if isinstance(message, Unjudged):
            if unknown_refused:
                report_violation(f"{message}{UNKNOWN_REFUSED}", urn)
            elif message not in unjudged:
                unjudged.append(message)
        else:
            report_violation(message, urn)
    if unjudged:
        error = UnknownValueError(UNKNOWN_STRING_VALUE, [])
        error.message = (
            "; ".join(unjudged) + " — these values can't be known during preview and are "
            "judged when they are known (pulumi up)"
        )
        raise error

"""Reporting problems: mandatory ones as violations, unjudgeable ones as one advisory.

A rule returns plain strings for violations and `Unjudged` strings for what it could
not judge because a value is unknown during preview. Every violation is reported first;
then, if something could not be judged, the policy ends with the SDK's unknown-value
error, which the SDK reports at advisory level with the message given here (pulumi_policy
policy.py, `except UnknownValueError`). So an unknown value never hides a violation.
"""

from __future__ import annotations

from collections.abc import Iterable

from k8s_objects import Unjudged
from pulumi_policy import ReportViolation
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError


def report(problems: Iterable[tuple[str, str | None]], report_violation: ReportViolation) -> None:
    unjudged: list[str] = []
    for message, urn in problems:
        if isinstance(message, Unjudged):
            if message not in unjudged:
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

"""A problem of a WorkflowTemplate: where it is, what was found, what is expected."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Problem:
    """One problem: ``path`` is the field path (``spec.templates[0].container.image``),
    ``found`` and ``expected`` are short phrases, ``message`` the whole sentence."""

    path: str
    found: str
    expected: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass(frozen=True)
class Unread(Problem):
    """A value no rule could read, one that is not JSON: in the policy pack, a value
    unknown during a preview, which the pack refuses (its template rules are a stack
    policy, which `pulumi up` runs only after applying the update: reporting.py); in the
    catalog (a Hera model gone wrong), an error."""


def unread(path: str, value: Any) -> Unread:
    expected = "a JSON value (a string, number, boolean, null, list or mapping)"
    return Unread(path, describe(value), expected, f"found {describe(value)}, expected {expected}")


def problem(path: str, found: str, expected: str, why: str = "") -> Problem:
    """The usual shape: ``<path>: found <found>, expected <expected>[; <why>]``."""
    message = f"found {found}, expected {expected}"
    return Problem(path, found, expected, f"{message}; {why}" if why else message)


def stated(path: str, message: str, found: str, expected: str) -> Problem:
    """A problem whose sentence is written out (it still names found and expected)."""
    return Problem(path, found, expected, message)


def join(path: str, key: Any) -> str:
    """``path.key``, ``path[0]`` or ``path['odd key']``."""
    if type(key) is str:
        plain = _PLAIN.get(key)
        if plain is None:
            plain = bool(_PLAIN_KEY.match(key))
            if len(_PLAIN) < _PLAIN_MAX:  # keys come from input: a long-lived pack stays bounded
                _PLAIN[key] = plain
        if plain:
            return f"{path}.{key}" if path else key
    elif isinstance(key, int) and not isinstance(key, bool):
        return f"{path}[{key}]"
    return f"{path}[{key!r}]"


_PLAIN: dict[str, bool] = {}  # key -> whether it joins with a dot (keys repeat a lot)
_PLAIN_MAX = 10_000


def suggest(key: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for a near miss, also one that differs only in letter case."""
    known = list(known)
    lowered = {k.lower(): k for k in known}
    if isinstance(key, str) and key.lower() in lowered:
        return f" (did you mean {lowered[key.lower()]!r}?)"
    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def listing(names: Iterable[str], what: str = "templates") -> str:
    names = sorted(names)
    return f"{what}: {', '.join(names)}" if names else f"it has no {what}"


def describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {value}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else f"{value[:37]}..."
        return f"string {text!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if type(value).__repr__ is not object.__repr__:  # the pack's marker for a value unknown
        return repr(value)  # during preview says so
    return f"a {type(value).__name__}"


def short(value: Any) -> str:
    """A value as a message quotes it: strings in quotes, the rest described."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else f"{value[:57]}...")
    return describe(value)


# --- Reading possibly ill-typed data: every rule runs even where the schema check failed ---


_JSON_TYPES = (str, int, float, bool, list, dict, type(None))


def opaque(value: Any) -> bool:
    """A value that is not JSON: in the policy pack, one unknown during a preview
    (k8s_objects.UNKNOWN), which no rule can read."""
    return not isinstance(value, _JSON_TYPES)


# What a problem says it found for an opaque value.
UNKNOWN_FOUND = "a value unknown during preview"


def as_map(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def name_of(item: Any) -> str:
    """An item's `name` when it is a string, else ''."""
    name = item.get("name") if isinstance(item, dict) else None
    return name if isinstance(name, str) else ""


def maps(value: Any) -> Sequence[tuple[int, dict]]:
    """The mapping items of a list, with their index (most fields read are unset: those
    cost one check)."""
    if not isinstance(value, list):
        return ()
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]

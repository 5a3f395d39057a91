"""What loading the catalog gives: validated templates, or one error listing every problem."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CatalogTemplate:
    """One validated WorkflowTemplate of the catalog."""

    name: str
    source: str
    manifest: dict = field(hash=False)
    content_hash: str


class CatalogError(Exception):
    """The catalog has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        header = f"{count} problem{'s' if count != 1 else ''} in the WorkflowTemplate catalog:"
        super().__init__("\n".join([header, *self.problems]))


# A manifest is a tree (the YAML reader refuses recursive aliases), so the encoder skips
# its bookkeeping for circular references: a fifth of the encoding work.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, check_circular=False
)


def content_hash(manifest: Mapping[str, Any]) -> str:
    """sha256 of the manifest as canonical JSON (sorted keys, no whitespace)."""
    return hashlib.sha256(_CANONICAL.encode(manifest).encode()).hexdigest()

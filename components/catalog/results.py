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


def content_hash(manifest: Mapping[str, Any]) -> str:
    """sha256 of the manifest as canonical JSON (sorted keys, no whitespace)."""
    canonical = json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()

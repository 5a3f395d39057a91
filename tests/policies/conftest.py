"""Policy pack tests: the pack's modules import as siblings (`import workflow_rules`), as
they do when the engine runs the pack from its folder; the runner imports from tools."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT / "policies", ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

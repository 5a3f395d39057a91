"""Every promise of the README's "Security choices" names a test, and that test exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"


def _section(title: str) -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(f"### {title}\n")
    end = text.index("\n## ", start) if "\n## " in text[start:] else len(text)
    nxt = text.find("\n### ", start + 1)
    return text[start : min(end, nxt) if nxt != -1 else end]


def _bullets(section: str) -> list[str]:
    return [b.strip() for b in re.split(r"\n- ", section)[1:]]


def _defined_tests() -> set[str]:
    names = set()
    for path in TESTS.rglob("test_*.py"):
        names.add(path.name)
        names |= set(re.findall(r"^def (test_\w+)", path.read_text(), flags=re.M))
    return names


def test_every_security_promise_names_an_existing_test():
    bullets = _bullets(_section("Security choices"))
    assert len(bullets) >= 8
    defined = _defined_tests()
    for bullet in bullets:
        named = re.findall(r"`(test_\w+(?:\.py)?)`", bullet)
        assert named, f"promise without a test: {bullet[:60]}"
        missing = [n for n in named if n not in defined]
        assert not missing, (bullet[:60], missing)

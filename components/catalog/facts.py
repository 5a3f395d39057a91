"""Which files the catalog reads."""

from __future__ import annotations

YAML_SUFFIXES = (".yaml", ".yml")
PYTHON_SUFFIX = ".py"

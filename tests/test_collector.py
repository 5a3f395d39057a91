"""The program makes CPython's full collections rarer and leaves young ones as they were.

A program run keeps nearly every object it makes until it ends, so each full collection
rescans them all (components/program.py says why). CPython's defaults are (700, 10, 10):
young objects after 700 net allocations, one middle-generation pass per ten young ones,
one full pass per ten middle ones (Python docs, `gc.set_threshold`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from components.program import fewer_full_collections
from components.program import run as run_program
from components.settings import ConfigError
from tools import mock_runtime
from tools.stack_config import merged_config

CPYTHON_DEFAULTS = (700, 10, 10)


@pytest.fixture
def default_thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(*CPYTHON_DEFAULTS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def test_full_collections_become_rarer_and_young_ones_stay(default_thresholds: None) -> None:
    fewer_full_collections()
    young, middle, full = gc.get_threshold()
    assert (young, middle) == CPYTHON_DEFAULTS[:2]
    assert full >= 10 * CPYTHON_DEFAULTS[2]


def test_a_higher_setting_is_kept(default_thresholds: None) -> None:
    gc.set_threshold(700, 10, 5000)
    fewer_full_collections()
    assert gc.get_threshold() == (700, 10, 5000)


def test_the_program_sets_it_before_anything_else(default_thresholds: None) -> None:
    """Even a run that stops at its config has already changed the setting."""
    config, secret_keys = merged_config("dev", {"version": "latest"})
    with pytest.raises(ConfigError):
        mock_runtime.run(run_program, config, secret_keys)
    assert gc.get_threshold()[2] > CPYTHON_DEFAULTS[2]

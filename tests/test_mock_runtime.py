"""The mock runtime runs a program as `pulumi preview` would: on a stack of its own."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from tools import mock_runtime


class _Thing(pulumi.CustomResource):
    def __init__(self, name: str) -> None:
        super().__init__("test:index:Thing", name, {"size": 1})


def _run_from_depth(depth: int) -> None:
    def below(n: int) -> None:
        if n:
            below(n - 1)
        else:
            mock_runtime.run(lambda: _Thing("one"), {})

    below(depth)


def test_the_stack_the_sdk_records_does_not_hold_the_callers_frames(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The frames the SDK sends with a resource are the same however deep the caller is."""
    recorder = mock_runtime.install()
    original = recorder.RegisterResource
    frames: list[int] = []

    def record(request: Any) -> Any:
        if request.type != "pulumi:pulumi:Stack":
            frames.append(len(request.stackTrace.frames))
        return original(request)

    monkeypatch.setattr(recorder, "RegisterResource", record)
    _run_from_depth(0)
    _run_from_depth(60)
    shallow, deep = frames
    assert shallow > 0
    assert deep == shallow


def test_what_the_program_raises_reaches_the_caller() -> None:
    def program() -> None:
        raise ValueError("config: replicas must be a whole number")

    with pytest.raises(ValueError, match="replicas must be a whole number"):
        mock_runtime.run(program, {})


def test_the_program_reads_the_config_it_is_given() -> None:
    def program() -> str:
        return pulumi.Config("argo-workflows").require("answer")

    _, outputs = mock_runtime.run(program, {"argo-workflows:answer": "42"})
    assert outputs == "42"

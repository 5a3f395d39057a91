"""What PolicyRunner reuses (prepared requests, answers already given) never hides a
difference: a changed resource, a changed config and every AnalyzeStack reach the pack.

A counting pack makes the difference visible from outside the runner: its answers carry
the number of the call that produced them, so an answer the pack gave again would carry
a new number, and one reused carries the old one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from policy_harness import ACCEPTED, ATTACKS, load_attempt, write_pack

from tools.policy_runner import (
    PolicyRunner,
    PreparedResource,
    StackResource,
    build_requests,
    make_urn,
    prepare,
)

_PACK = """\
import itertools
import sys

sys.path.insert(0, {policies!r})
import clean_stop
from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ResourceValidationPolicy,
    StackValidationPolicy,
)

_calls = itertools.count(1)


def _each(args, report):
    report(f"{{args.name}} x={{args.props.get('x')!r}} call {{next(_calls)}}")


def _whole(args, report):
    report(f"stack of {{len(args.resources)}} call {{next(_calls)}}")


clean_stop.install()
PolicyPack(
    name="counting",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        ResourceValidationPolicy(name="each", description="-", validate=_each),
        StackValidationPolicy(name="whole", description="-", validate=_whole),
    ],
)
"""
_TYPE = "kubernetes:core/v1:ConfigMap"


def _resource(name: str, x: object, parent: str | None = None) -> StackResource:
    return StackResource(_TYPE, name, make_urn(_TYPE, name), {"x": x}, parent)


@pytest.fixture(scope="module")
def counting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolicyRunner]:
    folder = write_pack(tmp_path_factory.mktemp("counting"), _PACK)
    with PolicyRunner(pack_dir=folder, reuse_answers=True) as runner:
        yield runner


@pytest.fixture
def runner(counting: PolicyRunner) -> Iterator[PolicyRunner]:
    counting.configure(None)
    yield counting
    counting.configure(None)


def _messages(violations) -> dict[str, str]:
    return {v.urn or "stack": f"{v.enforcement_level}: {v.message}" for v in violations}


def test_an_identical_request_gets_the_answer_already_given(runner: PolicyRunner) -> None:
    stack = [_resource("reused-a", 1), _resource("reused-b", 2)]
    first = _messages(runner.analyze(stack))
    before = dict(runner.counts)
    second = _messages(runner.analyze(stack))
    for resource in stack:
        assert second[resource.urn] == first[resource.urn]
    assert second["stack"] != first["stack"], "AnalyzeStack is always sent"
    assert runner.counts["analyze_reused"] == before["analyze_reused"] + 2
    assert runner.counts["analyze"] == before["analyze"]
    assert runner.counts["analyze_stack"] == before["analyze_stack"] + 1


@pytest.mark.parametrize(
    ("changed", "seen"),
    [
        (_resource("changed-a", 3), "x=3.0 "),  # a Struct's numbers are doubles
        # equal in Python (True == 1), a different request on the wire
        (_resource("changed-a", True), "x=True "),
        (_resource("changed-a", 1, parent=make_urn("pulumi:pulumi:Stack", "s")), "x=1.0 "),
    ],
    ids=["value", "bool-for-number", "parent"],
)
def test_a_changed_resource_is_sent(
    runner: PolicyRunner, changed: StackResource, seen: str
) -> None:
    kept = _resource("changed-b", 2)
    first = _messages(runner.analyze([_resource("changed-a", 1), kept]))
    second = _messages(runner.analyze([changed, kept]))
    assert second[changed.urn] != first[changed.urn]
    assert seen in second[changed.urn]
    assert second[kept.urn] == first[kept.urn]


def test_a_resource_changed_in_place_is_sent(runner: PolicyRunner) -> None:
    resource = _resource("in-place", 1)
    first = _messages(runner.analyze([resource]))
    resource.inputs["x"] = 2
    second = _messages(runner.analyze([resource]))
    assert second[resource.urn] != first[resource.urn]
    assert "x=2.0 " in second[resource.urn]


def test_a_changed_config_is_sent_and_answers_follow_their_config(
    runner: PolicyRunner,
) -> None:
    stack = [_resource("config-a", 1)]
    urn = stack[0].urn
    default = _messages(runner.analyze(stack))
    runner.configure({"each": "advisory"})
    advisory = _messages(runner.analyze(stack))
    assert advisory[urn].startswith("advisory: ") and default[urn].startswith("mandatory: ")
    assert advisory[urn].split("call")[1] != default[urn].split("call")[1], "sent again"
    runner.configure({"each": "advisory"})
    assert _messages(runner.analyze(stack))[urn] == advisory[urn]
    runner.configure(None)
    assert _messages(runner.analyze(stack))[urn] == default[urn]


def test_reuse_is_off_unless_asked(runner: PolicyRunner) -> None:
    stack = [_resource("off", 1)]
    first = _messages(runner.analyze(stack, reuse=False))
    second = _messages(runner.analyze(stack, reuse=False))
    assert second[stack[0].urn] != first[stack[0].urn]
    runner.reuse_answers = False
    try:
        third = _messages(runner.analyze(stack))
    finally:
        runner.reuse_answers = True
    assert third[stack[0].urn] not in (first[stack[0].urn], second[stack[0].urn])


def test_a_prepared_resource_is_sent_as_it_was_prepared() -> None:
    original = [_resource("prepared", {"deep": [1, "a"]}, parent=make_urn(_TYPE, "p"))]
    prepared = prepare(original)
    assert build_requests(prepared) == build_requests(original)
    sent_before = build_requests(prepared)
    original[0].inputs["x"]["deep"].append("later")
    assert build_requests(prepared) == sent_before
    assert build_requests(prepared) != build_requests(original)
    assert prepared[0].inputs == {"x": {"deep": [1, "a"]}}


# --- the real pack: answers reused equal answers sent ---------------------------------


def _sample() -> list[Path]:
    """Attack and accepted fixtures, each kind of change: an added resource, a modified
    dev-stack resource, a removed one with its own pack config."""
    wanted = (
        "1-configmap-token-creates-workflow",
        "3-main-container-privileged",
        "5-controller-without-configmap",
        "12-config-decoy-managed-namespace",
        "12-controller-reads-decoy-configmap",
        "template-in-managed-namespace",
        "config-single-key",
    )
    found = [path for path in [*ATTACKS, *ACCEPTED] if path.stem in wanted]
    assert len(found) == len(wanted), [path.stem for path in found]
    return found


@pytest.mark.parametrize("fixture", _sample(), ids=lambda path: path.stem)
def test_the_pack_answers_alike_with_and_without_reuse(
    pack: PolicyRunner, dev_program: list[PreparedResource], fixture: Path
) -> None:
    attempt = load_attempt(fixture, dev_program)
    pack.configure(attempt.config)  # reset by the `pack` fixture
    pack.analyze(dev_program)  # every unchanged resource answered once under this config
    sent = pack.analyze(attempt.resources, reuse=False)
    before = dict(pack.counts)
    reused = pack.analyze(attempt.resources)
    assert pack.counts["analyze_reused"] > before["analyze_reused"]
    assert reused == sent
    assert {v.policy_name for v in sent if v.enforcement_level == "mandatory"} == attempt.expect

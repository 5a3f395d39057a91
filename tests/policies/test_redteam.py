"""Red-team corpus: attacks that must be refused, real objects that must pass.

Every file under ``redteam/attacks`` is one attempt to get something past the pack that
would let unreviewed code run or widen what the install allows; every file under
``redteam/must_pass`` is an object of a real deployment (or faithful to one) that the pack
must accept. The corpus says nothing about policy names: an attack is refused when the pack
reports any new mandatory violation, a must-pass object is accepted when it adds none.

The pack is started once, as the engine starts it (tools.policy_runner), and each case is
sent the way ``pulumi preview`` sends it: Analyze for every resource, then AnalyzeStack over
the rendered dev stack plus the case's resources. Violations the dev stack reports on its
own are subtracted (and ``test_dev_stack_alone_passes`` reports them), so an attack is never
counted as refused because of something else in the stack. The pack and the dev stack are
shared with the other corpus suites (conftest.py): an Analyze request of an unchanged
dev-stack resource gets the answer the pack gave it under the same config; the case's own
resources and the AnalyzeStack always go to the pack, and the first case of every class
(and the first must-pass object) sends every request.

File format (YAML):

    why: one line saying what the attempt does
    expect: violation | pass
    class: NN-name            # attacks only, the issue-8 class
    source: ...               # must-pass objects taken from a real deployment
    type: <Pulumi type token>
    name: <Pulumi resource name>
    props: <resource inputs>
    also: [{type, name, props, parent: self}]   # more resources of the same attempt
    replaces: [{kind, namespace, name}]         # dev-stack objects the attempt stands in for
    preview_unknowns: [path, ...]               # values unknown at preview (also.N.path for `also`)
    shared_config: {key: value}                 # pack config the attempt comes with

An attempt that stands in for an object of the program (the controller ConfigMap or
Deployment) starts from that object as the dev stack renders it, so the attempt differs
from the install only by what it changes, and a refusal cannot come from a stale copy.
Anywhere in ``props`` (or an ``also`` entry's props) a mapping

    $from_dev: {kind, namespace, name}     # a deep copy of that dev-stack object's inputs
                                           # (name_prefix instead of name: the one object
                                           # whose name starts so)
    $config_key_form: true                 # ConfigMap data moved under the single `config` key
    $merge_yaml: {data.key: {...}}         # deep-merge a mapping into a YAML string value
    $set: {dotted.path: value}             # set a value (null deletes the key)
    $remove_items: {dotted.path: [...]}    # drop these items from a list
    $append: {dotted.path: [...]}          # add items at the end of a list
    $replace_items: {dotted.path: {old: new}}

is replaced by the derived object; the operations apply in that order.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools.policy_runner import PolicyRunner, PreparedResource, StackResource, Violation, make_urn

CORPUS = Path(__file__).resolve().parent / "redteam"
ATTACKS = sorted((CORPUS / "attacks").glob("*.yaml"))
MUST_PASS = sorted((CORPUS / "must_pass").glob("*.yaml"))
STACK = "dev"
# Cases judged with every request sent to the pack: the first of each class, and the
# first must-pass object.
SENT_IN_FULL = {
    *{path.name[:3]: path for path in reversed(ATTACKS)}.values(),  # cNN-...: first of each
    *MUST_PASS[:1],
}

# What the engine puts where a value is unknown during preview: the Struct carries this
# string instead of the value (pulumi/pulumi sdk/go/common/resource/plugin/rpc.go,
# UnknownStringValue; pulumi_policy/proxy.py UNKNOWN_STRING_VALUE turns it back).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

ISSUE_CLASSES = {
    "01-type-token",
    "02-status-is-input",
    "03-controller-config",
    "04-key-case",
    "05-install-integrity",
    "06-rbac",
    "07-sensor-and-event-binding",
    "08-runtime-refusal",
    "09-opaque-deployer",
    "10-template-rules",
    "11-unknown-values",
    "12-stack-facts",
}
_KEYS = {
    "why",
    "expect",
    "class",
    "source",
    "type",
    "name",
    "props",
    "also",
    "replaces",
    "preview_unknowns",
    "shared_config",
}


@dataclass
class Case:
    path: Path
    why: str
    expect: str
    klass: str | None
    resources: list[StackResource]
    replaces: list[dict[str, str]] = field(default_factory=list)
    shared_config: dict[str, Any] | None = None


def _dev_key(resource: Any) -> tuple[Any, Any, Any]:
    inputs = resource.inputs or {}
    meta = inputs.get("metadata") or {}
    return inputs.get("kind"), meta.get("namespace"), meta.get("name")


def _walk(target: Any, path: str, *, create: bool = False) -> tuple[Any, str | int]:
    parts = path.split(".")
    for part in parts[:-1]:
        if isinstance(target, list):
            target = target[int(part)]
        else:
            if create and part not in target:
                target[part] = {}
            target = target[part]
    last = parts[-1]
    return target, int(last) if isinstance(target, list) else last


def _deep_merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _deep_merge(base.get(key), value) if key in base else value
        return merged
    return extra


def _derive(spec: dict[str, Any], dev: list[Any], where: str) -> dict[str, Any]:
    wanted = spec["$from_dev"]
    found = [
        r
        for r in dev
        if _dev_key(r)[:2] == (wanted["kind"], wanted.get("namespace"))
        and (
            _dev_key(r)[2] == wanted["name"]
            if "name" in wanted
            # Cluster-scoped names may carry a per-install suffix.
            else str(_dev_key(r)[2]).startswith(wanted["name_prefix"])
        )
    ]
    if len(found) != 1:
        raise LookupError(f"{where}: $from_dev {wanted} matches {len(found)} dev-stack objects")
    props = copy.deepcopy(found[0].inputs)
    if spec.get("$config_key_form"):
        data = props.get("data") or {}
        parsed = {name: _yaml(value) for name, value in data.items()}
        props["data"] = {"config": yaml.safe_dump(parsed, sort_keys=False)}
    for path, extra in (spec.get("$merge_yaml") or {}).items():
        parent, last = _walk(props, path, create=True)
        current = _yaml(parent.get(last) or "") or {}
        parent[last] = yaml.safe_dump(_deep_merge(current, extra), sort_keys=False)
    for path, value in (spec.get("$set") or {}).items():
        parent, last = _walk(props, path, create=True)
        if value is None:
            parent.pop(last, None)
        else:
            parent[last] = value
    for path, items in (spec.get("$remove_items") or {}).items():
        parent, last = _walk(props, path)
        missing = [item for item in items if item not in parent[last]]
        if missing:
            raise LookupError(f"{where}: $remove_items {path}: {missing} not in the dev object")
        parent[last] = [item for item in parent[last] if item not in items]
    for path, items in (spec.get("$append") or {}).items():
        parent, last = _walk(props, path, create=True)
        parent[last] = [*(parent.get(last) or []), *items]
    for path, mapping in (spec.get("$replace_items") or {}).items():
        parent, last = _walk(props, path)
        parent[last] = [mapping.get(item, item) for item in parent[last]]
    return props


def _resolve(value: Any, dev: list[Any], where: str) -> Any:
    if isinstance(value, dict):
        if "$from_dev" in value:
            return _derive(value, dev, where)
        return {key: _resolve(item, dev, where) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, dev, where) for item in value]
    return value


def _set_unknown(target: Any, path: str, where: str) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last = parts[-1]
    if isinstance(target, list):
        target[int(last)] = UNKNOWN
    elif last in target:
        target[last] = UNKNOWN
    else:
        raise KeyError(f"{where}: preview_unknowns path {path!r} names no value")


def _yaml(text: str) -> Any:
    return yaml.load(text, Loader=yaml.CSafeLoader)


def load_case(path: Path, dev: list[Any]) -> Case:
    doc = _yaml(path.read_text())
    unknown_keys = set(doc) - _KEYS
    if unknown_keys:
        raise ValueError(f"{path.name}: unknown keys {sorted(unknown_keys)}")
    if doc["expect"] not in ("violation", "pass"):
        raise ValueError(f"{path.name}: expect must be violation or pass, found {doc['expect']!r}")
    main_urn = make_urn(doc["type"], doc["name"], stack=STACK)
    props = _resolve(copy.deepcopy(doc["props"]), dev, path.name)
    main = StackResource(doc["type"], doc["name"], main_urn, props)
    resources = [main]
    for extra in doc.get("also") or []:
        if extra.get("parent") == "self":
            # A child's URN names its parent's type before its own.
            qualified = f"{doc['type']}${extra['type']}"
            urn = f"urn:pulumi:{STACK}::argo-workflows::{qualified}::{extra['name']}"
            parent = main_urn
        else:
            urn, parent = make_urn(extra["type"], extra["name"], stack=STACK), None
        resources.append(
            StackResource(
                extra["type"],
                extra["name"],
                urn,
                _resolve(copy.deepcopy(extra["props"]), dev, path.name),
                parent,
            )
        )
    for unknown in doc.get("preview_unknowns") or []:
        if unknown.startswith("also."):
            _, index, rest = unknown.split(".", 2)
            _set_unknown(resources[1 + int(index)].inputs, rest, path.name)
        else:
            _set_unknown(main.inputs, unknown, path.name)
    return Case(
        path=path,
        why=doc["why"],
        expect=doc["expect"],
        klass=doc.get("class"),
        resources=resources,
        replaces=doc.get("replaces") or [],
        shared_config=doc.get("shared_config"),
    )


def _matches(resource: Any, wanted: dict[str, str]) -> bool:
    return _dev_key(resource) == (wanted["kind"], wanted.get("namespace"), wanted["name"])


# A violation the dev stack already has is the same violation when an attempt stands in for
# the object it names: compare without the Pulumi resource name and URN.
_PULUMI_NAME = re.compile(r'\s*\(Pulumi resource "[^"]*"\)')


def _signature(violation: Violation) -> tuple[str, str, str]:
    message = _PULUMI_NAME.sub("", violation.message)
    return violation.policy_name, violation.enforcement_level, message


@dataclass
class Judge:
    runner: PolicyRunner
    dev: list[Any]
    baseline: list[Violation]

    def stack_for(self, case: Case) -> list[Any]:
        kept = list(self.dev)
        for wanted in case.replaces:
            before = len(kept)
            kept = [r for r in kept if not _matches(r, wanted)]
            assert len(kept) < before, f"{case.path.name}: replaces {wanted}, not in the dev stack"
        return kept + case.resources

    def new_mandatory(self, case: Case) -> tuple[list[Violation], list[Violation]]:
        """(new mandatory violations, everything the pack said) for the case."""
        reuse = case.path not in SENT_IN_FULL
        said = self.runner.analyze(self.stack_for(case), reuse=reuse)
        known = Counter(_signature(v) for v in self.baseline)
        new = []
        for violation in said:
            if known[_signature(violation)] > 0:
                known[_signature(violation)] -= 1
            elif violation.enforcement_level == "mandatory":
                new.append(violation)
        return new, said


def describe(violations: list[Violation]) -> str:
    if not violations:
        return "  (nothing)"
    return "\n".join(
        f"  {v.policy_name} [{v.enforcement_level}] {v.urn or 'stack'}: {v.message}"
        for v in violations
    )


@pytest.fixture
def dev(dev_program: list[PreparedResource]) -> list[PreparedResource]:
    return dev_program


@pytest.fixture(scope="module")
def judge(dev_pack: PolicyRunner, dev_program: list[PreparedResource]) -> Judge:
    dev_pack.configure(None)
    return Judge(dev_pack, dev_program, dev_pack.analyze(dev_program, reuse=False))


def test_corpus_is_well_formed_and_covers_every_class(dev: list[Any]) -> None:
    attacks = [load_case(path, dev) for path in ATTACKS]
    passing = [load_case(path, dev) for path in MUST_PASS]
    assert len(attacks) >= 70, len(attacks)
    assert len(passing) >= 20, len(passing)
    assert all(case.expect == "violation" for case in attacks)
    assert all(case.expect == "pass" for case in passing)
    classes = Counter(case.klass for case in attacks)
    assert set(classes) == ISSUE_CLASSES, classes
    for case in attacks:
        assert case.path.name.startswith(f"c{case.klass[:2]}-"), case.path.name


def test_dev_stack_alone_passes(judge: Judge) -> None:
    mandatory = [v for v in judge.baseline if v.enforcement_level == "mandatory"]
    assert mandatory == [], describe(mandatory)


@pytest.mark.usefixtures("pack")
@pytest.mark.parametrize("path", ATTACKS, ids=lambda path: path.stem)
def test_attack_is_refused(judge: Judge, path: Path) -> None:
    case = load_case(path, judge.dev)
    if case.shared_config:
        try:
            judge.runner.configure(None, shared=case.shared_config)
        except ValueError:
            # The pack does not take this setting (or refuses its value): judged with the
            # defaults, as the engine would run it.
            judge.runner.configure(None)
    try:
        new, said = judge.new_mandatory(case)
    finally:
        if case.shared_config:
            judge.runner.configure(None)
    assert new, f"{path.name} ({case.klass}) not refused: {case.why}\npack said:\n{describe(said)}"


@pytest.mark.usefixtures("pack")
@pytest.mark.parametrize("path", MUST_PASS, ids=lambda path: path.stem)
def test_real_object_passes(judge: Judge, path: Path) -> None:
    case = load_case(path, judge.dev)
    new, _ = judge.new_mandatory(case)
    assert new == [], f"{path.name} refused: {case.why}\n{describe(new)}"

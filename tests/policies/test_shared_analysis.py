"""The shared servicer answers every request exactly as the SDK's own servicer does, while
converting each request's properties at most once and only when a policy reads them.

The SDK's servicer (pulumi_policy `_PolicyAnalyzerServicer`) is the oracle: both serve the
same policies and requests, and their responses must be equal message for message.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
from collections.abc import Mapping, Sequence
from typing import Any

import k8s_objects
import pulumi
import pytest
import shared_analysis
from google.protobuf import json_format, struct_pb2
from pulumi._utils import ContextProperty
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import (
    EnforcementLevel,
    ResourceValidationPolicy,
    StackValidationPolicy,
)
from pulumi_policy import policy as sdk_policy
from pulumi_policy.deserialize import (
    SPECIAL_ARCHIVE_SIG,
    SPECIAL_ASSET_SIG,
    SPECIAL_SECRET_SIG,
    SPECIAL_SIG_KEY,
    deserialize_properties,
)
from pulumi_policy.proxy import (
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_STRING_VALUE,
    _DictProxy,
    _ListProxy,
    unknown_checking_proxy,
)


def _plain(value: Any) -> Any:
    """What a policy sees, as comparable JSON (assets and archives by type and fields)."""
    if isinstance(value, (pulumi.Asset, pulumi.Archive)):
        fields = {k: _plain(v) for k, v in sorted(vars(value).items()) if not k.startswith("__")}
        return {"type": type(value).__name__, **{k: repr(v) for k, v in fields.items()}}
    if isinstance(value, Mapping):
        return {str(k): _plain(value[k]) for k in value}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(v) for v in value]
    return [type(value).__name__, value]


def _dump_props(args, report_violation) -> None:
    report_violation(json.dumps(_plain(args.props), sort_keys=True))


def _kind(value: Any) -> str:
    """A value's type as rules may test it (the proxies' own class names differ)."""
    tests = (dict, list, Mapping, Sequence, _DictProxy, _ListProxy)
    return (
        type(value).__name__
        if not isinstance(value, (Mapping, Sequence))
        else str([isinstance(value, t) for t in tests])
    )


def _probe_props(args, report_violation) -> None:
    props = args.props
    spec = props.get("spec", {})
    report_violation(
        f"{len(props)} keys, spec in props: {'spec' in props}, "
        f"list: {[_kind(x) for x in spec.get('items', [])]}, "
        f"slice: {_plain(spec.get('items', [])[1:])}, last: {_plain(spec.get('items', [0])[-1])}, "
        f"equal to itself: {props == props}, config: {dict(args.get_config())}, "
        f"odd keys: {props.get(1)} {props.get('missing', 'default')}, "
        f"keys: {list(props.keys())}, reversed: {_plain(list(reversed(spec.get('items', []))))}, "
        f"contains: {'s' in spec.get('items', [])}, "
        f"type {args.resource_type} name {args.name} urn {args.urn} "
        f"parent {args.opts.parent} protect {args.opts.protect} "
        f"provider {args.provider and (args.provider.urn, _plain(args.provider.props))}"
    )


def _reads_unknown(args, report_violation) -> None:
    if args.props.get("unknown") is not None:
        report_violation("read an unknown value")


def _nested_unknown(args, report_violation) -> None:
    for item in args.props.get("spec", {}).get("items", []):
        report_violation(f"item {_plain(item)}")


def _not_applicable(args, report_violation) -> None:
    if args.resource_type.endswith("Skip"):
        args.not_applicable("not for this type")
    report_violation("applies")


async def _async_validate(args, report_violation) -> None:
    await asyncio.sleep(0)
    report_violation(f"async saw {args.name}")


def _ignores_props(args, report_violation) -> None:
    report_violation("never reads the properties")


def _stack_dump(args, report_violation) -> None:
    for resource in args.resources:
        report_violation(
            json.dumps(
                {
                    "props": _plain(resource.props),
                    "parent": resource.parent and resource.parent.urn,
                    "dependencies": [d.urn for d in resource.dependencies],
                    "property_dependencies": {
                        k: [d.urn for d in v] for k, v in resource.property_dependencies.items()
                    },
                    "opts_parent": resource.opts.parent,
                    "config": dict(args.get_config()),
                },
                sort_keys=True,
            ),
            resource.urn,
        )


def _stack_unknown(args, report_violation) -> None:
    for resource in args.resources:
        resource.props.get("unknown")
    report_violation("no unknown")


def _stack_not_applicable(args, report_violation) -> None:
    args.not_applicable("nothing to check")


def _remediate(args):
    return None


def _resource(name: str, validate, level: EnforcementLevel | None = None, **kwargs):
    return ResourceValidationPolicy(
        name=name, description=f"{name} says", validate=validate, enforcement_level=level, **kwargs
    )


def _stack(name: str, validate, level: EnforcementLevel | None = None):
    return StackValidationPolicy(
        name=name, description=f"{name} says", validate=validate, enforcement_level=level
    )


def _policies() -> list:
    return [
        _resource("dump", _dump_props),
        _resource("probe", _probe_props, EnforcementLevel.ADVISORY),
        _resource("unknown", _reads_unknown),
        _resource("nested-unknown", _nested_unknown),
        _resource("not-applicable", _not_applicable),
        _resource("async", _async_validate),
        _resource("remediate-level", _dump_props, EnforcementLevel.REMEDIATE),
        _resource("disabled", _dump_props, EnforcementLevel.DISABLED),
        ResourceValidationPolicy(name="remediate-only", description="fixes", remediate=_remediate),
        _stack("stack-dump", _stack_dump),
        _stack("stack-unknown", _stack_unknown, EnforcementLevel.ADVISORY),
        _stack("stack-not-applicable", _stack_not_applicable),
        _stack("stack-remediate-level", _stack_dump, EnforcementLevel.REMEDIATE),
    ]


def _servicers(policies: list) -> tuple[Any, Any]:
    args = ("pack", "0.0.1", policies, EnforcementLevel.MANDATORY)
    return shared_analysis._SDK_SERVICER(*args), shared_analysis.SharedAnalyzerServicer(*args)


def _struct(value: dict) -> struct_pb2.Struct:
    return json_format.ParseDict(value, struct_pb2.Struct())


def _secret(value: Any) -> dict:
    return {SPECIAL_SIG_KEY: SPECIAL_SECRET_SIG, "value": value}


PROPERTIES = [
    {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "a", "labels": {"x": "1"}},
        "data": {"k": "v", "n": None},
        "spec": {"items": [1, 2.5, True, "s", None, {"deep": [{"deeper": "yes"}]}, []]},
        "replicas": 3,
        "secret": _secret({"password": "p", "nested": _secret("twice")}),
        "asset": {SPECIAL_SIG_KEY: SPECIAL_ASSET_SIG, "text": "hello"},
        "archive": {
            SPECIAL_SIG_KEY: SPECIAL_ARCHIVE_SIG,
            "assets": {
                "a": {SPECIAL_SIG_KEY: SPECIAL_ASSET_SIG, "path": "file.txt"},
                "b": {SPECIAL_SIG_KEY: SPECIAL_ARCHIVE_SIG, "uri": "https://example.com/x.zip"},
            },
        },
    },
    {"unknown": UNKNOWN_STRING_VALUE, "spec": {"items": ["ok", UNKNOWN_NUMBER_VALUE]}},
    {},
]


def _requests() -> list[analyzer_pb2.AnalyzeRequest]:
    requests = []
    for index, props in enumerate(PROPERTIES):
        for type_token in ("test:index:Thing", "test:index:Skip"):
            request = analyzer_pb2.AnalyzeRequest(
                type=type_token,
                name=f"r{index}",
                urn=f"urn:pulumi:dev::p::{type_token}::r{index}",
                properties=_struct(props),
                options=analyzer_pb2.AnalyzerResourceOptions(parent="urn:parent", protect=True),
            )
            if index == 0:
                request.provider.CopyFrom(
                    analyzer_pb2.AnalyzerProviderResource(
                        type="pulumi:providers:test",
                        name="prov",
                        urn="urn:prov",
                        properties=_struct({"region": "x", "token": _secret("t")}),
                    )
                )
            requests.append(request)
    return requests


def _stack_request(properties: list[dict] = PROPERTIES) -> analyzer_pb2.AnalyzeStackRequest:
    resources = []
    for index, props in enumerate(properties):
        resource = analyzer_pb2.AnalyzerResource(
            type="test:index:Thing",
            name=f"r{index}",
            urn=f"urn:r{index}",
            properties=_struct(props),
            parent="urn:r0" if index else "urn:missing",
            dependencies=["urn:r0", "urn:missing", "urn:r2"][: index + 1],
            options=analyzer_pb2.AnalyzerResourceOptions(parent="urn:r0" if index else ""),
        )
        resource.propertyDependencies["spec"].urns.extend(["urn:r1", "urn:nowhere"])
        resources.append(resource)
    return analyzer_pb2.AnalyzeStackRequest(resources=resources)


def _configure(*servicers: Any, config: dict) -> None:
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for name, (level, properties) in config.items():
        request.policyConfig[name].enforcementLevel = level
        request.policyConfig[name].properties.update(properties)
    for servicer in servicers:
        servicer.Configure(request, None)
        servicer.ConfigureStack(
            analyzer_pb2.AnalyzerStackConfigureRequest(tags={"team": "a"}), None
        )


CONFIGS = [
    {},
    {
        "probe": (analyzer_pb2.MANDATORY, {"limit": 3}),
        "dump": (analyzer_pb2.DISABLED, {}),
        "disabled": (analyzer_pb2.ADVISORY, {"on": True}),
        "stack-dump": (analyzer_pb2.ADVISORY, {"x": "y"}),
        "stack-unknown": (analyzer_pb2.DISABLED, {}),
    },
]


@pytest.mark.parametrize("config", CONFIGS, ids=["defaults", "configured"])
def test_responses_equal_the_sdks(config: dict) -> None:
    sdk, shared = _servicers(_policies())
    _configure(sdk, shared, config=config)
    for request in _requests():
        expected = sdk.Analyze(request, None)
        assert len(expected.diagnostics) >= 3, expected  # the policies did run
        assert shared.Analyze(request, None) == expected, request.urn
    expected = sdk.AnalyzeStack(_stack_request(), None)
    assert any(d.urn == "urn:r0" for d in expected.diagnostics)
    assert shared.AnalyzeStack(_stack_request(), None) == expected
    known = _stack_request([PROPERTIES[0], PROPERTIES[2], PROPERTIES[0]])
    assert shared.AnalyzeStack(known, None) == sdk.AnalyzeStack(known, None)


def test_responses_follow_each_new_config_as_the_sdks() -> None:
    sdk, shared = _servicers(_policies())
    requests = _requests()
    for config in [*CONFIGS, CONFIGS[0]]:
        _configure(sdk, shared, config=config)
        for request in requests:
            assert shared.Analyze(request, None) == sdk.Analyze(request, None), request.urn
        assert shared.AnalyzeStack(_stack_request(), None) == sdk.AnalyzeStack(
            _stack_request(), None
        )


async def _async_fails(args, report_violation) -> None:
    await asyncio.sleep(0)
    raise ValueError("async failure")


def test_a_list_of_validations_runs_as_the_sdk_runs_it() -> None:
    both = [_dump_props, _async_validate, _ignores_props]
    sdk, shared = _servicers([_resource("list", both), _resource("one-list", [_ignores_props])])
    messages = []
    for request in _requests():
        expected = sdk.Analyze(request, None)
        messages += [d.message for d in expected.diagnostics]
        assert shared.Analyze(request, None) == expected, request.urn
    assert any("async saw" in m for m in messages)
    assert any("never reads" in m for m in messages)
    sdk, shared = _servicers([_resource("fails", [_dump_props, _async_fails])])
    for servicer in (sdk, shared):
        with pytest.raises(RuntimeError, match="Validation failed: async failure"):
            servicer.Analyze(_requests()[0], None)


def test_once_per_config_computes_once_per_configure() -> None:
    computed: list[dict] = []

    @shared_analysis.once_per_config
    def settings(config) -> str:
        computed.append(dict(config))
        return f"limit {config.get('limit')}"

    def uses_settings(args, report_violation):
        report_violation(settings(args.get_config()))

    _, shared = _servicers([_resource("probe", uses_settings)])
    said = []
    for config in [{"probe": (analyzer_pb2.MANDATORY, {"limit": 3})}, {}]:
        _configure(shared, config=config)
        for request in _requests()[:3]:
            said += [d.message.split("\n")[1] for d in shared.Analyze(request, None).diagnostics]
    assert said == ["limit 3.0"] * 3 + ["limit None"] * 3
    assert computed == [{"limit": 3.0}, {}]  # once per Configure (JSON numbers are floats)
    assert settings({"limit": 4}) == settings({"limit": 4}) == "limit 4"  # not served here
    assert computed[2:] == [{"limit": 4}] * 2


def test_a_value_unknown_during_preview_is_reported_as_the_sdk_does() -> None:
    sdk, shared = _servicers([_resource("nested-unknown", _nested_unknown)])
    request = _requests()[2]
    response = shared.Analyze(request, None)
    assert response == sdk.Analyze(request, None)
    assert [d.enforcementLevel for d in response.diagnostics] == [
        analyzer_pb2.MANDATORY,
        analyzer_pb2.ADVISORY,
    ]
    assert response.diagnostics[1].message.endswith(
        "number value at .spec.items.1 can't be known during preview"
    )


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the protobuf values converted (shared_analysis._view reads one)."""
    calls: list[int] = []
    view = shared_analysis._view

    def counted(*args):
        calls.append(1)
        return view(*args)

    monkeypatch.setattr(shared_analysis, "_view", counted)
    return calls


def _values(props: Any) -> int:
    """How many values a properties dict holds (an asset, archive or secret is one)."""
    if isinstance(props, dict) and SPECIAL_SIG_KEY not in props:
        return sum(1 + _values(v) for v in props.values())
    if isinstance(props, list):
        return sum(1 + _values(v) for v in props)
    return 0


def test_each_value_is_converted_once_per_request_for_every_policy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _counting(monkeypatch)
    policies = [_resource(f"dump-{i}", _dump_props) for i in range(5)]
    _, shared = _servicers(policies)
    response = shared.Analyze(_requests()[0], None)
    assert len(response.diagnostics) == 5
    assert len(calls) == _values(PROPERTIES[0]) > 10

    calls.clear()
    stack_policies = [_stack(f"stack-{i}", _stack_dump) for i in range(3)]
    _, shared = _servicers(stack_policies)
    known = [PROPERTIES[0], PROPERTIES[2]]
    response = shared.AnalyzeStack(_stack_request(known), None)
    assert len(response.diagnostics) == 3 * len(known)
    assert len(calls) == sum(_values(p) for p in known)


def test_plain_properties_equal_the_sdks_conversion() -> None:
    # the SDK's own path: MessageToDict, deserialize_properties, its proxy; to_plain then
    # reads that proxy as for any mapping (unknown sentinels become the UNKNOWN marker)
    for props in PROPERTIES:
        struct = _struct(props)
        sdk_view = unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(struct)))
        expected = k8s_objects.to_plain(sdk_view)
        found = k8s_objects.to_plain(shared_analysis.shared_properties(struct))
        assert _plain(found) == _plain(expected)  # assets and archives by type and fields
    assert k8s_objects.to_plain(shared_analysis.shared_properties(_struct(PROPERTIES[1])))[
        "unknown"
    ] is (k8s_objects.UNKNOWN)


def test_only_what_a_policy_reads_is_converted(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)

    def reads_name(args, report_violation):
        report_violation(args.props["metadata"]["name"])

    policies = [_resource("a", _ignores_props), _resource("b", reads_name)]
    _, shared = _servicers(policies)
    assert len(shared.Analyze(_requests()[0], None).diagnostics) == 2
    assert len(calls) == 2  # metadata, then its name


def test_shared_properties_are_read_only() -> None:
    def writes(args, report_violation):
        args.props["metadata"]["name"] = "changed"

    _, shared = _servicers([_resource("writes", writes)])
    with pytest.raises(TypeError, match="read-only"):
        shared.Analyze(_requests()[0], None)


def test_once_per_request_computes_once_per_request() -> None:
    computed: list[int] = []

    @shared_analysis.once_per_request
    def facts(args, flavour: str) -> list[str]:
        computed.append(1)
        return [f"{flavour}:{r.urn}" for r in args.resources]

    def uses_facts(args, report_violation):
        report_violation(",".join(facts(args, "a")))

    _, shared = _servicers([_stack("one", uses_facts), _stack("two", uses_facts)])
    response = shared.AnalyzeStack(_stack_request(), None)
    assert [d.message.split("\n")[1] for d in response.diagnostics] == [
        "a:urn:r0,a:urn:r1,a:urn:r2"
    ] * 2
    assert len(computed) == 1
    shared.AnalyzeStack(_stack_request(), None)
    assert len(computed) == 2  # a new request computes again
    assert shared_analysis.request_cache() == {}  # nothing outlives its request


def test_once_per_request_outside_a_request_always_computes() -> None:
    computed: list[int] = []

    @shared_analysis.once_per_request
    def facts(args) -> int:
        computed.append(1)
        return len(computed)

    assert facts(object()) == 1
    assert facts(object()) == 2


def test_install_makes_policy_packs_serve_with_the_shared_servicer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sdk_policy, "_PolicyAnalyzerServicer", shared_analysis._SDK_SERVICER)
    shared_analysis.install()
    assert sdk_policy._PolicyAnalyzerServicer is shared_analysis.SharedAnalyzerServicer


def test_a_policy_without_the_sdk_attribute_it_reads_falls_back_to_its_own_validate():
    def validate(args, report_violation):
        report_violation("seen")

    policy = ResourceValidationPolicy("fallback", "Falls back.", validate)
    assert shared_analysis._callbacks(policy) == (validate,)
    del policy._ResourceValidationPolicy__validate  # as a release naming it otherwise
    assert shared_analysis._callbacks(policy) is None


# --- the runtime settings a policy reads -------------------------------------------------
#
# The engine gives a pack the stack's settings in its environment (pulumi/pulumi
# sdk/go/common/resource/plugin/analyzer_plugin.go, constructEnv), and gRPC serves each
# request in a fresh contextvars.Context (grpc/_server.py, _RPCState). The tests do both.

_ENGINE_ENV = {
    "PULUMI_ORGANIZATION": "acme",
    "PULUMI_PROJECT": "argo-workflows",
    "PULUMI_STACK": "dev",
    "PULUMI_DRY_RUN": "true",
    "PULUMI_CONFIG": json.dumps({"argo-workflows:version": "v4.1.2", "other:key": "1"}),
}


def _reads_runtime(args, report_violation) -> None:
    report_violation(
        f"project {pulumi.get_project()} stack {pulumi.get_stack()} "
        f"organization {pulumi.get_organization()} dry run {pulumi.runtime.is_dry_run()} "
        f"version {pulumi.Config('argo-workflows').get('version')} "
        f"other {pulumi.Config('other').get('key')}"
    )


def _runtime_policies() -> list:
    return [_resource("runtime", _reads_runtime), _stack("stack-runtime", _reads_runtime)]


@pytest.fixture
def engine_env(monkeypatch: pytest.MonkeyPatch):
    """The engine's environment; the process-wide runtime settings put back afterwards.

    A runtime setting made in a fresh context becomes the setting's default for every
    context (pulumi/_utils.py, ContextProperty.fset), so the defaults are restored too."""
    for key, value in _ENGINE_ENV.items():
        monkeypatch.setenv(key, value)
    properties = [
        p for p in vars(pulumi.runtime.Settings).values() if isinstance(p, ContextProperty)
    ]
    defaults = [p._ContextProperty__default for p in properties]
    config_before = dict(pulumi.runtime.config.CONFIG.get())
    yield monkeypatch
    for prop, default in zip(properties, defaults, strict=True):
        prop._ContextProperty__default = default
    config = pulumi.runtime.config.CONFIG.get()
    config.clear()
    config.update(config_before)


def _served(servicer: Any, method: str, request: Any) -> Any:
    return contextvars.Context().run(getattr(servicer, method), request, None)


def _answers(servicer: Any) -> list[str]:
    found = [_served(servicer, "Analyze", request) for request in _requests()[:2]]
    found.append(_served(servicer, "AnalyzeStack", _stack_request()))
    return [d.message for response in found for d in response.diagnostics]


def test_policies_read_the_runtime_settings_the_sdk_gives_them(engine_env) -> None:
    sdk, shared = _servicers(_runtime_policies())
    expected = _answers(sdk)
    assert "project argo-workflows stack dev organization acme dry run True" in expected[0]
    assert "version v4.1.2 other 1" in expected[0]
    assert _answers(shared) == expected
    # another stack's environment, then settings changed behind the servicer's back
    engine_env.setenv("PULUMI_STACK", "prod")
    engine_env.setenv("PULUMI_CONFIG", json.dumps({"argo-workflows:version": "v4.1.3"}))
    expected = _answers(sdk)
    assert "stack prod" in expected[0] and "version v4.1.3" in expected[0]
    assert _answers(shared) == expected
    for meddle in (
        lambda: pulumi.runtime.set_config("argo-workflows:version", "v0"),
        lambda: pulumi.runtime.configure(pulumi.runtime.Settings(project="x", stack="y")),
    ):
        contextvars.Context().run(meddle)
        assert _answers(shared) == expected


def test_the_runtime_is_set_up_again_only_when_it_would_change(engine_env) -> None:
    calls = []
    sdk_set_up = shared_analysis._SDK_SERVICER._configure_runtime_settings

    def counted(self) -> None:
        calls.append(1)
        sdk_set_up(self)

    engine_env.setattr(shared_analysis._SDK_SERVICER, "_configure_runtime_settings", counted)
    _, shared = _servicers(_runtime_policies())
    _answers(shared)
    _answers(shared)
    assert len(calls) == 1  # six requests, one environment
    engine_env.setenv("PULUMI_DRY_RUN", "false")
    assert "dry run False" in _answers(shared)[0]
    assert len(calls) == 2
    contextvars.Context().run(pulumi.runtime.set_config, "other:key", "2")
    assert "other 1" in _answers(shared)[0]
    assert len(calls) == 3
    # a value the environment does not hold, set since
    contextvars.Context().run(pulumi.runtime.set_config, "third:key", "3")
    _answers(shared)
    assert len(calls) == 4


def _reads_third(args, report_violation) -> None:
    report_violation(f"third {pulumi.Config('third').get('key')}")


def test_a_config_value_the_environment_does_not_hold_reads_as_under_the_sdk(
    engine_env,
) -> None:
    policies = [_resource("third", _reads_third), _stack("stack-third", _reads_third)]
    sdk, shared = _servicers(policies)
    assert _answers(shared) == _answers(sdk)
    contextvars.Context().run(pulumi.runtime.set_config, "third:key", "3")
    expected = _answers(sdk)
    assert len(expected) == 3
    assert _answers(shared) == expected

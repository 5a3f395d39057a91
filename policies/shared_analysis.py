"""Each Analyze / AnalyzeStack request converted once, lazily, and shared by every policy.

The Python policy SDK (pulumi_policy 1.x, `policy.py`, `_PolicyAnalyzerServicer`) converts
a resource's properties from protobuf (MessageToDict, `deserialize_properties`, then an
unknown-checking proxy) once per resource policy in `Analyze`, and rebuilds every resource
of the stack once per stack policy in `AnalyzeStack`. A pack of seven policies therefore
pays several times what a one-policy pack pays before any rule runs.

`install()` (called by `__main__.py` before the pack is built) makes `PolicyPack` serve
the same protocol with `SharedAnalyzerServicer`: every policy still runs with its own
enforcement level, config, violations, not-applicable and unknown-value handling, but
each request's properties are converted at most once, only when a policy first reads
them, and the stack's resources are built once per AnalyzeStack. The properties a policy
sees behave as the SDK's (a read-only `Mapping` / `Sequence` that raises
`UnknownValueError` on a value unknown during preview); writing into them is refused,
since every policy of the request shares them.

Per-request cache, for facts several policies of one request derive from it alike:

    from shared_analysis import once_per_request

    @once_per_request
    def stack_objects(args: StackValidationArgs) -> list[FoundObject]: ...

Within one Analyze or AnalyzeStack request the first call computes, later calls from any
policy of the same request get the same value; the key is the function plus the
arguments after ``args`` (which must be hashable). The value must depend only on the
request's resources, never on a policy's config, and must not be modified by callers.
Outside a request served here (a validator called directly, e.g. in a unit test) every
call computes.
"""

from __future__ import annotations

import asyncio
import functools
import math
from collections.abc import Callable, Hashable, Iterator
from contextvars import ContextVar
from inspect import isawaitable
from types import MappingProxyType
from typing import Any, ParamSpec, TypeVar

from pulumi.runtime import proto
from pulumi_policy import policy as _sdk
from pulumi_policy.deserialize import SPECIAL_SIG_KEY, _deserialize_property
from pulumi_policy.proxy import UnknownValueError, _DictProxy, _is_unknown, _ListProxy

P = ParamSpec("P")
T = TypeVar("T")

_SDK_SERVICER = _sdk._PolicyAnalyzerServicer
_REQUEST_CACHE: ContextVar[dict[Hashable, Any] | None] = ContextVar(
    "shared_analysis_request_cache", default=None
)
_READ_ONLY = (
    "resource properties are shared by every policy of the request and are read-only; "
    "copy them (e.g. dict(props)) to change them"
)


# --- per-request cache -----------------------------------------------------------------


def request_cache() -> dict[Hashable, Any]:
    """The cache of the request being served (a throwaway dict outside a request)."""
    cache = _REQUEST_CACHE.get()
    return cache if cache is not None else {}


def once_per_request(fn: Callable[..., T]) -> Callable[..., T]:
    """Compute ``fn(args, *rest)`` once per request and ``rest``; see the module doc."""

    @functools.wraps(fn)
    def cached(args: Any, *rest: Hashable) -> T:
        cache = _REQUEST_CACHE.get()
        if cache is None:
            return fn(args, *rest)
        key = (cached, *rest)
        if key not in cache:
            cache[key] = fn(args, *rest)
        return cache[key]

    return cached


# --- properties: protobuf Struct -> the SDK's values, once, lazily --------------------


def _value(value: Any) -> Any:
    """One google.protobuf.Value as MessageToDict then deserialize_properties give it."""
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        return value.string_value
    if kind == "struct_value":
        return _struct(value.struct_value, nested=True)
    if kind == "number_value":
        number = value.number_value
        if math.isinf(number) or math.isnan(number):
            # as json_format does: such a number has no JSON form
            raise ValueError(f"cannot convert number_value {number}")
        return number
    if kind == "bool_value":
        return value.bool_value
    if kind == "list_value":
        return [_value(item) for item in value.list_value.values]
    return None  # null_value, or unset


def _struct(struct: Any, *, nested: bool = False) -> dict[str, Any]:
    converted = {key: _value(item) for key, item in struct.fields.items()}
    if nested and SPECIAL_SIG_KEY in converted:
        # an asset, archive or secret: the SDK's own decoding (secrets are unwrapped)
        return _deserialize_property(converted)
    return converted


def convert_properties(struct: Any) -> dict[str, Any]:
    """A properties Struct as the SDK deserializes it, before its proxy is applied."""
    return _struct(struct)


class SharedDict(_DictProxy):
    """A read-only view of converted properties, unknown-checking like the SDK's proxy;
    nested dicts and lists are wrapped when first read, then reused."""

    def __init__(self, target: dict[str, Any] | None, path: list[str], source: Any = None):
        super().__init__({}, path)
        self._target = target
        self._source = source
        self._path = path
        self._children: dict[Any, Any] = {}

    def _data(self) -> dict[str, Any]:
        if self._target is None:
            self._target = convert_properties(self._source)
            self._source = None
        return self._target

    def __getitem__(self, key: Any) -> Any:
        if key == "__target":
            return self._data()
        try:
            return self._children[key]
        except KeyError:
            pass
        value = self._data()[key]
        return _checked(self._children, key, value, self._path)

    def __setitem__(self, key: Any, value: Any) -> None:
        raise TypeError(_READ_ONLY)

    def __len__(self) -> int:
        return len(self._data())

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())


class SharedList(_ListProxy):
    """The list counterpart of SharedDict."""

    def __init__(self, target: list[Any], path: list[str]):
        super().__init__(target, path)
        self._target = target
        self._path = path
        self._children: dict[Any, Any] = {}

    def __getitem__(self, key: Any) -> Any:
        if key == "__target":
            return self._target
        if isinstance(key, slice):
            return [self[i] for i in range(*key.indices(len(self._target)))]
        try:
            return self._children[key]
        except KeyError:
            pass
        return _checked(self._children, key, self._target[key], self._path)

    def __len__(self) -> int:
        return len(self._target)


def _checked(children: dict[Any, Any], key: Any, value: Any, path: list[str]) -> Any:
    if _is_unknown(value):
        raise UnknownValueError(value, [*path, str(key)])
    if isinstance(value, dict):
        value = SharedDict(value, [*path, str(key)])
    elif isinstance(value, list):
        value = SharedList(value, [*path, str(key)])
    else:
        return value
    children[key] = value
    return value


def shared_properties(struct: Any) -> SharedDict:
    """Properties converted on first read; the same object for every policy."""
    return SharedDict(None, [], source=struct)


# --- the servicer --------------------------------------------------------------------


class SharedAnalyzerServicer(_SDK_SERVICER):
    """The SDK's Analyzer service, converting each request once for all its policies."""

    def __init__(
        self, name: str, version: str, policies: list[_sdk.Policy], *rest: Any, **kwargs: Any
    ) -> None:
        super().__init__(name, version, policies, *rest, **kwargs)
        self._pack_name = name
        self._pack_version = version
        self._policies = list(policies)
        self._tags: Any = MappingProxyType({})

    def ConfigureStack(self, request, context):  # noqa: N802 (gRPC method name)
        response = super().ConfigureStack(request, context)
        self._tags = MappingProxyType(dict(request.tags))
        return response

    def _provider(self, request: Any) -> _sdk.PolicyProviderResource | None:
        if not request.HasField("provider"):
            return None
        provider = request.provider
        return _sdk.PolicyProviderResource(
            provider.type, shared_properties(provider.properties), provider.urn, provider.name
        )

    def _levels(self, kind: type) -> Iterator[tuple[_sdk.Policy, _sdk.EnforcementLevel]]:
        """The enabled policies of ``kind`` with the level each reports at."""
        for policy in self._policies:
            level = self._get_enforcement_level(policy)
            if level == _sdk.EnforcementLevel.DISABLED or not isinstance(policy, kind):
                continue
            yield policy, level

    def _run(self, policy: _sdk.Policy, args: Any, level: Any, response: Any) -> None:
        report = self._create_report_violation(
            response, policy.name, policy.description, level, policy.severity
        )
        try:
            result = policy.validate(args, report)
            if isawaitable(result):
                loop = asyncio.new_event_loop()
                try:
                    loop.run_until_complete(result)
                finally:
                    loop.close()
        except UnknownValueError as err:
            response.diagnostics.append(
                proto.AnalyzeDiagnostic(
                    policyName=policy.name,
                    policyPackName=self._pack_name,
                    policyPackVersion=self._pack_version,
                    message=(
                        f"can't run policy '{policy.name}' from policy pack "
                        f"'{self._pack_name}@v{self._pack_version}' during preview: "
                        f"{err.message}"
                    ),
                    urn="",
                    description=policy.description,
                    enforcementLevel=self._map_enforcement_level(_sdk.EnforcementLevel.ADVISORY),
                )
            )
        except _sdk._NotApplicableError as err:
            response.not_applicable.append(
                proto.PolicyNotApplicable(policy_name=policy.name, reason=err.reason or "")
            )

    def Analyze(self, request, context):  # noqa: N802 (gRPC method name)
        self._configure_runtime_settings()
        response = proto.AnalyzeResponse()
        token = _REQUEST_CACHE.set({})
        try:
            props: SharedDict | None = None
            for policy, level in self._levels(_sdk.ResourceValidationPolicy):
                if not policy.has_validation():
                    response.not_applicable.append(
                        proto.PolicyNotApplicable(
                            policy_name=policy.name, reason="Policy does not implement validate"
                        )
                    )
                    continue
                if level == _sdk.EnforcementLevel.REMEDIATE:
                    # a violation left after remediation is reported as mandatory (as the SDK)
                    level = _sdk.EnforcementLevel.MANDATORY
                if props is None:
                    props = shared_properties(request.properties)
                    opts = self._get_resource_options(request)
                    provider = self._provider(request)
                args = _sdk.ResourceValidationArgs(
                    request.type,
                    props,
                    request.urn,
                    request.name,
                    opts,
                    provider,
                    self._get_policy_config(policy.name),
                    self._tags,
                )
                self._run(policy, args, level, response)
        finally:
            _REQUEST_CACHE.reset(token)
        return response

    def _stack_resources(self, request: Any) -> list[_sdk.PolicyResource]:
        """Every resource of the request, linked to its parent and dependencies, once."""
        built: list[tuple[_sdk.PolicyResource, Any]] = []
        by_urn: dict[str, _sdk.PolicyResource] = {}
        for r in request.resources:
            resource = _sdk.PolicyResource(
                r.type,
                shared_properties(r.properties),
                r.urn,
                r.name,
                self._get_resource_options(r),
                self._provider(r),
                None,
                [],
                {},
            )
            built.append((resource, r))
            by_urn[r.urn] = resource
        for resource, r in built:
            resource.parent = by_urn.get(r.parent) if r.parent else None
            resource.dependencies = [by_urn[d] for d in r.dependencies if d in by_urn]
            resource.property_dependencies = {
                key: [by_urn[d] for d in deps.urns if d in by_urn]
                for key, deps in r.propertyDependencies.items()
            }
        return [resource for resource, _ in built]

    def AnalyzeStack(self, request, context):  # noqa: N802 (gRPC method name)
        self._configure_runtime_settings()
        response = proto.AnalyzeResponse()
        token = _REQUEST_CACHE.set({})
        try:
            resources: list[_sdk.PolicyResource] | None = None
            for policy, level in self._levels(_sdk.StackValidationPolicy):
                if level == _sdk.EnforcementLevel.REMEDIATE:
                    # stack policies cannot remediate: reported as mandatory (as the SDK)
                    level = _sdk.EnforcementLevel.MANDATORY
                if resources is None:
                    resources = self._stack_resources(request)
                args = _sdk.StackValidationArgs(
                    list(resources), self._get_policy_config(policy.name), self._tags
                )
                self._run(policy, args, level, response)
        finally:
            _REQUEST_CACHE.reset(token)
        return response


def install() -> None:
    """Make every PolicyPack built from now on serve requests with SharedAnalyzerServicer."""
    _sdk._PolicyAnalyzerServicer = SharedAnalyzerServicer

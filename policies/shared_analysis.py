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

The SDK also sets up the Pulumi runtime (project, stack, config from the environment the
engine gives the pack) before every request; here that runs again only when it would
change what a policy can read through the runtime (`_RuntimeSettings`).

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

Per policy config: from one Configure to the next, each policy gets the same read-only
`PolicyConfig` in every request (the SDK hands out a fresh copy each time), worked out
with the policy's level once per Configure; `once_per_config(fn)` keeps ``fn(config)``
(e.g. settings parsed from it) for that config. A policy's validation callbacks are
called as the SDK's `ResourceValidationPolicy.validate` calls them, without its wrapper.
"""

from __future__ import annotations

import asyncio
import functools
import math
import os
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from inspect import isawaitable
from types import MappingProxyType
from typing import Any, ParamSpec, TypeVar

from pulumi.runtime import config as _config
from pulumi.runtime import proto
from pulumi.runtime import settings as _settings
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


# --- properties: read from the protobuf Struct on demand, each value once ---------------
#
# The SDK turns the whole Struct into dicts (json_format.MessageToDict), decodes assets,
# archives and secrets (deserialize_properties) and wraps every dict and list in a proxy
# that raises UnknownValueError when a value unknown during preview is read
# (unknown_checking_proxy). Here a dict or list is a view over its part of the Struct: a
# value is converted when first read, then kept, so what no policy reads is never
# converted. Values with the special signature key (assets, archives, secrets) are
# converted whole, by the SDK's own decoding, and viewed the same way.


def _number(value: float) -> float:
    if math.isinf(value) or math.isnan(value):
        # as json_format does: such a number has no JSON form
        raise ValueError(f"cannot convert number_value {value}")
    return value


def _plain(value: Any) -> Any:
    """A google.protobuf.Value as MessageToDict then deserialize_properties give it."""
    return _replaced(value, _NOTHING)


_NOTHING: Mapping[str, Any] = MappingProxyType({})


def _plain_struct(struct: Any, *, nested: bool = False) -> Any:
    converted = {key: _plain(item) for key, item in struct.fields.items()}
    if nested and SPECIAL_SIG_KEY in converted:
        return _deserialize_property(converted)  # asset, archive, or secret (unwrapped)
    return converted


def convert_properties(struct: Any) -> dict[str, Any]:
    """A whole properties Struct as the SDK deserializes it (before its proxy)."""
    return _plain_struct(struct)


def _view(value: Any, path: list[str], check: bool = True) -> Any:
    """One protobuf Value as a policy sees it: a scalar, or a view of a dict or list."""
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        result = value.string_value
        if check and _is_unknown(result):
            raise UnknownValueError(result, path)
        return result
    if kind == "struct_value":
        struct = value.struct_value
        if SPECIAL_SIG_KEY in struct.fields:
            return _plain_view(_plain_struct(struct, nested=True), path, check)
        return ProtoDict(struct, path)
    if kind == "number_value":
        return _number(value.number_value)
    if kind == "bool_value":
        return value.bool_value
    if kind == "list_value":
        return ProtoList(value.list_value, path)
    return None


def _plain_view(value: Any, path: list[str], check: bool = True) -> Any:
    """An already converted value as a policy sees it."""
    if isinstance(value, dict):
        return PlainDict(value, path)
    if isinstance(value, list):
        return PlainList(value, path)
    if check and _is_unknown(value):
        raise UnknownValueError(value, path)
    return value


class _SharedMapping(_DictProxy):
    """Read-only, unknown-checking mapping; subclasses say where values come from."""

    def __init__(self, path: list[str]) -> None:
        super().__init__({}, path)
        self._path = path
        self._views: dict[str, Any] = {}  # every value read so far

    def __getitem__(self, key: Any) -> Any:
        try:
            return self._views[key]
        except (KeyError, TypeError):
            pass
        if key == "__target":
            return self._target()
        found = self._views[key] = self._read(key, [*self._path, str(key)])
        return found

    def __setitem__(self, key: Any, value: Any) -> None:
        raise TypeError(_READ_ONLY)

    def _read(self, key: Any, path: list[str]) -> Any:
        raise NotImplementedError

    def _target(self) -> dict[str, Any]:
        raise NotImplementedError


class _SharedSequence(_ListProxy):
    """Read-only, unknown-checking sequence; subclasses say where items come from."""

    def __init__(self, path: list[str]) -> None:
        super().__init__([], path)
        self._path = path
        self._views: dict[int, Any] = {}

    def __getitem__(self, key: Any) -> Any:
        if key == "__target":
            return self._target()
        if isinstance(key, slice):
            # as the SDK's proxy: a plain list of the items, not checked for unknowns
            return [self._item(i, False) for i in range(*key.indices(len(self)))]
        return self._item(key, True)

    def _item(self, index: int, check: bool) -> Any:
        index = index.__index__()
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("list index out of range")
        try:
            return self._views[index]
        except KeyError:
            pass
        found = self._read(index, [*self._path, str(index)], check)
        if check:  # an unchecked read may be an unknown value: read it again next time
            self._views[index] = found
        return found

    def _read(self, index: int, path: list[str], check: bool) -> Any:
        raise NotImplementedError

    def _target(self) -> list[Any]:
        raise NotImplementedError


class ProtoDict(_SharedMapping):
    """A view of a protobuf Struct."""

    def __init__(self, struct: Any, path: list[str]) -> None:
        super().__init__(path)
        self._fields = struct.fields
        self._struct = struct
        self._content: bytes | None = None
        self.derived: dict[Hashable, Any] = {}  # once_per_content values of these bytes

    @property
    def proto_struct(self) -> Any:
        """The protobuf Struct this views."""
        return self._struct

    @property
    def content(self) -> bytes:
        """The Struct's exact bytes, encoded once: equal bytes, equal properties
        (deterministic encoding sorts map keys)."""
        if self._content is None:
            self._content = self._struct.SerializeToString(deterministic=True)
        return self._content

    def _read(self, key: Any, path: list[str]) -> Any:
        # never index a missing key: a message-valued protobuf map would insert it
        if not isinstance(key, str) or key not in self._fields:
            raise KeyError(key)
        return _view(self._fields[key], path)

    def _target(self) -> dict[str, Any]:
        return _plain_struct(self._struct)

    def __len__(self) -> int:
        return len(self._fields)

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)


class ProtoList(_SharedSequence):
    """A view of a protobuf ListValue."""

    def __init__(self, values: Any, path: list[str]) -> None:
        super().__init__(path)
        self._values = values.values

    def _read(self, index: int, path: list[str], check: bool) -> Any:
        return _view(self._values[index], path, check)

    def _target(self) -> list[Any]:
        return [_plain(item) for item in self._values]

    def __len__(self) -> int:
        return len(self._values)


class PlainDict(_SharedMapping):
    """A view of an already converted dict (inside an asset, archive or secret)."""

    def __init__(self, target: dict[str, Any], path: list[str]) -> None:
        super().__init__(path)
        self._data = target

    def _read(self, key: Any, path: list[str]) -> Any:
        return _plain_view(self._data[key], path)

    def _target(self) -> dict[str, Any]:
        return self._data

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)


class PlainList(_SharedSequence):
    """A view of an already converted list."""

    def __init__(self, target: list[Any], path: list[str]) -> None:
        super().__init__(path)
        self._data = target

    def _read(self, index: int, path: list[str], check: bool) -> Any:
        return _plain_view(self._data[index], path, check)

    def _target(self) -> list[Any]:
        return self._data

    def __len__(self) -> int:
        return len(self._data)


def shared_properties(struct: Any) -> ProtoDict:
    """The properties of a request as every policy of it sees them."""
    return ProtoDict(struct, [])


# --- across requests: identical properties, worked on once per process ----------------
#
# `pulumi preview` sends every resource twice: in its own Analyze request and again in
# the AnalyzeStack request. A function of a resource's properties alone (its objects, its
# plain form) is computed once for the exact bytes of those properties, then shared.

_CONTENT_CACHE: dict[Hashable, Any] = {}
_CONTENT_CACHE_LIMIT = 20_000


def once_per_content(fn: Callable[..., T]) -> Callable[..., T]:
    """Compute ``fn(props, *rest)`` once per process for properties with the same bytes
    and the same ``rest`` (hashable). The value must depend only on its arguments and
    must not be modified by callers. Properties not served here always compute."""

    @functools.wraps(fn)
    def cached(props: Any, *rest: Hashable) -> T:
        if not isinstance(props, ProtoDict):
            return fn(props, *rest)
        # the request's own properties first: no bytes to encode or hash for a repeat
        derived = props.derived
        own_key = (cached, *rest)
        try:
            return derived[own_key]
        except KeyError:
            pass
        key = (cached, props.content, *rest)
        try:
            found = _CONTENT_CACHE[key]
        except KeyError:
            if len(_CONTENT_CACHE) >= _CONTENT_CACHE_LIMIT:
                _CONTENT_CACHE.clear()
            found = _CONTENT_CACHE[key] = fn(props, *rest)
        derived[own_key] = found
        return found

    return cached


def plain_properties(props: ProtoDict, replace: Mapping[str, Any]) -> dict[str, Any]:
    """Properties served here as plain dicts and lists in one pass over the protobuf, each
    string found in ``replace`` swapped for its value (e.g. the SDK's unknown sentinels)."""
    return _replaced_fields(props.proto_struct, replace)


# The loops below read each Value's kind once and convert strings, structs and lists in
# place (the bulk of any manifest); numbers, booleans and nulls go through `_scalar`.


def _replaced(value: Any, replace: Mapping[str, Any]) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        text = value.string_value
        return replace.get(text, text)
    if kind == "struct_value":
        return _replaced_struct(value.struct_value, replace)
    if kind == "list_value":
        return _replaced_list(value.list_value, replace)
    return _scalar(value, kind)


def _scalar(value: Any, kind: str | None) -> Any:
    if kind == "number_value":
        return _number(value.number_value)
    if kind == "bool_value":
        return value.bool_value
    return None


def _replaced_struct(struct: Any, replace: Mapping[str, Any]) -> Any:
    """A nested Struct: an asset, archive or secret (special signature key) decoded by
    the SDK, else a dict."""
    if SPECIAL_SIG_KEY in struct.fields:
        return _replaced_plain(_plain_struct(struct, nested=True), replace)
    return _replaced_fields(struct, replace)


def _replaced_fields(struct: Any, replace: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    fields = struct.fields
    # by key: the map's items() is the Python mixin of collections.abc, a generator
    for key in fields:
        value = fields[key]
        kind = value.WhichOneof("kind")
        if kind == "string_value":
            text = value.string_value
            out[key] = replace.get(text, text)
        elif kind == "struct_value":
            out[key] = _replaced_struct(value.struct_value, replace)
        elif kind == "list_value":
            out[key] = _replaced_list(value.list_value, replace)
        else:
            out[key] = _scalar(value, kind)
    return out


def _replaced_list(values: Any, replace: Mapping[str, Any]) -> list[Any]:
    out: list[Any] = []
    append = out.append
    for value in values.values:
        kind = value.WhichOneof("kind")
        if kind == "string_value":
            text = value.string_value
            append(replace.get(text, text))
        elif kind == "struct_value":
            append(_replaced_struct(value.struct_value, replace))
        elif kind == "list_value":
            append(_replaced_list(value.list_value, replace))
        else:
            append(_scalar(value, kind))
    return out


def _replaced_plain(value: Any, replace: Mapping[str, Any]) -> Any:
    if isinstance(value, str):
        return replace.get(value, value)
    if isinstance(value, dict):
        return {key: _replaced_plain(item, replace) for key, item in value.items()}
    if isinstance(value, list):
        return [_replaced_plain(item, replace) for item in value]
    return value


# --- policy config: the same read-only object for every request until the next Configure


class PolicyConfig(Mapping[str, Any]):
    """One policy's config as served here: read-only, one object per policy from one
    Configure to the next, so values derived from it are kept (``once_per_config``)."""

    __slots__ = ("_data", "derived")

    def __init__(self, data: Mapping[str, Any] | None) -> None:
        self._data = dict(data or {})
        self.derived: dict[Hashable, Any] = {}

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"PolicyConfig({self._data!r})"


def once_per_config(fn: Callable[[Any], T]) -> Callable[[Any], T]:
    """Compute ``fn(config)`` once per config served here (until the next Configure); any
    other config (a validator called directly) always computes. The value must depend
    only on the config and must not be modified by callers; a failure is not kept."""

    @functools.wraps(fn)
    def cached(config: Any) -> T:
        if not isinstance(config, PolicyConfig):
            return fn(config)
        try:
            return config.derived[cached]
        except KeyError:
            pass
        found = config.derived[cached] = fn(config)
        return found

    return cached


# --- the servicer --------------------------------------------------------------------


@dataclass(frozen=True)
class _Enabled:
    """An enabled policy as this servicer runs it until the next Configure."""

    policy: _sdk.Policy
    level: int  # the protocol's enforcement level its violations are reported at
    severity: int  # the protocol's severity
    config: PolicyConfig
    validates: bool  # False: reported not applicable ("does not implement validate")
    # The validation callbacks of a ResourceValidationPolicy as given, called here in
    # turn as its `validate` calls them; None: call its `validate`.
    callbacks: tuple[Callable[..., Any], ...] | None


# --- the Pulumi runtime settings a policy can read ----------------------------------------
#
# The engine starts a pack with the stack's settings in its environment (pulumi/pulumi
# sdk/go/common/resource/plugin/analyzer_plugin.go, constructEnv: PULUMI_ORGANIZATION,
# PULUMI_PROJECT, PULUMI_STACK, PULUMI_DRY_RUN and, when the stack has config,
# PULUMI_CONFIG). Before every Analyze and AnalyzeStack the SDK's servicer reads them again
# (`_configure_runtime_settings`: parses PULUMI_CONFIG into the runtime config, builds a
# runtime Settings object and configures it), a few tenths of a millisecond a request,
# the same work each time. Requests served at once may both set it up; that is harmless.

_RUNTIME_ENV = (
    "PULUMI_CONFIG",
    "PULUMI_ORGANIZATION",
    "PULUMI_PROJECT",
    "PULUMI_STACK",
    "PULUMI_DRY_RUN",
)


class _RuntimeSettings:
    """Runs the SDK's runtime set-up when the environment differs from the one it last ran
    with, or when what a policy reads through the runtime (project, stack, organization,
    dry run, the config) differs from what it left: each request is served in a fresh
    context (grpc `_RPCState.context`), so whether the settings made in an earlier one
    still show is checked, not assumed. The config is compared whole, in one dict
    comparison: a value set since that the environment does not hold also sets it up
    again. Bags the SDK would make anew (its RPC manager, outputs, lock) stay those of the
    last set-up; a policy that only checks resources does not use them."""

    def __init__(self) -> None:
        self._environment: tuple[str | None, ...] | None = None
        self._settings: tuple[Any, ...] | None = None
        self._config: dict[str, Any] | None = None

    @staticmethod
    def _observed_settings() -> tuple[Any, ...]:
        current = _settings.SETTINGS
        return (current.project, current.stack, current.organization, current.dry_run)

    def apply(self, set_up: Callable[[], None]) -> None:
        environment = tuple(map(os.environ.get, _RUNTIME_ENV))
        if (
            environment == self._environment
            and _config.CONFIG.get() == self._config
            and self._observed_settings() == self._settings
        ):
            return
        set_up()
        self._environment = environment
        self._config = dict(_config.CONFIG.get())
        self._settings = self._observed_settings()


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
        self._enabled_by_kind: dict[type, tuple[_Enabled, ...]] = {}
        self._runtime = _RuntimeSettings()

    def _configure_runtime_settings(self) -> None:
        """What the SDK does before each request, done only when it would change something
        a policy can read (see `_RuntimeSettings`)."""
        self._runtime.apply(super()._configure_runtime_settings)

    def Configure(self, request, context):  # noqa: N802 (gRPC method name)
        response = super().Configure(request, context)
        self._enabled_by_kind = {}  # levels and config follow the new config
        return response

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

    def _enabled(self, kind: type) -> tuple[_Enabled, ...]:
        """The enabled policies of ``kind``, each with its level and config (worked out
        once per Configure)."""
        found = self._enabled_by_kind.get(kind)
        if found is None:
            found = self._enabled_by_kind[kind] = tuple(self._levels(kind))
        return found

    def _levels(self, kind: type) -> Iterator[_Enabled]:
        for policy in self._policies:
            level = self._get_enforcement_level(policy)
            if level == _sdk.EnforcementLevel.DISABLED or not isinstance(policy, kind):
                continue
            if level == _sdk.EnforcementLevel.REMEDIATE:
                # a resource violation left after remediation is reported as mandatory, and
                # stack policies cannot remediate (as the SDK)
                level = _sdk.EnforcementLevel.MANDATORY
            validates = kind is not _sdk.ResourceValidationPolicy or policy.has_validation()
            yield _Enabled(
                policy,
                self._map_enforcement_level(level),
                self._map_severity(policy.severity),
                PolicyConfig(self._get_policy_config(policy.name)),
                validates,
                _callbacks(policy),
            )

    def _reporter(self, response: Any, enabled: _Enabled) -> _sdk.ReportViolation:
        """The policy's report_violation: a diagnostic as the SDK's own reports it
        (`_create_report_violation`)."""
        policy = enabled.policy
        level, severity = enabled.level, enabled.severity

        def report_violation(message: str, urn: str | None = None) -> None:
            if message and not isinstance(message, str):
                raise TypeError("Expected message to be a string")
            if urn is not None and not isinstance(urn, str):
                raise TypeError("Expected urn to be a string")
            text = f"{policy.description}\n{message}" if message else policy.description
            response.diagnostics.append(
                proto.AnalyzeDiagnostic(
                    policyName=policy.name,
                    policyPackName=self._pack_name,
                    policyPackVersion=self._pack_version,
                    message=text,
                    urn=urn or "",
                    description=policy.description,
                    enforcementLevel=level,
                    severity=severity,
                )
            )

        return report_violation

    def _run(self, enabled: _Enabled, args: Any, response: Any) -> None:
        policy = enabled.policy
        report_violation = self._reporter(response, enabled)
        try:
            if enabled.callbacks is None:
                result = policy.validate(args, report_violation)
            else:
                result = _validate(enabled.callbacks, args, report_violation)
            if result is not None and isawaitable(result):
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
            props: ProtoDict | None = None
            for enabled in self._enabled(_sdk.ResourceValidationPolicy):
                if not enabled.validates:
                    response.not_applicable.append(
                        proto.PolicyNotApplicable(
                            policy_name=enabled.policy.name,
                            reason="Policy does not implement validate",
                        )
                    )
                    continue
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
                    enabled.config,
                    self._tags,
                )
                self._run(enabled, args, response)
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
            parent, dependencies, by_property = r.parent, r.dependencies, r.propertyDependencies
            resource.parent = by_urn.get(parent) if parent else None
            resource.dependencies = [by_urn[d] for d in dependencies if d in by_urn]
            # most resources have none: skip the map's items() (a Python generator)
            resource.property_dependencies = (
                {
                    key: [by_urn[d] for d in by_property[key].urns if d in by_urn]
                    for key in by_property
                }
                if by_property
                else {}
            )
        return [resource for resource, _ in built]

    def AnalyzeStack(self, request, context):  # noqa: N802 (gRPC method name)
        self._configure_runtime_settings()
        response = proto.AnalyzeResponse()
        token = _REQUEST_CACHE.set({})
        try:
            resources: list[_sdk.PolicyResource] | None = None
            for enabled in self._enabled(_sdk.StackValidationPolicy):
                if resources is None:
                    resources = self._stack_resources(request)
                args = _sdk.StackValidationArgs(list(resources), enabled.config, self._tags)
                self._run(enabled, args, response)
        finally:
            _REQUEST_CACHE.reset(token)
        return response


def _callbacks(policy: _sdk.Policy) -> tuple[Callable[..., Any], ...] | None:
    """The callbacks a ResourceValidationPolicy's own `validate` would call (pulumi_policy
    policy.py: the `validate` given, or each of a list of them), or None where that
    method is overridden or would not call them (nothing given)."""
    if type(policy).validate is not _sdk.ResourceValidationPolicy.validate:
        return None
    # a private attribute of the SDK: where a release names it otherwise, its own
    # `validate` is called instead
    given = getattr(policy, "_ResourceValidationPolicy__validate", None)
    if not given:
        return None
    return tuple(given) if isinstance(given, list) else (given,)


def _validate(callbacks: tuple[Callable[..., Any], ...], args: Any, report: Any) -> Any:
    """Call each callback as ResourceValidationPolicy.validate does; an awaitable if
    any returned one (awaited in order, a failure other than an unknown value or not
    applicable raised as RuntimeError, as there)."""
    pending = []
    for callback in callbacks:
        result = callback(args, report)
        if result is not None and isawaitable(result):
            pending.append(result)
    return _await_all(pending) if pending else None


async def _await_all(pending: list[Any]) -> None:
    for result in pending:
        try:
            await result
        except (UnknownValueError, _sdk._NotApplicableError):
            raise
        except Exception as err:
            raise RuntimeError(f"Validation failed: {err}") from err


def install() -> None:
    """Make every PolicyPack built from now on serve requests with SharedAnalyzerServicer."""
    _sdk._PolicyAnalyzerServicer = SharedAnalyzerServicer

"""Run the Pulumi program under the SDK's mock runtime and record what it registers.

The mocks are installed once per process (the SDK keeps one runtime), with
``preview=False`` so every ``apply`` runs; each run clears the recorder and sets config.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from pulumi import Output
from pulumi.runtime import config as runtime_config
from pulumi.runtime import mocks, rpc
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.settings import SETTINGS
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from components.settings import PROJECT


@dataclass
class Registered:
    """One resource as the engine would see it."""

    type: str
    name: str
    urn: str
    inputs: dict[str, Any]
    parent: str | None
    dependencies: list[str]
    custom: bool
    protect: bool
    retain_on_delete: bool
    read: bool = False
    id: str | None = None
    # The provider reference (``<provider urn>::<id>``), '' for the default provider.
    provider: str = ""
    children: list[str] = field(default_factory=list)
    # Paths (tuples of keys and list indexes) of input values that are Pulumi secrets.
    secret_paths: list[tuple[str | int, ...]] = field(default_factory=list)


def _unwrap_secrets(
    value: Any, path: tuple[str | int, ...], found: list[tuple[str | int, ...]]
) -> Any:
    """Replace the wire form of secrets by their value, noting where they were."""
    if rpc.is_rpc_secret(value):
        found.append(path)
        return _unwrap_secrets(rpc.unwrap_rpc_secret(value), path, [])
    if isinstance(value, dict):
        return {k: _unwrap_secrets(v, (*path, k), found) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap_secrets(v, (*path, i), found) for i, v in enumerate(value)]
    return value


def _inputs(struct: Any) -> tuple[dict[str, Any], list[tuple[str | int, ...]]]:
    found: list[tuple[str | int, ...]] = []
    inputs = _unwrap_secrets(rpc.deserialize_properties(struct) or {}, (), found)
    return inputs, found


class _Mocks(mocks.Mocks):
    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict]:
        return (args.resource_id or f"{args.name}-id", args.inputs)

    def call(self, args: mocks.MockCallArgs) -> tuple[dict, list | None]:
        return ({}, None)


class Recorder(mocks.MockMonitor):
    """A MockMonitor that also keeps parents, dependencies and resource options."""

    def __init__(self) -> None:
        super().__init__(_Mocks())
        self.registered: list[Registered] = []

    def _record(self, request, urn: str, struct, **options: Any) -> None:
        inputs, secret_paths = _inputs(struct)
        self.registered.append(
            Registered(
                type=request.type,
                name=request.name,
                urn=urn,
                inputs=inputs,
                parent=request.parent or None,
                dependencies=list(request.dependencies),
                provider=request.provider,
                secret_paths=secret_paths,
                **options,
            )
        )

    def RegisterResource(self, request):  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            self._record(
                request,
                response.urn,
                request.object,
                custom=request.custom,
                protect=bool(request.protect),
                retain_on_delete=bool(request.retainOnDelete),
                id=request.importId or None,
            )
        return response

    def ReadResource(self, request):  # noqa: N802 (gRPC method name)
        response = super().ReadResource(request)
        self._record(
            request,
            response.urn,
            request.properties,
            custom=True,
            protect=False,
            retain_on_delete=False,
            read=True,
            id=request.id,
        )
        return response


_RECORDER: Recorder | None = None


def install() -> Recorder:
    """Install the mock runtime once; later calls return the same recorder."""
    global _RECORDER
    if _RECORDER is None:
        _RECORDER = Recorder()
        mocks.set_mocks(
            _RECORDER.mocks, project=PROJECT, stack="test", preview=False, monitor=_RECORDER
        )
    return _RECORDER


def run(
    program: Callable[[], Any],
    config: dict[str, str],
    secret_keys: set[str] | None = None,
    stack: str = "test",
) -> tuple[list[Registered], Any]:
    """Run ``program`` with ``config``; return what it registered and what it returned."""
    recorder = install()
    runtime_settings._set_stack(stack)
    recorder.registered = []
    recorder.resources.clear()
    runtime_config.set_all_config(dict(config), sorted(secret_keys or ()))
    SETTINGS.rpc_manager.clear()
    SETTINGS.outputs.clear()
    result: list[Any] = []

    def body() -> None:
        result.append(program())

    _on_own_stack(lambda: _sync_await(run_pulumi_func(body)))
    registered = list(recorder.registered)
    outputs = _resolved(result[0]) if result else None
    by_urn = {r.urn: r for r in registered}
    for r in registered:
        if r.parent in by_urn:
            by_urn[r.parent].children.append(r.urn)
    return registered, outputs


def _on_own_stack(run_program: Callable[[], None]) -> None:
    """Run the program in a thread of its own, with the caller's context and event loop.

    The SDK records the whole call stack of every resource it registers (pulumi
    runtime/resource.py ``_get_stack_trace``: each frame's file turned into a URI). Under
    ``pulumi preview`` that stack is the program's own; called from deep inside another
    tool (a test runner adds some fifty frames) it costs a third more per resource. The
    thread starts a fresh stack; the caller waits for it, so the loop runs in one thread
    at a time, and an exception the program raises is raised here.
    """
    loop = asyncio.get_event_loop()
    context = contextvars.copy_context()

    def in_thread() -> None:
        asyncio.set_event_loop(loop)
        try:
            context.run(run_program)
        finally:
            asyncio.set_event_loop(None)

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(in_thread).result()


def _resolved(value: Any) -> Any:
    """Plain values for the Outputs a program returns (all known: preview is off)."""
    if isinstance(value, Output):
        return _resolved(_sync_await(value.future()))
    if isinstance(value, dict):
        return {k: _resolved(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolved(v) for v in value]
    return value

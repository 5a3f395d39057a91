"""Run the policy pack the way the Pulumi engine does, without the Pulumi CLI.

The engine starts a Python pack as ``python -u -m pulumi.policy <engine-address> .`` with
the pack folder as working directory (pulumi/pulumi sdk/go/common/resource/plugin/
analyzer_plugin.go, NewPolicyAnalyzer, and sdk/python/dist/pulumi-analyzer-policy-python),
reads the port the pack prints on stdout, and talks to it over the Analyzer gRPC protocol:
Handshake (the Python SDK answers UNIMPLEMENTED, which the engine accepts),
ConfigureStack, GetAnalyzerInfo, Configure, then Analyze for every resource and
AnalyzeStack for the whole stack. PolicyRunner does the same, with a small in-process
Engine service behind the engine address.

With ``stack=`` the pack starts as the engine starts it for a stack: the project, stack,
organization and dry-run flag (and ``stack_config``, the stack's config, as PULUMI_CONFIG)
in its environment (pulumi/pulumi sdk/go/common/resource/plugin/analyzer_plugin.go,
constructEnv), and a ConfigureStack request.

Config is given as in ``--policy-pack-config cfg.json`` and reconciled as the engine does
(pulumi/pulumi pkg/resource/analyzer/config.go): schema defaults, then the pack's initial
config, then the given config (``all`` sets every enforcement level), validated against
each policy's JSON schema. Stricter than the engine, unknown policy names and properties
under ``all`` (which the engine silently ignores) are errors.

    with PolicyRunner({"workflow-must-reference-template": "advisory"}) as runner:
        violations = runner.analyze(resources)   # objects with type, name, urn, inputs

Many analyses of one large stack that differ in a few resources (a corpus of changes
to the same program) may opt in to two savings, neither of which changes what the pack
is asked or what it answers:

- ``prepare(resources)`` builds each resource's requests once; a prepared resource is
  sent as it was when prepared.
- ``PolicyRunner(reuse_answers=True)``: an Analyze request byte-identical to one the
  pack already answered under byte-identical config (the ConfigureAnalyzerRequest last
  sent) gets that answer again instead of being resent; the pack's answer is a function
  of the request and its config. Every other Analyze request, and every AnalyzeStack
  request, goes to the pack. Logs the pack would write again are not repeated.
  ``runner.counts`` says how many Analyze requests were sent and answered again, and
  how many AnalyzeStack requests were sent.
"""

from __future__ import annotations

import copy
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent import futures
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import grpc
import jsonschema
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc, engine_pb2, engine_pb2_grpc

POLICIES_DIR = Path(__file__).resolve().parent.parent / "policies"

ENFORCEMENT_LEVELS = ("advisory", "mandatory", "remediate", "disabled")
_LEVEL_TO_PROTO = {
    "advisory": analyzer_pb2.ADVISORY,
    "mandatory": analyzer_pb2.MANDATORY,
    "remediate": analyzer_pb2.REMEDIATE,
    "disabled": analyzer_pb2.DISABLED,
}
_PROTO_TO_LEVEL = {value: key for key, value in _LEVEL_TO_PROTO.items()}
_ALL = "all"
_ENFORCEMENT_KEY = "enforcementLevel"
_MAX_MESSAGE = 400 * 1024 * 1024  # the engine's and the pack's gRPC message limit
# A pack stops its server and exits on SIGINT in well under a second on an idle machine
# (our pack whenever the signal arrives: policies/clean_stop.py). The bound only keeps a
# hung pack from hanging its caller, so it is generous: a machine whose cores are all
# busy slows that exit many times over, and a wrongly killed pack fails the caller.
_STOP_TIMEOUT = 120.0


class Resource(Protocol):
    """What analyze() needs of a resource (``parent`` is optional)."""

    type: str
    name: str
    urn: str
    inputs: Mapping[str, Any]


@dataclass(frozen=True)
class Violation:
    policy_name: str
    enforcement_level: str
    message: str
    urn: str


@dataclass
class StackResource:
    """A plain resource for analyze(), e.g. read from a fixture."""

    type: str
    name: str
    urn: str
    inputs: dict[str, Any]
    parent: str | None = None
    # What AnalyzeStack receives: the resource's outputs (pulumi/pulumi
    # pkg/resource/deploy/step_generator.go AnalyzeResources); None: the inputs, as the
    # SDK's mocks return them.
    outputs: dict[str, Any] | None = None


def make_urn(
    type_token: str, name: str, *, stack: str = "dev", project: str = "argo-workflows"
) -> str:
    """The URN the engine gives a top-level resource."""
    return f"urn:pulumi:{stack}::{project}::{type_token}::{name}"


@dataclass(frozen=True)
class PreparedResource:
    """A resource whose requests are built once (see prepare()); it is sent as it was
    when prepared, so its inputs are a copy of the original's."""

    type: str
    name: str
    urn: str
    inputs: dict[str, Any]
    parent: str | None
    request: analyzer_pb2.AnalyzeRequest
    stack_entry: analyzer_pb2.AnalyzerResource


def prepare(resources: Iterable[Resource]) -> list[PreparedResource]:
    """Resources with their Analyze and AnalyzeStack entries built once, to be sent by
    analyze() in any number of stacks."""
    prepared = []
    for resource in resources:
        request, stack_entry = _build(resource)
        prepared.append(
            PreparedResource(
                resource.type,
                resource.name,
                resource.urn,
                copy.deepcopy(dict(resource.inputs)),
                getattr(resource, "parent", None),
                request,
                stack_entry,
            )
        )
    return prepared


@dataclass(frozen=True)
class PolicyConfig:
    enforcement_level: str
    properties: dict[str, Any]


class _Engine(engine_pb2_grpc.EngineServicer):
    """The engine services a plugin may call back into: logging and the root resource."""

    def __init__(self) -> None:
        self.logs: list[str] = []
        self._root = ""

    def Log(self, request, context):  # noqa: N802 (gRPC method name)
        self.logs.append(request.message)
        return empty_pb2.Empty()

    def GetRootResource(self, request, context):  # noqa: N802 (gRPC method name)
        return engine_pb2.GetRootResourceResponse(urn=self._root)

    def SetRootResource(self, request, context):  # noqa: N802 (gRPC method name)
        self._root = request.urn
        return engine_pb2.SetRootResourceResponse()


def _plain(value: Any, path: str = "inputs") -> Any:
    """A JSON-like copy of resource inputs (what the engine marshals into a Struct)."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item, f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"{path}: {type(value).__name__} cannot be sent to the policy pack")


def _struct(inputs: Mapping[str, Any]) -> struct_pb2.Struct:
    return json_format.ParseDict(_plain(inputs), struct_pb2.Struct())


def _parse_level(value: Any, where: str) -> str:
    if value not in ENFORCEMENT_LEVELS:
        raise ValueError(f"{where}: {value!r} is not an enforcement level {ENFORCEMENT_LEVELS}")
    return value


def _parse_config(config: Mapping[str, Any]) -> dict[str, tuple[str | None, dict[str, Any]]]:
    """cfg.json semantics: a policy maps to a level, or to properties (and a level)."""
    parsed: dict[str, tuple[str | None, dict[str, Any]]] = {}
    for policy, value in config.items():
        if isinstance(value, str):
            parsed[policy] = (_parse_level(value, policy), {})
        elif isinstance(value, Mapping):
            properties = dict(value)
            level = properties.pop(_ENFORCEMENT_KEY, None)
            if level is not None:
                level = _parse_level(level, f"{policy}.{_ENFORCEMENT_KEY}")
            parsed[policy] = (level, properties)
        else:
            raise ValueError(f"{policy}: must be an enforcement level or an object")
    if parsed.get(_ALL, (None, {}))[1]:
        raise ValueError(
            f"'{_ALL}' takes only an enforcement level: the engine ignores properties under it; "
            "set them per policy (or pass shared= to PolicyRunner)"
        )
    return parsed


def reconcile_config(
    info: analyzer_pb2.AnalyzerInfo,
    config: Mapping[str, Any] | None = None,
    shared: Mapping[str, Any] | None = None,
) -> dict[str, PolicyConfig]:
    """The per-policy config the engine would send to Configure; ValueError if invalid.

    ``shared`` sets properties on every policy whose schema declares them, before the
    per-policy ``config`` (which wins).
    """
    parsed = _parse_config(config or {})
    schemas = {
        policy.name: json_format.MessageToDict(policy.configSchema.properties)
        for policy in info.policies
    }
    unknown = sorted(set(parsed) - set(schemas) - {_ALL})
    if unknown:
        raise ValueError(f"config names policies the pack does not have: {unknown}")
    declared = {key for properties in schemas.values() for key in properties}
    undeclared = sorted(set(shared or {}) - declared)
    if undeclared:
        raise ValueError(f"shared config keys no policy declares: {undeclared}")

    result: dict[str, PolicyConfig] = {}
    for policy in info.policies:
        properties = {
            key: copy.deepcopy(schema["default"])
            for key, schema in schemas[policy.name].items()
            if "default" in schema
        }
        level = _PROTO_TO_LEVEL[policy.enforcementLevel]
        initial = info.initialConfig.get(policy.name)
        if initial is not None:
            level = _PROTO_TO_LEVEL[initial.enforcementLevel]
            properties.update(json_format.MessageToDict(initial.properties))
        properties.update(
            {key: value for key, value in (shared or {}).items() if key in schemas[policy.name]}
        )
        if _ALL in parsed and parsed[_ALL][0]:
            level = parsed[_ALL][0]
        given_level, given = parsed.get(policy.name, (None, {}))
        level = given_level or level
        properties.update(given)
        result[policy.name] = PolicyConfig(level, properties)

    errors = []
    for policy in info.policies:
        schema = {"type": "object", "properties": schemas[policy.name]}
        if policy.configSchema.required:
            schema["required"] = list(policy.configSchema.required)
        validator = jsonschema.Draft7Validator(schema)
        for error in validator.iter_errors(result[policy.name].properties):
            where = ".".join(str(part) for part in error.absolute_path) or "(root)"
            errors.append(f"{policy.name}: {where}: {error.message}")
    if errors:
        raise ValueError("invalid policy pack config:\n  " + "\n  ".join(errors))
    return result


class PolicyRunner:
    """The policy pack in a subprocess, driven over the Analyzer protocol (a context manager)."""

    def __init__(
        self,
        config: dict | None = None,
        *,
        shared: Mapping[str, Any] | None = None,
        pack_dir: Path = POLICIES_DIR,
        python: str = sys.executable,
        stack: str | None = None,
        project: str = "argo-workflows",
        stack_config: Mapping[str, str] | None = None,
        start_timeout: float = 60.0,
        reuse_answers: bool = False,
        stop_signal: signal.Signals = signal.SIGINT,
    ) -> None:
        self._config = config
        # SIGINT, on which a pack stops its server and exits 0; the benchmark's instruction
        # counts stop packs with SIGTERM instead (bench/bench_policy.py).
        self._stop_signal = stop_signal
        self.reuse_answers = reuse_answers
        # (ConfigureAnalyzerRequest bytes, AnalyzeRequest bytes) -> the pack's answer
        self._answers: dict[tuple[bytes, bytes], list[Violation]] = {}
        self._config_key = b""
        self.counts = {"analyze": 0, "analyze_reused": 0, "analyze_stack": 0}
        self._shared = shared
        self._pack_dir = Path(pack_dir).resolve()
        self._python = python
        self._stack = stack
        self._project = project
        self._stack_config = dict(stack_config or {})
        self._start_timeout = start_timeout
        self._engine = _Engine()
        self._engine_server: grpc.Server | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self._stub: analyzer_pb2_grpc.AnalyzerStub | None = None
        self._info: analyzer_pb2.AnalyzerInfo | None = None
        self._stderr: list[str] = []
        self._readers: list[threading.Thread] = []
        self.effective_config: dict[str, PolicyConfig] = {}
        self.returncode: int | None = None

    # --- lifecycle -----------------------------------------------------------------

    def __enter__(self) -> PolicyRunner:
        try:
            self._start()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def _start(self) -> None:
        self._engine_server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        engine_pb2_grpc.add_EngineServicer_to_server(self._engine, self._engine_server)
        engine_address = f"127.0.0.1:{self._engine_server.add_insecure_port('127.0.0.1:0')}"
        self._engine_server.start()

        env = dict(os.environ)
        if self._stack:
            # as the engine starts an analyzer for a stack (pulumi/pulumi sdk/go/common/
            # resource/plugin/analyzer_plugin.go, constructEnv)
            env.update(
                PULUMI_PROJECT=self._project,
                PULUMI_STACK=self._stack,
                PULUMI_DRY_RUN="true",
                PULUMI_ORGANIZATION="organization",
            )
            if self._stack_config:
                env["PULUMI_CONFIG"] = json.dumps(self._stack_config)
        self._process = subprocess.Popen(
            [self._python, "-u", "-m", "pulumi.policy", engine_address, "."],
            cwd=self._pack_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        port = self._read_port()
        self._channel = grpc.insecure_channel(
            f"127.0.0.1:{port}", options=[("grpc.max_receive_message_length", _MAX_MESSAGE)]
        )
        grpc.channel_ready_future(self._channel).result(timeout=self._start_timeout)
        self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)

        try:
            self._stub.Handshake(
                analyzer_pb2.AnalyzerHandshakeRequest(
                    engine_address=engine_address,
                    root_directory=str(self._pack_dir),
                    program_directory=str(self._pack_dir),
                )
            )
        except grpc.RpcError as err:
            if err.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise
        if self._stack:
            self._stub.ConfigureStack(
                analyzer_pb2.AnalyzerStackConfigureRequest(
                    stack=self._stack,
                    project=self._project,
                    organization="organization",
                    dry_run=True,
                )
            )
        self._info = self._stub.GetAnalyzerInfo(empty_pb2.Empty())
        self.configure(self._config, shared=self._shared)

    def _read_port(self) -> int:
        assert self._process is not None
        lines: queue.Queue[bytes] = queue.Queue()

        def pump(stream: Any, sink: Any) -> None:
            for line in iter(stream.readline, b""):
                sink(line)

        self._readers = [
            threading.Thread(target=pump, args=(self._process.stdout, lines.put), daemon=True),
            threading.Thread(
                target=pump,
                args=(
                    self._process.stderr,
                    lambda b: self._stderr.append(b.decode(errors="replace")),
                ),
                daemon=True,
            ),
        ]
        for reader in self._readers:
            reader.start()
        first = b""
        deadline = time.monotonic() + self._start_timeout
        while time.monotonic() < deadline:
            try:
                first = lines.get(timeout=0.1)
                break
            except queue.Empty:
                if self._process.poll() is not None and not self._readers[0].is_alive():
                    break
        try:
            return int(first.strip())
        except ValueError:
            self._stop()
            raise RuntimeError(
                f"policy pack in {self._pack_dir} did not print its port "
                f"(exit code {self.returncode}, stdout {first!r}):\n{self.stderr}"
            ) from None

    def _stop(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        process = self._process
        if process is not None and process.poll() is None:
            # The pack serves until interrupted, then stops its server and exits 0.
            process.send_signal(self._stop_signal)
            try:
                process.wait(timeout=_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process is not None:
            self.returncode = process.returncode
        for reader in self._readers:
            reader.join(timeout=_STOP_TIMEOUT)
        if self._engine_server is not None:
            self._engine_server.stop(0)
            self._engine_server = None

    # --- protocol ------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        """The pack process's id while it runs."""
        return self._process.pid if self._process is not None else None

    @property
    def stderr(self) -> str:
        """What the pack process wrote to stderr so far."""
        return "".join(self._stderr)

    @property
    def logs(self) -> list[str]:
        """Messages the pack logged through the engine."""
        return list(self._engine.logs)

    def info(self) -> analyzer_pb2.AnalyzerInfo:
        """The pack's GetAnalyzerInfo response (policies, levels, config schemas)."""
        if self._info is None:
            raise RuntimeError("PolicyRunner is not started; use it in a with statement")
        return self._info

    def configure(
        self, config: Mapping[str, Any] | None = None, *, shared: Mapping[str, Any] | None = None
    ) -> dict[str, PolicyConfig]:
        """Reconcile config as the engine does and send it with Configure."""
        reconciled = reconcile_config(self.info(), config, shared)
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, policy_config in reconciled.items():
            entry = request.policyConfig[name]
            entry.enforcementLevel = _LEVEL_TO_PROTO[policy_config.enforcement_level]
            entry.properties.update(policy_config.properties)
        self._analyzer().Configure(request)
        self._config_key = request.SerializeToString(deterministic=True)
        self.effective_config = reconciled
        return reconciled

    def _analyzer(self) -> analyzer_pb2_grpc.AnalyzerStub:
        if self._stub is None:
            raise RuntimeError("PolicyRunner is not started; use it in a with statement")
        return self._stub

    def analyze(
        self, resources: Iterable[Resource], *, reuse: bool | None = None
    ) -> list[Violation]:
        """Analyze every resource, then AnalyzeStack over all of them.

        ``reuse`` overrides the runner's ``reuse_answers`` for this call (False: every
        request goes to the pack)."""
        return self.send(*build_requests(resources), reuse=reuse)

    def send(
        self,
        requests: Iterable[analyzer_pb2.AnalyzeRequest],
        stack_request: analyzer_pb2.AnalyzeStackRequest,
        *,
        reuse: bool | None = None,
    ) -> list[Violation]:
        """Send prepared requests (see build_requests): each Analyze, then AnalyzeStack."""
        reuse = self.reuse_answers if reuse is None else reuse
        violations: list[Violation] = []
        for request in requests:
            violations += self._analyze(request, reuse)
        response = self._analyzer().AnalyzeStack(stack_request)
        self.counts["analyze_stack"] += 1
        return violations + _violations(response, "")

    def _analyze(self, request: analyzer_pb2.AnalyzeRequest, reuse: bool) -> list[Violation]:
        key = (self._config_key, request.SerializeToString(deterministic=True)) if reuse else None
        if key is not None and key in self._answers:
            self.counts["analyze_reused"] += 1
            return list(self._answers[key])
        found = _violations(self._analyzer().Analyze(request), request.urn)
        self.counts["analyze"] += 1
        if key is not None:
            self._answers[key] = list(found)
        return found


def _build(resource: Resource) -> tuple[analyzer_pb2.AnalyzeRequest, analyzer_pb2.AnalyzerResource]:
    parent = getattr(resource, "parent", None) or ""
    # The fields both messages carry; the stack's entry also names the parent, and carries
    # the outputs where they differ from the inputs.
    fields = {
        "type": resource.type,
        "name": resource.name,
        "urn": resource.urn,
        "properties": _struct(resource.inputs),
        "options": analyzer_pb2.AnalyzerResourceOptions(parent=parent),
    }
    outputs = getattr(resource, "outputs", None)
    stack_fields = fields if outputs is None else {**fields, "properties": _struct(outputs)}
    return (
        analyzer_pb2.AnalyzeRequest(**fields),
        analyzer_pb2.AnalyzerResource(**stack_fields, parent=parent),
    )


def build_requests(
    resources: Iterable[Resource],
) -> tuple[list[analyzer_pb2.AnalyzeRequest], analyzer_pb2.AnalyzeStackRequest]:
    """The Analyze request of each resource and the AnalyzeStack request, as the engine
    sends them (a PreparedResource's as prepared)."""
    requests = []
    stack = []
    for resource in resources:
        if isinstance(resource, PreparedResource):
            request, stack_entry = resource.request, resource.stack_entry
        else:
            request, stack_entry = _build(resource)
        requests.append(request)
        stack.append(stack_entry)
    return requests, analyzer_pb2.AnalyzeStackRequest(resources=stack)


def _violations(response: analyzer_pb2.AnalyzeResponse, default_urn: str) -> list[Violation]:
    return [
        Violation(
            policy_name=diagnostic.policyName,
            enforcement_level=_PROTO_TO_LEVEL[diagnostic.enforcementLevel],
            message=diagnostic.message,
            urn=diagnostic.urn or default_urn,
        )
        for diagnostic in response.diagnostics
    ]

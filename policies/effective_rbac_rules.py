"""Rule: nobody but the deployer writes what runs.

Over the effective RBAC of the whole stack (effective_rbac), no identity the stack grants
anything may write WorkflowTemplates, CronWorkflows, ClusterWorkflowTemplates, Sensors,
EventSources, the controller ConfigMap, the Argo Deployments or RBAC in the control and
managed namespaces, nor hold `escalate` / `bind` / `impersonate`, nor act as an account
that may (by running or entering pods, minting or reading its token). Creating Workflows
stays allowed: the controller's templateReferencing restriction makes them reference a
template. The controller's account keeps exactly the writes upstream needs. Workloads
(Pods, Jobs, Deployments, ..., Sensors, EventSources, and the Jobs / Pods a Sensor
trigger creates) may not run as an account that could.

The install's facts come from the stack: the controller Deployment (its namespace,
service account, `--managed-namespace`, `--configmap`) and the server Deployment, on top
of the names in the pack config.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import effective_rbac_facts as facts
from effective_rbac import (
    ANY_NAMESPACE,
    SOME_NAME,
    EffectiveRbac,
    Grant,
    Identity,
    StackObject,
    effective_rbac,
    service_account,
    workload_account,
)
from k8s_objects import UNKNOWN, apply_patch, to_plain
from pack_settings import Settings

_CONTROLLER_BINARY = "workflow-controller"
_SERVER_IMAGE = "argocli"


@dataclass
class InstallNames:
    """Names of the install, read from its Deployments (and the pack config)."""

    control_namespaces: set[str] = field(default_factory=set)
    managed_namespaces: set[str] = field(default_factory=set)
    config_maps: set[tuple[str, str]] = field(default_factory=set)
    deployments: set[tuple[str, str]] = field(default_factory=set)
    controller_deployments: set[tuple[str, str]] = field(default_factory=set)
    controller_accounts: set[Identity] = field(default_factory=set)
    server_accounts: dict[Identity, list[str]] = field(default_factory=dict)
    findings_cache: dict[Identity, list] = field(default_factory=dict, repr=False)

    @property
    def namespaces(self) -> set[str]:
        return self.control_namespaces | self.managed_namespaces


def _get(value: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _containers(found: StackObject) -> list[dict]:
    path = facts.WORKLOAD_POD_SPEC.get((found.group, found.kind))
    containers = _get(found.manifest, *path, "containers") if path else None
    return [c for c in containers if isinstance(c, dict)] if isinstance(containers, list) else []


def _command_line(container: dict) -> list[str]:
    parts = [
        part
        for key in ("command", "args")
        if isinstance(_get(container, key), list)
        for part in _get(container, key)
    ]
    return [part for part in parts if isinstance(part, str)]


def flag_values(words: list[str], flag: str) -> list[str]:
    """Values of `--flag value` and `--flag=value` in a command line."""
    values = []
    for index, word in enumerate(words):
        if word == flag and index + 1 < len(words):
            values.append(words[index + 1])
        elif word.startswith(flag + "="):
            values.append(word[len(flag) + 1 :])
    return values


def _image_name(container: dict) -> str:
    image = _get(container, "image")
    if not isinstance(image, str):
        return ""
    return image.rsplit("/", 1)[-1].split("@", 1)[0].split(":", 1)[0]


def _is_controller(container: dict) -> bool:
    words = _command_line(container)
    return _image_name(container) == _CONTROLLER_BINARY or any(
        word.rsplit("/", 1)[-1] == _CONTROLLER_BINARY for word in words
    )


def _is_server(container: dict) -> bool:
    words = [w for w in _command_line(container) if not w.startswith("-")]
    return _image_name(container).startswith(_SERVER_IMAGE) and "server" in words[:2]


def install_names(objects: Iterable[StackObject], settings: Settings) -> InstallNames:
    """The install's namespaces, ConfigMap, Deployments and accounts."""
    found = InstallNames(
        control_namespaces={settings.control_namespace},
        managed_namespaces={settings.managed_namespace},
        config_maps={(settings.control_namespace, settings.config_map_name)},
    )
    for obj in objects:
        if (obj.group, obj.kind) != facts.DEPLOYMENTS_KIND:
            continue
        for container in _containers(obj):
            words = _command_line(container)
            account = workload_account(obj)
            if _is_controller(container):
                found.deployments.add((obj.namespace, obj.name))
                found.controller_deployments.add((obj.namespace, obj.name))
                found.control_namespaces.add(obj.namespace)
                found.managed_namespaces.update(flag_values(words, "--managed-namespace"))
                for name in flag_values(words, "--configmap") or [settings.config_map_name]:
                    found.config_maps.add((obj.namespace, name))
                if account:
                    found.controller_accounts.add(account)
            elif _is_server(container):
                found.deployments.add((obj.namespace, obj.name))
                found.control_namespaces.add(obj.namespace)
                found.managed_namespaces.update(flag_values(words, "--managed-namespace"))
                if account:
                    found.server_accounts[account] = flag_values(words, "--auth-mode")
    if not found.controller_deployments:
        # Only a stack without the controller (workflows added to an existing install)
        # takes the controller's account from the pack config.
        found.controller_accounts.add(
            service_account(settings.control_namespace, settings.controller_service_account)
        )
    for namespace in (ANY_NAMESPACE, UNKNOWN):
        found.control_namespaces.discard(namespace)
        found.managed_namespaces.discard(namespace)
    return found


@dataclass(frozen=True)
class Finding:
    """One thing an identity may do that decides what runs."""

    verb: str
    target: str  # "workflowtemplates in namespace argo-events"
    capability: tuple[str, str, str]  # (group, resource, verb)
    namespace: str | None
    grant: Grant


def _target(resource: str, namespace: str | None, name: str | None = None) -> str:
    what = f"{resource} {name}" if name and name != SOME_NAME else resource
    return f"{what} in namespace {namespace}" if namespace else f"{what} cluster-wide"


def _direct_findings(
    rbac: EffectiveRbac, identity: Identity, install: InstallNames
) -> list[Finding]:
    grants = rbac.grants_of(identity)
    if not grants:
        return []
    # The grants whose rules name each verb, in grant order: the same first match as a scan
    # of every grant (Rule.allows refuses any other verb first), at a fraction of the cost.
    with_verb: dict[str, list[Grant]] = {}

    def check(namespace, group, resource, verb, name=None, label=None):
        candidates = with_verb.get(verb)
        if candidates is None:
            candidates = with_verb[verb] = [
                g for g in grants if facts.WILDCARD in g.rule.verbs or verb in g.rule.verbs
            ]
        for grant in candidates:
            if grant.covers(namespace) and grant.rule.allows(group, resource, verb, name):
                target = _target(resource, namespace, label)
                return Finding(verb, target, (group, resource, verb), namespace, grant)
        return None

    candidates = []
    for namespace in sorted(install.namespaces, key=repr):
        for (group, resource), verbs in facts.GUARDED_NAMESPACED_RESOURCES.items():
            for verb in verbs:
                candidates.append(check(namespace, group, resource, verb, SOME_NAME))
        for group, resource, verb in facts.ESCALATING[:4]:
            candidates.append(check(namespace, group, resource, verb, SOME_NAME))
    for (group, resource), verbs in facts.GUARDED_CLUSTER_RESOURCES.items():
        for verb in verbs:
            candidates.append(check(None, group, resource, verb, SOME_NAME))
    for group, resource, verb in facts.ESCALATING:
        candidates.append(check(None, group, resource, verb, SOME_NAME))
    named = [(facts.CONFIG_MAPS, key) for key in sorted(install.config_maps, key=repr)] + [
        (facts.DEPLOYMENTS, key) for key in sorted(install.deployments, key=repr)
    ]
    for (group, resource), (namespace, name) in named:
        for verb in facts.NAMED_OBJECT_WRITE_VERBS:
            candidates.append(check(namespace, group, resource, verb, name, name))
    return [c for c in candidates if c is not None]


def _without_required_writes(
    found: list[Finding], identity: Identity, install: InstallNames
) -> list[Finding]:
    """The findings less the writes upstream's controller needs in a managed namespace,
    where the identity holds them itself."""
    return [
        f
        for f in found
        if not (
            f.capability in facts.CONTROLLER_REQUIRED_WRITES
            and f.namespace in install.managed_namespaces
            and f.grant.holder == identity
        )
    ]


@dataclass(frozen=True)
class Reach:
    """What an identity may do that decides what runs, and how."""

    identity: Identity
    # (finding, "" or ", acting as <account> (<how>)", urn of the grant to remove)
    findings: list[tuple[Finding, str, str | None]]


def reach(
    rbac: EffectiveRbac, identity: Identity, install: InstallNames, *, exempt: bool = True
) -> Reach:
    """Direct findings, plus those of every account the identity can act as. The
    controller's own account keeps its required writes (exempt); whoever acts as it, or a
    workload other than the controller running as it, does not."""
    direct = _cached_findings(rbac, identity, install)
    if exempt and identity in install.controller_accounts:
        direct = _without_required_writes(direct, identity, install)
    findings = [(f, "", f.grant.urn) for f in direct]
    for account, (step_from, grant) in rbac.acts_as(identity).items():
        found = _cached_findings(rbac, account, install)
        if not found:
            continue
        how = (
            f", acting as {account} ({grant.source} lets {step_from} run or enter its "
            f"pods, or use its token)"
        )
        findings += [(f, how, grant.urn) for f in found]
    return Reach(identity, findings)


def _cached_findings(rbac: EffectiveRbac, account: Identity, install: InstallNames) -> list:
    """Direct findings of an identity (no exemption), once per run: an identity is judged
    itself and again for each who can act as it."""
    cache = install.findings_cache
    if account not in cache:
        cache[account] = _direct_findings(rbac, account, install)
    return cache[account]


def _hint(identity: Identity, install: InstallNames, annotated: dict[Identity, str]) -> str:
    hints = []
    modes = install.server_accounts.get(identity)
    if modes is not None:
        hints.append(
            "it is the Argo Server's account"
            + (
                ", which every request without a token acts as (--auth-mode server)"
                if "server" in modes
                else ""
            )
            + "; give it read and submit permissions only"
        )
    if identity in annotated:
        hints.append(
            f"SSO users matching {facts.SSO_RBAC_RULE_ANNOTATION} {annotated[identity]!r} act as it"
        )
    return f" ({'; '.join(hints)})" if hints else ""


def _sso_accounts(objects: list[StackObject]) -> dict[Identity, str]:
    annotated = {}
    for obj in objects:
        if obj.group == "" and obj.kind == "ServiceAccount":
            rule = _get(obj.manifest, "metadata", "annotations", facts.SSO_RBAC_RULE_ANNOTATION)
            if isinstance(rule, str):
                annotated[service_account(obj.namespace, obj.name)] = rule
    return annotated


def _messages(found: Reach, prefix: str, suffix: str) -> Iterator[tuple[str, str | None]]:
    """One message per target, way and grant, with the verbs joined."""
    verbs: dict[tuple[str, str, str, str | None], list[str]] = {}
    for finding, how, urn in found.findings:
        key = (finding.target, how, finding.grant.source, urn)
        if finding.verb not in verbs.setdefault(key, []):
            verbs[key].append(finding.verb)
    for (target, how, source, urn), verb_list in verbs.items():
        yield (
            f"{prefix} may {', '.join(verb_list)} {target}{how}, granted by {source}; only "
            f"the deployer may change what runs, remove that permission{suffix}",
            urn,
        )


def _trigger_workloads(sensor: StackObject) -> Iterator[tuple[StackObject, str]]:
    """Jobs, Pods, ... a Sensor's k8s triggers create, with the namespace they land in."""
    triggers = _get(sensor.manifest, "spec", "triggers")
    for index, trigger in enumerate(triggers if isinstance(triggers, list) else []):
        for template in (_get(trigger, "template"), _get(trigger, "dlqTrigger", "template")):
            resource = _get(template, "k8s", "source", "resource")
            if not isinstance(resource, dict) or not isinstance(resource.get("kind"), str):
                continue
            api_version = resource.get("apiVersion")
            group = api_version.split("/", 1)[0] if isinstance(api_version, str) else ""
            group = group if isinstance(api_version, str) and "/" in api_version else ""
            obj = StackObject(
                group,
                resource["kind"],
                resource,
                f"{resource['kind']} created by trigger {index} of {sensor.label}",
                sensor.urn,
            )
            namespace = obj.namespace if obj.namespace != ANY_NAMESPACE else sensor.namespace
            yield obj, namespace


def _key(obj: StackObject) -> tuple[str, str, Any, Any]:
    return (obj.group, obj.kind, obj.namespace, obj.name)


def _with_patches(stack: list[StackObject], patches: list[Any]) -> list[StackObject]:
    """The stack's objects with every patch applied; a patch of an object the stack does
    not hold stands for that object (what it sets is what is judged)."""
    if not patches:
        return list(stack)
    by_key = {_key(obj): index for index, obj in enumerate(stack)}
    result = list(stack)
    for patch in patches:
        obj = StackObject(
            patch.kind.group, patch.kind.kind, _plain(patch.manifest), patch.label, patch.urn
        )
        index = by_key.get(_key(obj))
        if index is None:
            by_key[_key(obj)] = len(result)
            result.append(obj)
        else:
            base = result[index]
            result[index] = StackObject(
                base.group, base.kind, apply_patch(base.manifest, obj.manifest), obj.label, obj.urn
            )
    return result


def _plain(manifest: Any) -> dict:
    return manifest if isinstance(manifest, dict) else to_plain(manifest)


def deployer_only_problems(
    objects: Iterable[Any], settings: Settings
) -> list[tuple[str, str | None]]:
    """(message, urn) for every way an in-cluster identity could change what runs.

    `objects` are FoundObjects (kind, manifest, label, urn); their manifests are read once.
    """
    objects = list(objects)
    stack = [
        StackObject(o.kind.group, o.kind.kind, _plain(o.manifest), o.label, o.urn)
        for o in objects
        if not o.kind.patch
    ]
    unpatched = stack
    stack = _with_patches(stack, [o for o in objects if o.kind.patch])
    rbac = effective_rbac(stack)
    # The install's names come from its objects before and after patches (a patch that
    # only sets replicas still patches the controller).
    install = install_names([*unpatched, *stack], settings)
    annotated = _sso_accounts(stack)
    problems: list[tuple[str, str | None]] = list(rbac.unjudged)
    for identity in rbac.subjects():
        text = str(identity)
        hint = _hint(identity, install, annotated)
        problems += _messages(reach(rbac, identity, install), text[0].upper() + text[1:], hint)
    # only workload kinds run pods as an account (workload_account: None for the others)
    workloads = [(o, o.namespace) for o in stack if (o.group, o.kind) in facts.WORKLOAD_POD_SPEC]
    for sensor in stack:
        if (sensor.group, sensor.kind) == facts.SENSOR_KIND:
            workloads += list(_trigger_workloads(sensor))
    cache: dict[tuple[Identity, bool], Reach] = {}
    for obj, namespace in workloads:
        account = workload_account(obj, namespace)
        if account is None:
            continue
        # Only the controller's own Deployment keeps the controller's required writes.
        exempt = (obj.group, obj.kind) == facts.DEPLOYMENTS_KIND and (
            obj.namespace,
            obj.name,
        ) in install.controller_deployments
        if (account, exempt) not in cache:
            cache[(account, exempt)] = reach(rbac, account, install, exempt=exempt)
        problems += _messages(
            cache[(account, exempt)],
            f"{obj.label} runs as {account}, which",
            "; or run it as an account without it",
        )
    return problems

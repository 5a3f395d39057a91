"""Stack configuration: read, type-check and validate every key before anything registers.

The keys, their types and defaults are declared once, in the ``config:`` block of
``Pulumi.yaml``; this module reads that block so the two can never drift apart.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from components import facts

PROJECT = "argo-workflows"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILE = PROJECT_ROOT / "Pulumi.yaml"

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_VERSION = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")
_REGISTRY = re.compile(
    r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$"
)
_GO_DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")
_QUANTITY = re.compile(r"^(\d+(\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")
_HTTPS_URL = re.compile(r"^https://[^\s/?#]+(/[^\s]*)?$")
_RESERVED_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
_QUANTITY_FACTORS = {
    "m": 1e-3, "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
}  # fmt: skip

# Keys whose value is a credential: accepted only as Pulumi secrets, read as secret
# Outputs where they are used, never kept in Settings.
SECRET_KEYS = frozenset({"ssoClientSecret"})

# The Secret this install creates with the OIDC client id (and the client secret when it
# comes from config): argo-server reads both through Secret references (config `sso`).
SSO_CLIENT_SECRET = "argo-server-sso"

AUTH_MODES = ("client", "server", "sso")
TEMPLATE_REFERENCING = ("Strict", "Secure")
POD_SECURITY_LEVELS = ("restricted", "baseline")
POD_GC_STRATEGIES = (
    "OnPodCompletion",
    "OnPodSuccess",
    "OnWorkflowCompletion",
    "OnWorkflowSuccess",
)


class ConfigError(Exception):
    """Every problem found in the configuration, one per line."""

    def __init__(self, problems: list[str], partial: Settings | None = None):
        self.problems = problems
        # Best-effort settings (defaults in place of bad values), so later checks such
        # as the template catalog can still run and report in the same error.
        self.partial = partial
        super().__init__(
            f"{len(problems)} configuration problem(s):\n" + "\n".join(f"  - {p}" for p in problems)
        )


@dataclass(frozen=True)
class Settings:
    """Validated stack configuration; one attribute per key of Pulumi.yaml."""

    version: str
    imageRegistry: str
    controlNamespace: str
    managedNamespace: str
    createNamespaces: bool
    protectNamespaces: bool
    deleteNamespacesOnDestroy: bool
    managedNamespacePodSecurity: str
    templateReferencing: str
    workflowServiceAccount: str
    executorServiceAccount: str
    workflowTtlSecondsAfterSuccess: int
    workflowTtlSecondsAfterFailure: int
    podGcStrategy: str
    podGcDeleteDelay: str
    artifactSecretNames: list[str]
    controllerReplicas: int
    controllerCpuRequest: str
    controllerMemoryRequest: str
    controllerCpuLimit: str
    controllerMemoryLimit: str
    serverReplicas: int
    serverAuthModes: list[str]
    serverSecure: bool
    serverTlsSecret: str
    serverBaseHref: str
    serverCpuRequest: str
    serverMemoryRequest: str
    serverCpuLimit: str
    serverMemoryLimit: str
    ssoEnabled: bool
    ssoIssuer: str
    ssoRedirectUrl: str
    ssoScopes: list[str]
    ssoSessionExpiry: str
    ssoRbacEnabled: bool
    ssoViewerGroups: list[str]
    ssoSubmitterGroups: list[str]
    ssoExistingSecret: str
    ssoClientId: str
    # Only whether the secret key is set: its value is read as a Pulumi secret Output
    # (pulumi.Config.get_secret) where it is used, never kept here.
    has_sso_client_secret: bool
    ingressEnabled: bool
    ingressHost: str
    ingressClassName: str
    ingressTlsSecret: str
    templatesDir: str
    requireTemplateDescription: bool
    requireRestrictedPods: bool
    allowedServiceAccounts: list[str]
    kubeconfig: str
    kubeContext: str
    installCrds: bool
    # --- production features: artifacts, archive, scale, scheduling, images, routing,
    # observability, network isolation, Argo Events (validated in the feature block below)
    artifactRepository: str
    artifactBucket: str
    artifactEndpoint: str
    artifactRegion: str
    artifactInsecure: bool
    artifactKeyFormat: str
    artifactCredentialsSecret: str
    artifactAccessKeyKey: str
    artifactSecretKeyKey: str
    artifactUseSdkCreds: bool
    artifactArchiveLogs: bool
    artifactGcStrategy: str
    artifactGcServiceAccount: str
    archiveEnabled: bool
    archiveNodeStatusOffload: bool
    archiveDatabase: str
    archiveHost: str
    archivePort: int
    archiveDatabaseName: str
    archiveTableName: str
    archiveCredentialsSecret: str
    archiveUsernameKey: str
    archivePasswordKey: str
    archiveTtl: str
    archiveSslMode: str
    parallelism: int
    namespaceParallelism: int
    resourceRateLimit: str
    resourceRateBurst: int
    controllerWorkflowWorkers: int
    controllerPodCleanupWorkers: int
    podGcGracePeriodSeconds: int
    podGcQueueDelay: str
    retentionCompleted: int
    retentionSucceeded: int
    retentionFailed: int
    retentionErrored: int
    executorCpuRequest: str
    executorMemoryRequest: str
    executorCpuLimit: str
    executorMemoryLimit: str
    mainContainerCpuRequest: str
    mainContainerMemoryRequest: str
    mainContainerCpuLimit: str
    mainContainerMemoryLimit: str
    controllerNodeSelector: str
    controllerTolerations: str
    controllerAffinity: str
    controllerTopologySpread: str
    serverNodeSelector: str
    serverTolerations: str
    serverAffinity: str
    serverTopologySpread: str
    controllerImageRepository: str
    controllerImageTag: str
    serverImageRepository: str
    serverImageTag: str
    executorImageRepository: str
    executorImageTag: str
    imagePullPolicy: str
    imagePullSecrets: list[str]
    workflowImagePullSecrets: list[str]
    workflowServiceAccountAnnotations: str
    controllerExtraArgs: list[str]
    serverExtraArgs: list[str]
    controllerExtraEnv: str
    serverExtraEnv: str
    controllerPodLabels: str
    controllerPodAnnotations: str
    serverPodLabels: str
    serverPodAnnotations: str
    serverServiceType: str
    ingressAnnotations: str
    ingressLabels: str
    ingressExtraHosts: list[str]
    ingressPaths: list[str]
    ingressPathType: str
    httpRouteEnabled: bool
    httpRouteParentRefs: str
    httpRouteHostnames: list[str]
    metricsSecure: bool
    metricsTtl: str
    otlpEndpoint: str
    serviceMonitorEnabled: bool
    serviceMonitorLabels: str
    serviceMonitorInterval: str
    networkPoliciesEnabled: bool
    networkApiServerCidrs: list[str]
    networkApiServerPorts: list[str]
    networkDnsNamespace: str
    networkDnsPodLabels: str
    networkSsoIssuerCidrs: list[str]
    networkArchiveCidrs: list[str]
    networkArtifactStoreCidrs: list[str]
    networkArtifactStorePort: int
    networkMetricsNamespaces: list[str]
    networkServerIngressNamespaces: list[str]
    networkControllerEgress: str
    networkServerEgress: str
    workflowNetworkPolicyEnabled: bool
    workflowEgress: str
    eventsSubmitterEnabled: bool
    eventsSubmitterServiceAccount: str

    def image(self, name: str) -> str:
        return f"{self.imageRegistry}/{name}:{self.version}"

    @property
    def sso_client_id_secret(self) -> str:
        """The Secret this install creates for the OIDC client ('' when SSO is off)."""
        return SSO_CLIENT_SECRET if self.ssoEnabled else ""

    @property
    def sso_client_secret_secret(self) -> str:
        """The Secret holding the OIDC client secret ('' when SSO is off)."""
        if not self.ssoEnabled:
            return ""
        return self.ssoExistingSecret or SSO_CLIENT_SECRET

    @property
    def artifact_gc_account(self) -> str:
        """The account artifact GC pods run as ('' when the install runs no artifact GC)."""
        if self.artifactRepository and self.artifactGcStrategy:
            return self.artifactGcServiceAccount
        return ""

    @property
    def sso_redirect_url(self) -> str:
        """ssoRedirectUrl, or the Ingress host's callback when only the Ingress is set."""
        if self.ssoRedirectUrl or not self.ingressEnabled:
            return self.ssoRedirectUrl
        return f"https://{self.ingressHost}{self.serverBaseHref}oauth2/callback"

    def templates_path(self, root: Path = PROJECT_ROOT) -> Path:
        path = Path(self.templatesDir)
        return path if path.is_absolute() else root / path


@dataclass(frozen=True)
class KeySpec:
    type: str
    default: Any
    description: str


def declared_keys(project_file: Path = PROJECT_FILE) -> dict[str, KeySpec]:
    """The typed ``config:`` block of Pulumi.yaml."""
    stat = project_file.stat()
    return dict(_declared_keys(project_file.resolve(), stat.st_mtime_ns, stat.st_size))


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=8)
def _declared_keys(project_file: Path, _mtime_ns: int, _size: int) -> dict[str, KeySpec]:
    # Keyed on the file's stamp so an edited Pulumi.yaml is read again; libyaml reads
    # the 1000-line block about 20 times faster than the pure-Python parser.
    block = yaml.load(project_file.read_text(), Loader=_YAML_LOADER)["config"]  # noqa: S506
    return {
        key: KeySpec(spec["type"], spec.get("default"), spec.get("description", ""))
        for key, spec in block.items()
    }


# --- coercion: the CLI hands every value to the program as a string -------------------


def _coerce(type_: str, value: Any) -> Any:
    """Convert a raw config value to its declared type; raise ValueError if impossible."""
    if type_ == "string":
        if not isinstance(value, str):
            raise ValueError("a string")
        return value
    if type_ == "integer":
        if isinstance(value, bool):
            raise ValueError("an integer")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        raise ValueError("an integer")
    if type_ == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise ValueError("true or false")
    if type_ == "array":
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise ValueError("a list of strings") from None
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        raise ValueError("a list of strings")
    raise ValueError(f"a value of declared type {type_!r}")


# --- per-key rules: each returns the expectation it breaks, or None --------------------


def _dns_label(value: str) -> str | None:
    if len(value) > 63 or not _DNS_LABEL.match(value):
        return "a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)"
    return None


def _dns_subdomain(value: str) -> str | None:
    if len(value) > 253 or not _DNS_SUBDOMAIN.match(value):
        return "a DNS-1123 name (lower-case letters, digits, '-' and '.')"
    return None


def _optional(rule: Callable[[str], str | None]) -> Callable[[str], str | None]:
    return lambda value: None if value == "" else rule(value)


def _each(rule: Callable[[str], str | None]) -> Callable[[list[str]], str | None]:
    def check(values: list[str]) -> str | None:
        broken = [v for v in values if rule(v)]
        return f"every item {rule(broken[0])}; bad: {broken}" if broken else None

    return check


def _one_of(*allowed: str) -> Callable[[str], str | None]:
    return lambda value: None if value in allowed else "one of " + ", ".join(allowed)


def _version(value: str) -> str | None:
    match = _VERSION.match(value)
    minimum = "v" + ".".join(map(str, facts.MINIMUM_VERSION))
    if not match:
        return f"a release tag vX.Y.Z, at least {minimum}"
    if tuple(int(g) for g in match.groups()) < facts.MINIMUM_VERSION:
        return (
            f"at least {minimum}: older namespaced servers and controllers hang without "
            "cluster-scoped access (argo-workflows#14688)"
        )
    return None


def _registry(value: str) -> str | None:
    if not _REGISTRY.match(value):
        return "a registry host and path without scheme or trailing '/', e.g. quay.io/argoproj"
    return None


def _namespace(value: str) -> str | None:
    if value in _RESERVED_NAMESPACES:
        return "a namespace of its own, not " + ", ".join(_RESERVED_NAMESPACES)
    return _dns_label(value)


def _replicas(value: int) -> str | None:
    return None if 1 <= value <= 10 else "an integer from 1 to 10"


def _non_negative(value: int) -> str | None:
    return None if value >= 0 else "a whole number of seconds, 0 or more"


def _duration(value: str) -> str | None:
    return None if _GO_DURATION.match(value) else "a Go duration such as 30m, 10h or 72h"


def _quantity(value: str) -> str | None:
    return None if _QUANTITY.match(value) else "a Kubernetes quantity such as 100m, 1, 256Mi"


def _cpu(value: str) -> str | None:
    match = _QUANTITY.match(value)
    if not match or (match.group(3) or "") not in ("", "m"):
        return "a CPU quantity: cores (1, 0.5) or millicores (100m)"
    return None


def _memory(value: str) -> str | None:
    match = _QUANTITY.match(value)
    if not match or match.group(3) == "m":
        return "a memory quantity in bytes, such as 128Mi or 1Gi"
    return None


def _https_url(value: str) -> str | None:
    return None if _HTTPS_URL.match(value) else "an https:// URL"


def _kubeconfig_path(value: str) -> str | None:
    if "\n" in value or value.lstrip().startswith(("apiVersion", "{")):
        return (
            "the path of a kubeconfig file, not its contents (credentials do not belong in "
            "plain config)"
        )
    return None


def _context_name(value: str) -> str | None:
    return None if value.strip() == value and "\n" not in value else "a kubeconfig context name"


# Values that stand for "fill this in": reserved example domains (RFC 2606, RFC 6761),
# localhost, and the usual stand-ins.
_PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net")
_PLACEHOLDER_TLDS = (".example", ".test", ".invalid", ".localhost")
_PLACEHOLDER_WORDS = ("changeme", "change-me", "change_me")


def placeholder_reason(value: str) -> str | None:
    """Why ``value`` looks like a placeholder rather than a real setting, or None."""
    lowered = value.strip().lower()
    if re.search(r"<[^>]*>", lowered):
        return "a value in <...> is a placeholder"
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return "it reads like a placeholder"
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", lowered).split("/")[0].split(":")[0]
    if host == "localhost" or host.endswith(_PLACEHOLDER_TLDS):
        return f"{host!r} is a reserved name that no identity provider runs at"
    if any(host == d or host.endswith("." + d) for d in _PLACEHOLDER_DOMAINS):
        return f"{host!r} is a reserved example domain"
    return None


def _group(value: str) -> str | None:
    # Groups end up as string literals in the rbac-rule expression.
    if not value.strip() or any(c in value for c in '"\\') or not value.isprintable():
        return "an identity-provider group name (printable, no quotes or backslashes)"
    return None


def _base_href(value: str) -> str | None:
    if value.startswith("/") and value.endswith("/") and " " not in value:
        return None
    return "a path that starts and ends with '/', e.g. / or /argo/"


def _auth_modes(values: list[str]) -> str | None:
    if not values or len(set(values)) != len(values) or set(values) - set(AUTH_MODES):
        return "one or more distinct values of " + ", ".join(AUTH_MODES)
    return None


def _not_empty_list(rule: Callable[[str], str | None]) -> Callable[[list[str]], str | None]:
    each = _each(rule)
    return lambda values: "at least one item" if not values else each(values)


_RULES: dict[str, Callable[[Any], str | None]] = {
    "version": _version,
    "imageRegistry": _registry,
    "controlNamespace": _namespace,
    "managedNamespace": _namespace,
    "managedNamespacePodSecurity": _one_of(*POD_SECURITY_LEVELS),
    "templateReferencing": _one_of(*TEMPLATE_REFERENCING),
    "workflowServiceAccount": _dns_subdomain,
    "executorServiceAccount": _dns_subdomain,
    "workflowTtlSecondsAfterSuccess": _non_negative,
    "workflowTtlSecondsAfterFailure": _non_negative,
    "podGcStrategy": _one_of(*POD_GC_STRATEGIES),
    "podGcDeleteDelay": _duration,
    "artifactSecretNames": _each(_dns_subdomain),
    "controllerReplicas": _replicas,
    "controllerCpuRequest": _cpu,
    "controllerMemoryRequest": _memory,
    "controllerCpuLimit": _cpu,
    "controllerMemoryLimit": _memory,
    "serverReplicas": _replicas,
    "serverAuthModes": _auth_modes,
    "serverTlsSecret": _optional(_dns_subdomain),
    "serverBaseHref": _base_href,
    "serverCpuRequest": _cpu,
    "serverMemoryRequest": _memory,
    "serverCpuLimit": _cpu,
    "serverMemoryLimit": _memory,
    "ssoIssuer": _optional(_https_url),
    "ssoRedirectUrl": _optional(_https_url),
    "ssoScopes": _each(lambda v: None if re.fullmatch(r"[!#-\[\]-~]+", v) else "an OAuth scope"),
    "ssoSessionExpiry": _duration,
    "ssoViewerGroups": _each(_group),
    "ssoSubmitterGroups": _each(_group),
    "ssoExistingSecret": _optional(_dns_subdomain),
    "ingressHost": _optional(_dns_subdomain),
    "ingressClassName": _optional(_dns_subdomain),
    "ingressTlsSecret": _optional(_dns_subdomain),
    "templatesDir": lambda v: None if v.strip() else "a folder path",
    "allowedServiceAccounts": _not_empty_list(_dns_subdomain),
    "kubeconfig": _optional(_kubeconfig_path),
    "kubeContext": _optional(_context_name),
}


def _quantity_value(value: str) -> float:
    match = _QUANTITY.match(value)
    assert match is not None
    suffix = match.group(3) or ""
    return float(value[: len(value) - len(suffix)]) * _QUANTITY_FACTORS[suffix]


def _cross_checks(s: Settings, secret_keys: set[str]) -> list[str]:
    """Rules that involve more than one key."""
    problems = []

    def fail(key: str, found: Any, expected: str) -> None:
        problems.append(f"{PROJECT}:{key}: found {found!r}, expected {expected}")

    if s.controlNamespace == s.managedNamespace:
        fail(
            "managedNamespace",
            s.managedNamespace,
            f"a namespace other than controlNamespace {s.controlNamespace!r}: users must never "
            "create workflows in the controller's namespace",
        )
    for part in ("controller", "server"):
        for resource in ("Cpu", "Memory"):
            request_key, limit_key = f"{part}{resource}Request", f"{part}{resource}Limit"
            request, limit = getattr(s, request_key), getattr(s, limit_key)
            if _quantity(request) or _quantity(limit):  # reported on its own
                continue
            if _quantity_value(request) > _quantity_value(limit):
                fail(request_key, request, f"no more than {limit_key} {limit!r}")
    if s.serverTlsSecret and not s.serverSecure:
        fail("serverTlsSecret", s.serverTlsSecret, "empty when serverSecure is false")
    if ("sso" in s.serverAuthModes) != s.ssoEnabled:
        fail(
            "serverAuthModes",
            s.serverAuthModes,
            "to contain 'sso' exactly when ssoEnabled is true "
            f"(ssoEnabled is {str(s.ssoEnabled).lower()})",
        )
    secret_key = f"{PROJECT}:ssoClientSecret"
    if s.has_sso_client_secret and secret_key not in secret_keys:
        fail(
            "ssoClientSecret",
            "<a plain-text value>",
            "a secret value: `pulumi config set --secret ssoClientSecret ...`",
        )
    if s.ssoEnabled:
        _sso_checks(s, fail)
    if s.ingressEnabled and not s.ingressHost:
        fail("ingressHost", "", "a DNS name when ingressEnabled is true")
    if s.ingressEnabled and s.serverBaseHref != "/":
        # --base-href only rewrites links in the UI; the server still serves from /, so the
        # proxy in front must strip the prefix (docs/argo-server.md "Base HREF"), which a
        # plain Ingress does not.
        fail(
            "serverBaseHref",
            s.serverBaseHref,
            "'/' when ingressEnabled is true: the Ingress routes the path unchanged, and a "
            "sub-path needs a proxy that strips it",
        )
    if s.workflowServiceAccount not in s.allowedServiceAccounts:
        fail(
            "allowedServiceAccounts",
            s.allowedServiceAccounts,
            f"to include workflowServiceAccount {s.workflowServiceAccount!r}, the account "
            "workflows run as by default",
        )
    if s.ssoExistingSecret in (facts.SERVER_SSO_STATE_SECRET, SSO_CLIENT_SECRET):
        fail(
            "ssoExistingSecret",
            s.ssoExistingSecret,
            f"another name: argo-server keeps its own state in Secret "
            f"'{facts.SERVER_SSO_STATE_SECRET}' and this install creates '{SSO_CLIENT_SECRET}'",
        )
    workflow_accounts = {s.workflowServiceAccount, *s.allowedServiceAccounts}
    if s.executorServiceAccount in workflow_accounts:
        fail(
            "executorServiceAccount",
            s.executorServiceAccount,
            "an account of its own, not a workflow account (workflowServiceAccount, "
            "allowedServiceAccounts): the executor's token must not reach user containers",
        )
    # Keys of a feature that is off would be silently ignored; say so instead.
    defaults = {key: spec.default for key, spec in declared_keys().items()}
    for switch, keys in _FEATURE_KEYS.items():
        if getattr(s, switch):
            continue
        for key in keys:
            if key in SECRET_KEYS:
                value, default = s.has_sso_client_secret, False
            else:
                value, default = getattr(s, key), defaults.get(key)
            if value != default:
                shown = "<secret>" if f"{PROJECT}:{key}" in secret_keys else value
                fail(key, shown, f"unset while {switch} is false (it would be ignored)")
    return problems


def _sso_checks(s: Settings, fail: Callable[[str, Any, str], None]) -> None:
    """SSO must name a real identity provider and client, and who gets in."""
    # argo-server runs OIDC discovery against the issuer at start and exits when it
    # fails (server/auth/sso/sso.go): a placeholder is a crash loop, not a default.
    for key in ("ssoIssuer", "ssoClientId"):
        value = getattr(s, key)
        if not value:
            fail(key, "", f"a value of this stack when ssoEnabled is true ({_SSO_EXPECT[key]})")
        elif reason := placeholder_reason(value):
            fail(key, value, f"{_SSO_EXPECT[key]}, not a placeholder: {reason}")
    redirect = s.sso_redirect_url
    if not redirect:
        fail(
            "ssoRedirectUrl",
            "",
            "an https:// URL ending in /oauth2/callback when ssoEnabled is true and there "
            "is no Ingress to derive it from",
        )
    elif not redirect.endswith("/oauth2/callback"):
        fail("ssoRedirectUrl", redirect, "a URL ending in /oauth2/callback")
    if s.ssoExistingSecret and s.has_sso_client_secret:
        fail(
            "ssoExistingSecret",
            s.ssoExistingSecret,
            "empty when ssoClientSecret is set (use one source for the client secret)",
        )
    elif not s.ssoExistingSecret and not s.has_sso_client_secret:
        fail(
            "ssoExistingSecret",
            "",
            "the name of an existing Secret holding the client secret (key client-secret), "
            "or ssoClientSecret set as a secret",
        )
    if s.ssoRbacEnabled and not (s.ssoViewerGroups or s.ssoSubmitterGroups):
        fail(
            "ssoViewerGroups",
            [],
            "at least one group in ssoViewerGroups or ssoSubmitterGroups when ssoRbacEnabled "
            "is true (without one, SSO RBAC lets nobody in)",
        )
    if s.ssoRbacEnabled and "groups" not in s.ssoScopes:
        fail(
            "ssoScopes",
            s.ssoScopes,
            "to include 'groups' when ssoRbacEnabled is true: the access levels' rules read "
            "the ID token's groups claim",
        )
    both = sorted(set(s.ssoViewerGroups) & set(s.ssoSubmitterGroups))
    if both:
        fail("ssoViewerGroups", both, "groups not also in ssoSubmitterGroups (pick one level)")


_SSO_EXPECT = {
    "ssoIssuer": "the https:// issuer URL of your identity provider",
    "ssoClientId": "the OIDC client id registered for this Argo Server",
}


# Keys that only mean something when their feature switch is on.
_FEATURE_KEYS = {
    "ssoEnabled": (
        "ssoIssuer",
        "ssoRedirectUrl",
        "ssoRbacEnabled",
        "ssoViewerGroups",
        "ssoSubmitterGroups",
        "ssoExistingSecret",
        "ssoClientId",
        "ssoClientSecret",
    ),
    "ingressEnabled": ("ingressHost", "ingressClassName", "ingressTlsSecret"),
}


def parse_settings(
    raw: Mapping[str, Any],
    secret_keys: set[str] | frozenset[str] = frozenset(),
    project_file: Path = PROJECT_FILE,
) -> Settings:
    """Validate ``raw`` config (``{"argo-workflows:key": value}``) into Settings.

    Missing keys take their Pulumi.yaml default, as the CLI does. Raise ConfigError
    listing every problem.
    """
    declared = declared_keys(project_file)
    problems: list[str] = []
    bad_keys: set[str] = set()
    values: dict[str, Any] = {}
    prefix = f"{PROJECT}:"
    for full_key in sorted(raw):
        if full_key.startswith(prefix) and full_key[len(prefix) :] not in declared:
            problems.append(
                f"{full_key}: unknown key; expected one of the keys declared in Pulumi.yaml"
            )
    for key, spec in declared.items():
        value = raw.get(prefix + key, spec.default)
        shown = "<secret>" if prefix + key in secret_keys else value
        try:
            values[key] = _coerce(spec.type, value)
        except ValueError as err:
            problems.append(f"{prefix}{key}: found {shown!r}, expected {err}")
            bad_keys.add(key)
            values[key] = _coerce(spec.type, spec.default)
            continue
        rule = _RULES.get(key)
        expected = rule(values[key]) if rule else None
        if expected:
            shown = "<secret>" if prefix + key in secret_keys else values[key]
            problems.append(f"{prefix}{key}: found {shown!r}, expected {expected}")
            bad_keys.add(key)
    # A secret key's value stays out of Settings: only whether it is set.
    values["has_sso_client_secret"] = bool(values.pop("ssoClientSecret"))
    settings = Settings(**{f.name: values[f.name] for f in fields(Settings)})
    # Cross-key rules still run, so one run reports everything; a rule about a key that
    # already failed on its own would only repeat it.
    problems += [
        p
        for p in _cross_checks(settings, set(secret_keys))
        + _feature_cross_checks(settings, declared)
        if _problem_key(p) not in bad_keys
    ]
    if problems:
        raise ConfigError(problems, partial=settings)
    return settings


def _problem_key(problem: str) -> str:
    return problem.split(":", 2)[1]


SECRET_SET = "<set>"


def read_pulumi_config() -> tuple[dict[str, Any], set[str]]:
    """The project's config as the engine handed it, read through ``pulumi.Config``.

    Declared keys are read by name; a secret key (SECRET_KEYS) is reported only as set or
    not (its value is read with ``get_secret`` where it is used). Undeclared keys of the
    project are listed too, so a misspelt key is an error rather than ignored.
    """
    import pulumi
    from pulumi.runtime import config as runtime_config

    config = pulumi.Config(PROJECT)
    prefix = f"{PROJECT}:"
    raw: dict[str, Any] = {}
    for key in declared_keys():
        value = config.get(key)
        if value is None:
            continue
        raw[prefix + key] = (SECRET_SET if value else "") if key in SECRET_KEYS else value
    # pulumi.Config reads keys by name only; the names the engine set come from the
    # runtime, values of undeclared keys are never used.
    names = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    for full_key in names:
        if full_key.startswith(prefix) and full_key not in raw:
            raw[full_key] = None
    secret = {k for k in raw if runtime_config.is_config_secret(k)}
    return raw, secret


# ======================================================================================
# Production features (artifacts, archive, scale, scheduling, images, routing,
# observability, network isolation, Argo Events): per-key rules and cross-key rules.
# Keys that hold a Kubernetes structure are YAML (or JSON) documents in a string.
# ======================================================================================

ARTIFACT_REPOSITORIES = ("s3", "gcs", "azure")
ARTIFACT_GC_STRATEGIES = ("OnWorkflowCompletion", "OnWorkflowDeletion")
ARCHIVE_DATABASES = ("postgresql", "mysql")
POSTGRES_SSL_MODES = ("disable", "require", "verify-ca", "verify-full")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer")
INGRESS_PATH_TYPES = ("Prefix", "Exact", "ImplementationSpecific")

# Flags the program sets itself; an extra arg may not repeat or contradict them.
CONTROLLER_OWNED_FLAGS = (
    "--configmap",
    "--executor-image",
    "--executor-image-pull-policy",
    "--namespaced",
    "--managed-namespace",
    "--workflow-workers",
    "--pod-cleanup-workers",
)
SERVER_OWNED_FLAGS = (
    "--namespaced",
    "--managed-namespace",
    "--auth-mode",
    "--secure",
    "--tls-certificate-secret-name",
    "--base-href",
)
# Environment the program sets on the controller.
CONTROLLER_OWNED_ENV = ("LEADER_ELECTION_IDENTITY", "OTEL_EXPORTER_OTLP_ENDPOINT")
# Labels the Deployments select their pods by; pod labels may not change them.
_SELECTOR_LABEL_PREFIX = "app.kubernetes.io/"

_IMAGE_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_IMAGE_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_LABEL_NAME = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?)$")
_HOST_PORT = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$")
_DECIMAL = re.compile(r"^\d+(\.\d+)?$")
_TTL = re.compile(r"^(\d+d|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$")
_FLAG = re.compile(r"^--[a-z][a-z0-9-]*(=.*)?$")
_OTLP_URL = re.compile(r"^https?://[^\s/?#]+(/[^\s]*)?$")


def _yaml_document(value: str) -> Any:
    """The document in a structured key; raise ValueError with the parser's reason."""
    try:
        return yaml.safe_load(value)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ValueError(f"valid YAML{where}") from None


def _read_structured(value: str, expected: str) -> tuple[Any, str | None]:
    """A set structured key's document and, if it does not parse, the problem to report."""
    try:
        return _yaml_document(value), None
    except ValueError as err:
        return None, f"{expected}, in {err}"


def document(value: str, empty: Any) -> Any:
    """A structured key's value; ``empty`` when the key is unset. Call on validated
    settings only."""
    if not value.strip():
        return empty
    found = _yaml_document(value)
    return empty if found is None else found


def _label_key(key: Any) -> bool:
    if not isinstance(key, str) or not key:
        return False
    prefix, _, name = key.rpartition("/")
    return (not prefix or _dns_subdomain(prefix) is None) and bool(_LABEL_NAME.match(name))


def _string_map(kind: str, *, labels: bool) -> Callable[[str], str | None]:
    expected = f"a YAML mapping of {kind} (key: value, values are strings)"

    def check(value: str) -> str | None:
        if not value.strip():
            return None
        found, problem = _read_structured(value, expected)
        if problem or found is None:
            return problem
        if not isinstance(found, dict):
            return expected
        for key, item in found.items():
            if not _label_key(key):
                return f"{expected}; {key!r} is not a valid key (prefix/name)"
            if not isinstance(item, str):
                return f"{expected}; the value of {key!r} is not a string (quote it)"
            if labels and not _LABEL_VALUE.match(item):
                return f"{expected}; {item!r} is not a valid label value"
        return None

    return check


def _pod_labels(value: str) -> str | None:
    expected = _string_map("pod labels", labels=True)(value)
    if expected:
        return expected
    taken = [k for k in document(value, {}) if k.startswith(_SELECTOR_LABEL_PREFIX)]
    if taken:
        return f"labels outside app.kubernetes.io/ (set by this program): {taken}"
    return None


def _kube_structure(kind: str, type_file: str, *, is_list: bool) -> Callable[[str], str | None]:
    from components import kube_schema

    expected = f"a YAML {'list of Kubernetes ' + kind + 's' if is_list else 'Kubernetes ' + kind}"

    def check(value: str) -> str | None:
        if not value.strip():
            return None
        found, problem = _read_structured(value, expected)
        if problem or found is None:
            return problem
        if is_list and not isinstance(found, list):
            return expected
        if not is_list and not isinstance(found, dict):
            return expected
        errors = []
        for i, item in enumerate(found if is_list else [found]):
            for path, message in kube_schema.problems(item, type_file):
                where = ".".join(part for part in (f"[{i}]" if is_list else "", path) if part)
                errors.append(f"{where}: {message}" if where else message)
        return f"{expected}; {'; '.join(errors)}" if errors else None

    return check


def _parent_refs(value: str) -> str | None:
    expected = "a YAML list of Gateway references {name, namespace, sectionName}"
    if not value.strip():
        return None
    found, problem = _read_structured(value, expected)
    if problem:
        return problem
    if not isinstance(found, list) or not found:
        return expected
    for ref in found:
        if not isinstance(ref, dict) or set(ref) - {"name", "namespace", "sectionName"}:
            return f"{expected}; bad entry {ref!r}"
        if not isinstance(ref.get("name"), str) or _dns_subdomain(ref["name"]):
            return f"{expected}; every entry needs a DNS-1123 name"
        for key in ("namespace", "sectionName"):
            if key in ref and (not isinstance(ref[key], str) or _dns_subdomain(ref[key])):
                return f"{expected}; {key} {ref[key]!r} is not a DNS-1123 name"
    return None


def _image_tag(value: str) -> str | None:
    if value == "" or _IMAGE_TAG.match(value) or _IMAGE_DIGEST.match(value):
        return None
    return "an image tag (v4.1.2) or a digest sha256:<64 hex digits>"


def _extra_args(owned: tuple[str, ...]) -> Callable[[list[str]], str | None]:
    def check(values: list[str]) -> str | None:
        bad = [v for v in values if not _FLAG.match(v)]
        if bad:
            return f"flags of the form --name or --name=value; bad: {bad}"
        clash = [v for v in values if v.split("=", 1)[0] in owned]
        if clash:
            return f"no flag this program sets ({', '.join(owned)}); found {clash}"
        return None

    return check


def _cidr(value: str) -> str | None:
    import ipaddress

    try:
        if "/" not in value:
            raise ValueError
        ipaddress.ip_network(value, strict=True)
    except ValueError:
        return "a CIDR such as 10.0.0.0/16 or 192.0.2.10/32"
    return None


def _port_string(value: str) -> str | None:
    if value.isdigit() and 1 <= int(value) <= 65535:
        return None
    return "a port number from 1 to 65535"


def _at_least(minimum: int, what: str) -> Callable[[int], str | None]:
    return lambda value: None if value >= minimum else f"{what}, {minimum} or more"


def _path(value: str) -> str | None:
    return None if value.startswith("/") and " " not in value else "a path starting with '/'"


_FEATURE_RULES: dict[str, Callable[[Any], str | None]] = {
    "artifactRepository": lambda v: None if v == "" else _one_of(*ARTIFACT_REPOSITORIES)(v),
    "artifactBucket": _optional(
        lambda v: (
            None
            if re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]", v)
            else "a bucket or container name (lower-case letters, digits, '.', '-', '_')"
        )
    ),
    "artifactEndpoint": _optional(
        lambda v: (
            None
            if _HOST_PORT.match(v) or _HTTPS_URL.match(v)
            else "a host[:port] (s3) or an https:// URL (azure)"
        )
    ),
    "artifactRegion": _optional(
        lambda v: None if re.fullmatch(r"[a-z0-9-]+", v) else "a region such as eu-west-1"
    ),
    "artifactKeyFormat": lambda v: None if "\n" not in v else "a single-line key format",
    "artifactCredentialsSecret": _optional(_dns_subdomain),
    "artifactAccessKeyKey": lambda v: (
        None
        if re.fullmatch(r"[-._a-zA-Z0-9]+", v)
        else "a Secret key (letters, digits, '-', '_', '.')"
    ),
    "artifactSecretKeyKey": _optional(
        lambda v: (
            None
            if re.fullmatch(r"[-._a-zA-Z0-9]+", v)
            else "a Secret key (letters, digits, '-', '_', '.')"
        )
    ),
    "artifactGcStrategy": lambda v: None if v == "" else _one_of(*ARTIFACT_GC_STRATEGIES)(v),
    "artifactGcServiceAccount": _dns_subdomain,
    "archiveDatabase": _one_of(*ARCHIVE_DATABASES),
    "archiveHost": _optional(_dns_subdomain),
    "archivePort": lambda v: None if 0 <= v <= 65535 else "a port from 1 to 65535, or 0",
    "archiveDatabaseName": lambda v: (
        None
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$-]{0,62}", v)
        else "a database name (letters, digits, '_')"
    ),
    "archiveTableName": lambda v: (
        None
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", v)
        else "a table name (letters, digits, '_')"
    ),
    "archiveCredentialsSecret": _optional(_dns_subdomain),
    "archiveUsernameKey": lambda v: (
        None
        if re.fullmatch(r"[-._a-zA-Z0-9]+", v)
        else "a Secret key (letters, digits, '-', '_', '.')"
    ),
    "archivePasswordKey": lambda v: (
        None
        if re.fullmatch(r"[-._a-zA-Z0-9]+", v)
        else "a Secret key (letters, digits, '-', '_', '.')"
    ),
    # config/ttl.go: a number of days ("7d") or a Go duration.
    "archiveTtl": _optional(
        lambda v: None if _TTL.match(v) else "a number of days such as 7d, or a Go duration"
    ),
    "archiveSslMode": lambda v: None if v == "" else _one_of(*POSTGRES_SSL_MODES)(v),
    "parallelism": _at_least(0, "a whole number of workflows"),
    "namespaceParallelism": _at_least(0, "a whole number of workflows"),
    "resourceRateLimit": _optional(
        lambda v: (
            None
            if _DECIMAL.match(v) and float(v) > 0
            else "a positive number of pods per second, such as 10 or 2.5"
        )
    ),
    "resourceRateBurst": _at_least(0, "a whole number of pods"),
    "controllerWorkflowWorkers": lambda v: (
        None if 0 <= v <= 1024 else "a number of workers from 1 to 1024, or 0"
    ),
    "controllerPodCleanupWorkers": lambda v: (
        None if 0 <= v <= 1024 else "a number of workers from 1 to 1024, or 0"
    ),
    "podGcGracePeriodSeconds": _at_least(-1, "a whole number of seconds (-1 for the default)"),
    "podGcQueueDelay": _optional(_duration),
    "retentionCompleted": _at_least(0, "a whole number of workflows"),
    "retentionSucceeded": _at_least(0, "a whole number of workflows"),
    "retentionFailed": _at_least(0, "a whole number of workflows"),
    "retentionErrored": _at_least(0, "a whole number of workflows"),
    "executorCpuRequest": _optional(_cpu),
    "executorMemoryRequest": _optional(_memory),
    "executorCpuLimit": _optional(_cpu),
    "executorMemoryLimit": _optional(_memory),
    "mainContainerCpuRequest": _optional(_cpu),
    "mainContainerMemoryRequest": _optional(_memory),
    "mainContainerCpuLimit": _optional(_cpu),
    "mainContainerMemoryLimit": _optional(_memory),
    "controllerImageRepository": _optional(_registry),
    "controllerImageTag": _image_tag,
    "serverImageRepository": _optional(_registry),
    "serverImageTag": _image_tag,
    "executorImageRepository": _optional(_registry),
    "executorImageTag": _image_tag,
    "imagePullPolicy": lambda v: None if v == "" else _one_of(*PULL_POLICIES)(v),
    "imagePullSecrets": _each(_dns_subdomain),
    "workflowImagePullSecrets": _each(_dns_subdomain),
    "workflowServiceAccountAnnotations": _string_map("annotations", labels=False),
    "controllerExtraArgs": _extra_args(CONTROLLER_OWNED_FLAGS),
    "serverExtraArgs": _extra_args(SERVER_OWNED_FLAGS),
    "serverServiceType": _one_of(*SERVICE_TYPES),
    "ingressAnnotations": _string_map("annotations", labels=False),
    "ingressLabels": _string_map("labels", labels=True),
    "ingressExtraHosts": _each(_dns_subdomain),
    "ingressPaths": _each(_path),
    "ingressPathType": _one_of(*INGRESS_PATH_TYPES),
    "httpRouteParentRefs": _parent_refs,
    "httpRouteHostnames": _each(_dns_subdomain),
    "metricsTtl": _optional(_duration),
    "otlpEndpoint": _optional(
        lambda v: None if _OTLP_URL.match(v) else "an http:// or https:// URL"
    ),
    "serviceMonitorLabels": _string_map("labels", labels=True),
    "serviceMonitorInterval": _optional(
        lambda v: None if re.fullmatch(r"(\d+(ms|s|m|h))+", v) else "a duration such as 30s or 1m"
    ),
    "networkApiServerCidrs": _each(_cidr),
    "networkApiServerPorts": _not_empty_list(_port_string),
    "networkDnsNamespace": _dns_label,
    "networkDnsPodLabels": _string_map("labels", labels=True),
    "networkSsoIssuerCidrs": _each(_cidr),
    "networkArchiveCidrs": _each(_cidr),
    "networkArtifactStoreCidrs": _each(_cidr),
    "networkArtifactStorePort": lambda v: None if 1 <= v <= 65535 else "a port from 1 to 65535",
    "networkMetricsNamespaces": _each(_dns_label),
    "networkServerIngressNamespaces": _each(_dns_label),
    "eventsSubmitterServiceAccount": _dns_subdomain,
}
for _part in ("controller", "server"):
    _FEATURE_RULES.update(
        {
            f"{_part}NodeSelector": _string_map("node labels", labels=True),
            f"{_part}Tolerations": _kube_structure("Toleration", "toleration-v1", is_list=True),
            f"{_part}Affinity": _kube_structure("Affinity", "affinity-v1", is_list=False),
            f"{_part}TopologySpread": _kube_structure(
                "TopologySpreadConstraint", "topologyspreadconstraint-v1", is_list=True
            ),
            f"{_part}ExtraEnv": _kube_structure("EnvVar", "envvar-v1", is_list=True),
            f"{_part}PodLabels": _pod_labels,
            f"{_part}PodAnnotations": _string_map("annotations", labels=False),
        }
    )
for _key in ("networkControllerEgress", "networkServerEgress", "workflowEgress"):
    _FEATURE_RULES[_key] = _kube_structure(
        "NetworkPolicyEgressRule", "networkpolicyegressrule-networking-v1", is_list=True
    )
_RULES.update(_FEATURE_RULES)

# Keys that only mean something when their feature is on: (is it on?, its keys).
_FEATURE_SWITCHES: dict[str, tuple[Callable[[Settings], bool], tuple[str, ...]]] = {
    "artifactRepository": (
        lambda s: bool(s.artifactRepository),
        (
            "artifactBucket",
            "artifactEndpoint",
            "artifactRegion",
            "artifactInsecure",
            "artifactKeyFormat",
            "artifactCredentialsSecret",
            "artifactAccessKeyKey",
            "artifactSecretKeyKey",
            "artifactUseSdkCreds",
            "artifactArchiveLogs",
            "artifactGcStrategy",
            "networkArtifactStoreCidrs",
        ),
    ),
    "archiveEnabled or archiveNodeStatusOffload": (
        lambda s: s.archiveEnabled or s.archiveNodeStatusOffload,
        (
            "archiveDatabase",
            "archiveHost",
            "archivePort",
            "archiveDatabaseName",
            "archiveTableName",
            "archiveCredentialsSecret",
            "archiveUsernameKey",
            "archivePasswordKey",
            "archiveSslMode",
            "networkArchiveCidrs",
        ),
    ),
    "archiveEnabled": (lambda s: s.archiveEnabled, ("archiveTtl",)),
    "resourceRateLimit": (lambda s: bool(s.resourceRateLimit), ("resourceRateBurst",)),
    "ingressEnabled": (
        lambda s: s.ingressEnabled,
        (
            "ingressAnnotations",
            "ingressLabels",
            "ingressExtraHosts",
            "ingressPaths",
            "ingressPathType",
        ),
    ),
    "httpRouteEnabled": (
        lambda s: s.httpRouteEnabled,
        ("httpRouteParentRefs", "httpRouteHostnames"),
    ),
    "serviceMonitorEnabled": (
        lambda s: s.serviceMonitorEnabled,
        ("serviceMonitorLabels", "serviceMonitorInterval"),
    ),
    "networkPoliciesEnabled or workflowNetworkPolicyEnabled": (
        lambda s: s.networkPoliciesEnabled or s.workflowNetworkPolicyEnabled,
        (
            "networkApiServerCidrs",
            "networkApiServerPorts",
            "networkDnsNamespace",
            "networkDnsPodLabels",
            "networkArtifactStorePort",
        ),
    ),
    "networkPoliciesEnabled": (
        lambda s: s.networkPoliciesEnabled,
        (
            "networkSsoIssuerCidrs",
            "networkArchiveCidrs",
            "networkMetricsNamespaces",
            "networkServerIngressNamespaces",
            "networkControllerEgress",
            "networkServerEgress",
        ),
    ),
    "workflowNetworkPolicyEnabled": (lambda s: s.workflowNetworkPolicyEnabled, ("workflowEgress",)),
    "eventsSubmitterEnabled": (
        lambda s: s.eventsSubmitterEnabled,
        ("eventsSubmitterServiceAccount",),
    ),
}


def _feature_cross_checks(s: Settings, declared: Mapping[str, KeySpec]) -> list[str]:
    """Rules of the production features that involve more than one key."""
    problems: list[str] = []
    defaults = {key: spec.default for key, spec in declared.items()}

    def fail(key: str, found: Any, expected: str) -> None:
        problems.append(f"{PROJECT}:{key}: found {found!r}, expected {expected}")

    # A key of a feature that is off would be silently ignored; say so instead. A key
    # shared by two features is checked only when both are off.
    switched_on: dict[str, bool] = {}
    for is_on, keys in _FEATURE_SWITCHES.values():
        for key in keys:
            switched_on[key] = switched_on.get(key, False) or is_on(s)
    for switch, (_, keys) in _FEATURE_SWITCHES.items():
        for key in keys:
            value = getattr(s, key)
            if not switched_on[key] and value != defaults[key]:
                fail(key, value, f"unset while {switch} is off (it would be ignored)")
                switched_on[key] = True  # report once

    repo = s.artifactRepository
    if repo:
        if not s.artifactBucket:
            fail("artifactBucket", "", f"a bucket name when artifactRepository is {repo}")
        if repo == "s3":
            if not s.artifactEndpoint or not _HOST_PORT.match(s.artifactEndpoint):
                fail(
                    "artifactEndpoint",
                    s.artifactEndpoint,
                    "the S3 endpoint host[:port] without scheme, e.g. s3.amazonaws.com",
                )
        elif repo == "azure":
            if not _HTTPS_URL.match(s.artifactEndpoint):
                fail(
                    "artifactEndpoint",
                    s.artifactEndpoint,
                    "the https:// URL of the storage account's blob endpoint",
                )
        elif s.artifactEndpoint:
            fail("artifactEndpoint", s.artifactEndpoint, "unset for gcs (it has no endpoint)")
        if repo != "s3":
            for key in ("artifactRegion", "artifactInsecure"):
                if getattr(s, key) != defaults[key]:
                    fail(key, getattr(s, key), f"unset for {repo} (s3 only)")
            if s.artifactAccessKeyKey != defaults["artifactAccessKeyKey"]:
                fail("artifactAccessKeyKey", s.artifactAccessKeyKey, f"unset for {repo} (s3 only)")
        if repo == "gcs" and s.artifactUseSdkCreds:
            fail(
                "artifactUseSdkCreds",
                True,
                "false for gcs: leave artifactCredentialsSecret empty for Workload Identity",
            )
        if repo in ("s3", "azure") and s.artifactUseSdkCreds == bool(s.artifactCredentialsSecret):
            fail(
                "artifactCredentialsSecret",
                s.artifactCredentialsSecret,
                "the name of an existing Secret, or artifactUseSdkCreds true (one of them)",
            )
        if not s.artifactCredentialsSecret and s.artifactSecretKeyKey:
            fail(
                "artifactSecretKeyKey",
                s.artifactSecretKeyKey,
                "unset without artifactCredentialsSecret",
            )

    if s.archiveEnabled or s.archiveNodeStatusOffload:
        if not s.archiveHost:
            fail("archiveHost", "", "the database host when the archive or offload is on")
        if not s.archiveCredentialsSecret:
            fail(
                "archiveCredentialsSecret",
                "",
                "the name of an existing Secret with the database credentials",
            )
        if s.archiveSslMode and s.archiveDatabase != "postgresql":
            fail("archiveSslMode", s.archiveSslMode, "unset for mysql (postgresql only)")
        if s.archiveUsernameKey == s.archivePasswordKey:
            fail("archivePasswordKey", s.archivePasswordKey, "a key other than archiveUsernameKey")

    if s.resourceRateLimit and s.resourceRateBurst < 1:
        fail("resourceRateBurst", s.resourceRateBurst, "at least 1 when resourceRateLimit is set")

    for part in ("executor", "mainContainer"):
        for resource in ("Cpu", "Memory"):
            request_key, limit_key = f"{part}{resource}Request", f"{part}{resource}Limit"
            request, limit = getattr(s, request_key), getattr(s, limit_key)
            if not request or not limit or _quantity(request) or _quantity(limit):
                continue
            if _quantity_value(request) > _quantity_value(limit):
                fail(request_key, request, f"no more than {limit_key} {limit!r}")

    env_names = [e.get("name") for e in document(s.controllerExtraEnv, []) if isinstance(e, dict)]
    taken = sorted(set(env_names) & set(CONTROLLER_OWNED_ENV))
    if taken:
        fail("controllerExtraEnv", taken, "no variable this program sets")

    if s.ingressEnabled:
        hosts = [s.ingressHost, *s.ingressExtraHosts]
        if len(set(hosts)) != len(hosts):
            fail(
                "ingressExtraHosts",
                s.ingressExtraHosts,
                "host names other than ingressHost, each once",
            )
    if s.httpRouteEnabled:
        if not s.httpRouteParentRefs.strip():
            fail("httpRouteParentRefs", "", "at least one Gateway when httpRouteEnabled is true")
        if s.serverSecure:
            # The route forwards plain HTTP unless a BackendTLSPolicy (not created here)
            # tells the Gateway to speak TLS to the server.
            fail(
                "httpRouteEnabled",
                True,
                "serverSecure false with an HTTPRoute: the Gateway terminates TLS and "
                "forwards plain HTTP to the server",
            )
    network_on = s.networkPoliciesEnabled or s.workflowNetworkPolicyEnabled
    if network_on and not s.networkApiServerCidrs:
        fail(
            "networkApiServerCidrs",
            [],
            "the API server endpoint CIDRs when network policies are on "
            "(kubectl get endpoints kubernetes -n default)",
        )
    if s.networkPoliciesEnabled:
        needs = {
            "networkSsoIssuerCidrs": (s.ssoEnabled, "ssoEnabled"),
            "networkArchiveCidrs": (
                s.archiveEnabled or s.archiveNodeStatusOffload,
                "the archive or node-status offload",
            ),
        }
        for key, (needed, why) in needs.items():
            if needed and not getattr(s, key):
                fail(key, [], f"at least one CIDR with network policies and {why}")
    if network_on and s.artifactRepository and not s.networkArtifactStoreCidrs:
        fail(
            "networkArtifactStoreCidrs",
            [],
            "at least one CIDR with network policies and an artifact repository",
        )

    accounts = {
        "eventsSubmitterServiceAccount": s.eventsSubmitterEnabled,
        "artifactGcServiceAccount": bool(s.artifactRepository and s.artifactGcStrategy),
    }
    for key, on in accounts.items():
        if on and getattr(s, key) in (s.workflowServiceAccount, *s.allowedServiceAccounts):
            fail(key, getattr(s, key), "an account of its own, not one workflows run as")
    if (
        s.eventsSubmitterEnabled
        and accounts["artifactGcServiceAccount"]
        and s.eventsSubmitterServiceAccount == s.artifactGcServiceAccount
    ):
        fail(
            "eventsSubmitterServiceAccount",
            s.eventsSubmitterServiceAccount,
            "a name other than artifactGcServiceAccount",
        )
    return problems

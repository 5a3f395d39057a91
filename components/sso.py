"""Single sign-on for the Argo Server: the controller ConfigMap's `sso` section."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from components import facts

# Keys of the client Secret the server reads (config `sso.clientId` / `sso.clientSecret`).
CLIENT_ID_KEY = "client-id"
CLIENT_SECRET_KEY = "client-secret"


@dataclass(frozen=True)
class SsoConfig:
    """What argo-server needs to run OIDC (server/auth/sso reads it from the ConfigMap)."""

    issuer: str
    client_id_secret: str
    client_secret_secret: str
    redirect_url: str
    scopes: tuple[str, ...]
    session_expiry: str
    rbac_enabled: bool


def build_sso_section(sso: SsoConfig) -> dict[str, Any]:
    """The `sso` section of workflow-controller-configmap."""
    return {
        "issuer": sso.issuer,
        "clientId": {"name": sso.client_id_secret, "key": CLIENT_ID_KEY},
        "clientSecret": {"name": sso.client_secret_secret, "key": CLIENT_SECRET_KEY},
        "redirectUrl": sso.redirect_url,
        "scopes": list(sso.scopes),
        "sessionExpiry": sso.session_expiry,
        "rbac": {"enabled": sso.rbac_enabled},
    }


@dataclass(frozen=True)
class AccessLevel:
    """An SSO RBAC access level: who (groups) acts as which annotated service account."""

    name: str  # viewer or submitter
    service_account: str
    groups: tuple[str, ...]
    precedence: int

    def annotations(self) -> dict[str, str]:
        return {
            facts.RBAC_RULE_ANNOTATION: rbac_rule(self.groups),
            facts.RBAC_PRECEDENCE_ANNOTATION: str(self.precedence),
        }


# Higher precedence wins when a user is in groups of both levels
# (server/auth/gatekeeper.go sorts by precedence, highest first).
_LEVELS = (("submitter", 2), ("viewer", 1))
SSO_SERVICE_ACCOUNT_PREFIX = "argo-sso-"


def rbac_rule(groups: tuple[str, ...]) -> str:
    """An expr rule over the ID token's claims: true for a member of any of ``groups``.

    The gatekeeper evaluates it with argoexpr against the JSON of the claims
    (server/auth/gatekeeper.go, getServiceAccount); group names are JSON-quoted string
    literals, which expr reads the same way.
    """
    return " || ".join(f"{json.dumps(group)} in groups" for group in groups)


def access_levels(
    viewer_groups: tuple[str, ...], submitter_groups: tuple[str, ...]
) -> tuple[AccessLevel, ...]:
    """The levels that have groups, highest precedence first."""
    groups = {"viewer": viewer_groups, "submitter": submitter_groups}
    return tuple(
        AccessLevel(name, f"{SSO_SERVICE_ACCOUNT_PREFIX}{name}", tuple(groups[name]), precedence)
        for name, precedence in _LEVELS
        if groups[name]
    )

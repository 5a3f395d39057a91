"""Single sign-on for the Argo Server: the controller ConfigMap's `sso` section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Keys of the client Secret the server reads (config `sso.clientId` / `sso.clientSecret`).
CLIENT_ID_KEY = "client-id"
CLIENT_SECRET_KEY = "client-secret"


@dataclass(frozen=True)
class SsoConfig:
    """What argo-server needs to run OIDC (server/auth/sso reads it from the ConfigMap)."""

    issuer: str
    client_secret_name: str
    redirect_url: str
    scopes: tuple[str, ...]
    session_expiry: str
    rbac_enabled: bool


def build_sso_section(sso: SsoConfig) -> dict[str, Any]:
    """The `sso` section of workflow-controller-configmap."""
    return {
        "issuer": sso.issuer,
        "clientId": {"name": sso.client_secret_name, "key": CLIENT_ID_KEY},
        "clientSecret": {"name": sso.client_secret_name, "key": CLIENT_SECRET_KEY},
        "redirectUrl": sso.redirect_url,
        "scopes": list(sso.scopes),
        "sessionExpiry": sso.session_expiry,
        "rbac": {"enabled": sso.rbac_enabled},
    }

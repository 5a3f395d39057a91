"""Workflow archive and node-status offload in PostgreSQL or MySQL.

The controller and the server both read `persistence` from the controller's ConfigMap,
and both open the database with the credentials Secret of the control namespace, which
only they may read, by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from components import facts
from components import k8s as objects

_RBAC_API = "rbac.authorization.k8s.io/v1"
READER = "argo-workflows-archive"
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}


@dataclass(frozen=True)
class ArchiveArgs:
    archive: bool
    node_status_offload: bool
    database: str
    host: str
    port: int
    database_name: str
    table_name: str
    credentials_secret: str
    username_key: str
    password_key: str
    ttl: str
    ssl_mode: str

    @property
    def enabled(self) -> bool:
        return self.archive or self.node_status_offload

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.database]


def persistence_config(args: ArchiveArgs) -> dict[str, Any] | None:
    """The controller's ``persistence`` (PersistConfig in config/config.go: DBConfig
    inlined, so `postgresql`/`mysql` sit beside `archive`; note `nodeStatusOffLoad`)."""
    if not args.enabled:
        return None
    database: dict[str, Any] = {
        "host": args.host,
        "database": args.database_name,
        "tableName": args.table_name,
        "userNameSecret": {"name": args.credentials_secret, "key": args.username_key},
        "passwordSecret": {"name": args.credentials_secret, "key": args.password_key},
    }
    if args.port:
        database["port"] = args.port
    if args.database == "postgresql" and args.ssl_mode:
        # PostgreSQLConfig: sslMode only applies with ssl on.
        database["ssl"] = args.ssl_mode != "disable"
        database["sslMode"] = args.ssl_mode
    config: dict[str, Any] = {args.database: database}
    if args.archive:
        config["archive"] = True
        if args.ttl:
            config["archiveTTL"] = args.ttl
    if args.node_status_offload:
        config["nodeStatusOffLoad"] = True
    return config


def secret_objects(secret: str, namespace: str) -> list[dict[str, Any]]:
    """A Role reading only the credentials Secret, bound to the controller and server."""
    if not secret:
        return []
    ns = namespace
    labels = objects.labels("archive")
    return [
        {
            "apiVersion": _RBAC_API,
            "kind": "Role",
            "metadata": {"name": READER, "namespace": ns, "labels": labels},
            "rules": [
                {
                    "apiGroups": [""],
                    "resources": ["secrets"],
                    "verbs": ["get"],
                    "resourceNames": [secret],
                }
            ],
        },
        {
            "apiVersion": _RBAC_API,
            "kind": "RoleBinding",
            "metadata": {"name": READER, "namespace": ns, "labels": labels},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": READER},
            "subjects": [
                {"kind": "ServiceAccount", "name": account, "namespace": ns}
                for account in (facts.CONTROLLER_SERVICE_ACCOUNT, facts.SERVER_SERVICE_ACCOUNT)
            ],
        },
    ]

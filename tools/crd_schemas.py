"""Strict schemas for the custom resources outside argoproj.io that the program can
create: a Prometheus Operator ServiceMonitor and a Gateway API HTTPRoute.

Kubernetes ships no schema for them, so these are written here from the CRDs' field
lists (prometheus-operator `pkg/apis/monitoring/v1/servicemonitor_types.go`, Gateway API
`apis/v1/httproute_types.go`), limited to fields this project may write; an unknown or
misspelled field fails, as for built-in kinds.
"""

from __future__ import annotations

from typing import Any

_META = "/api/_definitions.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1."


def _object(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


_STRING = {"type": "string"}
_NAME = {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", "maxLength": 253}
_PORT = {"type": "integer", "minimum": 1, "maximum": 65535}
_DURATION = {"type": "string", "pattern": "^(0|([0-9]+(ms|s|m|h|d|w|y))+)$"}


def _root(api_version: str, kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    schema = _object(
        {
            "apiVersion": {"const": api_version},
            "kind": {"const": kind},
            "metadata": {"$ref": _META + "ObjectMeta"},
            "spec": spec,
        },
        ("apiVersion", "kind", "metadata", "spec"),
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://kubernetes.io/crd/{kind.lower()}.json",
        **schema,
    }


_SERVICE_MONITOR = _root(
    "monitoring.coreos.com/v1",
    "ServiceMonitor",
    _object(
        {
            "selector": {"$ref": _META + "LabelSelector"},
            "namespaceSelector": _object(
                {"any": {"type": "boolean"}, "matchNames": {"type": "array", "items": _NAME}}
            ),
            "jobLabel": _STRING,
            "endpoints": {
                "type": "array",
                "items": _object(
                    {
                        "port": _STRING,
                        "path": {"type": "string", "pattern": "^/"},
                        "scheme": {"enum": ["http", "https", "HTTP", "HTTPS"]},
                        "interval": _DURATION,
                        "scrapeTimeout": _DURATION,
                        "tlsConfig": _object(
                            {"insecureSkipVerify": {"type": "boolean"}, "serverName": _STRING}
                        ),
                    }
                ),
            },
        },
        ("selector", "endpoints"),
    ),
)

_HTTP_ROUTE = _root(
    "gateway.networking.k8s.io/v1",
    "HTTPRoute",
    _object(
        {
            "parentRefs": {
                "type": "array",
                "maxItems": 32,
                "items": _object(
                    {
                        "group": _STRING,
                        "kind": _STRING,
                        "namespace": _NAME,
                        "name": _NAME,
                        "sectionName": _NAME,
                        "port": _PORT,
                    },
                    ("name",),
                ),
            },
            "hostnames": {"type": "array", "maxItems": 16, "items": _NAME},
            "rules": {
                "type": "array",
                "maxItems": 16,
                "items": _object(
                    {
                        "matches": {
                            "type": "array",
                            "items": _object(
                                {
                                    "path": _object(
                                        {
                                            "type": {
                                                "enum": ["Exact", "PathPrefix", "RegularExpression"]
                                            },
                                            "value": {"type": "string", "pattern": "^/"},
                                        }
                                    )
                                }
                            ),
                        },
                        "backendRefs": {
                            "type": "array",
                            "items": _object(
                                {
                                    "group": _STRING,
                                    "kind": _STRING,
                                    "name": _NAME,
                                    "namespace": _NAME,
                                    "port": _PORT,
                                    "weight": {"type": "integer", "minimum": 0},
                                },
                                ("name",),
                            ),
                        },
                    }
                ),
            },
        }
    ),
)

SCHEMAS: dict[tuple[str, str], dict[str, Any]] = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): _SERVICE_MONITOR,
    ("gateway.networking.k8s.io/v1", "HTTPRoute"): _HTTP_ROUTE,
}

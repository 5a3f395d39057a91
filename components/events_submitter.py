"""A service account for Argo Events Sensors in the managed namespace: it may create
Workflows (which must reference a catalog template) and read WorkflowTemplates, nothing
else."""

from __future__ import annotations

from typing import Any

from components import facts
from components import k8s as objects

_RBAC_API = "rbac.authorization.k8s.io/v1"

SUBMITTER_PERMISSIONS: tuple[facts.Permission, ...] = (
    # `create` cannot be narrowed by resourceNames.
    facts.Permission(facts.ARGO_GROUP, ("workflows",), ("create",)),
    facts.Permission(facts.ARGO_GROUP, ("workflowtemplates",), ("get", "list", "watch")),
)


def submitter_objects(account: str, namespace: str) -> list[dict[str, Any]]:
    if not account:
        return []
    ns = namespace
    labels = objects.labels("events-submitter")
    return [
        objects.service_account(account, ns, "events-submitter"),
        {
            "apiVersion": _RBAC_API,
            "kind": "Role",
            "metadata": {"name": account, "namespace": ns, "labels": labels},
            "rules": [
                {
                    "apiGroups": [p.api_group],
                    "resources": list(p.resources),
                    "verbs": list(p.verbs),
                }
                for p in SUBMITTER_PERMISSIONS
            ],
        },
        {
            "apiVersion": _RBAC_API,
            "kind": "RoleBinding",
            "metadata": {"name": account, "namespace": ns, "labels": labels},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": account},
            "subjects": [{"kind": "ServiceAccount", "name": account, "namespace": ns}],
        },
    ]

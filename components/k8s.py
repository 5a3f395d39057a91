"""Turn plain Kubernetes manifests into Pulumi resources.

Every component builds its objects as plain dictionaries (easy to read and test) and
hands them to :func:`create`, the one place that knows how each kind is registered. The
one exception is the catalog's WorkflowTemplates: TemplateCatalog makes their custom
resources itself, as `create` would, to keep a frame off the stack the SDK records with
each of them (components/template_catalog.py).
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s
from pulumi_kubernetes import _utilities

from components.k8s_kinds import TYPED_KINDS, type_token

PART_OF = "argo-workflows"
MANAGED_BY = "pulumi"


def labels(component: str, name: str | None = None) -> dict[str, str]:
    """Recommended Kubernetes labels for an object of this install."""
    return {
        "app.kubernetes.io/name": name or component,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/managed-by": MANAGED_BY,
    }


def service_account(name: str, namespace: str, component: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": name, "namespace": namespace, "labels": labels(component)},
    }


def resource_name(manifest: dict[str, Any]) -> str:
    """Stable Pulumi logical name: kind, namespace and name of the object."""
    meta = manifest["metadata"]
    parts = [manifest["kind"].lower(), meta.get("namespace"), meta["name"]]
    return "-".join(p for p in parts if p)


class KubernetesObject(pulumi.CustomResource):
    """A built-in kind, registered as pulumi-kubernetes' typed class for it registers
    (components.k8s_kinds). Its outputs are the object's fields as plain values, by
    their Kubernetes names: ``service.spec["ports"][0]["port"]``."""

    # Its own constructor: the SDK reports the caller of the third `__init__` on the
    # stack as where the resource was declared (pulumi runtime/resource.py
    # `_get_stack_trace`), as for a typed class.
    def __init__(
        self, type_: str, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions
    ) -> None:
        super().__init__(type_, name, props, opts)


def _kind_options(
    api_version: str, kind: str, opts: pulumi.ResourceOptions
) -> pulumi.ResourceOptions:
    """``opts`` with what the typed class adds, in its order: the provider's version
    defaults first, then its aliases, then its secret outputs."""
    facts = TYPED_KINDS[(api_version, kind)]
    opts = pulumi.ResourceOptions.merge(_utilities.get_resource_opts_defaults(), opts)
    if facts.aliases:
        aliases = [pulumi.Alias(type_=token) for token in facts.aliases]
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=aliases))
    if facts.secret_fields:
        secret = pulumi.ResourceOptions(additional_secret_outputs=list(facts.secret_fields))
        opts = pulumi.ResourceOptions.merge(opts, secret)
    return opts


def create(
    manifest: dict[str, Any],
    opts: pulumi.ResourceOptions,
    name: str | None = None,
) -> pulumi.CustomResource:
    """Register one manifest as a Pulumi resource named ``name`` (default: derived)."""
    api_version, kind = manifest["apiVersion"], manifest["kind"]
    name = name or resource_name(manifest)
    facts = TYPED_KINDS.get((api_version, kind))
    if facts is None:
        return k8s.apiextensions.CustomResource(
            name,
            api_version=api_version,
            kind=kind,
            metadata=manifest["metadata"],
            spec=manifest.get("spec"),
            opts=opts,
        )
    props = dict(manifest)
    for field in facts.secret_fields:
        if props.get(field) is not None:
            props[field] = pulumi.Output.secret(props[field])
    return KubernetesObject(
        type_token(api_version, kind), name, props, _kind_options(api_version, kind, opts)
    )


def read(
    api_version: str, kind: str, name: str, object_id: str, opts: pulumi.ResourceOptions
) -> pulumi.CustomResource:
    """Read an existing object of a built-in kind (what the typed class's ``get`` does):
    never written; dependents wait for it, and preview fails while it is missing."""
    opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=object_id))
    unread = dict.fromkeys(("apiVersion", "kind", "metadata", "spec", "status"))
    return KubernetesObject(
        type_token(api_version, kind), name, unread, _kind_options(api_version, kind, opts)
    )

"""The eight Argo Workflows CustomResourceDefinitions, built from one table of facts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components import facts
from components import k8s as objects

_PRESERVED_OBJECT = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
_SCALAR_SCHEMA = {"string": {"type": "string"}, "object": _PRESERVED_OBJECT}


def _schema(crd: facts.CrdFact) -> dict[str, Any]:
    """Minimal structural schema that keeps every field Argo writes.

    Anything the schema neither declares nor preserves is pruned by the API server, so
    `spec` and `status` keep unknown fields, and WorkflowTaskResult (no spec) declares the
    top-level fields the executor writes (argo-workflows manifests/base/crds/minimal).
    """
    properties: dict[str, Any] = {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
    }
    required = ["metadata"]
    if crd.has_spec:
        properties["spec"] = _PRESERVED_OBJECT
        properties["status"] = _PRESERVED_OBJECT
        required.append("spec")
    for field, kind in crd.top_level_fields:
        properties[field] = _SCALAR_SCHEMA[kind]
    return {"type": "object", "properties": properties, "required": required}


def _printer_column(column: facts.PrinterColumn) -> dict[str, Any]:
    out = {
        "name": column.name,
        "type": column.type,
        "jsonPath": column.json_path,
        "description": column.description,
    }
    if column.format:
        out["format"] = column.format
    return out


def crd_name(crd: facts.CrdFact) -> str:
    return f"{crd.plural}.{facts.ARGO_GROUP}"


def build_crd(crd: facts.CrdFact) -> dict[str, Any]:
    version: dict[str, Any] = {
        "name": facts.ARGO_VERSION,
        "served": True,
        "storage": True,
        "schema": {"openAPIV3Schema": _schema(crd)},
    }
    if crd.status_subresource:
        version["subresources"] = {"status": {}}
    if crd.printer_columns:
        version["additionalPrinterColumns"] = [_printer_column(c) for c in crd.printer_columns]
    names: dict[str, Any] = {
        "kind": crd.kind,
        "listKind": f"{crd.kind}List",
        "plural": crd.plural,
        "singular": crd.plural.removesuffix("s"),
    }
    if crd.short_names:
        names["shortNames"] = list(crd.short_names)
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {
            "name": crd_name(crd),
            "labels": objects.labels("crds", "argo-workflows"),
        },
        "spec": {
            "group": facts.ARGO_GROUP,
            "names": names,
            "scope": "Cluster" if crd.cluster_scoped else "Namespaced",
            "versions": [version],
        },
    }


@dataclass(frozen=True)
class CrdsArgs:
    """install: this stack owns the CRDs; otherwise it only reads them (one owner per
    cluster: CRDs are cluster-wide and shared by every install)."""

    install: bool = True


class ArgoCRDs(pulumi.ComponentResource):
    """All Argo CRDs. Retained on delete: deleting a CRD deletes every object of its kind."""

    crds: dict[str, pulumi.CustomResource]

    def __init__(
        self, name: str, args: CrdsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("argo-workflows:index:ArgoCRDs", name, None, opts)
        if args.install:
            child_opts = pulumi.ResourceOptions(parent=self, retain_on_delete=True)
            self.crds = {crd.kind: objects.create(build_crd(crd), child_opts) for crd in facts.CRDS}
        else:
            # Read, never written: dependents still wait for them, and preview fails
            # while no stack has installed them. A logical name of its own: a stack that
            # switches to false drops its created CRDs from its state (retained in the
            # cluster by retainOnDelete) rather than turning them into reads.
            self.crds = {
                crd.kind: objects.read(
                    "apiextensions.k8s.io/v1",
                    "CustomResourceDefinition",
                    f"existing-crd-{crd_name(crd)}",
                    crd_name(crd),
                    pulumi.ResourceOptions(parent=self),
                )
                for crd in facts.CRDS
            }
        self.register_outputs({"names": [crd_name(c) for c in facts.CRDS]})

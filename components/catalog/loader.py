"""Load the whole catalog: read every file, check every document, report every problem."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from components import workflow_pod_defaults
from components.catalog.reading import _catalog_files, _Document, _read_file
from components.catalog.results import CatalogError, CatalogTemplate, content_hash
from policies.argo_rules.template_facts import API_VERSION, KIND
from policies.argo_rules.template_index import caller_parameters, catalog_index
from policies.argo_rules.template_rules import TemplateContext, template_problems
from policies.argo_rules.template_schema import normalized


def load_catalog(
    root: Path,
    *,
    managed_namespace: str,
    require_description: bool = True,
    allowed_service_accounts: Sequence[str] = ("workflow",),
    require_restricted: bool = True,
    pod_security: str = "restricted",
    plugins_enabled: bool = False,
    argo_version: str = "v4.1.2",
    artifact_gc_service_account: str = "",
) -> list[CatalogTemplate]:
    """Read and validate every template below ``root``; raise CatalogError on any problem.

    The defaults are those of Pulumi.yaml; ``pod_security`` is the level the managed
    namespace enforces (`managedNamespacePodSecurity`); ``artifact_gc_service_account`` the
    account the install runs artifact GC pods as ("": none).
    """
    root = Path(root)
    if not root.is_dir():
        raise CatalogError([f"{root}: the catalog folder does not exist"])
    documents: list[_Document] = []
    file_problems: dict[Path, list[str]] = {}  # catalog order
    for path in _catalog_files(root):
        found, file_problems[path] = _read_file(root, path)
        documents += found
    context = TemplateContext(
        managed_namespace=managed_namespace,
        allowed_service_accounts=tuple(allowed_service_accounts),
        pod_security=pod_security,
        require_restricted=require_restricted,
        main_container=workflow_pod_defaults.MAIN_CONTAINER,
        executor=workflow_pod_defaults.EXECUTOR,
        workflow_defaults={
            "spec": {"securityContext": workflow_pod_defaults.WORKFLOW_POD_SECURITY_CONTEXT}
        },
        plugins_enabled=plugins_enabled,
        catalog=catalog_index(d.data for d in documents),
        caller_parameters=caller_parameters(d.data for d in documents),
        require_description=require_description,
        argo_version=argo_version,
        artifact_gc_account=artifact_gc_service_account or None,
    )
    templates: list[CatalogTemplate] = []
    doc_problems: dict[Path, list[str]] = {path: [] for path in file_problems}
    first_seen: dict[str, str] = {}  # template name -> location
    for doc in documents:
        found = [str(p) for p in template_problems(doc.data, context)]
        found += _name_taken(doc, first_seen)
        doc_problems[doc.path] += [f"{doc.location}: {p}" for p in found]
        if not found:
            templates.append(_template(doc, managed_namespace, argo_version))
    # Per file: its documents' problems, then what stopped the file from being read further.
    problems = [p for path in file_problems for p in doc_problems[path] + file_problems[path]]
    if problems:
        raise CatalogError(problems)
    return templates


def _name_taken(doc: _Document, first_seen: dict[str, str]) -> list[str]:
    data = doc.data if isinstance(doc.data, dict) else {}
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    name = metadata.get("name")
    if data.get("kind") != KIND or not isinstance(name, str):
        return []
    first = first_seen.setdefault(name, doc.location)
    if first != doc.location:
        return [f"metadata.name: {name!r} is already defined in {first}"]
    return []


def _template(doc: _Document, managed_namespace: str, argo_version: str) -> CatalogTemplate:
    data = normalized(doc.data, argo_version)
    metadata = {**data["metadata"], "namespace": managed_namespace}
    manifest = {"apiVersion": API_VERSION, "kind": KIND, "metadata": metadata, "spec": data["spec"]}
    return CatalogTemplate(metadata["name"], doc.source, manifest, content_hash(manifest))

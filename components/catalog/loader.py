"""Load the whole catalog: read every file, check every document, report every problem."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from components.catalog.reading import _catalog_files, _Document, _read_file
from components.catalog.references import _catalog_index
from components.catalog.results import CatalogError, CatalogTemplate
from components.catalog.rules import _check_document, _Context


def load_catalog(
    root: Path,
    *,
    managed_namespace: str,
    require_description: bool = True,
    allowed_service_accounts: Sequence[str] = ("workflow",),
    require_restricted: bool = True,
) -> list[CatalogTemplate]:
    """Read and validate every template below ``root``; raise CatalogError on any problem."""
    root = Path(root)
    if not root.is_dir():
        raise CatalogError([f"{root}: the catalog folder does not exist"])
    documents: list[_Document] = []
    file_problems: dict[Path, list[str]] = {}  # catalog order
    for path in _catalog_files(root):
        found, file_problems[path] = _read_file(root, path)
        documents += found
    ctx = _Context(
        managed_namespace=managed_namespace,
        require_description=require_description,
        allowed_service_accounts=tuple(allowed_service_accounts),
        require_restricted=require_restricted,
        catalog=_catalog_index(documents),
    )
    templates: list[CatalogTemplate] = []
    doc_problems: dict[Path, list[str]] = {path: [] for path in file_problems}
    for doc in documents:
        template, found = _check_document(doc, ctx)
        doc_problems[doc.path] += [f"{doc.location}: {p}" for p in found]
        if template is not None:
            templates.append(template)
    # Per file: its documents' problems, then what stopped the file from being read further.
    problems = [p for path in file_problems for p in doc_problems[path] + file_problems[path]]
    if problems:
        raise CatalogError(problems)
    return templates

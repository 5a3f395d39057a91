"""Load the WorkflowTemplate catalog and validate it before anything is registered.

The catalog is one folder of reviewed templates: YAML files (one or more documents each)
and Python files that build Hera ``WorkflowTemplate`` objects (Hera is imported only when
the catalog holds such a file). :func:`load_catalog` reads all of them, checks every
document with the WorkflowTemplate rules the policy pack uses too
(``policies/argo_rules/template_rules.py``) and raises one :class:`CatalogError` that
lists every problem of every file, each naming the file, the document, the field path,
what was found and what is expected.

Modules, one concept each:

- ``facts``: which files the catalog reads;
- ``reading``: finding the files, the strict YAML loader and importing Hera files;
- ``results`` and ``loader``: the public result types and :func:`load_catalog`.

Pure: this package registers no Pulumi resources.
"""

from __future__ import annotations

from components.catalog.facts import PYTHON_SUFFIX, YAML_SUFFIXES
from components.catalog.loader import catalog_index, load_catalog
from components.catalog.results import CatalogError, CatalogTemplate, content_hash
from policies.argo_rules.template_facts import (
    API_VERSION,
    DESCRIPTION_ANNOTATION,
    KIND,
    TEMPLATE_TYPES,
)

__all__ = [
    "API_VERSION",
    "DESCRIPTION_ANNOTATION",
    "KIND",
    "PYTHON_SUFFIX",
    "TEMPLATE_TYPES",
    "YAML_SUFFIXES",
    "CatalogError",
    "CatalogTemplate",
    "catalog_index",
    "content_hash",
    "load_catalog",
]

"""Load the WorkflowTemplate catalog and validate it before anything is registered.

The catalog is one folder of reviewed templates: YAML files (one or more documents each)
and Python files that build Hera ``WorkflowTemplate`` objects. :func:`load_catalog` reads
all of them, checks every document offline and raises one :class:`CatalogError` that lists
every problem of every file, each naming the file, the document and the field path.

Modules, one concept each:

- ``facts``: what the rules rely on (refused kinds, server-set metadata, name limits,
  template types, scalar types, ...);
- ``reading``: finding the files, the strict YAML loader and importing Hera files;
- ``model_check``: the strict walk of a document along Hera's Argo models;
- ``rules``: the rules of one document (kind, metadata, the spec beyond the schema);
- ``references``: steps, tasks and inline templates, and the templates they reference;
- ``pod_spec``: what the pods run as (service accounts, pod spec patches);
- ``messages``: how problems name field paths and values;
- ``results`` and ``loader``: the public result types and :func:`load_catalog`.

Pure: this package registers no Pulumi resources.
"""

from __future__ import annotations

from components.catalog.facts import (
    API_VERSION,
    DESCRIPTION_ANNOTATION,
    KIND,
    PYTHON_SUFFIX,
    TEMPLATE_TYPES,
    YAML_SUFFIXES,
)
from components.catalog.loader import load_catalog
from components.catalog.model_check import _check_value as _check_value
from components.catalog.model_check import check_against_model
from components.catalog.results import CatalogError, CatalogTemplate, content_hash

__all__ = [
    "API_VERSION",
    "DESCRIPTION_ANNOTATION",
    "KIND",
    "PYTHON_SUFFIX",
    "TEMPLATE_TYPES",
    "YAML_SUFFIXES",
    "CatalogError",
    "CatalogTemplate",
    "check_against_model",
    "content_hash",
    "load_catalog",
]

"""What the catalog rules rely on: Argo's and Kubernetes' facts, as tables."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pydantic
from hera.workflows import models as argo

API_VERSION = "argoproj.io/v1alpha1"
KIND = "WorkflowTemplate"
DESCRIPTION_ANNOTATION = "workflows.argoproj.io/description"

YAML_SUFFIXES = (".yaml", ".yml")
PYTHON_SUFFIX = ".py"

_TEMPLATE_ONLY = (
    "this install runs templates only: the catalog holds WorkflowTemplates, and every "
    "workflow is submitted with a workflowTemplateRef to one of them"
)
# Kinds someone may reasonably drop into the catalog, and why each one is refused.
_REFUSED_KINDS = {
    "Workflow": f"a Workflow cannot live in the catalog; {_TEMPLATE_ONLY}",
    "CronWorkflow": (
        f"a CronWorkflow cannot live in the catalog; {_TEMPLATE_ONLY} "
        "(schedules are created separately and reference a catalog template)"
    ),
    "ClusterWorkflowTemplate": (
        "ClusterWorkflowTemplates are not available: the controller runs in managed-namespace "
        f"mode and reads templates from the managed namespace only; {_TEMPLATE_ONLY}"
    ),
}

_DOCUMENT_KEYS = ("apiVersion", "kind", "metadata", "spec")

# Metadata the API server sets; copied from `kubectl get -o yaml` it breaks the apply.
_SERVER_SET_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "selfLink",
)

# Workflows submitted from a WorkflowTemplate carry its name in the label
# `workflows.argoproj.io/workflow-template` (workflow/common/common.go), and label values
# are at most 63 characters, so the name must be a DNS-1123 subdomain of that length.
_NAME_MAX = 63
_DNS1123_SUBDOMAIN = re.compile(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
)

# A template sets exactly one of these (workflow/validate/validate.go, validateTemplateType).
TEMPLATE_TYPES = (
    "container",
    "containerSet",
    "dag",
    "data",
    "http",
    "plugin",
    "resource",
    "script",
    "steps",
    "suspend",
)
# A step or DAG task calls exactly one of these (validate.go, validateTemplateHolder).
_CALL_KEYS = ("template", "templateRef", "inline")

# Argo replaces `{{...}}` (variables and `{{=...}}` expressions) when a workflow runs, with
# values such as parameters that whoever submits the workflow may choose.
_ARGO_TEMPLATE_MARK = "{{"

# Argo's `AnyString` fields take a YAML string, number or boolean and keep it as a string
# (pkg/apis/workflow/v1alpha1/anystring.go); Hera's models type them as plain `str`.
_ANY_STRING_FIELDS = {
    (argo.Parameter, "default"),
    (argo.Parameter, "value"),
    (argo.Parameter, "enum"),
    (argo.Parameter, "description"),
    (argo.ValueFrom, "default"),
}
# Kubernetes quantities accept a YAML number as well as a string
# (k8s.io/apimachinery/pkg/api/resource/quantity.go, UnmarshalJSON); Hera types them `str`.
_NUMBER_OR_TEXT_MODELS = (argo.Quantity,)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# The scalar annotations of Hera's models: how a problem names each, and its exact test.
_SCALARS: dict[Any, tuple[str, Callable[[Any], bool]]] = {
    str: ("a string", lambda v: isinstance(v, str)),
    int: ("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    float: ("a number", _is_number),
    bool: ("a boolean", lambda v: isinstance(v, bool)),
    pydantic.AwareDatetime: (
        "a timestamp",
        lambda v: isinstance(v, str | datetime.datetime),
    ),
}

"""The content rules of a WorkflowTemplate: one implementation for the catalog loader and
the policy pack.

``template_problems(manifest, context)`` runs every rule on one manifest and returns every
problem, each with its field path, what was found and what is expected. Every rule runs
even where another one (the schema check included) already failed, so one round shows
everything. Pure: standard library and PyYAML only.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from . import template_facts as facts
from .go_json import get_ci
from .template_accounts import account_problems
from .template_artifact_gc import artifact_gc_problems, install_gc_account
from .template_pod_metadata import pod_metadata_problems
from .template_pod_security import literal_patch, pod_security_problems
from .template_problem import (
    Problem,
    Unread,
    as_map,
    describe,
    join,
    opaque,
    problem,
    short,
    stated,
    suggest,
)
from .template_schema import check_manifest, check_value
from .template_semantics import semantic_problems
from .template_variables import variable_problems
from .template_walk import all_templates, artifact_gc_settings, pod_spec_patches

__all__ = ["Problem", "TemplateContext", "controller_settings", "template_problems"]

_TEMPLATE_ONLY = (
    "this install runs templates only: the catalog holds WorkflowTemplates, and every "
    "workflow is submitted with a workflowTemplateRef to one of them"
)
# Kinds someone may reasonably hand in for a template, and why each one is refused.
REFUSED_KINDS = {
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


@dataclass(frozen=True)
class TemplateContext:
    """What the rules need to know about the install.

    ``main_container``, ``executor`` and ``workflow_defaults`` are the controller
    ConfigMap's `mainContainer`, `executor` and `workflowDefaults` (None: not set).
    ``catalog`` maps each WorkflowTemplate name to the names of its templates, for
    templateRef; None when the other templates are not known (that check is skipped).
    ``caller_parameters`` maps a WorkflowTemplate name to the workflow parameters the
    templates that call it (through templateRef, transitively) declare: a library
    template may use `{{workflow.parameters.x}}` of its callers.
    """

    managed_namespace: str = "argo-events"
    allowed_service_accounts: tuple[str, ...] = ("workflow",)
    pod_security: str = "restricted"
    require_restricted: bool = True
    main_container: Mapping[str, Any] | None = None
    executor: Mapping[str, Any] | None = None
    workflow_defaults: Mapping[str, Any] | None = None
    plugins_enabled: bool = False
    catalog: Mapping[str, frozenset[str]] | None = None
    caller_parameters: Mapping[str, frozenset[str]] | None = None
    require_description: bool = False
    # Refuse metadata the API server sets (uid, resourceVersion, ...): a catalog file should
    # not carry it; the policy pack judges live objects, which do.
    server_set_metadata_refused: bool = True
    argo_version: str = "v4.1.2"
    # The account artifact GC pods run as; None: the one `workflow_defaults` sets, if any.
    artifact_gc_account: str | None = None

    @functools.cached_property
    def gc_account(self) -> str | None:
        """The account a template's artifact GC settings may name (once per context)."""
        return self.artifact_gc_account or install_gc_account(self.workflow_defaults)


def controller_settings(config_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """`main_container`, `executor` and `workflow_defaults` for a TemplateContext, read from
    the controller ConfigMap's `data` the way the controller reads it: each key a YAML
    document, or everything under one `config` key; keys matched as Go does, ignoring
    letter case (workflow/config, go_json.get_ci). Unset or unreadable keys give None."""
    data = dict(config_data or {})
    whole = _yaml_document(get_ci(data, "config"))
    settings = {}
    for key, field in (
        ("mainContainer", "main_container"),
        ("executor", "executor"),
        ("workflowDefaults", "workflow_defaults"),
    ):
        value = get_ci(whole, key) if isinstance(whole, dict) else _yaml_document(get_ci(data, key))
        settings[field] = value if isinstance(value, dict) else None
    return settings


def _yaml_document(text: Any) -> Any:
    if not isinstance(text, str):
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def template_problems(manifest: Any, context: TemplateContext) -> list[Problem]:
    """Every problem of one WorkflowTemplate manifest (empty: it passes)."""
    if not isinstance(manifest, dict):
        return [problem("", describe(manifest), "a WorkflowTemplate mapping")]
    problems = _envelope(manifest)
    if manifest.get("kind") != facts.KIND:
        return problems
    problems += _metadata(manifest.get("metadata"), context)
    problems += schema_problems(manifest, context.argo_version)
    spec = manifest.get("spec")
    if spec is None:
        problems.append(problem("spec", "nothing", "a WorkflowTemplate spec", "required"))
        return problems
    if not isinstance(spec, dict):
        return problems  # the schema check names the type, or that it is unknown
    if spec.get("workflowTemplateRef") is not None:
        problems.append(
            stated(
                "spec.workflowTemplateRef",
                "a catalog template defines its own templates; call another catalog template "
                "with templateRef from a step or task",
                "a workflowTemplateRef",
                "templates of its own",
            )
        )
    walked = list(all_templates(spec))  # read by the rules below
    patches = list(pod_spec_patches(spec, walked))
    problems += patch_schema_problems(patches, context.argo_version)
    problems += semantic_problems(spec, context.catalog, context.main_container, walked=walked)
    name = as_map(manifest.get("metadata")).get("name")
    callers = as_map(context.caller_parameters).get(name, ()) if isinstance(name, str) else ()
    problems += variable_problems(spec, frozenset(callers))
    problems += account_problems(
        spec, context.allowed_service_accounts, context.plugins_enabled, walked=walked
    )
    gc_settings = list(artifact_gc_settings(spec, walked))
    problems += artifact_gc_problems(gc_settings, context.gc_account)
    problems += pod_metadata_problems(spec, walked, gc_settings)
    if context.require_restricted:
        problems += pod_security_problems(
            spec,
            context.pod_security,
            context.main_container,
            context.executor,
            context.workflow_defaults,
            walked=walked,
            patches=patches,
        )
    return _unread_once(problems)


def _unread_once(problems: list[Problem]) -> list[Problem]:
    """Without the notes of unknown values a rule already refuses at the same path: one
    word for each."""
    if not any(isinstance(p, Unread) for p in problems):
        return problems
    refused = {p.path for p in problems if not isinstance(p, Unread)}
    return [p for p in problems if not isinstance(p, Unread) or p.path not in refused]


def schema_problems(manifest: dict, version: str) -> list[Problem]:
    """The strict schema check of the Argo version the install runs."""
    return check_manifest(manifest, version)


def patch_schema_problems(patches: Sequence[tuple[str, object]], version: str) -> list[Problem]:
    """Every literal podSpecPatch held to the PodSpec schema, as strictly as the rest of
    the manifest. The controller decodes a patch into a PodSpec with encoding/json, which
    binds keys ignoring letter case, and merges what it reads into the pod last
    (workflow/util/util.go ApplyPodSpecPatch): `HostNetwork: true` there means
    hostNetwork, and no API server schema stands between the text and the pod."""
    problems: list[Problem] = []
    for path, text in patches:  # template_walk.pod_spec_patches
        patch = literal_patch(text)
        if patch:
            problems += check_value(patch, facts.POD_SPEC_PATCH, path, version, partial=True)
    return problems


def _envelope(manifest: dict) -> list[Problem]:
    kind, api_version = manifest.get("kind"), manifest.get("apiVersion")
    problems = []
    if api_version != facts.API_VERSION:
        problems.append(problem("apiVersion", short(api_version), repr(facts.API_VERSION)))
    if isinstance(kind, str) and kind in REFUSED_KINDS:
        problems.append(
            stated("kind", f"{kind} is refused: {REFUSED_KINDS[kind]}", kind, facts.KIND)
        )
    elif kind != facts.KIND:
        problems.append(problem("kind", short(kind), repr(facts.KIND)))
    if kind == facts.KIND:
        for key in manifest:
            if key not in facts.DOCUMENT_KEYS:
                problems.append(
                    stated(
                        join("", key),
                        f"unknown field{suggest(key, facts.DOCUMENT_KEYS)}",
                        repr(key),
                        "apiVersion, kind, metadata or spec",
                    )
                )
    return problems


def _metadata(raw: Any, context: TemplateContext) -> list[Problem]:
    if raw is None:
        return [problem("metadata", "nothing", "metadata with a name", "required")]
    if opaque(raw):
        return []  # unknown during a preview: the schema check says so
    metadata = as_map(raw)
    problems = []
    for key in facts.SERVER_SET_METADATA if context.server_set_metadata_refused else ():
        if key in metadata:
            problems.append(
                problem(
                    f"metadata.{key}",
                    "a field the API server sets",
                    "nothing",
                    "remove it from the catalog",
                )
            )
    name = metadata.get("name")
    if "generateName" in metadata:
        problems.append(
            problem(
                "metadata.generateName",
                repr(metadata["generateName"]),
                "a fixed metadata.name",
                "workflowTemplateRef and templateRef point at the name",
            )
        )
    elif name is None:
        problems.append(problem("metadata.name", "nothing", "a name", "required"))
    elif isinstance(name, str) and (
        len(name) > facts.NAME_MAX or not facts.DNS1123_SUBDOMAIN.match(name)
    ):
        problems.append(
            problem(
                "metadata.name",
                repr(name),
                "a DNS-1123 name (lowercase letters, digits, '-' and '.', starting and ending "
                f"with a letter or digit, at most {facts.NAME_MAX} characters)",
            )
        )
    namespace = metadata.get("namespace")
    if isinstance(namespace, str) and namespace != context.managed_namespace:
        problems.append(
            problem(
                "metadata.namespace",
                repr(namespace),
                f"the managed namespace {context.managed_namespace!r} or nothing",
            )
        )
    if context.require_description:
        annotations = as_map(metadata.get("annotations"))
        description = annotations.get(facts.DESCRIPTION_ANNOTATION)
        if not isinstance(description, str) or not description.strip():
            problems.append(
                problem(
                    f"metadata.annotations[{facts.DESCRIPTION_ANNOTATION!r}]",
                    "nothing",
                    "a description",
                    "say what the template does, for reviewers and the Argo UI",
                )
            )
    return problems

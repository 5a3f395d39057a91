"""The whole install: validate every input, then compose the components."""

from __future__ import annotations

from typing import Any

import pulumi

from components import facts
from components.catalog import CatalogError, CatalogTemplate, load_catalog
from components.controller import WorkflowController
from components.crds import ArgoCRDs
from components.namespaces import ArgoNamespaces
from components.rbac import ManagedNamespaceRBAC
from components.server import ArgoServer
from components.settings import (
    PROJECT,
    ConfigError,
    Settings,
    parse_settings,
    read_pulumi_config,
)
from components.template_catalog import TemplateCatalog


def load_inputs(
    raw: dict[str, Any], secret_keys: set[str]
) -> tuple[Settings, list[CatalogTemplate]]:
    """Validate the config and the template catalog; one ConfigError lists every problem."""
    problems: list[str] = []
    try:
        settings = parse_settings(raw, secret_keys)
    except ConfigError as err:
        problems += err.problems
        settings = err.partial
    templates: list[CatalogTemplate] = []
    if settings is not None:
        root = settings.templates_path()
        if not root.is_dir():
            problems.append(
                f"{PROJECT}:templatesDir: found {settings.templatesDir!r}, expected a folder "
                f"of WorkflowTemplates ({root} does not exist)"
            )
        else:
            try:
                templates = load_catalog(
                    root,
                    managed_namespace=settings.managedNamespace,
                    require_description=settings.requireTemplateDescription,
                    allowed_service_accounts=settings.allowedServiceAccounts,
                    require_restricted=settings.requireRestrictedPods,
                    pod_security=settings.managedNamespacePodSecurity,
                )
            except CatalogError as err:
                problems += err.problems
    if problems or settings is None:
        raise ConfigError(problems)
    return settings, templates


def deploy(
    settings: Settings,
    templates: list[CatalogTemplate],
    sso_client_secret: pulumi.Input[str] | None = None,
) -> dict[str, Any]:
    """Register every component; return the stack outputs."""
    namespaces = ArgoNamespaces("namespaces", settings)
    crds = ArgoCRDs("crds")
    rbac = ManagedNamespaceRBAC(
        "rbac", settings, namespaces=[namespaces.control, namespaces.managed]
    )
    controller = WorkflowController(
        "workflow-controller", settings, namespace=namespaces.control, rbac=rbac.controller
    )
    ArgoServer(
        "argo-server",
        settings,
        namespace=namespaces.control,
        rbac=rbac.server,
        config_map=controller.config_map,
        sso_client_secret=sso_client_secret,
    )
    TemplateCatalog(
        "template-catalog",
        templates,
        depends_on=[crds.crds["WorkflowTemplate"], namespaces.managed],
    )
    return {
        "argoVersion": settings.version,
        "controlNamespace": settings.controlNamespace,
        "managedNamespace": settings.managedNamespace,
        "serverServiceName": "argo-server",
        "serverPort": facts.SERVER_PORT,
        "configMapName": facts.CONTROLLER_CONFIGMAP,
        "workflowServiceAccount": settings.workflowServiceAccount,
        "templateNames": sorted(t.name for t in templates),
    }


def run() -> dict[str, Any]:
    """Program entry point: nothing registers unless every input is valid."""
    raw, secret_keys = read_pulumi_config()
    settings, templates = load_inputs(raw, secret_keys)
    client_secret = pulumi.Config(PROJECT).get_secret("ssoClientSecret")
    outputs = deploy(settings, templates, client_secret)
    for key, value in outputs.items():
        pulumi.export(key, value)
    return outputs

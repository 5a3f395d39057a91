"""The whole install: validate every input, then compose the components."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from typing import Any

import pulumi

from components import feature_args
from components.artifacts import secret_names as artifact_secret_names
from components.catalog import CatalogError, CatalogTemplate, load_catalog
from components.controller import ControllerArgs, WorkflowController, WorkflowDefaults
from components.crds import ArgoCRDs, CrdsArgs
from components.memoization import memoization_caches, memoization_problems
from components.namespaces import ArgoNamespaces, NamespacesArgs
from components.pods import Images, Resources
from components.provider import ProviderArgs, create_provider
from components.rbac import ManagedNamespaceRBAC, RbacArgs
from components.server import ArgoServer, IngressArgs, ServerArgs, SsoClientArgs
from components.settings import (
    PROJECT,
    ConfigError,
    Settings,
    document,
    parse_settings,
    read_pulumi_config,
)
from components.sso import SsoConfig, access_levels
from components.template_catalog import TemplateCatalog

PROVIDER_NAME = "kubernetes"

# A program run keeps nearly every object it makes until it ends: the SDK holds each
# resource with its inputs and outputs. CPython's full collections rescan all of them
# (threshold 10 by default: one full pass per ten middle-generation passes), which took a
# fifth to a quarter of the CPU of a 1000-template run. Young objects are collected as before.
_FULL_COLLECTION_AFTER = 100  # middle-generation collections


def fewer_full_collections() -> None:
    """Make full collections rarer for the rest of the process (see above)."""
    young, middle, full = gc.get_threshold()
    gc.set_threshold(young, middle, max(full, _FULL_COLLECTION_AFTER))


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
                    artifact_gc_service_account=settings.artifact_gc_account,
                )
            except CatalogError as err:
                problems += err.problems
            problems += memoization_problems(templates)
    if problems or settings is None:
        raise ConfigError(problems)
    return settings, templates


@dataclass(frozen=True)
class InstallArgs:
    """Each component's own arguments, derived from the validated settings."""

    provider: ProviderArgs
    namespaces: NamespacesArgs
    crds: CrdsArgs
    rbac: RbacArgs
    controller: ControllerArgs
    server: ServerArgs


def install_args(
    settings: Settings,
    sso_client_secret: pulumi.Input[str] | None = None,
    memoization_caches: tuple[str, ...] = (),
) -> InstallArgs:
    """Split the settings into the typed arguments of each component (pure)."""
    s = settings
    images = Images(s.imageRegistry, s.version)
    sso = None
    sso_client = None
    levels: tuple = ()
    if s.ssoEnabled:
        sso = SsoConfig(
            issuer=s.ssoIssuer,
            client_id_secret=s.sso_client_id_secret,
            client_secret_secret=s.sso_client_secret_secret,
            redirect_url=s.sso_redirect_url,
            scopes=tuple(s.ssoScopes),
            session_expiry=s.ssoSessionExpiry,
            rbac_enabled=s.ssoRbacEnabled,
        )
        sso_client = SsoClientArgs(
            secret_name=s.sso_client_id_secret,
            client_id=s.ssoClientId,
            client_secret=None if s.ssoExistingSecret else (sso_client_secret or ""),
        )
        if s.ssoRbacEnabled:
            levels = access_levels(tuple(s.ssoViewerGroups), tuple(s.ssoSubmitterGroups))
    ingress = None
    if s.ingressEnabled:
        ingress = IngressArgs(s.ingressHost, s.ingressClassName, s.ingressTlsSecret)
    artifacts = feature_args.artifact_args(s)
    archive = feature_args.archive_args(s)
    network = feature_args.network_args(s)
    return InstallArgs(
        provider=ProviderArgs(kubeconfig=s.kubeconfig, context=s.kubeContext),
        namespaces=NamespacesArgs(
            control=s.controlNamespace,
            managed=s.managedNamespace,
            create=s.createNamespaces,
            protect=s.protectNamespaces,
            delete_on_destroy=s.deleteNamespacesOnDestroy,
            managed_pod_security=s.managedNamespacePodSecurity,
        ),
        crds=CrdsArgs(install=s.installCrds),
        rbac=RbacArgs(
            control_namespace=s.controlNamespace,
            managed_namespace=s.managedNamespace,
            workflow_service_account=s.workflowServiceAccount,
            allowed_service_accounts=tuple(s.allowedServiceAccounts),
            executor_service_account=s.executorServiceAccount,
            # The artifact repository's credentials join the Secrets artifact downloads read.
            artifact_secret_names=tuple(
                dict.fromkeys(
                    [
                        *s.artifactSecretNames,
                        *(artifact_secret_names(artifacts) if artifacts else ()),
                    ]
                )
            ),
            server_auth_modes=tuple(s.serverAuthModes),
            sso_client_secret_names=tuple(
                n for n in (s.sso_client_id_secret, s.sso_client_secret_secret) if n
            ),
            server_tls_secret=s.serverTlsSecret,
            sso_access_levels=levels,
            memoization_caches=memoization_caches,
            archive_secret=archive.credentials_secret if archive else "",
            artifact_gc_service_account=s.artifact_gc_account,
            events_submitter_service_account=(
                s.eventsSubmitterServiceAccount if s.eventsSubmitterEnabled else ""
            ),
            workflow_image_pull_secrets=tuple(s.workflowImagePullSecrets),
            workflow_account_annotations=tuple(
                sorted(document(s.workflowServiceAccountAnnotations, {}).items())
            ),
        ),
        controller=ControllerArgs(
            control_namespace=s.controlNamespace,
            managed_namespace=s.managedNamespace,
            images=images,
            replicas=s.controllerReplicas,
            resources=Resources(
                s.controllerCpuRequest,
                s.controllerMemoryRequest,
                s.controllerCpuLimit,
                s.controllerMemoryLimit,
            ),
            template_referencing=s.templateReferencing,
            workflow_defaults=WorkflowDefaults(
                service_account=s.workflowServiceAccount,
                executor_service_account=s.executorServiceAccount,
                ttl_seconds_after_success=s.workflowTtlSecondsAfterSuccess,
                ttl_seconds_after_failure=s.workflowTtlSecondsAfterFailure,
                pod_gc_strategy=s.podGcStrategy,
                pod_gc_delete_delay=s.podGcDeleteDelay,
            ),
            sso=sso,
            artifacts=artifacts,
            archive=archive,
            scale=feature_args.scale_args(s),
            containers=feature_args.container_defaults_args(s),
            placement=feature_args.placement_args(s, "controller"),
            pod_options=feature_args.pod_options_args(s, "controller"),
            observability=feature_args.observability_args(s),
            network=network,
        ),
        server=ServerArgs(
            control_namespace=s.controlNamespace,
            managed_namespace=s.managedNamespace,
            images=images,
            replicas=s.serverReplicas,
            resources=Resources(
                s.serverCpuRequest, s.serverMemoryRequest, s.serverCpuLimit, s.serverMemoryLimit
            ),
            auth_modes=tuple(s.serverAuthModes),
            secure=s.serverSecure,
            tls_secret=s.serverTlsSecret,
            base_href=s.serverBaseHref,
            ingress=ingress,
            sso_client=sso_client,
            placement=feature_args.placement_args(s, "server"),
            pod_options=feature_args.pod_options_args(s, "server"),
            routing=feature_args.routing_args(s),
            http_route=s.httpRouteEnabled,
            network=network,
        ),
    )


def deploy(
    settings: Settings,
    templates: list[CatalogTemplate],
    sso_client_secret: pulumi.Input[str] | None = None,
) -> dict[str, Any]:
    """Register every component through one explicit provider; return the stack outputs."""
    args = install_args(settings, sso_client_secret, memoization_caches(templates))
    provider = create_provider(PROVIDER_NAME, args.provider)
    opts = pulumi.ResourceOptions(provider=provider)
    namespaces = ArgoNamespaces("namespaces", args.namespaces, opts=opts)
    crds = ArgoCRDs("crds", args.crds, opts=opts)
    rbac = ManagedNamespaceRBAC(
        "rbac", args.rbac, namespaces=[namespaces.control, namespaces.managed], opts=opts
    )
    controller = WorkflowController(
        "workflow-controller",
        args.controller,
        namespace=namespaces.control,
        rbac=rbac.controller,
        managed_namespace=namespaces.managed,
        opts=opts,
    )
    server = ArgoServer(
        "argo-server",
        args.server,
        namespace=namespaces.control,
        rbac=rbac.server,
        config_map=controller.config_map,
        opts=opts,
    )
    catalog = TemplateCatalog(
        "template-catalog",
        templates,
        depends_on=[crds.crds["WorkflowTemplate"], namespaces.managed],
        opts=opts,
    )
    # Outputs come from the registered resources, so they say what was deployed.
    return {
        "argoVersion": settings.version,
        "controlNamespace": namespaces.control_name,
        "managedNamespace": namespaces.managed_name,
        "serverServiceName": server.service_name,
        "serverPort": server.service_port,
        "configMapName": controller.config_map.metadata["name"],
        "workflowServiceAccount": rbac.workflow_service_account.metadata["name"],
        # once every template is registered; their names without an apply per template
        "templateNames": pulumi.Output.all(*(t.urn for t in catalog.templates.values())).apply(
            lambda _: catalog.template_names
        ),
    }


def run() -> dict[str, Any]:
    """Program entry point: nothing registers unless every input is valid."""
    fewer_full_collections()
    raw, secret_keys = read_pulumi_config()
    settings, templates = load_inputs(raw, secret_keys)
    client_secret = pulumi.Config(PROJECT).get_secret("ssoClientSecret")
    outputs = deploy(settings, templates, client_secret)
    for key, value in outputs.items():
        pulumi.export(key, value)
    return outputs

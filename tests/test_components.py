"""What each component registers: objects, names, namespaces, args, options."""

from __future__ import annotations

import yaml

from components import facts

COMPONENT_TYPES = {
    "argo-workflows:index:ArgoNamespaces",
    "argo-workflows:index:ArgoCRDs",
    "argo-workflows:index:ManagedNamespaceRBAC",
    "argo-workflows:index:WorkflowController",
    "argo-workflows:index:ArgoServer",
    "argo-workflows:index:TemplateCatalog",
}


def _find(render, kind, name, namespace=None):
    matches = [
        o
        for o in render.objects
        if o["kind"] == kind
        and o["metadata"]["name"] == name
        and o["metadata"].get("namespace") == namespace
    ]
    assert len(matches) == 1, (kind, name, namespace, len(matches))
    return matches[0]


def _container(deployment):
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


def test_every_component_registers_with_its_token(stack_render, stack):
    render = stack_render(stack)
    components = {r.type for r in render.resources if not r.custom}
    assert components == COMPONENT_TYPES


def test_every_kubernetes_object_is_parented_to_a_component(stack_render, stack):
    render = stack_render(stack)
    components = {r.urn: r.type for r in render.resources if not r.custom}
    checked = 0
    for r in render.resources:
        if r.custom and r.type.startswith("kubernetes:"):
            assert components.get(r.parent) in COMPONENT_TYPES, (r.name, r.parent)
            checked += 1
    assert checked > 20


def test_namespaces_are_created_with_restricted_pod_security(stack_render):
    render = stack_render("dev")
    for name in ("argo", "argo-events"):
        labels = _find(render, "Namespace", name)["metadata"]["labels"]
        assert labels["pod-security.kubernetes.io/enforce"] == "restricted"


def _namespaces(render):
    return [r for r in render.resources if r.type == "kubernetes:core/v1:Namespace"]


def test_namespaces_are_retained_unless_deletion_is_opted_in(stack_render, render):
    prod, dev = _namespaces(stack_render("prod")), _namespaces(stack_render("dev"))
    assert len(prod) == 2 and all(r.protect and r.retain_on_delete for r in prod)
    assert len(dev) == 2 and all(r.retain_on_delete and not r.protect for r in dev)
    opted_in = _namespaces(render("dev", {"deleteNamespacesOnDestroy": "true"}))
    assert len(opted_in) == 2 and not any(r.retain_on_delete for r in opted_in)


def test_managed_namespace_pod_security_level(render):
    result = render("dev", {"managedNamespacePodSecurity": "baseline"})
    managed = _find(result, "Namespace", "argo-events")["metadata"]["labels"]
    control = _find(result, "Namespace", "argo")["metadata"]["labels"]
    assert managed["pod-security.kubernetes.io/enforce"] == "baseline"
    assert managed["pod-security.kubernetes.io/warn"] == "restricted"
    assert managed["pod-security.kubernetes.io/audit"] == "restricted"
    assert control["pod-security.kubernetes.io/enforce"] == "restricted"


def test_existing_namespaces_are_adopted_not_created(render, stack_render):
    result = render("dev", {"createNamespaces": "false"})
    namespaces = _namespaces(result)
    assert sorted(r.id for r in namespaces) == ["argo", "argo-events"]
    assert all(r.read for r in namespaces)
    # Not the logical name of a created namespace: switching modes never turns one into
    # the other.
    created = {r.name for r in _namespaces(stack_render("dev"))}
    assert not created & {r.name for r in namespaces}
    assert not [o for o in result.objects if o["kind"] == "Namespace"]


def test_eight_crds_from_the_table(stack_render):
    render = stack_render("dev")
    crds = {
        o["spec"]["names"]["kind"]: o
        for o in render.objects
        if o["kind"] == "CustomResourceDefinition"
    }
    assert set(crds) == {c.kind for c in facts.CRDS}
    cwft = crds["ClusterWorkflowTemplate"]
    assert cwft["spec"]["scope"] == "Cluster"
    assert cwft["spec"]["names"]["shortNames"] == ["clusterwftmpl", "cwft"]
    assert crds["Workflow"]["metadata"]["name"] == "workflows.argoproj.io"
    assert crds["Workflow"]["spec"]["names"]["listKind"] == "WorkflowList"
    assert crds["CronWorkflow"]["spec"]["names"]["singular"] == "cronworkflow"
    for kind in ("WorkflowTaskSet", "WorkflowArtifactGCTask"):
        assert crds[kind]["spec"]["versions"][0]["subresources"] == {"status": {}}
    assert "subresources" not in crds["Workflow"]["spec"]["versions"][0]


def test_crd_schemas_keep_what_argo_writes(stack_render):
    crds = {
        o["spec"]["names"]["kind"]: o["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
        for o in stack_render("dev").objects
        if o["kind"] == "CustomResourceDefinition"
    }
    # The executor writes step results at the top level of a WorkflowTaskResult; a
    # schema without them prunes every result.
    result = crds["WorkflowTaskResult"]["properties"]
    assert {"message", "outputs", "phase", "progress"} <= set(result)
    assert result["outputs"]["x-kubernetes-preserve-unknown-fields"] is True
    assert "spec" not in result
    workflow = crds["Workflow"]["properties"]
    for field in ("spec", "status"):
        assert workflow[field]["x-kubernetes-preserve-unknown-fields"] is True


def test_workflow_crd_has_upstream_printer_columns(stack_render):
    crds = {
        o["spec"]["names"]["kind"]: o["spec"]["versions"][0]
        for o in stack_render("dev").objects
        if o["kind"] == "CustomResourceDefinition"
    }
    # pkg/apis/workflow/v1alpha1/workflow_types.go, +kubebuilder:printcolumn markers.
    assert crds["Workflow"]["additionalPrinterColumns"] == [
        {"name": "Status", "type": "string", "jsonPath": ".status.phase",
         "description": "Status of the workflow"},
        {"name": "Age", "type": "date", "format": "date-time", "jsonPath": ".status.startedAt",
         "description": "When the workflow was started"},
        {"name": "Message", "type": "string", "jsonPath": ".status.message",
         "description": "Human readable message indicating details about why the workflow "
         "is in this condition."},
    ]  # fmt: skip
    assert [k for k, v in crds.items() if "additionalPrinterColumns" in v] == ["Workflow"]


def test_crds_survive_destroy(stack_render):
    crds = [r for r in stack_render("dev").resources if r.type.endswith("CustomResourceDefinition")]
    assert len(crds) == 8 and all(r.retain_on_delete for r in crds)


def test_controller_deployment(stack_render):
    render = stack_render("dev")
    deployment = _find(render, "Deployment", "workflow-controller", "argo")
    container = _container(deployment)
    assert container["image"] == "quay.io/argoproj/workflow-controller:v4.1.2"
    args = container["args"]
    assert args[args.index("--configmap") + 1] == "workflow-controller-configmap"
    # The nonroot variant of the executor image (its user is 8737, not root).
    assert args[args.index("--executor-image") + 1] == "quay.io/argoproj/argoexec:v4.1.2-nonroot"
    assert "--namespaced" in args
    assert args[args.index("--managed-namespace") + 1] == "argo-events"
    env = {e["name"]: e for e in container["env"]}
    assert env["LEADER_ELECTION_IDENTITY"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": 6060}
    assert {p["containerPort"] for p in container["ports"]} == {9090, 6060}
    spec = deployment["spec"]["template"]["spec"]
    assert spec["serviceAccountName"] == "argo"
    # Cluster-scoped, so named after the install's control namespace.
    assert spec["priorityClassName"] == "workflow-controller-argo"
    assert _find(render, "PriorityClass", "workflow-controller-argo")["value"] == 1000000
    service = _find(render, "Service", "workflow-controller-metrics", "argo")
    assert service["spec"]["ports"][0]["port"] == 9090


def test_one_version_key_drives_every_image(render):
    result = render("dev", {"version": "v4.0.10", "imageRegistry": "mirror.example.com/argo"})
    controller = _container(_find(result, "Deployment", "workflow-controller", "argo"))
    server = _container(_find(result, "Deployment", "argo-server", "argo"))
    assert controller["image"] == "mirror.example.com/argo/workflow-controller:v4.0.10"
    assert server["image"] == "mirror.example.com/argo/argocli:v4.0.10"
    assert "mirror.example.com/argo/argoexec:v4.0.10-nonroot" in controller["args"]


def test_controller_config_map(stack_render):
    dev = _find(stack_render("dev"), "ConfigMap", "workflow-controller-configmap", "argo")
    data = {k: yaml.safe_load(v) for k, v in dev["data"].items()}
    assert data["workflowRestrictions"] == {"templateReferencing": "Strict"}
    defaults = data["workflowDefaults"]["spec"]
    assert defaults["serviceAccountName"] == "workflow"
    assert defaults["ttlStrategy"] == {"secondsAfterSuccess": 129600, "secondsAfterFailure": 259200}
    assert defaults["podGC"] == {"strategy": "OnWorkflowSuccess", "deleteDelayDuration": "72h"}
    assert data["metricsConfig"]["port"] == 9090
    assert "sso" not in data
    # The controller rejects unknown keys; keep to the ones it knows.
    assert set(data) <= {
        "workflowRestrictions", "workflowDefaults", "executor", "metricsConfig", "sso",
        "mainContainer",
    }  # fmt: skip
    prod = _find(stack_render("prod"), "ConfigMap", "workflow-controller-configmap", "argo")
    prod_data = {k: yaml.safe_load(v) for k, v in prod["data"].items()}
    assert prod_data["workflowRestrictions"] == {"templateReferencing": "Secure"}
    sso = prod_data["sso"]
    assert sso["issuer"] == "https://dex.platform.halvorsen-logistics.com"
    # The client secret stays in the existing Secret the stack names; the client id, from
    # the stack's config, in the Secret the program creates.
    assert sso["clientSecret"] == {"name": "argo-sso", "key": "client-secret"}
    assert sso["clientId"] == {"name": "argo-server-sso", "key": "client-id"}
    # Derived from the Ingress host.
    assert sso["redirectUrl"] == "https://argo.platform.halvorsen-logistics.com/oauth2/callback"
    assert sso["rbac"] == {"enabled": True}
    assert sso["scopes"] == ["groups", "email", "profile"]
    assert sso["sessionExpiry"] == "10h"


def test_server_deployment(stack_render):
    dev = _container(_find(stack_render("dev"), "Deployment", "argo-server", "argo"))
    assert dev["image"] == "quay.io/argoproj/argocli:v4.1.2"
    args = dev["args"]
    assert args[0] == "server" and "--namespaced" in args
    assert args[args.index("--managed-namespace") + 1] == "argo-events"
    assert [args[i + 1] for i, a in enumerate(args) if a == "--auth-mode"] == ["client", "server"]
    assert "--secure=true" in args
    assert dev["readinessProbe"]["httpGet"]["scheme"] == "HTTPS"
    service = _find(stack_render("dev"), "Service", "argo-server", "argo")
    assert service["spec"]["ports"][0]["port"] == 2746


def test_server_plain_http_base_href_and_tls_secret(render):
    plain = render("dev", {"serverSecure": "false", "serverBaseHref": "/argo/"})
    container = _container(_find(plain, "Deployment", "argo-server", "argo"))
    assert "--secure=false" in container["args"]
    assert container["readinessProbe"]["httpGet"]["scheme"] == "HTTP"
    assert container["args"][container["args"].index("--base-href") + 1] == "/argo/"
    tls = render("dev", {"serverTlsSecret": "argo-server-tls"})
    args = _container(_find(tls, "Deployment", "argo-server", "argo"))["args"]
    assert args[args.index("--tls-certificate-secret-name") + 1] == "argo-server-tls"


def test_pdbs_only_with_more_than_one_replica(stack_render):
    def pdbs(render):
        return sorted(
            o["metadata"]["name"] for o in render.objects if o["kind"] == "PodDisruptionBudget"
        )

    assert pdbs(stack_render("dev")) == []
    assert pdbs(stack_render("prod")) == ["argo-server", "workflow-controller"]
    for name in ("argo-server", "workflow-controller"):
        assert _find(stack_render("prod"), "Deployment", name, "argo")["spec"]["replicas"] == 2


def test_sso_secret_from_secret_config_is_redacted(render):
    result = render(
        "dev",
        {
            "ssoEnabled": "true",
            "serverAuthModes": '["sso"]',
            "ssoIssuer": "https://idp.corp.internal",
            "ssoRedirectUrl": "https://argo.corp.internal/oauth2/callback",
            "ssoClientId": "argo-ui",
            "ssoViewerGroups": '["readers"]',
        },
        {"ssoClientSecret": "s3cr3t-value"},
    )
    secret = _find(result, "Secret", "argo-server-sso", "argo")
    assert secret["stringData"] == {"client-id": "<redacted>", "client-secret": "<redacted>"}
    registered = next(
        r
        for r in result.resources
        if r.type == "kubernetes:core/v1:Secret"
        and r.inputs["metadata"]["name"] == "argo-server-sso"
    )
    assert registered.inputs["stringData"]["client-secret"] == "s3cr3t-value"
    assert "s3cr3t-value" not in yaml.safe_dump(result.objects)
    assert "s3cr3t-value" not in repr(result.outputs)


def test_existing_sso_secret_keeps_the_client_secret_out_of_the_program(stack_render):
    (created,) = [
        o
        for o in stack_render("prod").objects
        if o["kind"] == "Secret" and o["metadata"]["namespace"] == "argo"
    ]
    # Only the client id, which the stack names; the client secret stays in argo-sso.
    assert created["metadata"]["name"] == "argo-server-sso"
    assert set(created["stringData"]) == {"client-id"}


def test_ingress(stack_render):
    ingress = _find(stack_render("prod"), "Ingress", "argo-server", "argo")
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "argo.platform.halvorsen-logistics.com"
    backend = rule["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "argo-server", "port": {"number": 2746}}
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert ingress["spec"]["tls"] == [
        {"hosts": ["argo.platform.halvorsen-logistics.com"], "secretName": "argo-platform-tls"}
    ]
    assert not [o for o in stack_render("dev").objects if o["kind"] == "Ingress"]


def test_stack_outputs(stack_render):
    outputs = stack_render("dev").outputs
    assert outputs["controlNamespace"] == "argo"
    assert outputs["managedNamespace"] == "argo-events"
    assert outputs["serverServiceName"] == "argo-server"
    assert outputs["serverPort"] == 2746
    assert outputs["configMapName"] == "workflow-controller-configmap"
    assert outputs["workflowServiceAccount"] == "workflow"
    deployed = sorted(
        o["metadata"]["name"]
        for o in stack_render("dev").objects
        if o["kind"] == "WorkflowTemplate"
    )
    assert outputs["templateNames"] == deployed and "say" in deployed


def test_components_take_typed_arguments_of_their_own():
    import inspect

    from components import controller, crds, namespaces, rbac, server, template_catalog

    expected = {
        namespaces.ArgoNamespaces: namespaces.NamespacesArgs,
        rbac.ManagedNamespaceRBAC: rbac.RbacArgs,
        controller.WorkflowController: controller.ControllerArgs,
        server.ArgoServer: server.ServerArgs,
    }
    for component, args_type in expected.items():
        parameters = inspect.signature(component.__init__).parameters
        assert parameters["args"].annotation == args_type.__name__, component
    for module in (namespaces, crds, rbac, controller, server, template_catalog):
        # The whole settings object stays in the program; components see only their args.
        assert "components.settings" not in inspect.getsource(module), module.__name__


def test_stack_outputs_come_from_the_resources():
    from components import program
    from tools import mock_runtime
    from tools.stack_config import merged_config

    config, secret_keys = merged_config("dev")

    def body():
        settings, templates = program.load_inputs(config, secret_keys)
        outputs = program.deploy(settings, templates)
        return {key: type(value).__name__ for key, value in outputs.items()}

    _, kinds = mock_runtime.run(body, config, secret_keys)
    derived = {k for k, v in kinds.items() if v == "Output"}
    assert derived == {
        "controlNamespace", "managedNamespace", "serverServiceName", "serverPort",
        "configMapName", "workflowServiceAccount", "templateNames",
    }  # fmt: skip


def test_stack_outputs_follow_adopted_namespaces(render):
    result = render(
        "dev",
        {"createNamespaces": "false", "controlNamespace": "ops", "managedNamespace": "jobs"},
    )
    assert result.outputs["controlNamespace"] == "ops"
    assert result.outputs["managedNamespace"] == "jobs"

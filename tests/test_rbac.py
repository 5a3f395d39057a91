"""Effective permissions, computed from the rendered Roles, ClusterRoles and bindings,
must equal EXACTLY what Argo v4.1.2 needs: a missing grant fails, and so does an extra one.

The tables below are written here from the upstream code (each row names the call that
needs it), not imported from the code under test.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

CONTROL, MANAGED = "argo", "argo-events"
CONTROLLER, SERVER = (CONTROL, "argo"), (CONTROL, "argo-server")
WORKFLOW, EXECUTOR = (MANAGED, "workflow"), (MANAGED, "workflow-executor")
SSO_VIEWER, SSO_SUBMITTER = (MANAGED, "argo-sso-viewer"), (MANAGED, "argo-sso-submitter")
ALL = None  # no resourceNames: every object of the resource
CLUSTER_SCOPED = {
    "namespaces", "nodes", "persistentvolumes", "clusterroles", "clusterrolebindings",
    "clusterworkflowtemplates", "customresourcedefinitions", "priorityclasses",
}  # fmt: skip
CRUD = ["create", "get", "list", "watch", "update", "patch", "delete"]
READ = ["get", "list", "watch"]
WF = "argoproj.io"

# Each row: (apiGroup, resources, verbs, resourceNames or ALL, upstream call path).
CONTROLLER_CONTROL = [
    (
        "",
        ["configmaps"],
        READ,
        ["workflow-controller-configmap"],
        "config/controller.go: Get by name; list/watch with fieldSelector metadata.name",
    ),
    ("coordination.k8s.io", ["leases"], ["create"], ALL, "cmd/workflow-controller leader election"),
    (
        "coordination.k8s.io",
        ["leases"],
        ["get", "update"],
        ["workflow-controller"],
        "cmd/workflow-controller leader election",
    ),
    ("", ["events"], ["create", "patch"], ALL, "leader-election event recorder"),
]
CONTROLLER_MANAGED = [
    ("", ["pods", "pods/exec"], CRUD, ALL, "workflow/controller/workflowpod.go, workflow/signal"),
    ("", ["configmaps"], READ, ALL, "workflow/controller/controller.go configmap informer"),
    (
        "",
        ["persistentvolumeclaims", "persistentvolumeclaims/finalizers"],
        ["create", "update", "delete", "get"],
        ALL,
        "workflow/controller/operator.go",
    ),
    (
        WF,
        [
            "workflows",
            "workflows/finalizers",
            "workflowtasksets",
            "workflowtasksets/finalizers",
            "workflowartifactgctasks",
        ],
        CRUD,
        ALL,
        "workflow/controller",
    ),
    (
        WF,
        ["workflowtemplates", "workflowtemplates/finalizers"],
        READ,
        ALL,
        "workflow/controller template informer",
    ),
    (
        WF,
        ["workflowtaskresults"],
        ["list", "watch", "deletecollection"],
        ALL,
        "workflow/controller/taskresult.go",
    ),
    (
        "",
        ["serviceaccounts"],
        ["get", "list"],
        ALL,
        "workflow/controller/workflowpod.go getServiceAccountTokenName",
    ),
    (
        WF,
        ["cronworkflows", "cronworkflows/finalizers"],
        ["get", "list", "watch", "update", "patch", "delete"],
        ALL,
        "workflow/cron",
    ),
    ("", ["events"], ["create", "patch"], ALL, "workflow/controller event recorder"),
    (
        "policy",
        ["poddisruptionbudgets"],
        ["create", "get", "delete"],
        ALL,
        "workflow/controller/operator.go",
    ),
    (
        "",
        ["secrets"],
        ["get"],
        ["argo-workflows-agent-ca-certificates"],
        "workflow/controller/agent.go getCertVolumeMount",
    ),
]
SERVER_CONTROL = [
    ("", ["configmaps"], READ, ["workflow-controller-configmap"], "config/controller.go"),
]
SERVER_MANAGED_OWN = [
    (WF, ["workflows"], ["list", "watch"], ALL, "server/workflow/workflow_server.go reflector"),
    (WF, ["workflowtemplates"], ["list", "watch"], ALL, "server/workflowtemplate/informer.go"),
    (
        "",
        ["events"],
        ["create", "patch"],
        ALL,
        "server/apiserver/argoserver.go NewEventRecorderManager(as.clients.Kubernetes)",
    ),
    (
        "",
        ["configmaps"],
        ["get"],
        ["artifact-repositories"],
        "workflow/artifactrepositories (artifactrepositories.New(as.clients.Kubernetes, ...))",
    ),
]
SERVER_SSO_RBAC = [
    ("", ["serviceaccounts"], ["list", "watch"], ALL, "server/cache/resource_cache.go informer"),
]
VIEWER = [
    (WF, ["workflows"], READ, ALL, "server/workflow/workflow_server.go Get/List/Watch"),
    (
        WF,
        ["workflowtemplates"],
        ["get", "list"],
        ALL,
        "server/workflowtemplate/workflow_template_server.go",
    ),
    (WF, ["cronworkflows"], ["get", "list"], ALL, "server/cronworkflow/cron_workflow_server.go"),
    (WF, ["workfloweventbindings"], ["list"], ALL, "server/event/event_server.go"),
    (
        WF,
        ["sensors", "eventsources"],
        READ,
        ALL,
        "server/sensor/sensor_server.go, server/eventsource/event_source_server.go",
    ),
    ("", ["pods"], READ, ALL, "util/logs/workflow-logger.go"),
    ("", ["pods/log"], ["get"], ALL, "util/logs/workflow-logger.go"),
    ("", ["events"], ["watch"], ALL, "server/workflow/workflow_server.go WatchEvents"),
]
SUBMIT = [(WF, ["workflows"], ["create"], ALL, "server/workflow/workflow_server.go Submit/Create")]
EXECUTOR_NEEDS = [
    (WF, ["workflowtaskresults"], ["create", "patch"], ALL, "workflow/executor/taskresult.go"),
]
AGENT_NEEDS = [
    (WF, ["workflowtasksets"], ["list", "watch"], ALL, "workflow/executor/agent.go"),
    (WF, ["workflowtasksets/status"], ["patch"], ALL, "workflow/executor/agent.go"),
]  # fmt: skip


def _slots(rows):
    """{(group, resource, verb): names or ALL} of table rows."""
    out = {}
    for group, resources, verbs, names, _source in rows:
        for resource in resources:
            for verb in verbs:
                key = (group, resource, verb)
                if names is ALL or out.get(key, ()) is ALL:
                    out[key] = ALL
                else:
                    out[key] = set(out.get(key, set())) | set(names)
    return out


def _named(group, resource, verbs, names, source):
    return [(group, [resource], verbs, sorted(names), source)] if names else []


def expected(
    *,
    server_acts_for_users: bool,
    sso_levels: tuple[str, ...] = (),
    sso_secrets: tuple[str, ...] = (),
    tls_secret: str = "",
    artifact_secrets: tuple[str, ...] = (),
    memo_caches: tuple[str, ...] = (),
    workflow_accounts: tuple[str, ...] = ("workflow",),
    executor: str = "workflow-executor",
):
    """identity -> namespace -> slots, for one configuration."""
    sso = bool(sso_secrets)
    artifacts = _named("", "secrets", ["get"], artifact_secrets, "server/artifacts/resources.go")
    viewer = VIEWER + artifacts
    submitter = viewer + SUBMIT
    server_control = SERVER_CONTROL + _named(
        "", "secrets", ["get"], [*sso_secrets, *([tls_secret] if tls_secret else []),
                                 *(["sso"] if sso else [])], "server/auth/sso/sso.go"
    )  # fmt: skip
    if sso:
        server_control += [("", ["secrets"], ["create"], ALL, "server/auth/sso/sso.go")]
    server_managed = list(SERVER_MANAGED_OWN)
    if sso_levels:
        server_managed += SERVER_SSO_RBAC + _named(
            "", "secrets", ["get"],
            [f"argo-sso-{level}.service-account-token" for level in sso_levels],
            "server/auth/gatekeeper.go authorizationForServiceAccount",
        )  # fmt: skip
    if server_acts_for_users:
        server_managed += submitter
    controller_managed = list(CONTROLLER_MANAGED)
    if memo_caches:
        controller_managed += [
            ("", ["configmaps"], ["create"], ALL, "workflow/controller/cache/configmap_cache.go"),
            ("", ["configmaps"], ["get", "update", "delete"], sorted(memo_caches),
             "workflow/controller/cache/configmap_cache.go, cache_gc.go"),
        ]  # fmt: skip
    out = {
        CONTROLLER: {CONTROL: _slots(CONTROLLER_CONTROL), MANAGED: _slots(controller_managed)},
        SERVER: {CONTROL: _slots(server_control), MANAGED: _slots(server_managed)},
        (MANAGED, executor): {MANAGED: _slots(EXECUTOR_NEEDS)},
    }
    for account in workflow_accounts:
        out[(MANAGED, account)] = {MANAGED: _slots(AGENT_NEEDS)}
    levels = {"viewer": viewer, "submitter": submitter}
    for level in sso_levels:
        out[(MANAGED, f"argo-sso-{level}")] = {MANAGED: _slots(levels[level])}
    return out


DEV = dict(server_acts_for_users=True)
PROD = dict(
    server_acts_for_users=False,
    sso_levels=("viewer", "submitter"),
    sso_secrets=("argo-server-sso", "argo-sso"),
)


def effective_permissions(objects):
    """{(sa_namespace, sa_name): {namespace: {(group, resource, verb): names or ALL}}}."""
    roles = {}
    for o in objects:
        if o["kind"] in ("Role", "ClusterRole"):
            roles[(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"])] = o["rules"]
    granted = defaultdict(lambda: defaultdict(dict))
    for o in objects:
        if o["kind"] == "ClusterRoleBinding":
            raise AssertionError(f"ClusterRoleBinding {o['metadata']['name']} grants cluster-wide")
        if o["kind"] != "RoleBinding":
            continue
        ns = o["metadata"]["namespace"]
        ref = o["roleRef"]
        key = (ref["kind"], None if ref["kind"] == "ClusterRole" else ns, ref["name"])
        assert key in roles, f"RoleBinding {ns}/{o['metadata']['name']} refers to missing {key}"
        for subject in o["subjects"]:
            assert subject["kind"] == "ServiceAccount", subject
            identity = (subject["namespace"], subject["name"])
            for rule in roles[key]:
                for group in rule["apiGroups"]:
                    for resource in rule["resources"]:
                        for verb in rule["verbs"]:
                            slot = granted[identity][ns]
                            names = rule.get("resourceNames")
                            current = slot.get((group, resource, verb), set())
                            if names is None or current is ALL:
                                slot[(group, resource, verb)] = ALL
                            else:
                                slot[(group, resource, verb)] = current | set(names)
    return {identity: dict(by_ns) for identity, by_ns in granted.items()}


def _assert_exact(granted, want):
    assert set(granted) == set(want), "identities differ"
    for identity, by_namespace in want.items():
        assert set(granted[identity]) == set(by_namespace), (identity, "namespaces differ")
        for ns, slots in by_namespace.items():
            got = granted[identity][ns]
            extra = {k: v for k, v in got.items() if k not in slots or slots[k] != v}
            missing = {k: v for k, v in slots.items() if k not in got or got[k] != v}
            assert not extra and not missing, (identity, ns, "extra", extra, "missing", missing)


@pytest.mark.parametrize(("stack", "want"), [("dev", DEV), ("prod", PROD)])
def test_effective_permissions_equal_exactly_what_argo_needs(stack_render, stack, want):
    _assert_exact(effective_permissions(stack_render(stack).objects), expected(**want))


def test_an_extra_or_a_missing_grant_fails_the_comparison(stack_render):
    granted = effective_permissions(stack_render("dev").objects)
    extra = {k: dict(v) for k, v in granted.items()}
    extra[SERVER] = {ns: dict(s) for ns, s in granted[SERVER].items()}
    extra[SERVER][MANAGED][(WF, "workflowtemplates", "create")] = ALL
    with pytest.raises(AssertionError, match="extra"):
        _assert_exact(extra, expected(**DEV))
    missing = {k: {ns: dict(s) for ns, s in v.items()} for k, v in granted.items()}
    del missing[EXECUTOR][MANAGED][(WF, "workflowtaskresults", "create")]
    with pytest.raises(AssertionError, match="missing"):
        _assert_exact(missing, expected(**DEV))


# Writes that change what runs or what the server itself reads.
RUNS = {
    (WF, "workflowtemplates"), (WF, "clusterworkflowtemplates"), (WF, "cronworkflows"),
    (WF, "sensors"), (WF, "eventsources"), (WF, "workfloweventbindings"),
    ("", "configmaps"), ("", "pods"), ("", "pods/exec"), ("", "serviceaccounts"),
    ("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "rolebindings"),
    ("apps", "deployments"),
}  # fmt: skip
WRITE = {"create", "update", "patch", "delete", "deletecollection"}


@pytest.mark.parametrize(
    ("stack", "overrides"),
    [
        ("dev", {}),
        ("prod", {}),
        # SSO without RBAC: every SSO user acts as the server's own account.
        ("prod", {"ssoRbacEnabled": "false", "ssoViewerGroups": "[]", "ssoSubmitterGroups": "[]"}),
    ],
)
def test_the_server_and_its_users_never_write_what_runs(render, stack, overrides):
    granted = effective_permissions(render(stack, overrides).objects)
    users = [SERVER] + [i for i in granted if i[1].startswith("argo-sso-")]
    for identity in users:
        for ns, slots in granted[identity].items():
            for group, resource, verb in slots:
                assert not (verb in WRITE and (group, resource) in RUNS), (
                    identity,
                    ns,
                    resource,
                    verb,
                )
                assert resource != "pods/exec", identity
    # At most read and submit: the only write is creating Workflows (which Strict/Secure
    # makes reference a catalog template), plus the server's own events and sso Secret.
    server_writes = {
        (ns, g, r, v) for ns, s in granted[SERVER].items() for (g, r, v) in s if v in WRITE
    }
    allowed = {
        (MANAGED, WF, "workflows", "create"), (MANAGED, "", "events", "create"),
        (MANAGED, "", "events", "patch"), (CONTROL, "", "secrets", "create"),
    }  # fmt: skip
    assert server_writes <= allowed, server_writes - allowed


def test_anonymous_requests_in_server_mode_may_read_and_submit(stack_render, render):
    # dev runs `--auth-mode server`: a request without a token acts as argo-server.
    granted = effective_permissions(stack_render("dev").objects)[SERVER][MANAGED]
    assert granted[(WF, "workflows", "create")] is ALL
    assert granted[("", "pods/log", "get")] is ALL
    assert (WF, "workflowtemplates", "create") not in granted
    # Without server mode (client only) the server's account acts for nobody.
    solo = effective_permissions(render("dev", {"serverAuthModes": '["client"]'}).objects)
    assert solo[SERVER][MANAGED] == _slots(SERVER_MANAGED_OWN)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_nothing_is_granted_outside_the_two_namespaces(stack_render, stack):
    granted = effective_permissions(stack_render(stack).objects)
    for identity, by_namespace in granted.items():
        assert set(by_namespace) <= {CONTROL, MANAGED}, identity
    for identity in (WORKFLOW, EXECUTOR):
        assert set(granted[identity]) == {MANAGED}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_rules_are_narrow(stack_render, stack):
    objects = stack_render(stack).objects
    assert not [o for o in objects if o["kind"] == "ClusterRoleBinding"]
    for o in objects:
        if o["kind"] not in ("Role", "ClusterRole"):
            continue
        for rule in o["rules"]:
            for field in ("apiGroups", "resources", "verbs"):
                assert "*" not in rule[field], (o["metadata"]["name"], rule)
            if "resourceNames" in rule:
                # An empty list would mean every object.
                assert rule["resourceNames"], (o["metadata"]["name"], rule)
                assert "create" not in rule["verbs"], "create cannot be narrowed by name"
            if o["kind"] == "Role":
                assert not set(rule["resources"]) & CLUSTER_SCOPED, (o["metadata"]["name"], rule)


def test_server_secret_names_follow_config(render):
    result = render("dev", {"serverTlsSecret": "argo-server-tls"})
    granted = effective_permissions(result.objects)
    assert granted[SERVER][CONTROL][("", "secrets", "get")] == {"argo-server-tls"}
    assert ("", "secrets", "create") not in granted[SERVER][CONTROL]
    assert ("", "secrets", "get") not in granted[SERVER][MANAGED]


def test_artifact_secrets_go_to_who_downloads_not_to_the_controller(render):
    # Workflow pods get artifact credentials as Secret volumes (the executor reads the
    # mounted files, workflow/executor/executor.go GetSecret); the server's artifact
    # downloads read them with the caller's client (server/artifacts/resources.go).
    dev = render("dev", {"artifactSecretNames": '["s3-credentials"]'})
    _assert_exact(
        effective_permissions(dev.objects),
        expected(**DEV, artifact_secrets=("s3-credentials",)),
    )
    prod = render("prod", {"artifactSecretNames": '["s3-credentials", "gcs-key"]'})
    granted = effective_permissions(prod.objects)
    _assert_exact(granted, expected(**PROD, artifact_secrets=("s3-credentials", "gcs-key")))
    assert granted[CONTROLLER][MANAGED][("", "secrets", "get")] == {
        "argo-workflows-agent-ca-certificates"
    }
    for level in (SSO_VIEWER, SSO_SUBMITTER):
        assert granted[level][MANAGED][("", "secrets", "get")] == {"s3-credentials", "gcs-key"}


def test_every_allowed_workflow_account_gets_the_agent_role_only(render):
    result = render(
        "dev",
        {"workflowServiceAccount": "runner", "allowedServiceAccounts": '["runner", "deployer"]'},
    )
    _assert_exact(
        effective_permissions(result.objects),
        expected(**DEV, workflow_accounts=("runner", "deployer")),
    )
    # Only the default account is created; other allowed ones are the user's own.
    accounts = {o["metadata"]["name"] for o in result.objects if o["kind"] == "ServiceAccount"}
    assert accounts == {"argo", "argo-server", "runner", "workflow-executor"}


def test_effective_permissions_sees_a_cluster_role_binding():
    objects = [
        {"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": []},
        {
            "kind": "ClusterRoleBinding",
            "metadata": {"name": "everywhere"},
            "roleRef": {"kind": "ClusterRole", "name": "r"},
            "subjects": [],
        },
    ]
    with pytest.raises(AssertionError, match="everywhere"):
        effective_permissions(objects)

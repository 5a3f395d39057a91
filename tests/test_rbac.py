"""Effective permissions, computed from the rendered Roles, ClusterRoles and bindings.

The expectations are written out here from the upstream facts (what each identity needs
and where), not imported from the code under test.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

CONTROL, MANAGED = "argo", "argo-events"
CONTROLLER, SERVER, WORKFLOW = (CONTROL, "argo"), (CONTROL, "argo-server"), (MANAGED, "workflow")
ALL = None  # no resourceNames: every object of the resource
CLUSTER_SCOPED = {
    "namespaces", "nodes", "persistentvolumes", "clusterroles", "clusterrolebindings",
    "clusterworkflowtemplates", "customresourcedefinitions", "priorityclasses",
}  # fmt: skip
CRUD = ("create", "get", "list", "watch", "update", "patch", "delete")

# identity -> namespace -> [(apiGroup, resources, verbs, resourceName or ALL)]
NEEDED = {
    CONTROLLER: {
        CONTROL: [
            ("", ["configmaps"], ["get", "list", "watch"], "workflow-controller-configmap"),
            ("coordination.k8s.io", ["leases"], ["create"], ALL),
            ("coordination.k8s.io", ["leases"], ["get", "update"], "workflow-controller"),
            ("", ["events"], ["create", "patch"], ALL),
        ],
        MANAGED: [
            ("", ["pods", "pods/exec"], CRUD, ALL),
            ("", ["configmaps"], ["get", "list", "watch"], ALL),
            ("", ["persistentvolumeclaims", "persistentvolumeclaims/finalizers"],
             ["create", "update", "delete", "get"], ALL),
            ("argoproj.io", ["workflows", "workflows/finalizers", "workflowtasksets",
                             "workflowtasksets/finalizers", "workflowartifactgctasks"], CRUD, ALL),
            ("argoproj.io", ["workflowtemplates", "workflowtemplates/finalizers"],
             ["get", "list", "watch"], ALL),
            ("argoproj.io", ["workflowtaskresults"], ["list", "watch", "deletecollection"], ALL),
            ("", ["serviceaccounts"], ["get", "list"], ALL),
            ("argoproj.io", ["cronworkflows", "cronworkflows/finalizers"],
             ["get", "list", "watch", "update", "patch", "delete"], ALL),
            ("", ["events"], ["create", "patch"], ALL),
            ("policy", ["poddisruptionbudgets"], ["create", "get", "delete"], ALL),
            ("", ["secrets"], ["get"], "argo-workflows-agent-ca-certificates"),
        ],
    },
    SERVER: {
        CONTROL: [("", ["configmaps"], ["get", "list", "watch"], ALL)],
        MANAGED: [
            ("argoproj.io", ["eventsources", "sensors", "workflows", "workfloweventbindings",
                             "workflowtemplates", "cronworkflows"], CRUD, ALL),
            ("", ["pods", "pods/exec", "pods/log"], ["get", "list", "watch", "delete"], ALL),
            ("", ["events"], ["watch", "create", "patch"], ALL),
            ("", ["serviceaccounts"], ["get", "list", "watch"], ALL),
            ("", ["configmaps"], ["get", "list", "watch", "create", "update"], ALL),
        ],
    },
    WORKFLOW: {
        MANAGED: [
            ("argoproj.io", ["workflowtaskresults"], ["create", "patch"], ALL),
            ("argoproj.io", ["workflowtasksets"], ["list", "watch"], ALL),
            ("argoproj.io", ["workflowtasksets/status"], ["patch"], ALL),
        ],
    },
}  # fmt: skip


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
    return granted


def _allows(slot, group, resource, verb, name):
    if (group, resource, verb) not in slot:
        return False
    names = slot[(group, resource, verb)]
    return names is ALL or (name is not ALL and name in names)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_needed_permission_is_granted_where_needed(stack_render, stack):
    granted = effective_permissions(stack_render(stack).objects)
    missing = []
    for identity, by_namespace in NEEDED.items():
        for ns, needs in by_namespace.items():
            for group, resources, verbs, name in needs:
                for resource in resources:
                    for verb in verbs:
                        if not _allows(granted[identity][ns], group, resource, verb, name):
                            missing.append((identity, ns, group, resource, verb, name))
    assert missing == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_nothing_is_granted_outside_the_two_namespaces(stack_render, stack):
    granted = effective_permissions(stack_render(stack).objects)
    assert set(granted) == {CONTROLLER, SERVER, WORKFLOW}
    for identity, by_namespace in granted.items():
        assert set(by_namespace) <= {CONTROL, MANAGED}, identity
    assert set(granted[WORKFLOW]) == {MANAGED}


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


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_secret_reads_are_narrowed_by_name(stack_render, stack):
    granted = effective_permissions(stack_render(stack).objects)
    controller = granted[CONTROLLER][MANAGED][("", "secrets", "get")]
    assert controller == {"argo-workflows-agent-ca-certificates"}
    assert ("", "secrets", "get") not in granted[CONTROLLER][CONTROL]
    server_control = granted[SERVER][CONTROL].get(("", "secrets", "get"))
    if stack == "dev":
        assert server_control is None  # no SSO, no TLS secret: no secret to read
    else:
        assert server_control == {"argo-sso", "sso"}
        assert _allows(granted[SERVER][CONTROL], "", "secrets", "create", ALL)
        # SSO RBAC reads service-account token secrets in the managed namespace.
        assert granted[SERVER][MANAGED][("", "secrets", "get")] is ALL


def test_server_secret_names_follow_config(render):
    result = render("dev", {"serverTlsSecret": "argo-server-tls"})
    granted = effective_permissions(result.objects)
    assert granted[SERVER][CONTROL][("", "secrets", "get")] == {"argo-server-tls"}
    assert ("", "secrets", "create") not in granted[SERVER][CONTROL]
    assert ("", "secrets", "get") not in granted[SERVER][MANAGED]


def test_artifact_secrets_extend_the_controller_narrowly(render):
    result = render("dev", {"artifactSecretNames": '["s3-credentials"]'})
    granted = effective_permissions(result.objects)
    assert granted[CONTROLLER][MANAGED][("", "secrets", "get")] == {
        "argo-workflows-agent-ca-certificates",
        "s3-credentials",
    }


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


def test_every_allowed_workflow_account_gets_the_executor_role(render):
    result = render(
        "dev",
        {"workflowServiceAccount": "runner", "allowedServiceAccounts": '["runner", "deployer"]'},
    )
    granted = effective_permissions(result.objects)
    for account in ("runner", "deployer"):
        slot = granted[(MANAGED, account)][MANAGED]
        assert _allows(slot, "argoproj.io", "workflowtaskresults", "create", ALL), account
        assert set(granted[(MANAGED, account)]) == {MANAGED}
    assert (MANAGED, "workflow") not in granted
    # Only the default account is created; other allowed ones are the user's own.
    accounts = [o["metadata"]["name"] for o in result.objects if o["kind"] == "ServiceAccount"]
    assert sorted(accounts) == ["argo", "argo-server", "runner"]

"""Effective RBAC of a stack (effective_rbac) and the rule built on it.

Expected answers follow Kubernetes' own authorizer (pkg/apis/rbac/v1/evaluation_helpers.go:
`*` in verbs / apiGroups / resources, `*/sub` for subresources, resourceNames never
narrowing a create) and the upstream needs of the Argo controller (cronworkflows update /
patch / delete, argo-workflows workflow/cron).
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import pytest
from effective_rbac import (
    SOME_NAME,
    Identity,
    StackObject,
    effective_rbac,
    service_account,
)
from effective_rbac_rules import deployer_only_problems, install_names
from install_facts import install_facts
from k8s_objects import kind_of_manifest, to_plain
from pack_settings import Settings
from policy_harness import load_yaml_all
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy
from resource_objects import FoundObject

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rbac"
MAIN_DEV_STACK = FIXTURES / "dev-stack-main-4ed615c.yaml"
RBAC = "rbac.authorization.k8s.io/v1"


def _objects(manifests: list[dict[str, Any]]) -> list[StackObject]:
    found = []
    for manifest in manifests:
        kind = kind_of_manifest(manifest)
        found.append(StackObject(kind.group, kind.kind, manifest, manifest["kind"]))
    return found


def role(name: str, namespace: str, rules: list[dict], kind: str = "Role") -> dict:
    metadata = {"name": name, "namespace": namespace} if kind == "Role" else {"name": name}
    return {"apiVersion": RBAC, "kind": kind, "metadata": metadata, "rules": rules}


def binding(
    name: str, ref_kind: str, ref_name: str, subjects: list[dict], namespace: str | None = None
) -> dict:
    kind = "RoleBinding" if namespace else "ClusterRoleBinding"
    metadata = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {
        "apiVersion": RBAC,
        "kind": kind,
        "metadata": metadata,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": ref_kind, "name": ref_name},
        "subjects": subjects,
    }


def sa(name: str, namespace: str) -> dict:
    return {"kind": "ServiceAccount", "name": name, "namespace": namespace}


def rule(groups, resources, verbs, names=None) -> dict:
    found = {"apiGroups": groups, "resources": resources, "verbs": verbs}
    if names:
        found["resourceNames"] = names
    return found


ALICE = service_account("argo-events", "alice")
WT = ("argoproj.io", "workflowtemplates")


def _allows(manifests, identity, namespace, group, resource, verb, name=None) -> bool:
    model = effective_rbac(_objects(manifests))
    return model.allows(identity, namespace, group, resource, verb, name) is not None


# --- request matching -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "verb", "name", "expected"),
    [
        ([rule(["argoproj.io"], ["workflowtemplates"], ["create"])], "create", None, True),
        ([rule(["argoproj.io"], ["workflowtemplates"], ["get"])], "create", None, False),
        ([rule(["*"], ["*"], ["*"])], "delete", SOME_NAME, True),
        ([rule(["argoproj.io"], ["*"], ["patch"])], "patch", SOME_NAME, True),
        ([rule([""], ["workflowtemplates"], ["*"])], "patch", SOME_NAME, False),
        ([rule(["argoproj.io"], ["workflows"], ["*"])], "patch", SOME_NAME, False),
        # resourceNames narrow update to the named objects, never a create.
        ([rule(["argoproj.io"], ["workflowtemplates"], ["update"], ["a"])], "update", "a", True),
        ([rule(["argoproj.io"], ["workflowtemplates"], ["update"], ["a"])], "update", "b", False),
        ([rule(["argoproj.io"], ["workflowtemplates"], ["create"], ["a"])], "create", None, False),
    ],
)
def test_rules_match_requests_as_the_authorizer_does(rules, verb, name, expected) -> None:
    manifests = [
        role("r", "argo-events", rules),
        binding("b", "Role", "r", [sa("alice", "argo-events")], "argo-events"),
    ]
    assert _allows(manifests, ALICE, "argo-events", *WT, verb, name) is expected


def test_subresource_wildcard_matches_only_that_subresource() -> None:
    manifests = [
        role("r", "argo-events", [rule([""], ["*/exec"], ["create"])]),
        binding("b", "Role", "r", [sa("alice", "argo-events")], "argo-events"),
    ]
    assert _allows(manifests, ALICE, "argo-events", "", "pods/exec", "create", SOME_NAME)
    assert not _allows(manifests, ALICE, "argo-events", "", "pods", "create")


def test_role_binding_to_cluster_role_grants_only_in_its_namespace() -> None:
    manifests = [
        role(
            "writer", "", [rule(["argoproj.io"], ["workflowtemplates"], ["create"])], "ClusterRole"
        ),
        binding("b", "ClusterRole", "writer", [sa("alice", "argo-events")], "other"),
    ]
    assert _allows(manifests, ALICE, "other", *WT, "create")
    assert not _allows(manifests, ALICE, "argo-events", *WT, "create")
    assert not _allows(manifests, ALICE, None, "argoproj.io", "workflowtemplates", "create")


def test_cluster_role_binding_grants_everywhere_and_cluster_scope() -> None:
    manifests = [
        role("writer", "", [rule(["argoproj.io"], ["*"], ["create"])], "ClusterRole"),
        binding("b", "ClusterRole", "writer", [sa("alice", "argo-events")]),
    ]
    assert _allows(manifests, ALICE, "argo-events", *WT, "create")
    assert _allows(manifests, ALICE, None, "argoproj.io", "clusterworkflowtemplates", "create")


@pytest.mark.parametrize(
    "subject",
    [
        {"kind": "User", "name": "system:serviceaccount:argo-events:alice"},
        {"kind": "Group", "name": "system:serviceaccounts"},
        {"kind": "Group", "name": "system:serviceaccounts:argo-events"},
        {"kind": "Group", "name": "system:authenticated"},
        {"kind": "ServiceAccount", "name": "alice"},  # a RoleBinding's own namespace
    ],
)
def test_account_is_reached_through_user_and_group_subjects(subject) -> None:
    manifests = [
        role("r", "argo-events", [rule(["argoproj.io"], ["workflowtemplates"], ["create"])]),
        binding("b", "Role", "r", [subject], "argo-events"),
    ]
    assert _allows(manifests, ALICE, "argo-events", *WT, "create")


def test_group_of_another_namespace_does_not_include_the_account() -> None:
    manifests = [
        role("r", "argo-events", [rule(["argoproj.io"], ["workflowtemplates"], ["create"])]),
        binding(
            "b", "Role", "r", [{"kind": "Group", "name": "system:serviceaccounts:x"}], "argo-events"
        ),
    ]
    assert not _allows(manifests, ALICE, "argo-events", *WT, "create")


def _aggregated(selector: dict, labels: dict) -> list[dict]:
    aggregate = role("aggregate", "", [], "ClusterRole")
    aggregate["aggregationRule"] = {"clusterRoleSelectors": [selector]}
    part = role(
        "part", "", [rule(["argoproj.io"], ["workflowtemplates"], ["create"])], "ClusterRole"
    )
    part["metadata"]["labels"] = labels
    return [
        aggregate,
        part,
        binding("b", "ClusterRole", "aggregate", [sa("alice", "argo-events")], "argo-events"),
    ]


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ({"matchLabels": {"team": "a"}}, {"team": "a"}, True),
        ({"matchLabels": {"team": "a"}}, {"team": "b"}, False),
        (
            {"matchExpressions": [{"key": "team", "operator": "In", "values": ["a", "c"]}]},
            {"team": "a"},
            True,
        ),
        ({"matchExpressions": [{"key": "team", "operator": "Exists"}]}, {"team": "z"}, True),
        (
            {"matchExpressions": [{"key": "team", "operator": "NotIn", "values": ["a"]}]},
            {"team": "a"},
            False,
        ),
        ({"matchExpressions": [{"key": "team", "operator": "DoesNotExist"}]}, {}, True),
    ],
)
def test_aggregation_rule_collects_selected_cluster_roles(selector, labels, expected) -> None:
    assert _allows(_aggregated(selector, labels), ALICE, "argo-events", *WT, "create") is expected


def test_aggregation_into_builtin_edit_reaches_its_holders() -> None:
    part = role(
        "argo-edit", "", [rule(["argoproj.io"], ["workflowtemplates"], ["create"])], "ClusterRole"
    )
    part["metadata"]["labels"] = {"rbac.authorization.k8s.io/aggregate-to-edit": "true"}
    model = effective_rbac(_objects([part]))
    holders = [i for i in model.subjects() if "edit" in i.name]
    assert holders and all(i.kind == "Group" for i in holders)
    assert model.allows(holders[0], "argo-events", *WT, "create") is not None
    admin = [i for i in model.subjects() if "ClusterRole admin" in i.name]
    assert admin, "admin aggregates what is aggregated into edit"


def test_binding_to_builtin_edit_lets_the_account_act_as_others() -> None:
    manifests = [
        binding("b", "ClusterRole", "edit", [sa("alice", "argo-events")], "argo-events"),
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": "bob", "namespace": "argo-events"},
        },
    ]
    model = effective_rbac(_objects(manifests))
    assert service_account("argo-events", "bob") in model.acts_as(ALICE)


@pytest.mark.parametrize(
    ("rules", "reached"),
    [
        ([rule([""], ["pods"], ["create"])], True),
        ([rule([""], ["pods/exec"], ["get"])], True),
        ([rule(["batch"], ["jobs"], ["create"])], True),
        ([rule([""], ["serviceaccounts/token"], ["create"], ["bob"])], True),
        ([rule([""], ["serviceaccounts/token"], ["create"], ["carol"])], False),
        ([rule([""], ["secrets"], ["get"], ["bob.service-account-token"])], True),
        ([rule([""], ["secrets"], ["get"], ["argo-workflows-agent-ca-certificates"])], False),
        ([rule([""], ["serviceaccounts"], ["impersonate"], ["bob"])], True),
        ([rule([""], ["pods"], ["get", "list", "watch", "delete"])], False),
    ],
)
def test_acting_as_another_account(rules, reached) -> None:
    manifests = [
        role("r", "argo-events", rules),
        binding("b", "Role", "r", [sa("alice", "argo-events")], "argo-events"),
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": "bob", "namespace": "argo-events"},
        },
    ]
    model = effective_rbac(_objects(manifests))
    assert (service_account("argo-events", "bob") in model.acts_as(ALICE)) is reached


def test_unknown_values_count_as_wildcards() -> None:
    manifest = role("r", "argo-events", [rule(["argoproj.io"], ["workflowtemplates"], ["get"])])
    manifest["rules"][0]["verbs"] = [UNKNOWN_STRING_VALUE]
    plain = to_plain(unknown_checking_proxy(manifest))
    manifests = [plain, binding("b", "Role", "r", [sa("alice", "argo-events")], "argo-events")]
    assert _allows(manifests, ALICE, "argo-events", *WT, "delete", SOME_NAME)


# --- the rule over a whole stack ---------------------------------------------------------


def _found(manifests: list[dict]) -> list[FoundObject]:
    return [FoundObject(kind_of_manifest(m), m, f"{m['kind']} {_name(m)}", "") for m in manifests]


def _name(manifest: dict) -> Any:
    metadata = manifest.get("metadata")
    return metadata.get("name") if isinstance(metadata, dict) else None


@functools.cache
def _parsed_main_dev_stack() -> list[dict]:
    return [doc for doc in load_yaml_all(MAIN_DEV_STACK) if doc]


def _main_dev_stack() -> list[dict]:
    """The recorded stack's manifests, a fresh copy on every call (parsed once)."""
    return copy.deepcopy(_parsed_main_dev_stack())


def _fixed(manifests: list[dict]) -> list[dict]:
    """main's dev stack with the server's write verbs and `server` auth mode removed."""
    fixed = []
    for manifest in manifests:
        manifest = copy.deepcopy(manifest)
        if (
            manifest["kind"] == "ClusterRole"
            and manifest["metadata"]["name"] == "argo-workflows-server"
        ):
            for item in manifest["rules"]:
                item["verbs"] = [v for v in item["verbs"] if v in ("get", "list", "watch")]
            manifest["rules"][0]["resources"].remove("workflows")
            manifest["rules"].append(
                rule(["argoproj.io"], ["workflows"], ["create", "get", "list", "watch"])
            )
        fixed.append(manifest)
    return fixed


def test_main_dev_stack_is_refused_for_the_server_writing_templates() -> None:
    problems = [m for m, _ in deployer_only_problems(_found(_main_dev_stack()), Settings())]
    server = [m for m in problems if m.startswith("Service account argo/argo-server may")]
    assert any("workflowtemplates in namespace argo-events" in m for m in server), problems
    assert any("cronworkflows in namespace argo-events" in m for m in server), problems
    assert any("--auth-mode server" in m for m in server)
    assert not any(m.startswith("Service account argo/argo may") for m in problems), problems


def test_dev_stack_without_server_writes_passes() -> None:
    problems = deployer_only_problems(_found(_fixed(_main_dev_stack())), Settings())
    assert problems == []


def test_install_names_come_from_the_deployments() -> None:
    stack = _objects(_main_dev_stack())
    facts = install_names(stack, Settings(control_namespace="x", managed_namespace="y"))
    assert {"argo", "x"} <= facts.control_namespaces
    assert {"argo-events", "y"} <= facts.managed_namespaces
    assert ("argo", "workflow-controller-configmap") in facts.config_maps
    assert ("argo", "workflow-controller") in facts.deployments
    assert ("argo", "argo-server") in facts.deployments
    assert service_account("argo", "argo") in facts.controller_accounts
    assert facts.server_accounts[service_account("argo", "argo-server")] == ["client", "server"]


def _with(*extra: dict) -> list[FoundObject]:
    return _found([*_fixed(_main_dev_stack()), *extra])


def test_controller_keeps_exactly_the_cron_writes_upstream_needs() -> None:
    controller_role = next(
        m
        for m in _fixed(_main_dev_stack())
        if m["kind"] == "ClusterRole" and m["metadata"]["name"] == "argo-workflows-controller"
    )
    cron = next(r for r in controller_role["rules"] if "cronworkflows" in r["resources"])
    assert {"update", "patch", "delete"} <= set(cron["verbs"])
    extra = role("more", "argo-events", [rule(["argoproj.io"], ["cronworkflows"], ["create"])])
    bound = binding("more", "Role", "more", [sa("argo", "argo")], "argo-events")
    problems = [m for m, _ in deployer_only_problems(_with(extra, bound), Settings())]
    assert problems and all("may create cronworkflows" in m for m in problems), problems


def test_a_job_running_as_the_controller_account_gets_no_exemption() -> None:
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "j", "namespace": "argo"},
        "spec": {"template": {"spec": {"serviceAccountName": "argo", "containers": []}}},
    }
    problems = [m for m, _ in deployer_only_problems(_with(job), Settings())]
    assert any(
        m.startswith("Job j runs as service account argo/argo") and "cronworkflows" in m
        for m in problems
    )


def test_sso_account_is_named_in_the_message() -> None:
    account = {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {
            "name": "admin-users",
            "namespace": "argo-events",
            "annotations": {"workflows.argoproj.io/rbac-rule": "'admins' in groups"},
        },
    }
    writer = role("w", "argo-events", [rule(["argoproj.io"], ["workflowtemplates"], ["update"])])
    bound = binding("w", "Role", "w", [sa("admin-users", "argo-events")], "argo-events")
    problems = [m for m, _ in deployer_only_problems(_with(account, writer, bound), Settings())]
    assert any("SSO users matching" in m and "admin-users" in m for m in problems), problems


def test_identity_strings() -> None:
    assert str(Identity("Group", "system:authenticated")) == "group system:authenticated"
    assert str(service_account("a", "b")) == "service account a/b"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_program_stacks_pass_the_deployer_only_rule(stack_render, stack: str) -> None:
    """The stacks as shipped: the server reads and submits, the controller keeps only its
    CronWorkflow bookkeeping, SSO accounts read or submit."""
    manifests = stack_render(stack).objects
    found = _found(manifests)
    assert any(m["kind"] in ("RoleBinding", "ClusterRoleBinding") for m in manifests)
    assert deployer_only_problems(found, Settings()) == []
    rbac = effective_rbac(_objects(manifests))
    controller = next(i for i in rbac.subjects() if i.name == "argo" and i.kind == "ServiceAccount")
    cron = rbac.allows(
        controller, "argo-events", "argoproj.io", "cronworkflows", "patch", SOME_NAME
    )
    assert cron is not None, "the controller's own CronWorkflow writes are exempt, not missing"


def test_known_system_roles_are_judged_by_their_rules() -> None:
    delegator = binding(
        "metrics", "ClusterRole", "system:auth-delegator", [sa("metrics", "monitoring")]
    )
    assert deployer_only_problems(_with(delegator), Settings()) == []
    unknown = binding(
        "ci",
        "ClusterRole",
        "system:controller:clusterrole-aggregation-controller",
        [sa("ci", "ci")],
    )
    [(message, _)] = deployer_only_problems(_with(unknown), Settings())
    assert "made for a Kubernetes component" in message


def test_only_the_controller_deployment_keeps_the_controller_writes() -> None:
    stack = _fixed(_main_dev_stack())
    for manifest in stack:
        if manifest["kind"] == "Deployment" and manifest["metadata"]["name"] == "argo-server":
            manifest["spec"]["template"]["spec"]["serviceAccountName"] = "argo"
    problems = [m for m, _ in deployer_only_problems(_found(stack), Settings())]
    assert problems and all(
        m.startswith("Deployment argo-server runs as service account argo/argo") for m in problems
    ), problems


def test_unknown_role_reference_is_reported_as_unjudged() -> None:
    from k8s_objects import UNKNOWN, Unjudged

    bound = binding("ci", "ClusterRole", "x", [sa("ci", "ci")], "argo-events")
    bound["roleRef"]["name"] = UNKNOWN
    [(message, _)] = deployer_only_problems(_with(bound), Settings())
    assert isinstance(message, Unjudged) and "unknown during preview" in message


def _patch(manifest: dict) -> FoundObject:
    kind = kind_of_manifest(manifest)
    patch_kind = type(kind)(kind.group, kind.kind, patch=True)
    return FoundObject(patch_kind, manifest, f"{manifest['kind']}Patch", "")


def test_patches_are_judged_merged_onto_their_object() -> None:
    writer = role("w", "argo-events", [rule(["argoproj.io"], ["workflowtemplates"], ["create"])])
    bound = binding("w", "Role", "w", [sa("ci", "ci")], "argo-events")
    base = _with(writer, bound)
    assert deployer_only_problems(base, Settings()) != []
    # A patch that only sets labels keeps the rules; one that sets rules replaces them.
    labels = {
        "apiVersion": RBAC,
        "kind": "Role",
        "metadata": {"name": "w", "namespace": "argo-events", "labels": {"a": "b"}},
    }
    assert deployer_only_problems([*base, _patch(labels)], Settings()) != []
    narrowed = role("w", "argo-events", [rule(["argoproj.io"], ["workflowtemplates"], ["get"])])
    assert deployer_only_problems([*base, _patch(narrowed)], Settings()) == []
    widened = binding(
        "w", "Role", "w", [sa("ci", "ci"), {"kind": "Group", "name": "dev"}], "argo-events"
    )
    problems = [m for m, _ in deployer_only_problems([*base, _patch(widened)], Settings())]
    assert any(m.startswith("Group dev may create workflowtemplates") for m in problems), problems


def test_deployment_patches_keep_the_controller_and_catch_a_new_account() -> None:
    def deployment_patch(name: str, pod_spec: dict) -> FoundObject:
        manifest = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name, "namespace": "argo"},
            "spec": {"template": {"spec": pod_spec}},
        }
        return _patch(manifest)

    base = _found(_fixed(_main_dev_stack()))
    replicas = _patch(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "workflow-controller", "namespace": "argo"},
            "spec": {"replicas": 2},
        }
    )
    assert deployer_only_problems([*base, replicas], Settings()) == []
    swapped = deployment_patch("argo-server", {"serviceAccountName": "argo"})
    problems = [m for m, _ in deployer_only_problems([*base, swapped], Settings())]
    assert problems and all("runs as service account argo/argo" in m for m in problems), problems


def test_controller_account_comes_from_the_deployment_not_the_config() -> None:
    stack = _objects(_main_dev_stack())
    decoy = Settings(controller_service_account="argo-server")
    assert install_names(stack, decoy).controller_accounts == {service_account("argo", "argo")}
    without_controller = [o for o in stack if o.name != "workflow-controller"]
    names = install_names(without_controller, decoy)
    assert names.controller_accounts == {service_account("argo", "argo-server")}


@pytest.mark.parametrize("odd", [None, "x", {"a": None}, [1, "a"], 3], ids=repr)
def test_rbac_objects_of_odd_shapes_are_judged_without_raising(odd: Any) -> None:
    aggregate = role("agg", "", [], "ClusterRole")
    aggregate["aggregationRule"] = {
        "clusterRoleSelectors": [
            odd,
            {
                "matchLabels": odd,
                "matchExpressions": [{"key": odd, "operator": "In", "values": odd}],
            },
        ]
    }
    aggregate["metadata"]["labels"] = odd
    shapes = [
        aggregate,
        {
            "apiVersion": RBAC,
            "kind": "Role",
            "metadata": {"name": odd, "namespace": odd},
            "rules": odd,
        },
        {
            "apiVersion": RBAC,
            "kind": "RoleBinding",
            "metadata": odd,
            "roleRef": odd,
            "subjects": odd,
        },
        binding(
            "b",
            odd if isinstance(odd, str) else "Role",
            "r",
            [odd, {"kind": "ServiceAccount", "name": odd, "namespace": odd}],
            "argo-events",
        ),
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": "s", "namespace": "argo-events", "annotations": odd},
        },
        {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": "j"},
            "spec": {"template": {"spec": {"serviceAccountName": odd, "containers": odd}}},
        },
    ]
    assert isinstance(deployer_only_problems(_with(*shapes), Settings()), list)


# --- the accounts workflow pods run as (install_facts) ------------------------------------

# What the executor of a workflow pod writes in its namespace: workflowtaskresults,
# created (and patched) in the argoproj.io group; missing, pods fail since Argo 3.6
# ("workflowtaskresults ... forbidden").
EXECUTOR_RULE = rule(["argoproj.io"], ["workflowtaskresults"], ["create"])


def test_executor_accounts_are_those_bound_to_the_executor_s_writes_in_their_namespace() -> None:
    reader = rule(["argoproj.io"], ["workflowtaskresults"], ["get"])
    no_namespace = {"kind": "ServiceAccount", "name": "runner"}
    manifests = [
        role("executor", "", [EXECUTOR_RULE], kind="ClusterRole"),
        role("reader", "", [reader], kind="ClusterRole"),
        role("local-executor", "team-a", [EXECUTOR_RULE]),
        role("local-executor-b", "team-b", [EXECUTOR_RULE]),
        # team-a: the ClusterRole, to a subject without a namespace and one of team-a
        binding("a1", "ClusterRole", "executor", [no_namespace], "team-a"),
        binding("a2", "Role", "local-executor", [sa("local", "team-a")], "team-a"),
        # a subject of another namespace gets nothing in team-a's list
        binding("a3", "ClusterRole", "executor", [sa("x", "team-b")], "team-a"),
        # a ClusterRole without the executor's writes
        binding("a4", "ClusterRole", "reader", [sa("reads-only", "team-a")], "team-a"),
        # a Role of another namespace, named from team-c: no such Role there
        binding("c1", "Role", "local-executor-b", [sa("stray", "team-c")], "team-c"),
        binding("b1", "Role", "local-executor-b", [sa("b-runner", "team-b")], "team-b"),
    ]
    assert install_facts(_found(manifests)).executor_accounts_by_namespace == {
        "team-a": {"runner", "local"},
        "team-b": {"b-runner"},
    }

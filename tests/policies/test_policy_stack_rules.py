"""Stack validators: controller enforcement stays on, nothing Argo is granted cluster-wide."""

from __future__ import annotations

from typing import Any

import pytest
import stack_policies as sp
from policy_harness import good_stack, resource, validate_stack

CM = "kubernetes:core/v1:ConfigMap"
CM_PATCH = "kubernetes:core/v1:ConfigMapPatch"
CRB = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"
CRB_PATCH = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBindingPatch"
RB = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
GROUP_V2 = "kubernetes:yaml/v2:ConfigGroup"
CONTROLLER_CM = "configmap-argo-workflow-controller-configmap"


def config_map(data: Any, name: str = "workflow-controller-configmap", namespace: str = "argo"):
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace},
        "data": data,
    }


def stack_with(*extra, drop: tuple[str, ...] = ()):
    """The good fixture stack minus `drop` (by name), plus `extra` resources."""
    names = {r.name for r in extra} | set(drop)
    return [r for r in good_stack() if r.name not in names] + list(extra)


def controller_cm(data: Any, **kwargs: Any):
    return resource(CM, CONTROLLER_CM, config_map(data, **kwargs))


# --- controller-template-referencing-enforced -----------------------------------------

CONTROLLER_PASSES = {
    "Strict": (stack_with(), None),
    "Secure": (
        stack_with(controller_cm({"workflowRestrictions": "templateReferencing: Secure\n"})),
        None,
    ),
    "everything under the single config key": (
        stack_with(
            controller_cm({"config": "workflowRestrictions:\n  templateReferencing: Strict\n"})
        ),
        None,
    ),
    "a patch that keeps it Secure": (
        stack_with(
            resource(
                CM_PATCH,
                "relax",
                config_map({"workflowRestrictions": "templateReferencing: Secure\n"}),
            )
        ),
        None,
    ),
    "a patch that does not touch it": (
        stack_with(resource(CM_PATCH, "tune", config_map({"parallelism": "10"}))),
        None,
    ),
    "configured name and namespace": (
        stack_with(
            controller_cm(
                {"workflowRestrictions": "templateReferencing: Strict\n"},
                name="wcc",
                namespace="ops",
            )
        ),
        {"configMapName": "wcc", "controlNamespace": "ops"},
    ),
    "ConfigMap inline in a ConfigGroup": (
        stack_with(
            resource(
                GROUP_V2,
                "cg",
                {
                    "yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                    "  {name: workflow-controller-configmap, namespace: argo}\n"
                    'data: {workflowRestrictions: "templateReferencing: Strict\\n"}\n'
                },
            ),
            drop=(CONTROLLER_CM,),
        ),
        None,
    ),
}

CONTROLLER_FAILS = {
    "no ConfigMap": (
        stack_with(drop=(CONTROLLER_CM,)),
        None,
        "the stack has no ConfigMap argo/workflow-controller-configmap",
        None,
    ),
    "restriction not set": (
        stack_with(controller_cm({"parallelism": "10"})),
        None,
        "templateReferencing is not set, so the controller runs inline workflows",
        CONTROLLER_CM,
    ),
    # config/controller.go writes a one-line value as `key: value`, so this one-line
    # mapping is `workflowRestrictions: templateReferencing: Strict`, which is not YAML:
    # the controller cannot read its config.
    "one-line mapping value": (
        stack_with(controller_cm({"workflowRestrictions": "templateReferencing: Strict"})),
        None,
        "the data does not decode as the controller's config",
        CONTROLLER_CM,
    ),
    "wrong value (the controller compares exactly)": (
        stack_with(controller_cm({"workflowRestrictions": "templateReferencing: strict\n"})),
        None,
        "workflowRestrictions.templateReferencing is 'strict', so the controller runs "
        "inline workflows",
        CONTROLLER_CM,
    ),
    "patch switching it off": (
        stack_with(
            resource(
                CM_PATCH,
                "relax",
                config_map({"workflowRestrictions": "templateReferencing: None\n"}),
            )
        ),
        None,
        'ConfigMapPatch "argo/workflow-controller-configmap" (Pulumi resource "relax") '
        "(applied on top of ConfigMap",
        "relax",
    ),
    "not valid YAML": (
        stack_with(controller_cm({"workflowRestrictions": "templateReferencing: [Strict\n"})),
        None,
        "the data does not decode as the controller's config",
        CONTROLLER_CM,
    ),
    "in the wrong namespace counts as missing": (
        stack_with(
            controller_cm(
                {"workflowRestrictions": "templateReferencing: Strict\n"}, namespace="default"
            )
        ),
        None,
        "the stack has no ConfigMap argo/workflow-controller-configmap",
        None,
    ),
}


@pytest.mark.parametrize(
    ("resources", "config"), CONTROLLER_PASSES.values(), ids=list(CONTROLLER_PASSES)
)
def test_controller_config_passes(resources, config) -> None:
    assert validate_stack(sp.CONTROLLER_CONFIG_POLICY, resources, config=config) == []


@pytest.mark.parametrize(
    ("resources", "config", "expected", "resource_name"),
    CONTROLLER_FAILS.values(),
    ids=list(CONTROLLER_FAILS),
)
def test_controller_config_fails(resources, config, expected: str, resource_name) -> None:
    [(message, urn)] = validate_stack(sp.CONTROLLER_CONFIG_POLICY, resources, config=config)
    assert expected in message
    if resource_name is None:
        assert urn is None
    else:
        assert urn is not None and urn.endswith(f"::{resource_name}")
        assert f'(Pulumi resource "{resource_name}")' in message


# --- no-cluster-wide-argo-grants ------------------------------------------------------


def binding(kind: str, role: tuple[str, str], subjects: list[dict], namespace: str | None = None):
    metadata: dict[str, Any] = {"name": "b"}
    if namespace:
        metadata["namespace"] = namespace
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": kind,
        "metadata": metadata,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role[0], "name": role[1]},
        "subjects": subjects,
    }


def sa(name: str, namespace: str | None) -> dict[str, Any]:
    subject = {"kind": "ServiceAccount", "name": name}
    if namespace is not None:
        subject["namespace"] = namespace
    return subject


SERVER_ROLE = ("ClusterRole", "argo-workflows-server-argo")

GRANT_PASSES = {
    "the program's RoleBindings": (stack_with(), None),
    "ClusterRoleBinding for someone else": (
        [
            resource(
                CRB, "crb", binding("ClusterRoleBinding", ("ClusterRole", "view"), [sa("x", "y")])
            )
        ],
        None,
    ),
    "same name in another namespace is someone else": (
        [
            resource(
                CRB,
                "crb",
                binding("ClusterRoleBinding", ("ClusterRole", "view"), [sa("argo", "tools")]),
            )
        ],
        None,
    ),
    "Argo ClusterRole bound in the managed namespace": (
        [
            resource(
                RB,
                "rb",
                binding("RoleBinding", SERVER_ROLE, [sa("argo-server", "argo")], "argo-events"),
            )
        ],
        None,
    ),
    "unrelated ClusterRole in another namespace": (
        [
            resource(
                RB,
                "rb",
                binding("RoleBinding", ("ClusterRole", "view"), [sa("argo", "argo")], "default"),
            )
        ],
        None,
    ),
    "configured names": (
        [
            resource(
                CRB,
                "crb",
                binding("ClusterRoleBinding", ("ClusterRole", "view"), [sa("argo-server", "argo")]),
            )
        ],
        {"serverServiceAccount": "ui", "controlNamespace": "ops"},
    ),
}

GRANT_FAILS = {
    "argo-server bound cluster-wide": (
        [
            resource(
                CRB,
                "crb",
                binding(
                    "ClusterRoleBinding", ("ClusterRole", "admin"), [sa("argo-server", "argo")]
                ),
            )
        ],
        None,
        ["subjects[0] binds service account argo/argo-server cluster-wide"],
    ),
    "workflow SA as a user name": (
        [
            resource(
                CRB,
                "crb",
                binding(
                    "ClusterRoleBinding",
                    ("ClusterRole", "view"),
                    [{"kind": "User", "name": "system:serviceaccount:argo-events:workflow"}],
                ),
            )
        ],
        None,
        [
            "binds service account argo-events/workflow "
            "(as user system:serviceaccount:argo-events:workflow)"
        ],
    ),
    "every service account of the control namespace": (
        [
            resource(
                CRB,
                "crb",
                binding(
                    "ClusterRoleBinding",
                    ("ClusterRole", "view"),
                    [{"kind": "Group", "name": "system:serviceaccounts:argo"}],
                ),
            )
        ],
        None,
        ["binds every service account in namespace argo"],
    ),
    "Argo ClusterRole bound cluster-wide to someone else, and the controller SA": (
        [
            resource(
                CRB,
                "crb",
                binding("ClusterRoleBinding", SERVER_ROLE, [sa("x", "y"), sa("argo", None)]),
            )
        ],
        None,
        [
            "subjects[1] binds service account argo/argo cluster-wide",
            "it grants the Argo ClusterRole argo-workflows-server-argo in every namespace",
        ],
    ),
    "Argo ClusterRole in another namespace": (
        [
            resource(
                RB,
                "rb",
                binding("RoleBinding", SERVER_ROLE, [sa("argo-server", "argo")], "default"),
            )
        ],
        None,
        ["it grants the Argo ClusterRole argo-workflows-server-argo in namespace default"],
    ),
    "Argo ClusterRole without a namespace": (
        [
            resource(
                RB,
                "rb",
                binding("RoleBinding", ("ClusterRole", "argo-workflows-controller-argo"), []),
            )
        ],
        None,
        ["in the provider's default namespace"],
    ),
    "patch adding a subject": (
        [
            resource(
                CRB_PATCH,
                "crbp",
                binding("ClusterRoleBinding", ("ClusterRole", "view"), [sa("argo", "argo")]),
            )
        ],
        None,
        ['ClusterRoleBindingPatch "b" (Pulumi resource "crbp"): subjects[0] binds'],
    ),
    "configured workflow service account": (
        [
            resource(
                CRB,
                "crb",
                binding("ClusterRoleBinding", ("ClusterRole", "view"), [sa("runner", "team-a")]),
            )
        ],
        {"workflowServiceAccount": "runner", "managedNamespace": "team-a"},
        ["binds service account team-a/runner cluster-wide"],
    ),
    "inline in a ConfigGroup": (
        [
            resource(
                GROUP_V2,
                "cg",
                {
                    "objs": [
                        binding(
                            "ClusterRoleBinding",
                            ("ClusterRole", "view"),
                            [{"kind": "Group", "name": "system:authenticated"}],
                        )
                    ]
                },
            )
        ],
        None,
        ['ClusterRoleBinding "b" in input objs[0] of kubernetes:yaml/v2:ConfigGroup "cg"'],
    ),
}


@pytest.mark.parametrize(("resources", "config"), GRANT_PASSES.values(), ids=list(GRANT_PASSES))
def test_cluster_wide_grants_passes(resources, config) -> None:
    assert validate_stack(sp.CLUSTER_WIDE_GRANTS_POLICY, resources, config=config) == []


@pytest.mark.parametrize(
    ("resources", "config", "expected"), GRANT_FAILS.values(), ids=list(GRANT_FAILS)
)
def test_cluster_wide_grants_fails(resources, config, expected: list[str]) -> None:
    reported = validate_stack(sp.CLUSTER_WIDE_GRANTS_POLICY, resources, config=config)
    assert len(reported) == len(expected), reported
    for (message, urn), fragment in zip(reported, expected, strict=True):
        assert fragment in message
        assert urn == resources[0].urn

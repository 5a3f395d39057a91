"""Creation order: namespaced objects after their Namespace, custom resources after their
CRD, Deployments after their ServiceAccount, RBAC and ConfigMap."""

from __future__ import annotations

import pytest

from tools.render import manifest_of


def _namespace_urns(render):
    return {
        r.id if r.read else r.inputs["metadata"]["name"]: r.urn
        for r in render.resources
        if r.type == "kubernetes:core/v1:Namespace"
    }


@pytest.mark.parametrize(
    ("stack", "overrides"), [("dev", {}), ("prod", {}), ("dev", {"createNamespaces": "false"})]
)
def test_namespaced_objects_depend_on_their_namespace(render, stack, overrides):
    result = render(stack, overrides)
    namespaces = _namespace_urns(result)
    checked = 0
    for r in result.resources:
        if not r.custom or r.read or not r.type.startswith("kubernetes:"):
            continue
        ns = manifest_of(r)["metadata"].get("namespace")
        if ns:
            assert namespaces[ns] in r.dependencies, (r.name, ns)
            checked += 1
    assert checked > 15


def test_custom_resources_depend_on_their_crd(stack_render):
    render = stack_render("dev")
    crds = {
        f"{r.inputs['spec']['group']}/{r.inputs['spec']['names']['kind']}": r.urn
        for r in render.resources
        if r.type.endswith(":CustomResourceDefinition")
    }
    custom = [r for r in render.resources if r.type.startswith("kubernetes:argoproj.io/")]
    assert custom
    for r in custom:
        group_kind = r.type.removeprefix("kubernetes:").replace("/v1alpha1:", "/")
        assert crds[group_kind] in r.dependencies, r.name


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_deployments_depend_on_account_rbac_and_config(stack_render, stack):
    render = stack_render(stack)
    registered = [r for r in render.resources if r.custom]

    def urns(kind, name):
        found = [
            r.urn
            for r in registered
            if r.type.rsplit(":", 1)[1] == kind and manifest_of(r)["metadata"]["name"] == name
        ]
        assert found, (kind, name)
        return found

    expected = {
        "workflow-controller": ("argo", "argo-workflows-controller"),
        "argo-server": ("argo-server", "argo-workflows-server"),
    }
    for deployment, (account, rbac_name) in expected.items():
        (deployment_urn,) = urns("Deployment", deployment)
        d = next(r for r in registered if r.urn == deployment_urn)
        needs = [
            *urns("ServiceAccount", account),
            *urns("ConfigMap", "workflow-controller-configmap"),
            # Cluster-scoped: named after the install's control namespace.
            *urns("ClusterRole", f"{rbac_name}-argo"),
            *urns("Role", rbac_name),
            *urns("RoleBinding", rbac_name),  # one per namespace
        ]
        assert len(needs) == 6
        for urn in needs:
            assert urn in d.dependencies, (deployment, urn)

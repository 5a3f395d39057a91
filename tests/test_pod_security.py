"""Every pod we run meets Pod Security "restricted" and has requests and limits."""

from __future__ import annotations

import pytest


def _pod_specs(render):
    for o in render.objects:
        if o["kind"] == "Deployment":
            yield o["metadata"]["name"], o["spec"]["template"]["spec"]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_restricted_profile(stack_render, stack):
    specs = list(_pod_specs(stack_render(stack)))
    assert {name for name, _ in specs} == {"workflow-controller", "argo-server"}
    for name, spec in specs:
        pod = spec.get("securityContext", {})
        assert pod.get("runAsNonRoot") is True, name
        assert pod.get("seccompProfile") == {"type": "RuntimeDefault"}, name
        assert not spec.get("hostNetwork") and not spec.get("hostPID"), name
        for container in spec["containers"] + spec.get("initContainers", []):
            sc = container["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False, name
            assert sc["capabilities"] == {"drop": ["ALL"]}, name
            assert sc["readOnlyRootFilesystem"] is True, name
            assert sc.get("runAsNonRoot", pod.get("runAsNonRoot")) is True, name
            assert "privileged" not in sc, name
            for kind in ("requests", "limits"):
                assert set(container["resources"][kind]) == {"cpu", "memory"}, (name, kind)
        for volume in spec.get("volumes", []):
            assert "hostPath" not in volume, name


def test_workflow_pods_get_restricted_defaults(stack_render):
    import yaml

    config = next(
        o
        for o in stack_render("dev").objects
        if o["metadata"]["name"] == "workflow-controller-configmap"
    )
    defaults = yaml.safe_load(config["data"]["workflowDefaults"])["spec"]["securityContext"]
    # runAsNonRoot alone does not start an image whose user is root: a numeric user is
    # needed too.
    assert defaults == {
        "runAsNonRoot": True,
        "runAsUser": 8737,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    executor = yaml.safe_load(config["data"]["executor"])["securityContext"]
    assert executor["allowPrivilegeEscalation"] is False
    assert executor["capabilities"] == {"drop": ["ALL"]}
    assert executor["runAsNonRoot"] is True
    # The emissary executor writes to its container's disk.
    assert "readOnlyRootFilesystem" not in executor


def _config(render):
    import yaml

    cm = next(o for o in render.objects if o["metadata"]["name"] == "workflow-controller-configmap")
    return {k: yaml.safe_load(v) for k, v in cm["data"].items()}


def _by_name(render, kind):
    return {
        o["metadata"]["name"]: o
        for o in render.objects
        if o["kind"] == kind and o["metadata"].get("namespace") == "argo-events"
    }


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_workflow_containers_get_no_token_and_the_executor_its_own(stack_render, stack):
    render = stack_render(stack)
    defaults = _config(render)["workflowDefaults"]["spec"]
    # workflow/controller/workflowpod.go: automountServiceAccountToken false keeps the
    # workflow account's token out of every container, and needs
    # executor.serviceAccountName, whose token Secret the controller mounts into the init
    # and wait containers only.
    assert defaults["automountServiceAccountToken"] is False
    executor = defaults["executor"]["serviceAccountName"]
    assert executor != defaults["serviceAccountName"]
    accounts = _by_name(render, "ServiceAccount")
    secrets = _by_name(render, "Secret")
    for account in (executor, defaults["serviceAccountName"]):
        assert accounts[account]["automountServiceAccountToken"] is False
        # Kubernetes 1.24+ creates no token Secret: the program does, under the name Argo
        # reads (util/secrets/secret_name.go: <sa>.service-account-token).
        token = secrets[f"{account}.service-account-token"]
        assert token["type"] == "kubernetes.io/service-account-token"
        assert token["metadata"]["annotations"] == {"kubernetes.io/service-account.name": account}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_only_the_executor_may_write_task_results(stack_render, stack):
    from tests.test_rbac import effective_permissions

    render = stack_render(stack)
    defaults = _config(render)["workflowDefaults"]["spec"]
    executor = defaults["executor"]["serviceAccountName"]
    writers = {
        identity
        for identity, by_ns in effective_permissions(render.objects).items()
        for (group, resource, verb) in by_ns.get("argo-events", {})
        if resource == "workflowtaskresults" and verb in ("create", "patch", "update")
    }
    assert writers == {("argo-events", executor)}

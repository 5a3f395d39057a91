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

"""Many installs per cluster: cluster-scoped objects are named per install, and exactly
one stack installs the (shared) CRDs."""

from __future__ import annotations


def _cluster_scoped(render):
    return {
        (o["kind"], o["metadata"]["name"])
        for o in render.objects
        if not o["metadata"].get("namespace")
    }


def test_two_installs_share_no_cluster_scoped_name_but_the_crds(render):
    a = render("dev", {"controlNamespace": "argo-a", "managedNamespace": "jobs-a"})
    b = render(
        "dev",
        {"controlNamespace": "argo-b", "managedNamespace": "jobs-b", "installCrds": "false"},
    )
    a2 = render("dev", {"controlNamespace": "argo-c", "managedNamespace": "jobs-c"})
    shared = _cluster_scoped(a) & _cluster_scoped(a2)
    assert shared and {kind for kind, _ in shared} == {"CustomResourceDefinition"}
    # The second stack does not install the CRDs at all.
    assert not {kind for kind, _ in _cluster_scoped(b)} & {"CustomResourceDefinition"}
    assert not (_cluster_scoped(a) & _cluster_scoped(b))
    # Every RoleBinding points at its own install's ClusterRole.
    for result, control in ((a, "argo-a"), (b, "argo-b")):
        for o in result.objects:
            if o["kind"] == "RoleBinding" and o["roleRef"]["kind"] == "ClusterRole":
                assert o["roleRef"]["name"].endswith(f"-{control}"), o["metadata"]["name"]
            if o["kind"] == "Deployment" and o["metadata"]["name"] == "workflow-controller":
                pc = o["spec"]["template"]["spec"]["priorityClassName"]
                assert ("PriorityClass", pc) in _cluster_scoped(result)


def test_without_install_crds_the_crds_are_read_and_awaited(render):
    result = render("dev", {"installCrds": "false"})
    crds = [r for r in result.resources if r.type.endswith(":CustomResourceDefinition")]
    assert len(crds) == 8 and all(r.read for r in crds)
    assert {r.id for r in crds} >= {"workflowtemplates.argoproj.io", "workflows.argoproj.io"}
    (wft_crd,) = [r for r in crds if r.id == "workflowtemplates.argoproj.io"]
    templates = [r for r in result.resources if r.type.endswith(":WorkflowTemplate")]
    assert templates and all(wft_crd.urn in r.dependencies for r in templates)
    assert not [o for o in result.objects if o["kind"] == "CustomResourceDefinition"]

"""Scheduling, images, pull secrets, extra args and env, pod labels and annotations."""

from __future__ import annotations

from features_support import FULL, FULL_AZURE, container, find, pod_spec, render_file

DIGEST = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"


def _spread_by_host(name):
    return [
        {
            "labelSelector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "maxSkew": 1,
            "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "DoNotSchedule",
            "nodeTaintsPolicy": "Honor",
        }
    ]


def test_prod_spreads_its_two_replicas_across_nodes(stack_render):
    for name in ("workflow-controller", "argo-server"):
        spec = pod_spec(stack_render("prod"), name)
        assert spec["topologySpreadConstraints"] == _spread_by_host(name), name
        # The selector of the spread is the Deployment's own pods.
        deployment = find(stack_render("prod"), "Deployment", name)
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector == spec["topologySpreadConstraints"][0]["labelSelector"]["matchLabels"]
        assert "topologySpreadConstraints" not in pod_spec(stack_render("dev"), name)
    assert pod_spec(render_file(FULL_AZURE), "argo-server")["topologySpreadConstraints"] == (
        _spread_by_host("argo-server")
    )


def test_placement_keys():
    render = render_file(FULL)
    controller = pod_spec(render, "workflow-controller")
    assert controller["nodeSelector"] == {"kubernetes.io/os": "linux", "node-pool": "system"}
    assert controller["tolerations"] == [
        {"key": "dedicated", "operator": "Equal", "value": "system", "effect": "NoSchedule"}
    ]
    terms = controller["affinity"]["nodeAffinity"][
        "preferredDuringSchedulingIgnoredDuringExecution"
    ]
    assert terms[0]["weight"] == 50
    assert controller["topologySpreadConstraints"] == [
        {
            "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "workflow-controller"}},
            "maxSkew": 1,
            "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "ScheduleAnyway",
        }
    ]
    server = pod_spec(render, "argo-server")
    assert server["nodeSelector"] == {"kubernetes.io/os": "linux", "node-pool": "system"}
    assert server["tolerations"] == [
        {"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}
    ]
    assert "podAntiAffinity" in server["affinity"]
    # [] turns the default spread off, even with two replicas.
    assert "topologySpreadConstraints" not in server


def test_images_by_repository_tag_and_digest():
    render = render_file(FULL)
    controller = container(render, "workflow-controller")
    assert controller["image"] == "registry.example.com/mirror/workflow-controller:v4.1.2"
    assert (
        container(render, "argo-server")["image"] == f"registry.example.com/mirror/argocli@{DIGEST}"
    )
    args = controller["args"]
    assert args[args.index("--executor-image") + 1] == (
        "registry.example.com/mirror/argoexec:v4.1.2-nonroot"
    )
    for name in ("workflow-controller", "argo-server"):
        assert container(render, name)["imagePullPolicy"] == "IfNotPresent"
        assert pod_spec(render, name)["imagePullSecrets"] == [{"name": "registry-example-com"}]


def test_default_images_follow_registry_and_version(stack_render):
    controller = container(stack_render("dev"), "workflow-controller")
    assert controller["image"] == "quay.io/argoproj/workflow-controller:v4.1.2"
    assert "imagePullPolicy" not in controller
    assert "imagePullSecrets" not in pod_spec(stack_render("dev"), "workflow-controller")


def test_workflow_account_pulls_with_its_secrets_and_carries_its_identity():
    render = render_file(FULL)
    account = find(render, "ServiceAccount", "workflow", "argo-events")
    assert account["imagePullSecrets"] == [{"name": "registry-example-com"}]
    identity = {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/argo-artifacts"}
    assert account["metadata"]["annotations"] == identity
    gc = find(render, "ServiceAccount", "argo-artifact-gc", "argo-events")
    assert gc["metadata"]["annotations"] == identity


def test_extra_args_and_env_come_after_the_programs_own():
    render = render_file(FULL)
    controller = container(render, "workflow-controller")
    assert controller["args"][-2:] == ["--qps=50", "--burst=100"]
    assert controller["args"][:2] == ["--configmap", "workflow-controller-configmap"]
    assert controller["env"][0]["name"] == "LEADER_ELECTION_IDENTITY"
    assert controller["env"][-1] == {"name": "DEFAULT_REQUEUE_TIME", "value": "10s"}
    server = container(render, "argo-server")
    assert server["args"][-1] == "--log-format=json"
    assert server["env"] == [{"name": "FIRST_TIME_USER_MODAL", "value": "false"}]


def test_pod_labels_and_annotations_keep_the_selector():
    render = render_file(FULL)
    for name, expected in (
        ("workflow-controller", {"cluster-autoscaler.kubernetes.io/safe-to-evict": "false"}),
        ("argo-server", {"example.com/owner": "platform"}),
    ):
        deployment = find(render, "Deployment", name)
        metadata = deployment["spec"]["template"]["metadata"]
        assert metadata["labels"]["team"] == "platform"
        assert metadata["annotations"] == expected
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector.items() <= metadata["labels"].items()


def test_every_pod_stays_restricted():
    for stack in (FULL, FULL_AZURE):
        render = render_file(stack)
        for name in ("workflow-controller", "argo-server"):
            spec = pod_spec(render, name)
            assert spec["securityContext"]["runAsNonRoot"] is True
            assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
            sc = container(render, name)["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False
            assert sc["capabilities"] == {"drop": ["ALL"]}
            assert sc["readOnlyRootFilesystem"] is True

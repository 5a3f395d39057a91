"""Scale knobs and the defaults of workflow pod containers, as rendered."""

from __future__ import annotations

from features_support import FULL, container, controller_config, render_file

# Top-level keys of the controller's Config in v4.1.2 (config/config.go); the controller
# refuses anything else.
UPSTREAM_CONFIG_KEYS = {
    "nodeEvents", "workflowEvents", "executor", "mainContainer", "kubeConfig",
    "artifactRepository", "namespace", "instanceID", "metricsConfig", "telemetryConfig",
    "parallelism", "namespaceParallelism", "resourceRateLimit", "persistence", "links",
    "columns", "workflowDefaults", "podSpecLogStrategy", "podGCGracePeriodSeconds",
    "podGCDeleteDelayDuration", "workflowRestrictions", "initialDelay", "images",
    "retentionPolicy", "navColor", "sso", "synchronization",
}  # fmt: skip


def test_every_configmap_key_is_one_the_controller_knows():
    config = controller_config(render_file(FULL))
    assert set(config) <= UPSTREAM_CONFIG_KEYS, set(config) - UPSTREAM_CONFIG_KEYS


def test_scale_keys_parse_to_the_types_the_controller_expects():
    config = controller_config(render_file(FULL))
    # Read back as the controller joins the values: numbers stay numbers.
    assert config["parallelism"] == 50
    assert config["namespaceParallelism"] == 20
    assert config["resourceRateLimit"] == {"limit": 2.5, "burst": 5}
    assert config["podGCGracePeriodSeconds"] == 10
    assert config["podGCDeleteDelayDuration"] == "30s"
    assert config["retentionPolicy"] == {
        "completed": 100,
        "succeeded": 50,
        "failed": 20,
        "errored": 10,
    }


def test_unset_scale_knobs_are_left_to_the_controller(stack_render):
    config = controller_config(stack_render("dev"))
    for key in (
        "parallelism",
        "namespaceParallelism",
        "resourceRateLimit",
        "podGCGracePeriodSeconds",
        "podGCDeleteDelayDuration",
        "retentionPolicy",
    ):
        assert key not in config, key
    # Without configured resources the main container gets only its securityContext.
    assert set(config["mainContainer"]) == {"securityContext"}
    args = container(stack_render("dev"), "workflow-controller")["args"]
    assert not [a for a in args if "workers" in a]


def test_zero_grace_period_is_rendered(render):
    config = controller_config(render("dev", {"podGcGracePeriodSeconds": "0"}))
    assert config["podGCGracePeriodSeconds"] == 0


def test_worker_flags():
    args = container(render_file(FULL), "workflow-controller")["args"]
    # cmd/workflow-controller/main.go: --workflow-workers, --pod-cleanup-workers.
    assert "--workflow-workers=16" in args and "--pod-cleanup-workers=8" in args


def test_executor_and_main_container_defaults():
    config = controller_config(render_file(FULL))
    executor = config["executor"]
    assert executor["resources"] == {
        "requests": {"cpu": "10m", "memory": "32Mi"},
        "limits": {"cpu": "500m", "memory": "256Mi"},
    }
    assert executor["imagePullPolicy"] == "IfNotPresent"
    # The restricted securityContext stays.
    assert executor["securityContext"]["allowPrivilegeEscalation"] is False
    assert config["mainContainer"]["resources"] == {
        "requests": {"cpu": "100m", "memory": "64Mi"},
        "limits": {"cpu": "1", "memory": "1Gi"},
    }
    # The restricted securityContext stays beside the resources.
    assert config["mainContainer"]["securityContext"]["capabilities"] == {"drop": ["ALL"]}


def test_partial_resources_render_only_what_is_set(render):
    config = controller_config(render("dev", {"mainContainerMemoryLimit": "2Gi"}))
    assert config["mainContainer"]["resources"] == {"limits": {"memory": "2Gi"}}

"""The full-feature stacks: every knob set, schemas and policy pack pass, and the
install's invariants (no ClusterRoleBinding, Secrets read by name, order) still hold."""

from __future__ import annotations

import pytest
import yaml
from features_support import (
    FULL,
    FULL_AZURE,
    feature_keys,
    find,
    kinds,
    render_file,
    secret_readers,
)

from components.settings import declared_keys
from tools import render as render_tool
from tools.render import manifest_of


def test_the_full_stacks_set_every_feature_key():
    defaults = {k: s.default for k, s in declared_keys().items()}
    changed: set[str] = set()
    for path in (FULL, FULL_AZURE):
        values = yaml.safe_load(path.read_text())["config"]
        for key, value in values.items():
            short = key.removeprefix("argo-workflows:")
            assert short in defaults, f"{path.name}: {key} is not declared"
            if value != defaults[short]:
                changed.add(short)
    missing = [k for k in feature_keys() if k not in changed]
    assert not missing, missing


@pytest.mark.usefixtures("memoized_cli")
@pytest.mark.parametrize("path", [FULL, FULL_AZURE], ids=["full", "full-azure"])
def test_render_check_passes(path, capsys):
    assert render_tool.main(["--stack-file", str(path), "--check"]) == 0
    assert "check passed (schemas and policy pack)" in capsys.readouterr().out


def test_stack_file_must_exist(capsys, tmp_path):
    assert render_tool.main(["--stack-file", str(tmp_path / "Pulumi.none.yaml")]) == 2


def test_no_cluster_role_binding_and_no_wildcards():
    for path in (FULL, FULL_AZURE):
        render = render_file(path)
        assert not kinds(render, "ClusterRoleBinding")
        for role in kinds(render, "Role") + kinds(render, "ClusterRole"):
            for rule in role["rules"]:
                assert "*" not in rule["verbs"] + rule["resources"], role["metadata"]["name"]


def test_feature_secrets_are_read_only_by_the_accounts_that_need_them():
    readers = secret_readers(render_file(FULL))
    assert readers[("argo", "argo-postgres")] == {"argo/argo", "argo/argo-server"}
    # Artifact downloads run as the signed-in user's access level (SSO RBAC is on).
    assert readers[("argo-events", "minio-credentials")] == {
        "argo-events/argo-sso-viewer",
        "argo-events/argo-sso-submitter",
    }
    # Every secrets rule of the features is narrowed by name.
    assert not [key for key in readers if key[1] == "*" and key[0] == "argo"]


def test_events_submitter_may_create_workflows_and_read_templates_only():
    render = render_file(FULL)
    find(render, "ServiceAccount", "sensor-submitter", "argo-events")
    role = find(render, "Role", "sensor-submitter", "argo-events")
    assert role["rules"] == [
        {"apiGroups": ["argoproj.io"], "resources": ["workflows"], "verbs": ["create"]},
        {
            "apiGroups": ["argoproj.io"],
            "resources": ["workflowtemplates"],
            "verbs": ["get", "list", "watch"],
        },
    ]
    binding = find(render, "RoleBinding", "sensor-submitter", "argo-events")
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "sensor-submitter", "namespace": "argo-events"}
    ]
    assert not [o for o in render_file(FULL_AZURE).objects if "submitter" in str(o["metadata"])]


def test_new_objects_depend_on_their_namespace_and_have_a_component_parent():
    render = render_file(FULL)
    namespaces = {
        r.inputs["metadata"]["name"]: r.urn
        for r in render.resources
        if r.type == "kubernetes:core/v1:Namespace"
    }
    components = {r.urn for r in render.resources if not r.custom}
    for r in render.resources:
        if (
            not r.custom
            or not r.type.startswith("kubernetes:")
            or r.type.startswith("kubernetes:apiextensions")
        ):
            continue
        ns = manifest_of(r)["metadata"].get("namespace")
        if ns:
            assert namespaces[ns] in r.dependencies, r.name
        assert r.parent in components, r.name


def test_feature_builders_take_their_own_arguments():
    import inspect

    from components import (
        archive,
        artifacts,
        events_submitter,
        network_policies,
        observability,
        pod_options,
        routing,
        scaling,
        scheduling,
        workflow_containers,
    )

    # Only components.feature_args turns settings into their typed arguments.
    for module in (
        archive,
        artifacts,
        events_submitter,
        network_policies,
        observability,
        pod_options,
        routing,
        scaling,
        scheduling,
        workflow_containers,
    ):
        assert "components.settings" not in inspect.getsource(module), module.__name__

"""Workflow archive and node-status offload, as rendered."""

from __future__ import annotations

from features_support import FULL, FULL_AZURE, controller_config, find, kinds, render_file


def test_postgresql_persistence_with_credentials_by_name():
    persistence = controller_config(render_file(FULL))["persistence"]
    # config/config.go PersistConfig: DBConfig is inlined, and the offload key is spelt
    # nodeStatusOffLoad; archiveTTL takes days ("30d", config/ttl.go).
    assert persistence == {
        "archive": True,
        "archiveTTL": "30d",
        "nodeStatusOffLoad": True,
        "postgresql": {
            "host": "postgres.databases.svc",
            "port": 5433,
            "database": "argo_archive",
            "tableName": "workflows_archive",
            "userNameSecret": {"name": "argo-postgres", "key": "user"},
            "passwordSecret": {"name": "argo-postgres", "key": "pass"},
            "ssl": True,
            "sslMode": "verify-full",
        },
    }


def test_mysql_persistence():
    persistence = controller_config(render_file(FULL_AZURE))["persistence"]
    assert set(persistence) == {"archive", "mysql"}
    assert persistence["mysql"] == {
        "host": "mysql.databases.svc",
        "database": "argo",
        "tableName": "argo_workflows",
        "userNameSecret": {"name": "argo-mysql", "key": "username"},
        "passwordSecret": {"name": "argo-mysql", "key": "password"},
    }


def test_offload_alone_does_not_archive(render):
    persistence = controller_config(
        render(
            "dev",
            {
                "archiveNodeStatusOffload": "true",
                "archiveHost": "db",
                "archiveCredentialsSecret": "db",
            },
        )
    )["persistence"]
    assert persistence["nodeStatusOffLoad"] is True and "archive" not in persistence


def test_controller_and_server_both_read_the_database_secret_and_nothing_else():
    render = render_file(FULL)
    role = find(render, "Role", "argo-workflows-archive", "argo")
    assert role["rules"] == [
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"],
         "resourceNames": ["argo-postgres"]}
    ]  # fmt: skip
    binding = find(render, "RoleBinding", "argo-workflows-archive", "argo")
    assert {(s["name"], s["namespace"]) for s in binding["subjects"]} == {
        ("argo", "argo"),
        ("argo-server", "argo"),
    }
    # Both read the same ConfigMap (the server reads `persistence` from it too).
    server = find(render, "Deployment", "argo-server")
    assert "workflow-controller-configmap" not in str(server)  # no copy of its own


def test_deployments_wait_for_the_archive_grant():
    render = render_file(FULL)
    role_urns = {
        r.urn
        for r in render.resources
        if r.type.endswith(":Role") and r.inputs["metadata"]["name"] == "argo-workflows-archive"
    }
    deployments = [r for r in render.resources if r.type.endswith(":Deployment")]
    assert len(deployments) == 2 and len(role_urns) == 1
    for deployment in deployments:
        assert role_urns <= set(deployment.dependencies), deployment.name


def test_no_archive_grant_without_the_archive(stack_render):
    assert not [
        r for r in kinds(stack_render("prod"), "Role") if "archive" in r["metadata"]["name"]
    ]

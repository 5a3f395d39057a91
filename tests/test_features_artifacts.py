"""Default artifact repository and artifact garbage collection, as rendered."""

from __future__ import annotations

import pytest
from features_support import (
    FULL,
    FULL_AZURE,
    controller_config,
    find,
    kinds,
    render_file,
    secret_readers,
)

# Field names of wfv1.ArtifactRepository and its stores in v4.1.2
# (pkg/apis/workflow/v1alpha1/artifact_repository_types.go, S3Bucket, AzureBlobContainer,
# GCSBucket), written out here rather than taken from the code under test.
S3_FIELDS = {"endpoint", "bucket", "region", "insecure", "accessKeySecret", "secretKeySecret",
             "useSDKCreds", "keyFormat"}  # fmt: skip
AZURE_FIELDS = {"endpoint", "container", "accountKeySecret", "useSDKCreds", "blobNameFormat"}
GCS_FIELDS = {"bucket", "serviceAccountKeySecret", "keyFormat"}


def test_s3_repository_names_the_secret_never_its_values():
    repository = controller_config(render_file(FULL))["artifactRepository"]
    assert set(repository) == {"s3", "archiveLogs"}
    assert repository["archiveLogs"] is True
    s3 = repository["s3"]
    assert set(s3) <= S3_FIELDS
    assert s3["endpoint"] == "minio.minio.svc:9000" and s3["bucket"] == "argo-artifacts"
    assert s3["region"] == "eu-west-1" and s3["insecure"] is True
    assert s3["accessKeySecret"] == {"name": "minio-credentials", "key": "access-key-id"}
    assert s3["secretKeySecret"] == {"name": "minio-credentials", "key": "secret-access-key"}
    assert s3["keyFormat"] == "{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}"


def test_azure_repository_is_azure_blob_with_sdk_credentials():
    repository = controller_config(render_file(FULL_AZURE))["artifactRepository"]
    # The field is azureBlob (argo-helm's values call it `azure`).
    assert set(repository) == {"azureBlob"}
    blob = repository["azureBlob"]
    assert set(blob) <= AZURE_FIELDS
    assert blob == {
        "endpoint": "https://argostore.blob.core.windows.net",
        "container": "argo-artifacts",
        "useSDKCreds": True,
        "blobNameFormat": "{{workflow.name}}/{{pod.name}}",
    }


def test_gcs_and_default_secret_keys(render):
    gcs = render(
        "dev",
        {
            "artifactRepository": "gcs",
            "artifactBucket": "my-project-argo",
            "artifactCredentialsSecret": "gcs-key",
        },
    )
    store = controller_config(gcs)["artifactRepository"]["gcs"]
    assert set(store) <= GCS_FIELDS
    assert store == {
        "bucket": "my-project-argo",
        "serviceAccountKeySecret": {"name": "gcs-key", "key": "serviceAccountKey"},
    }
    s3 = render(
        "dev",
        {
            "artifactRepository": "s3",
            "artifactBucket": "bucket-1",
            "artifactEndpoint": "s3.amazonaws.com",
            "artifactCredentialsSecret": "aws",
        },
    )
    store = controller_config(s3)["artifactRepository"]["s3"]
    assert store["accessKeySecret"] == {"name": "aws", "key": "accesskey"}
    assert store["secretKeySecret"] == {"name": "aws", "key": "secretkey"}
    assert "keyFormat" not in store and "insecure" not in store


def test_no_repository_and_no_gc_by_default(stack_render):
    for stack in ("dev", "prod"):
        config = controller_config(stack_render(stack))
        assert "artifactRepository" not in config and "persistence" not in config
        assert "artifactGC" not in config["workflowDefaults"]["spec"]


def test_artifact_gc_runs_as_its_own_account_with_gc_tasks_only():
    render = render_file(FULL)
    spec = controller_config(render)["workflowDefaults"]["spec"]
    assert spec["artifactGC"] == {
        "strategy": "OnWorkflowDeletion",
        "serviceAccountName": "argo-artifact-gc",
    }
    find(render, "ServiceAccount", "argo-artifact-gc", "argo-events")
    role = find(render, "Role", "argo-artifact-gc", "argo-events")
    # docs/walk-through/artifacts.md: the GC pod watches its tasks and patches their status.
    assert role["rules"] == [
        {"apiGroups": ["argoproj.io"], "resources": ["workflowartifactgctasks"],
         "verbs": ["list", "watch"]},
        {"apiGroups": ["argoproj.io"], "resources": ["workflowartifactgctasks/status"],
         "verbs": ["patch"]},
    ]  # fmt: skip
    binding = find(render, "RoleBinding", "argo-artifact-gc", "argo-events")
    assert binding["roleRef"]["name"] == "argo-artifact-gc"
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "argo-artifact-gc", "namespace": "argo-events"}
    ]


def test_credentials_secret_is_read_by_name_by_whoever_downloads_artifacts(render):
    # Artifact downloads and archived logs are read by argo-server with the identity of
    # the request (server/artifacts/artifact_server.go): an SSO RBAC access level, or the
    # server's own account when it acts for users. The GC and workflow accounts get the
    # Secret mounted and read none.
    readers = secret_readers(render_file(FULL))
    assert readers[("argo-events", "minio-credentials")] == {
        "argo-events/argo-sso-viewer",
        "argo-events/argo-sso-submitter",
    }
    server_mode = render(
        "dev",
        {
            "artifactRepository": "s3",
            "artifactBucket": "argo-artifacts",
            "artifactEndpoint": "s3.amazonaws.com",
            "artifactCredentialsSecret": "aws-creds",
        },
    )
    readers = secret_readers(server_mode)
    assert readers[("argo-events", "aws-creds")] == {"argo/argo-server"}
    for role in kinds(server_mode, "Role") + kinds(server_mode, "ClusterRole"):
        for rule in role["rules"]:
            if "aws-creds" in rule.get("resourceNames", []):
                assert rule["resources"] == ["secrets"] and rule["verbs"] == ["get"]


def test_sdk_credentials_grant_no_secret():
    render = render_file(FULL_AZURE)
    assert not [
        r for r in kinds(render, "Role") if r["metadata"]["name"] == "argo-server-artifacts"
    ]


_GC_TEMPLATE = """\
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: report
  annotations:
    workflows.argoproj.io/description: Names the account its artifact GC pods run as.
spec:
  entrypoint: main
  artifactGC:
    strategy: OnWorkflowCompletion
    serviceAccountName: argo-artifact-gc
  templates:
  - name: main
    container:
      image: alpine:3.20
      command: [sh, -c, 'echo hi > /tmp/out']
    outputs:
      artifacts:
      - name: out
        path: /tmp/out
"""


def test_catalog_templates_may_name_only_the_artifact_gc_account_the_install_runs(tmp_path):
    from components.program import load_inputs
    from components.settings import ConfigError
    from tools.stack_config import merged_config

    (tmp_path / "report.yaml").write_text(_GC_TEMPLATE)
    gc_on = {"templatesDir": str(tmp_path)}
    config, secret_keys = merged_config("full", gc_on, stack_file=FULL)
    _, templates = load_inputs(config, secret_keys)
    assert [t.name for t in templates] == ["report"]
    # The same template where the install runs no artifact GC: its pods would run as an
    # account nobody made for them.
    gc_off = {**gc_on, "artifactGcStrategy": ""}
    config, secret_keys = merged_config("full", gc_off, stack_file=FULL)
    with pytest.raises(ConfigError) as raised:
        load_inputs(config, secret_keys)
    (found,) = [p for p in raised.value.problems if "artifactGC" in p]
    assert "spec.artifactGC.serviceAccountName: found 'argo-artifact-gc'" in found

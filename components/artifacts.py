"""Default artifact repository (S3/MinIO, GCS, Azure) and artifact garbage collection.

Credentials are only ever named: the controller config points at an existing Secret of
the managed namespace, and the Kubernetes objects here grant read access to it by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from components import facts
from components import k8s as objects

_RBAC_API = "rbac.authorization.k8s.io/v1"

# Secret key each store's credential is read from when artifactSecretKeyKey is empty
# (the names upstream's examples use: docs/configure-artifact-repository.md).
DEFAULT_SECRET_KEYS = {"s3": "secretkey", "gcs": "serviceAccountKey", "azure": "account-access-key"}

# What an artifact GC pod does with the API: it watches its WorkflowArtifactGCTasks and
# reports into their status (docs/walk-through/artifacts.md, "Artifact Garbage
# Collection"). Credentials reach GC pods and workflow pods as Secret volumes the
# controller mounts (workflow/controller/artifact_gc.go and workflowpod.go,
# createSecretVolumesAndMounts...), so neither account needs to read Secrets. The GC
# pod's container meets Pod Security "restricted" on its own (common.MinimalCtrSC, with
# RuntimeDefault seccomp), and carries the workflow label the workflow-pod
# NetworkPolicy selects on.
GC_PERMISSIONS: tuple[facts.Permission, ...] = (
    facts.Permission(facts.ARGO_GROUP, ("workflowartifactgctasks",), ("list", "watch")),
    facts.Permission(facts.ARGO_GROUP, ("workflowartifactgctasks/status",), ("patch",)),
)


@dataclass(frozen=True)
class ArtifactArgs:
    kind: str
    bucket: str
    endpoint: str
    region: str
    insecure: bool
    key_format: str
    credentials_secret: str
    access_key_key: str
    secret_key_key: str
    use_sdk_creds: bool
    archive_logs: bool
    gc_strategy: str
    gc_service_account: str

    @property
    def secret_key(self) -> str:
        return self.secret_key_key or DEFAULT_SECRET_KEYS.get(self.kind, "")


def _selector(args: ArtifactArgs, key: str) -> dict[str, str]:
    return {"name": args.credentials_secret, "key": key}


def repository_config(args: ArtifactArgs) -> dict[str, Any] | None:
    """The controller's ``artifactRepository`` (wfv1.ArtifactRepository in
    pkg/apis/workflow/v1alpha1/artifact_repository_types.go), or None without one."""
    if not args.kind:
        return None
    store: dict[str, Any]
    if args.kind == "s3":
        # S3Bucket is inlined: endpoint, bucket, region, insecure, accessKeySecret,
        # secretKeySecret, useSDKCreds; keyFormat beside it.
        store = {"endpoint": args.endpoint, "bucket": args.bucket}
        if args.region:
            store["region"] = args.region
        if args.insecure:
            store["insecure"] = True
        if args.credentials_secret:
            store["accessKeySecret"] = _selector(args, args.access_key_key)
            store["secretKeySecret"] = _selector(args, args.secret_key)
        if args.use_sdk_creds:
            store["useSDKCreds"] = True
        if args.key_format:
            store["keyFormat"] = args.key_format
        key = "s3"
    elif args.kind == "gcs":
        store = {"bucket": args.bucket}
        if args.credentials_secret:
            store["serviceAccountKeySecret"] = _selector(args, args.secret_key)
        if args.key_format:
            store["keyFormat"] = args.key_format
        key = "gcs"
    else:
        # The field is `azureBlob` (not `azure`), with blobNameFormat as its key format.
        store = {"endpoint": args.endpoint, "container": args.bucket}
        if args.credentials_secret:
            store["accountKeySecret"] = _selector(args, args.secret_key)
        if args.use_sdk_creds:
            store["useSDKCreds"] = True
        if args.key_format:
            store["blobNameFormat"] = args.key_format
        key = "azureBlob"
    config: dict[str, Any] = {key: store}
    if args.archive_logs:
        config["archiveLogs"] = True
    return config


def workflow_defaults(args: ArtifactArgs) -> dict[str, Any]:
    """What artifact GC adds to ``workflowDefaults.spec`` (a user's Workflow may not set
    artifactGC.serviceAccountName under template restrictions, so it is set here)."""
    if not (args.kind and args.gc_strategy):
        return {}
    return {
        "artifactGC": {
            "strategy": args.gc_strategy,
            "serviceAccountName": args.gc_service_account,
        }
    }


def secret_names(args: ArtifactArgs) -> tuple[str, ...]:
    """Secrets of the managed namespace the artifact repository needs read access to."""
    return (args.credentials_secret,) if args.kind and args.credentials_secret else ()


def _rule(permission: facts.Permission) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "apiGroups": [permission.api_group],
        "resources": list(permission.resources),
        "verbs": list(permission.verbs),
    }
    if permission.resource_names:
        rule["resourceNames"] = list(permission.resource_names)
    return rule


def _role(name: str, namespace: str, permissions: tuple[facts.Permission, ...]) -> dict[str, Any]:
    return {
        "apiVersion": _RBAC_API,
        "kind": "Role",
        "metadata": {"name": name, "namespace": namespace, "labels": objects.labels("artifacts")},
        "rules": [_rule(p) for p in permissions],
    }


def _binding(name: str, namespace: str, accounts: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "apiVersion": _RBAC_API,
        "kind": "RoleBinding",
        "metadata": {"name": name, "namespace": namespace, "labels": objects.labels("artifacts")},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
        "subjects": [
            {"kind": "ServiceAccount", "name": account, "namespace": account_namespace}
            for account, account_namespace in accounts
        ],
    }


def gc_objects(
    account: str, namespace: str, annotations: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The artifact GC service account (with the cloud identity annotations the
    workflow account has), its Role (GC tasks only) and RoleBinding."""
    if not account:
        return []
    service_account = objects.service_account(account, namespace, "artifacts")
    if annotations:
        service_account["metadata"]["annotations"] = dict(annotations)
    return [
        service_account,
        _role(account, namespace, GC_PERMISSIONS),
        _binding(account, namespace, [(account, namespace)]),
    ]

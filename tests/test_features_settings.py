# ruff: noqa: E501  (one bad-value case per line reads better as a table)
"""Config of the production features: every key refuses a bad value with a message that
names the key, what was found and what is expected, before anything registers."""

from __future__ import annotations

import pytest
import yaml
from features_support import feature_keys

from components.settings import ConfigError, declared_keys, parse_settings

P = "argo-workflows:"

S3 = {
    "artifactRepository": "s3",
    "artifactBucket": "argo-artifacts",
    "artifactEndpoint": "minio.minio:9000",
    "artifactCredentialsSecret": "minio-creds",
}
ARCHIVE = {
    "archiveEnabled": "true",
    "archiveHost": "postgres.db",
    "archiveCredentialsSecret": "argo-db",
}
NET = {"networkPoliciesEnabled": "true", "networkApiServerCidrs": '["10.0.0.1/32"]'}
INGRESS = {"ingressEnabled": "true", "ingressHost": "argo.example.com"}
ROUTE = {
    "httpRouteEnabled": "true",
    "serverSecure": "false",
    "httpRouteParentRefs": "[{name: gw, namespace: gateways}]",
}


def _problems(config: dict[str, str]) -> list[str]:
    with pytest.raises(ConfigError) as err:
        parse_settings({P + k: v for k, v in config.items()})
    return err.value.problems


# (config, key, fragment of the message). Each message names the key, what was found
# and what is expected.
BAD = [
    ({"artifactRepository": "minio"}, "artifactRepository", "found 'minio', expected one of s3"),
    ({**S3, "artifactBucket": "Bad Bucket"}, "artifactBucket", "found 'Bad Bucket', expected a bucket"),
    ({**S3, "artifactBucket": ""}, "artifactBucket", "expected a bucket name when artifactRepository is s3"),
    ({**S3, "artifactEndpoint": "https://minio:9000"}, "artifactEndpoint", "without scheme"),
    ({**S3, "artifactRepository": "azure", "artifactEndpoint": "blob.example.com"}, "artifactEndpoint", "the https:// URL"),
    ({**S3, "artifactRepository": "gcs"}, "artifactEndpoint", "unset for gcs"),
    ({**S3, "artifactRegion": "EU West"}, "artifactRegion", "found 'EU West', expected a region"),
    ({**S3, "artifactRepository": "gcs", "artifactEndpoint": "", "artifactInsecure": "true"}, "artifactInsecure", "unset for gcs (s3 only)"),
    ({**S3, "artifactKeyFormat": "a\nb"}, "artifactKeyFormat", "a single-line key format"),
    ({**S3, "artifactCredentialsSecret": "Minio_Creds"}, "artifactCredentialsSecret", "DNS-1123"),
    ({**S3, "artifactCredentialsSecret": ""}, "artifactCredentialsSecret", "or artifactUseSdkCreds true"),
    ({**S3, "artifactUseSdkCreds": "true"}, "artifactCredentialsSecret", "(one of them)"),
    ({**S3, "artifactAccessKeyKey": "access key"}, "artifactAccessKeyKey", "a Secret key"),
    ({**S3, "artifactSecretKeyKey": "secret/key"}, "artifactSecretKeyKey", "a Secret key"),
    ({**S3, "artifactRepository": "gcs", "artifactEndpoint": "", "artifactCredentialsSecret": "", "artifactUseSdkCreds": "true"}, "artifactUseSdkCreds", "false for gcs"),
    ({**S3, "artifactArchiveLogs": "yes"}, "artifactArchiveLogs", "expected true or false"),
    ({"artifactArchiveLogs": "true"}, "artifactArchiveLogs", "unset while artifactRepository is off"),
    ({**S3, "artifactGcStrategy": "Always"}, "artifactGcStrategy", "one of OnWorkflowCompletion, OnWorkflowDeletion"),
    ({**S3, "artifactGcStrategy": "OnWorkflowDeletion", "artifactGcServiceAccount": "workflow"}, "artifactGcServiceAccount", "an account of its own"),
    ({"artifactGcServiceAccount": "GC"}, "artifactGcServiceAccount", "DNS-1123"),
    ({"archiveEnabled": "1"}, "archiveEnabled", "expected true or false"),
    ({"archiveNodeStatusOffload": "true"}, "archiveHost", "the database host"),
    ({**ARCHIVE, "archiveDatabase": "sqlite"}, "archiveDatabase", "one of postgresql, mysql"),
    ({**ARCHIVE, "archiveHost": "db host"}, "archiveHost", "DNS-1123"),
    ({**ARCHIVE, "archivePort": 70000}, "archivePort", "found 70000, expected a port"),
    ({**ARCHIVE, "archiveDatabaseName": "argo db"}, "archiveDatabaseName", "a database name"),
    ({**ARCHIVE, "archiveTableName": "argo-workflows"}, "archiveTableName", "a table name"),
    ({**ARCHIVE, "archiveCredentialsSecret": ""}, "archiveCredentialsSecret", "the name of an existing Secret"),
    ({**ARCHIVE, "archiveUsernameKey": "user name"}, "archiveUsernameKey", "a Secret key"),
    ({**ARCHIVE, "archivePasswordKey": "username"}, "archivePasswordKey", "a key other than archiveUsernameKey"),
    ({**ARCHIVE, "archiveTtl": "7 days"}, "archiveTtl", "a number of days such as 7d"),
    ({**ARCHIVE, "archiveSslMode": "prefer"}, "archiveSslMode", "one of disable, require"),
    ({**ARCHIVE, "archiveDatabase": "mysql", "archiveSslMode": "require"}, "archiveSslMode", "unset for mysql"),
    ({"archiveTtl": "7d"}, "archiveTtl", "unset while archiveEnabled is off"),
    ({"parallelism": -1}, "parallelism", "found -1, expected a whole number of workflows"),
    ({"namespaceParallelism": "ten"}, "namespaceParallelism", "expected an integer"),
    ({"resourceRateLimit": "fast"}, "resourceRateLimit", "a positive number of pods per second"),
    ({"resourceRateLimit": "5"}, "resourceRateBurst", "at least 1 when resourceRateLimit is set"),
    ({"resourceRateBurst": 3}, "resourceRateBurst", "unset while resourceRateLimit is off"),
    ({"controllerWorkflowWorkers": 5000}, "controllerWorkflowWorkers", "from 1 to 1024"),
    ({"controllerPodCleanupWorkers": -2}, "controllerPodCleanupWorkers", "from 1 to 1024"),
    ({"podGcGracePeriodSeconds": -5}, "podGcGracePeriodSeconds", "-1 or more"),
    ({"podGcQueueDelay": "5 seconds"}, "podGcQueueDelay", "a Go duration"),
    ({"retentionCompleted": -1}, "retentionCompleted", "a whole number of workflows"),
    ({"retentionSucceeded": "x"}, "retentionSucceeded", "an integer"),
    ({"retentionFailed": -3}, "retentionFailed", "a whole number"),
    ({"retentionErrored": -3}, "retentionErrored", "a whole number"),
    ({"executorCpuRequest": "1Gi"}, "executorCpuRequest", "a CPU quantity"),
    ({"executorMemoryRequest": "64m"}, "executorMemoryRequest", "a memory quantity"),
    ({"executorCpuLimit": "lots"}, "executorCpuLimit", "a CPU quantity"),
    ({"executorMemoryLimit": "big"}, "executorMemoryLimit", "a memory quantity"),
    ({"executorMemoryRequest": "1Gi", "executorMemoryLimit": "512Mi"}, "executorMemoryRequest", "no more than executorMemoryLimit '512Mi'"),
    ({"mainContainerCpuRequest": "2", "mainContainerCpuLimit": "1"}, "mainContainerCpuRequest", "no more than mainContainerCpuLimit"),
    ({"mainContainerMemoryRequest": "1 GB"}, "mainContainerMemoryRequest", "a memory quantity"),
    ({"mainContainerCpuLimit": "1Mi"}, "mainContainerCpuLimit", "a CPU quantity"),
    ({"mainContainerMemoryLimit": "1.5m"}, "mainContainerMemoryLimit", "a memory quantity"),
    ({"controllerNodeSelector": "[a, b]"}, "controllerNodeSelector", "a YAML mapping of node labels"),
    ({"serverNodeSelector": "{pool: 3}"}, "serverNodeSelector", "the value of 'pool' is not a string"),
    ({"controllerTolerations": "[{key: a, operater: Exists}]"}, "controllerTolerations", "a YAML list of Kubernetes Tolerations; [0]: Additional properties are not allowed ('operater' was unexpected)"),
    ({"serverTolerations": "{key: a}"}, "serverTolerations", "a YAML list of Kubernetes Tolerations"),
    ({"controllerAffinity": "{nodeAffinty: {}}"}, "controllerAffinity", "'nodeAffinty' was unexpected"),
    ({"serverAffinity": "[1]"}, "serverAffinity", "a YAML Kubernetes Affinity"),
    ({"controllerTopologySpread": "[{maxSkew: 1}]"}, "controllerTopologySpread", "'topologyKey' is a required property"),
    ({"serverTopologySpread": "[{maxSkew: one, topologyKey: k, whenUnsatisfiable: DoNotSchedule}]"}, "serverTopologySpread", "maxSkew"),
    ({"controllerImageRepository": "https://quay.io/argoproj/workflow-controller"}, "controllerImageRepository", "without scheme"),
    ({"controllerImageTag": "v4.1.2 "}, "controllerImageTag", "an image tag (v4.1.2) or a digest"),
    ({"serverImageRepository": "Quay.io/x"}, "serverImageRepository", "a registry host and path"),
    ({"serverImageTag": "sha256:abc"}, "serverImageTag", "a digest sha256:<64 hex digits>"),
    ({"executorImageRepository": "quay.io/argoproj/argoexec/"}, "executorImageRepository", "a registry host"),
    ({"executorImageTag": ":latest"}, "executorImageTag", "an image tag"),
    ({"imagePullPolicy": "always"}, "imagePullPolicy", "one of Always, IfNotPresent, Never"),
    ({"imagePullSecrets": '["Regcred"]'}, "imagePullSecrets", "DNS-1123"),
    ({"workflowImagePullSecrets": "regcred"}, "workflowImagePullSecrets", "a list of strings"),
    ({"workflowServiceAccountAnnotations": "{a: [1]}"}, "workflowServiceAccountAnnotations", "the value of 'a' is not a string"),
    ({"controllerExtraArgs": '["--namespaced=false"]'}, "controllerExtraArgs", "no flag this program sets"),
    ({"controllerExtraArgs": '["-v"]'}, "controllerExtraArgs", "flags of the form --name"),
    ({"serverExtraArgs": '["--auth-mode=server"]'}, "serverExtraArgs", "no flag this program sets"),
    ({"controllerExtraEnv": "[{name: LEADER_ELECTION_IDENTITY, value: x}]"}, "controllerExtraEnv", "no variable this program sets"),
    ({"serverExtraEnv": "[{value: x}]"}, "serverExtraEnv", "'name' is a required property"),
    ({"controllerPodLabels": "{app.kubernetes.io/name: other}"}, "controllerPodLabels", "labels outside app.kubernetes.io/"),
    ({"serverPodLabels": "{team: 'a b'}"}, "serverPodLabels", "is not a valid label value"),
    ({"controllerPodAnnotations": "{a: 1}"}, "controllerPodAnnotations", "the value of 'a' is not a string"),
    ({"serverPodAnnotations": "{a: [}"}, "serverPodAnnotations", "in valid YAML at line 1"),
    ({"serverServiceType": "ExternalName"}, "serverServiceType", "one of ClusterIP, NodePort, LoadBalancer"),
    ({**INGRESS, "ingressAnnotations": "[x]"}, "ingressAnnotations", "a YAML mapping of annotations"),
    ({**INGRESS, "ingressLabels": "{'bad key!': x}"}, "ingressLabels", "is not a valid key"),
    ({**INGRESS, "ingressExtraHosts": '["argo.example.com"]'}, "ingressExtraHosts", "host names other than ingressHost"),
    ({**INGRESS, "ingressPaths": '["argo"]'}, "ingressPaths", "a path starting with '/'"),
    ({**INGRESS, "ingressPathType": "prefix"}, "ingressPathType", "one of Prefix, Exact"),
    ({"ingressPaths": '["/argo"]'}, "ingressPaths", "unset while ingressEnabled is off"),
    ({"httpRouteEnabled": "true", "serverSecure": "false"}, "httpRouteParentRefs", "at least one Gateway"),
    ({**ROUTE, "serverSecure": "true"}, "httpRouteEnabled", "serverSecure false with an HTTPRoute"),
    ({**ROUTE, "httpRouteParentRefs": "[{gateway: gw}]"}, "httpRouteParentRefs", "a YAML list of Gateway references"),
    ({**ROUTE, "httpRouteHostnames": '["Argo Host"]'}, "httpRouteHostnames", "DNS-1123"),
    ({"httpRouteHostnames": '["argo.example.com"]'}, "httpRouteHostnames", "unset while httpRouteEnabled is off"),
    ({"metricsSecure": "no"}, "metricsSecure", "true or false"),
    ({"metricsTtl": "1 day"}, "metricsTtl", "a Go duration"),
    ({"otlpEndpoint": "otel-collector:4317"}, "otlpEndpoint", "an http:// or https:// URL"),
    ({"serviceMonitorEnabled": "on"}, "serviceMonitorEnabled", "true or false"),
    ({"serviceMonitorEnabled": "true", "serviceMonitorLabels": "release"}, "serviceMonitorLabels", "a YAML mapping of labels"),
    ({"serviceMonitorEnabled": "true", "serviceMonitorInterval": "30"}, "serviceMonitorInterval", "a duration such as 30s"),
    ({"serviceMonitorInterval": "30s"}, "serviceMonitorInterval", "unset while serviceMonitorEnabled is off"),
    ({"networkPoliciesEnabled": "enabled"}, "networkPoliciesEnabled", "expected true or false"),
    ({"workflowNetworkPolicyEnabled": "y"}, "workflowNetworkPolicyEnabled", "expected true or false"),
    ({"archiveNodeStatusOffload": "on"}, "archiveNodeStatusOffload", "expected true or false"),
    ({"networkPoliciesEnabled": "true"}, "networkApiServerCidrs", "the API server endpoint CIDRs"),
    ({**NET, "networkApiServerCidrs": '["10.0.0.1"]'}, "networkApiServerCidrs", "a CIDR such as"),
    ({**NET, "networkApiServerPorts": '["https"]'}, "networkApiServerPorts", "a port number from 1 to 65535"),
    ({**NET, "networkDnsNamespace": "Kube-System"}, "networkDnsNamespace", "DNS-1123 label"),
    ({**NET, "networkDnsPodLabels": "k8s-app=kube-dns"}, "networkDnsPodLabels", "a YAML mapping of labels"),
    ({**NET, "ssoEnabled": "true", "serverAuthModes": '["sso"]', "ssoIssuer": "https://idp.example.com", "ssoRedirectUrl": "https://a.example.com/oauth2/callback", "ssoExistingSecret": "sso-client"}, "networkSsoIssuerCidrs", "at least one CIDR with network policies and ssoEnabled"),
    ({**NET, "networkSsoIssuerCidrs": '["1.2.3.4/40"]'}, "networkSsoIssuerCidrs", "a CIDR"),
    ({**NET, **ARCHIVE}, "networkArchiveCidrs", "at least one CIDR with network policies and the archive"),
    ({**NET, **S3}, "networkArtifactStoreCidrs", "at least one CIDR with network policies and an artifact"),
    ({**NET, "networkArtifactStorePort": 0}, "networkArtifactStorePort", "a port from 1 to 65535"),
    ({**NET, "networkMetricsNamespaces": '["Monitoring"]'}, "networkMetricsNamespaces", "DNS-1123 label"),
    ({**NET, "networkServerIngressNamespaces": '["ingress nginx"]'}, "networkServerIngressNamespaces", "DNS-1123 label"),
    ({**NET, "networkControllerEgress": "[{to: [{ipBlock: {}}]}]"}, "networkControllerEgress", "'cidr' is a required property"),
    ({**NET, "networkServerEgress": "[{ports: [{port: true}]}]"}, "networkServerEgress", "[0].ports.0.port: True is not valid"),
    ({"networkMetricsNamespaces": '["monitoring"]'}, "networkMetricsNamespaces", "unset while networkPoliciesEnabled is off"),
    ({"workflowNetworkPolicyEnabled": "true"}, "networkApiServerCidrs", "the API server endpoint CIDRs"),
    ({"workflowNetworkPolicyEnabled": "true", "networkApiServerCidrs": '["10.0.0.1/32"]', "workflowEgress": "{to: []}"}, "workflowEgress", "a YAML list of Kubernetes NetworkPolicyEgressRules"),
    ({"workflowEgress": "[]"}, "workflowEgress", "unset while workflowNetworkPolicyEnabled is off"),
    ({"eventsSubmitterEnabled": "maybe"}, "eventsSubmitterEnabled", "true or false"),
    ({"eventsSubmitterEnabled": "true", "eventsSubmitterServiceAccount": "workflow"}, "eventsSubmitterServiceAccount", "an account of its own"),
    ({"eventsSubmitterServiceAccount": "sensor"}, "eventsSubmitterServiceAccount", "unset while eventsSubmitterEnabled is off"),
]  # fmt: skip


@pytest.mark.parametrize(("config", "key", "message"), BAD, ids=[f"{k}:{m}" for _, k, m in BAD])
def test_bad_feature_value_is_refused(config, key, message):
    problems = [p for p in _problems(config) if p.startswith(f"{P}{key}: found ")]
    assert any(message in p for p in problems), _problems(config)


def test_every_feature_key_has_a_bad_value_case():
    covered = {key for _, key, _ in BAD}
    missing = [k for k in feature_keys() if k not in covered]
    assert not missing, missing


def test_every_feature_key_is_typed_with_default_and_description():
    for key in feature_keys():
        spec = declared_keys()[key]
        assert spec.type in ("string", "integer", "boolean", "array"), key
        assert spec.default is not None and spec.description.strip(), key


def test_feature_problems_all_come_in_one_error():
    problems = _problems(
        {
            "artifactRepository": "ftp",
            "archiveTtl": "forever",
            "parallelism": -1,
            "controllerTolerations": "[{tolerationSeconds: soon}]",
            "imagePullPolicy": "sometimes",
        }
    )
    for key in ("artifactRepository", "archiveTtl", "parallelism", "controllerTolerations"):
        assert any(p.startswith(f"{P}{key}: found") for p in problems), (key, problems)
    assert any(p.startswith(f"{P}imagePullPolicy: found") for p in problems)


def test_structured_values_accept_yaml_and_json():
    settings = parse_settings(
        {
            P + "controllerTolerations": yaml.safe_dump(
                [{"key": "dedicated", "operator": "Equal", "value": "argo", "effect": "NoSchedule"}]
            ),
            P + "serverNodeSelector": '{"pool": "system"}',
            P + "controllerTopologySpread": "[]",
        }
    )
    assert "dedicated" in settings.controllerTolerations


def test_good_feature_sets_are_accepted():
    for config in (S3, ARCHIVE, {**NET, **S3, "networkArtifactStoreCidrs": '["10.1.0.0/16"]'}):
        parse_settings({P + k: v for k, v in config.items()})

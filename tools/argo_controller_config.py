"""The workflow-controller ConfigMap's Config struct, as a field table.

Facts only; tools/argo_schema.py writes them to
policies/argo_rules/data/controller_config-<version>.json. Source:
argoproj/argo-workflows config/config.go (type Config and the types it uses), config/sso.go,
config/rbac.go, config/node_events.go, config/workflow_events.go, config/image.go,
config/retention_policy.go, config/ttl.go; additions of v4.1 from the release notes
(docs/new-features.md v4.1.0). The controller reads every data key of the ConfigMap as a
key of this struct (or all of them from the single key `config`), YAML -> JSON through
sigs.k8s.io/yaml, into encoding/json (config/controller.go parseConfigMap).

Notation as in tools/argo_schema_delta.py. `TTL` (config/ttl.go) and metav1.Duration are
JSON strings ("10m", "1d"); Argo and Kubernetes types come from the Argo schema.
"""

from __future__ import annotations

ROOT = "ControllerConfig"

# Argo (wfv1) types the Config uses that the five CRD roots may not reach; the generator
# takes them from the seed models.
ARGO_TYPES = ("ArtifactRepository", "Link", "Column")

TYPES: dict[str, dict[str, str]] = {
    # config/config.go type Config
    ROOT: {
        "nodeEvents": "ControllerNodeEvents",
        "workflowEvents": "ControllerWorkflowEvents",
        "executor": "Container",
        "mainContainer": "Container",
        "kubeConfig": "ControllerKubeConfig",
        "artifactRepository": "ArtifactRepository",
        "namespace": "string",
        "instanceID": "string",
        "metricsConfig": "ControllerMetricsConfig",
        "telemetryConfig": "ControllerMetricsConfig",
        "parallelism": "integer",
        "namespaceParallelism": "integer",
        "resourceRateLimit": "ControllerResourceRateLimit",
        "persistence": "ControllerPersistConfig",
        "links": "[]Link",
        "columns": "[]Column",
        "workflowDefaults": "Workflow",
        "podSpecLogStrategy": "ControllerPodSpecLogStrategy",
        "podGCGracePeriodSeconds": "integer",
        "podGCDeleteDelayDuration": "string",
        "workflowRestrictions": "ControllerWorkflowRestrictions",
        "initialDelay": "string",
        "images": "{}ControllerImage",
        "retentionPolicy": "ControllerRetentionPolicy",
        "navColor": "string",
        "sso": "ControllerSSOConfig",
        "synchronization": "ControllerSyncConfig",
        # v4.1.0 init-less pod layout, `initlessPod.enabled` (argo-workflows#16154,
        # .features/released/v4.1.0/initless-pod.md)
        "initlessPod": "ControllerInitlessPod",
        # v4.1.0 workflow tracing section (argo-workflows#12077, docs/new-features.md); its
        # sub-keys are not confirmed here, so its content is free-form.
        "tracing": "any",
    },
    # config/config.go ResourceRateLimit
    "ControllerResourceRateLimit": {"limit": "number", "burst": "integer"},
    # config/node_events.go NodeEvents
    "ControllerNodeEvents": {"enabled": "boolean", "sendAsPod": "boolean"},
    # config/workflow_events.go WorkflowEvents
    "ControllerWorkflowEvents": {"enabled": "boolean"},
    # config/config.go KubeConfig
    "ControllerKubeConfig": {
        "secretName": "string",
        "secretKey": "string",
        "volumeName": "string",
        "mountPath": "string",
    },
    # config/config.go PersistConfig (DBConfig inlined)
    "ControllerPersistConfig": {
        "postgresql": "ControllerPostgreSQLConfig",
        "mysql": "ControllerMySQLConfig",
        "connectionPool": "ControllerConnectionPool",
        "nodeStatusOffLoad": "boolean",
        "archive": "boolean",
        "archiveLabelSelector": "LabelSelector",
        "archiveTTL": "string",
        "clusterName": "string",
        "skipMigration": "boolean",
    },
    # config/config.go SyncConfig (DBConfig inlined)
    "ControllerSyncConfig": {
        "postgresql": "ControllerPostgreSQLConfig",
        "mysql": "ControllerMySQLConfig",
        "connectionPool": "ControllerConnectionPool",
        "enableAPI": "boolean",
        "controllerName": "string",
        "skipMigration": "boolean",
        "limitTableName": "string",
        "stateTableName": "string",
        "controllerTableName": "string",
        "lockTableName": "string",
        "pollSeconds": "integer",
        "heartbeatSeconds": "integer",
        "inactiveControllerSeconds": "integer",
        "semaphoreLimitCacheSeconds": "integer",
    },
    # config/config.go ConnectionPool
    "ControllerConnectionPool": {
        "maxIdleConns": "integer",
        "maxOpenConns": "integer",
        "connMaxLifetime": "string",
    },
    # config/config.go PostgreSQLConfig (DatabaseConfig inlined)
    "ControllerPostgreSQLConfig": {
        "host": "string",
        "port": "integer",
        "database": "string",
        "tableName": "string",
        "userNameSecret": "SecretKeySelector",
        "passwordSecret": "SecretKeySelector",
        "ssl": "boolean",
        "sslMode": "string",
    },
    # config/config.go MySQLConfig (DatabaseConfig inlined)
    "ControllerMySQLConfig": {
        "host": "string",
        "port": "integer",
        "database": "string",
        "tableName": "string",
        "userNameSecret": "SecretKeySelector",
        "passwordSecret": "SecretKeySelector",
        "options": "{}string",
    },
    # config/config.go MetricsConfig, MetricModifier
    "ControllerMetricsConfig": {
        "enabled": "boolean",
        "disableLegacy": "boolean",
        "metricsTTL": "string",
        "path": "string",
        "port": "integer",
        "ignoreErrors": "boolean",
        "secure": "boolean",
        "modifiers": "{}ControllerMetricModifier",
        "temporality": "string",
    },
    "ControllerMetricModifier": {
        "disabled": "boolean",
        "disabledAttributes": "[]string",
        "histogramBuckets": "[]number",
    },
    # config/config.go PodSpecLogStrategy
    "ControllerPodSpecLogStrategy": {"failedPod": "boolean", "allPods": "boolean"},
    # config/config.go WorkflowRestrictions
    "ControllerWorkflowRestrictions": {"templateReferencing": "string"},
    # config/image.go Image
    "ControllerImage": {"entrypoint": "[]string", "cmd": "[]string"},
    # config/retention_policy.go RetentionPolicy
    "ControllerRetentionPolicy": {
        "completed": "integer",
        "failed": "integer",
        "errored": "integer",
    },
    # config/sso.go SSOConfig
    "ControllerSSOConfig": {
        "issuer": "string",
        "issuerAlias": "string",
        "clientId": "SecretKeySelector",
        "clientSecret": "SecretKeySelector",
        "redirectUrl": "string",
        "rbac": "ControllerRBACConfig",
        "scopes": "[]string",
        "sessionExpiry": "string",
        "customGroupClaimName": "string",
        "userInfoPath": "string",
        "filterGroupsRegex": "[]string",
        "clientCert": "string",
        "clientKey": "string",
        "insecureSkipVerify": "boolean",
        "caCert": "string",
    },
    # config/rbac.go RBACConfig
    "ControllerRBACConfig": {"enabled": "boolean"},
    # v4.1.0 initlessPod (argo-workflows#16154)
    "ControllerInitlessPod": {"enabled": "boolean"},
}

# Values with a meaning (config/config.go constants). The controller does not refuse other
# values: any other templateReferencing means no restriction (MustUseReference compares
# with Strict and Secure only), so a rule should refuse them.
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    # TemplateReferencingStrict / TemplateReferencingSecure
    ("ControllerWorkflowRestrictions", "templateReferencing"): ("", "Strict", "Secure"),
    # MetricsTemporalityCumulative / MetricsTemporalityDelta
    ("ControllerMetricsConfig", "temporality"): ("", "Cumulative", "Delta"),
}

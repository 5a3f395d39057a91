"""What Argo Workflows v4.1.2 accepts beyond the v4.0.5 swagger that seeds the schema.

Facts only; tools/argo_schema.py applies them. Each entry names the upstream source it
comes from (argoproj/argo-workflows unless said otherwise).

Field types use the schema's own notation (see policies/argo_rules/schema.py):
``string``, ``integer``, ``number``, ``boolean``, ``IntOrString``, ``Quantity``,
``AnyString``, ``any``, a type name, ``[]T`` (array of T), ``{}T`` (map of string to T).
"""

from __future__ import annotations

# The schema version these tables describe.
ARGO_VERSION = "v4.1.2"

# Kubernetes API version (k8s.io/api minor) whose core types Argo v4.1.2 embeds.
# Kubernetes core fields of that minor that the v4.0.5 swagger lacks are added from the
# Kubernetes OpenAPI definitions of this minor (kubernetes-validate's copy). The v4.1
# feature set relies on 1.34 fields: pod-level `resources` (PodLevelResources, beta in
# 1.34, docs/new-features.md "Pod-level resource requests"), Container
# `restartPolicyRules`, EnvVarSource `fileKeyRef`, projected `podCertificate`.
KUBERNETES_MINOR = "1.34"

# New fields on existing types: (type, json name, field type, source).
ADDED_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    # pkg/apis/workflow/v1alpha1/workflow_types.go WorkflowSpec.PodResources and
    # Template.PodResources (argo-workflows#16399, .features/pending/pod-level-resources.md):
    # pod-level requests/limits, a corev1.ResourceRequirements.
    ("WorkflowSpec", "podResources", "ResourceRequirements", "argo-workflows#16399"),
    ("Template", "podResources", "ResourceRequirements", "argo-workflows#16399"),
    # Dynamic Resource Allocation claims at workflow and template level, a list of
    # corev1.PodResourceClaim (argo-workflows#16576, .features/pending/dra-resource-claims.md).
    ("WorkflowSpec", "resourceClaims", "[]PodResourceClaim", "argo-workflows#16576"),
    ("Template", "resourceClaims", "[]PodResourceClaim", "argo-workflows#16576"),
    # Workflow-level executor plugins (argo-workflows#15234,
    # pkg/apis/workflow/v1alpha1/executor_plugin.go ExecutorPlugin{Spec}).
    ("WorkflowSpec", "executorPlugins", "[]ExecutorPlugin", "argo-workflows#15234"),
    # Template.PendingTimeout: maximum time a pod may stay Pending, a duration string like
    # `timeout` (argo-workflows#10341, .features/pending/pending-timeout.md).
    ("Template", "pendingTimeout", "string", "argo-workflows#10341"),
    # S3 bucket addressing style "", "path" or "virtual-hosted" (argo-workflows#10851,
    # docs/new-features.md v4.1.0 "S3 virtual-hosted-style bucket addressing"); S3Bucket is
    # inlined into S3Artifact and S3ArtifactRepository.
    ("S3Artifact", "addressingStyle", "string", "argo-workflows#10851"),
    ("S3ArtifactRepository", "addressingStyle", "string", "argo-workflows#10851"),
    # HTTP artifact: buffer a streamed save to a temp file (argo-workflows#12656,
    # docs/new-features.md v4.1.0 "streaming save path").
    ("HTTPArtifact", "saveStreamViaFile", "boolean", "argo-workflows#12656"),
)

# New types: name -> (fields {json name: field type}, required, source).
ADDED_TYPES: dict[str, tuple[dict[str, str], tuple[str, ...], str]] = {
    # pkg/apis/workflow/v1alpha1/executor_plugin.go
    "ExecutorPlugin": ({"spec": "PluginSpec"}, ("spec",), "argo-workflows#15234"),
    # pkg/plugins/spec/plugin_types.go PluginSpec, Sidecar
    "PluginSpec": ({"sidecar": "PluginSidecar"}, ("sidecar",), "pkg/plugins/spec/plugin_types.go"),
    "PluginSidecar": (
        {"automountServiceAccountToken": "boolean", "container": "Container"},
        ("container",),
        "pkg/plugins/spec/plugin_types.go",
    ),
}

# Enumerations checked by Argo's validation or by the API server when the controller
# creates the pod: (type, json name, allowed values, source).
ENUMS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    # workflow/validate/validate.go validateRetryStrategy; workflow_types.go RetryPolicy
    (
        "RetryStrategy",
        "retryPolicy",
        ("Always", "OnFailure", "OnError", "OnTransientError"),
        "workflow_types.go RetryPolicy",
    ),
    # workflow_types.go PodGCStrategy (validate.go validatePodGC)
    (
        "PodGC",
        "strategy",
        (
            "OnPodCompletion",
            "OnPodSuccess",
            "OnWorkflowCompletion",
            "OnWorkflowSuccess",
        ),
        "workflow_types.go PodGCStrategy",
    ),
    # workflow_types.go ResourceTemplate.Action (validate.go validateResourceTemplate)
    (
        "ResourceTemplate",
        "action",
        ("get", "create", "apply", "delete", "replace", "patch"),
        "validate.go validateResource",
    ),
    # workflow_types.go ResourceTemplate.MergeStrategy
    (
        "ResourceTemplate",
        "mergeStrategy",
        ("strategic", "merge", "json"),
        "workflow_types.go ResourceTemplate",
    ),
    # cron_workflow_types.go ConcurrencyPolicy
    (
        "CronWorkflowSpec",
        "concurrencyPolicy",
        ("Allow", "Forbid", "Replace"),
        "cron_workflow_types.go ConcurrencyPolicy",
    ),
    # workflow_types.go VolumeClaimGCStrategy
    (
        "VolumeClaimGC",
        "strategy",
        ("OnWorkflowCompletion", "OnWorkflowSuccess"),
        "workflow_types.go VolumeClaimGCStrategy",
    ),
    # workflow_types.go ShutdownStrategy
    ("WorkflowSpec", "shutdown", ("Terminate", "Stop"), "workflow_types.go ShutdownStrategy"),
    # S3 addressing style (argo-workflows#10851)
    ("S3Artifact", "addressingStyle", ("", "path", "virtual-hosted"), "argo-workflows#10851"),
    (
        "S3ArtifactRepository",
        "addressingStyle",
        ("", "path", "virtual-hosted"),
        "argo-workflows#10851",
    ),
    # Kubernetes core/v1 types.go PullPolicy, validated by the API server on pod create.
    ("Container", "imagePullPolicy", ("Always", "Never", "IfNotPresent"), "core/v1 PullPolicy"),
    ("ScriptTemplate", "imagePullPolicy", ("Always", "Never", "IfNotPresent"), "core/v1"),
    ("UserContainer", "imagePullPolicy", ("Always", "Never", "IfNotPresent"), "core/v1"),
    ("ContainerNode", "imagePullPolicy", ("Always", "Never", "IfNotPresent"), "core/v1"),
    # core/v1 TolerationOperator, TaintEffect
    ("Toleration", "operator", ("Exists", "Equal"), "core/v1 TolerationOperator"),
    (
        "Toleration",
        "effect",
        ("", "NoSchedule", "PreferNoSchedule", "NoExecute"),
        "core/v1 TaintEffect",
    ),
    # core/v1 SeccompProfileType
    (
        "SeccompProfile",
        "type",
        ("Unconfined", "RuntimeDefault", "Localhost"),
        "core/v1 SeccompProfileType",
    ),
    # core/v1 DNSPolicy
    (
        "WorkflowSpec",
        "dnsPolicy",
        ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"),
        "core/v1 DNSPolicy",
    ),
)

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
# Argo v4.0.x vendored client-go v0.33 and v4.1.x vendors v0.35 (go.mod; v4.0.8 -> v4.1.1
# moved client-go v0.33.1 -> v0.35.4, and hack/k8s-versions.sh tests v1.34-v1.36); Hera's
# v4.0.5 models carry the 1.33 types. Kubernetes fields of this minor that the v4.0.5
# swagger lacks are added from the Kubernetes OpenAPI definitions of this minor
# (kubernetes-validate's copy): Container `restartPolicyRules`, EnvVarSource `fileKeyRef`,
# projected `podCertificate` (1.34) and its `userAnnotations` (1.35).
KUBERNETES_MINOR = "1.35"

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
    # pkg/apis/workflow/v1alpha1/executor_plugin.go ExecutorPlugin{Spec};
    # sdks/java/client/docs/IoArgoprojWorkflowV1alpha1WorkflowSpec.md
    # `executorPlugins: List<ExecutorPlugin>`, effective only with the controller feature
    # gate ARGO_WORKFLOW_LEVEL_EXECUTOR_PLUGINS).
    ("WorkflowSpec", "executorPlugins", "[]ExecutorPlugin", "argo-workflows#15234"),
    # Template.PendingTimeout: maximum time a pod may stay Pending (argo-workflows#10341,
    # PR #12762 "re-used the logic of timeout", .features/released/v4.1.0/pending-timeout.md);
    # typed as a duration string like Template.timeout (Go type not seen in the source).
    ("Template", "pendingTimeout", "string", "argo-workflows#10341"),
    # S3 bucket addressing style "", "path" or "virtual-hosted" (argo-workflows#10851,
    # docs/new-features.md v4.1.0; sdks/java/client/docs IoArgoprojWorkflowV1alpha1S3Artifact
    # and ...S3ArtifactRepository: addressingStyle String); S3Bucket is inlined into both.
    ("S3Artifact", "addressingStyle", "string", "argo-workflows#10851"),
    ("S3ArtifactRepository", "addressingStyle", "string", "argo-workflows#10851"),
    # HTTP artifact: buffer a streamed save to a temp file (argo-workflows#12656,
    # docs/new-features.md v4.1.0; sdks/java/client/docs IoArgoprojWorkflowV1alpha1HTTPArtifact:
    # saveStreamViaFile Boolean).
    ("HTTPArtifact", "saveStreamViaFile", "boolean", "argo-workflows#12656"),
)

# New types: name -> (fields {json name: field type}, required, source). Names as in the
# v4.1 swagger (sdks/java/client/docs/IoArgoprojWorkflowV1alpha1ExecutorPlugin*.md).
ADDED_TYPES: dict[str, tuple[dict[str, str], tuple[str, ...], str]] = {
    # pkg/apis/workflow/v1alpha1/executor_plugin.go ExecutorPlugin{Spec `json:"spec"`}
    "ExecutorPlugin": ({"spec": "ExecutorPluginSpec"}, ("spec",), "argo-workflows#15234"),
    # pkg/plugins/spec/plugin_types.go PluginSpec{Sidecar `json:"sidecar"`}
    "ExecutorPluginSpec": (
        {"sidecar": "ExecutorPluginSidecar"},
        ("sidecar",),
        "pkg/plugins/spec/plugin_types.go",
    ),
    # pkg/plugins/spec/plugin_types.go Sidecar{AutomountServiceAccountToken, Container}
    "ExecutorPluginSidecar": (
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
    # workflow_types.go ArtifactGC.Strategy (+kubebuilder:validation:Enum, so the API server
    # refuses other values under the full CRDs); WorkflowLevelArtifactGC inlines ArtifactGC.
    (
        "ArtifactGC",
        "strategy",
        ("", "OnWorkflowCompletion", "OnWorkflowDeletion", "Never"),
        "workflow_types.go ArtifactGCStrategy",
    ),
    (
        "WorkflowLevelArtifactGC",
        "strategy",
        ("", "OnWorkflowCompletion", "OnWorkflowDeletion", "Never"),
        "workflow_types.go ArtifactGCStrategy",
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

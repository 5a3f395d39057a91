"""What every workflow pod gets from the controller ConfigMap, so that a template that
never mentions a securityContext still meets Pod Security "restricted".

Pure data. The controller strategic-merges `mainContainer` under every main container
(`container`, `script`, each `containerSet` container), gives the init and wait containers
the `executor` settings, and merges `workflowDefaults` under every workflow
(workflow/controller/workflowpod.go, `mainContainerDefaults`; config/config.go).
"""

from __future__ import annotations

from components.facts import ARGO_UID

# Pod Security "restricted" at container level, so it holds whatever pod securityContext a
# template sets (a template-level one replaces the workflow's). No runAsUser here: a pod
# or template that sets one keeps it; no readOnlyRootFilesystem: many tools write to disk.
RESTRICTED_CONTAINER = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}

# ConfigMap key `mainContainer` (a corev1.Container).
MAIN_CONTAINER = {"securityContext": RESTRICTED_CONTAINER}

# ConfigMap key `executor` (a corev1.Container): the emissary executor works on the
# container's disk, so its root filesystem stays writable (docs/workflow-executors.md).
EXECUTOR = {"securityContext": RESTRICTED_CONTAINER}

# The pod securityContext of `workflowDefaults`. A numeric user is needed with
# runAsNonRoot: the kubelet refuses to start an image whose user is root or a name
# without one (docs/workflow-pod-security-context.md runs them as 8737).
WORKFLOW_POD_SECURITY_CONTEXT = {
    "runAsNonRoot": True,
    "runAsUser": ARGO_UID,
    "seccompProfile": {"type": "RuntimeDefault"},
}

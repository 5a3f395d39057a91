"""Objects of any shape (a list where a name belongs, a string where a list belongs,
values unknown at preview) never make a policy raise: every rule judges what it can."""

from __future__ import annotations

import contextlib

import pytest
import resource_policies as rp
import stack_policies as sp
from policy_harness import good_stack, resource, validate_resource, validate_stack
from pulumi_policy.proxy import UnknownValueError

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
ODD = [None, "x", {"a": None}, [1, "a"], UNKNOWN]
KINDS = [
    ("argoproj.io/v1alpha1", "Workflow"),
    ("argoproj.io/v1alpha1", "CronWorkflow"),
    ("argoproj.io/v1alpha1", "WorkflowTemplate"),
    ("v1", "ConfigMap"),
    ("apps/v1", "Deployment"),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
    ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"),
    ("admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicyBinding"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"),
]
# no-cluster-wide-argo-grants and the Sensor policy have their own shape tests.
RESOURCE = [p for p in rp.RESOURCE_POLICIES if p.name != "sensor-workflows-must-reference-template"]
STACK = [p for p in sp.STACK_POLICIES if p.name != "no-cluster-wide-argo-grants"]


def _shapes(api: str, kind: str, odd):
    base = {"apiVersion": api, "kind": kind}
    yield {**base, "metadata": odd, "spec": odd, "data": odd, "items": odd, "webhooks": odd}
    yield {
        **base,
        "metadata": {"name": odd, "namespace": odd, "labels": odd},
        "spec": {
            "template": {"spec": {"containers": odd}},
            "workflowSpec": odd,
            "workflowTemplateRef": odd,
            "artifactGC": odd,
            "group": odd,
            "names": odd,
            "conversion": odd,
            "policyName": odd,
        },
        "data": {"workflowRestrictions": odd, "config": odd},
        "subjects": [{"kind": "ServiceAccount", "name": odd, "namespace": odd}],
        "roleRef": {"kind": "ClusterRole", "name": odd},
        "rules": [{"apiGroups": odd, "resources": odd, "verbs": odd}],
    }
    yield {
        **base,
        "metadata": {"name": "workflow-controller", "namespace": "argo"},
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "c",
                            "image": "quay.io/argoproj/workflow-controller:v4.1.2",
                            "args": odd,
                            "env": odd,
                            "command": odd,
                        }
                    ]
                }
            }
        },
    }


def _token(api: str, kind: str) -> str:
    return f"kubernetes:{'core/v1' if api == 'v1' else api}:{kind}"


@pytest.mark.parametrize(("api", "kind"), KINDS, ids=[k for _, k in KINDS])
def test_no_policy_raises_on_odd_shapes(api: str, kind: str) -> None:
    for odd in ODD:
        for props in _shapes(api, kind, odd):
            # UnknownValueError is how a policy ends with an advisory (reporting.py).
            for token in (_token(api, kind), _token(api, kind) + "Patch"):
                for policy in RESOURCE:
                    with contextlib.suppress(UnknownValueError):
                        validate_resource(policy, token, props)
            stack = [*good_stack(), resource(_token(api, kind), "odd", props)]
            for policy in STACK:
                with contextlib.suppress(UnknownValueError):
                    validate_stack(policy, stack)

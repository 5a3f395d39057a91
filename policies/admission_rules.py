"""No mutating admission may reach workflow pods in the managed namespace.

A MutatingWebhookConfiguration or MutatingAdmissionPolicy (with its binding) that matches
pod creation in the managed namespace can rewrite every workflow pod after the pack and
the controller have judged it: another image, command, service account or volume. Its
reach is judged from its rules and namespaceSelector against the managed namespace's
labels (the stack's Namespace object plus `kubernetes.io/metadata.name`, which the API
server sets); objectSelector is ignored because workflow pods carry labels their
templates choose.
"""

from __future__ import annotations

from typing import Any

import upstream_facts as facts
from k8s_objects import (
    UNKNOWN,
    Unjudged,
    get,
    is_list,
    is_mapping,
    label_requirement_holds,
    scalar,
    strings,
)
from pack_settings import Settings
from resource_objects import FoundObject

_POD_RESOURCES = ("pods", "pods/*", "*", "*/*")
_CREATE_OPS = ("CREATE", "UPDATE", "*")


def _namespace_labels(objects: list[FoundObject], namespace: str) -> dict[str, Any]:
    labels: dict[str, Any] = {}
    for found in objects:
        if (found.kind.group, found.kind.kind) == ("", facts.NAMESPACE) and get(
            found.manifest, "metadata", "name"
        ) == namespace:
            found_labels = get(found.manifest, "metadata", "labels")
            if is_mapping(found_labels):
                labels.update(found_labels)
    labels[facts.NAMESPACE_NAME_LABEL] = namespace
    return labels


def selector_matches(selector: Any, labels: dict[str, Any]) -> bool | None:
    """A LabelSelector against labels (None: an empty selector matches everything)."""
    if selector is None:
        return True
    if selector is UNKNOWN or not is_mapping(selector):
        return None
    match_labels = selector.get("matchLabels")
    if is_mapping(match_labels):
        for key, value in match_labels.items():
            if value is UNKNOWN:
                return None
            if labels.get(key) != value:
                return False
    expressions = selector.get("matchExpressions")
    for expression in expressions if is_list(expressions) else []:
        key, operator = get(expression, "key"), get(expression, "operator")
        values = get(expression, "values")
        values = list(values) if is_list(values) else []
        if UNKNOWN in (key, operator) or UNKNOWN in values or not isinstance(key, str):
            return None
        if not label_requirement_holds(labels, key, operator, values):
            return False
    return True


def _rule_reaches_pods(rule: Any) -> bool:
    groups = get(rule, "apiGroups")
    resources = get(rule, "resources")
    operations = get(rule, "operations")
    groups = strings(groups) if is_list(groups) else {"*"}
    operations = strings(operations) if is_list(operations) else {"*"}
    return (
        bool({"", "*"} & groups)
        and any(resource in _POD_RESOURCES for resource in strings(resources))
        and bool(set(_CREATE_OPS) & operations)
    )


def _rules_reach_pods(rules: Any) -> bool:
    return any(_rule_reaches_pods(rule) for rule in (rules if is_list(rules) else []))


def admission_problems(
    objects: list[FoundObject], settings: Settings
) -> list[tuple[str, str | None]]:
    labels = _namespace_labels(objects, settings.managed_namespace)
    problems: list[tuple[str, str | None]] = []
    reaching_policies: set[Any] = set()
    bindings: list[FoundObject] = []
    for found in objects:
        if found.kind.group != facts.ADMISSION_GROUP:
            continue
        if found.kind.kind == facts.MUTATING_WEBHOOK_CONFIGURATION:
            webhooks = get(found.manifest, "webhooks")
            for index, webhook in enumerate(webhooks if is_list(webhooks) else []):
                if not _rules_reach_pods(get(webhook, "rules")):
                    continue
                reach = selector_matches(get(webhook, "namespaceSelector"), labels)
                if reach is None:
                    problems.append(
                        (
                            Unjudged(
                                f"{found.label}: webhooks[{index}].namespaceSelector is "
                                "unknown during preview"
                            ),
                            found.urn,
                        )
                    )
                elif reach:
                    problems.append(
                        (
                            f"{found.label}: webhooks[{index}] mutates pods in the managed "
                            f"namespace {settings.managed_namespace}, rewriting workflow pods "
                            "after they were judged; exclude that namespace with "
                            f"namespaceSelector ({facts.NAMESPACE_NAME_LABEL} NotIn "
                            f"[{settings.managed_namespace}]) or remove it",
                            found.urn,
                        )
                    )
        elif found.kind.kind == facts.MUTATING_ADMISSION_POLICY:
            constraints = get(found.manifest, "spec", "matchConstraints")
            if not _rules_reach_pods(get(constraints, "resourceRules")):
                continue
            reach = selector_matches(get(constraints, "namespaceSelector"), labels)
            if reach is not False:
                reaching_policies.add(scalar(get(found.manifest, "metadata", "name")))
                problems.append(
                    (
                        f"{found.label}: mutates pods in the managed namespace "
                        f"{settings.managed_namespace}, rewriting workflow pods after they "
                        "were judged; exclude that namespace in matchConstraints or remove it",
                        found.urn,
                    )
                )
        elif found.kind.kind == facts.MUTATING_ADMISSION_POLICY_BINDING:
            bindings.append(found)
    policies_in_stack = {
        scalar(get(found.manifest, "metadata", "name"))
        for found in objects
        if (found.kind.group, found.kind.kind)
        == (facts.ADMISSION_GROUP, facts.MUTATING_ADMISSION_POLICY)
    }
    for found in bindings:
        policy = scalar(get(found.manifest, "spec", "policyName"))
        resources = get(found.manifest, "spec", "matchResources")
        reach = selector_matches(get(resources, "namespaceSelector"), labels)
        if reach is False:
            continue
        if policy in reaching_policies or policy not in policies_in_stack:
            problems.append(
                (
                    f"{found.label}: binds mutating admission policy {policy!r} where it can "
                    f"reach pods in the managed namespace {settings.managed_namespace}; "
                    "exclude that namespace in matchResources or remove it",
                    found.urn,
                )
            )
    return problems

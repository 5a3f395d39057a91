"""The Kubernetes objects a Pulumi resource carries, classified by what they are.

pulumi-kubernetes creates the object its properties describe (`apiVersion` / `kind`),
whatever the type token says: `pulumi.CustomResource("kubernetes:core/v1:ConfigMap",
props=<a Workflow>)` creates a Workflow (provider/pkg/provider/provider.go: the token
only drives deprecation warnings and default-namespace scoping; create and update send
the inputs). So every `kubernetes:*` resource is classified by its properties; a token
ending in `Patch` makes it a server-side-apply patch (provider/pkg/kinds `IsPatchURN`);
the items of a `...List` are classified one by one; a yaml / yaml/v2 ConfigGroup or
ConfigFile carries inline objects in its inputs. All are yielded the same way, with a
label naming the Pulumi resource, so every rule applies to all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import upstream_facts as facts
from canonical import canonicalize
from k8s_objects import (
    UNKNOWN,
    Kind,
    PlainDict,
    Unjudged,
    api_group,
    get,
    is_list,
    is_mapping,
    kind_of_type,
    object_name,
    to_plain,
)
from raw_manifests import InlineObject, Unreadable, inline_objects, is_raw_manifest_type
from shared_analysis import once_per_content

# Kinds spelled in another letter case still name the kind the pack guards (the pack
# judges `kind: workflow` as a Workflow; the token check refuses the spelling).
_KNOWN_KINDS = {
    kind.casefold(): kind
    for kind in (
        *facts.ARGO_WORKFLOWS_KINDS,
        facts.SENSOR,
        "EventSource",
        facts.CONFIG_MAP,
        facts.CLUSTER_ROLE,
        facts.CLUSTER_ROLE_BINDING,
        facts.ROLE_BINDING,
        "Role",
        "ServiceAccount",
        facts.NAMESPACE,
        facts.CUSTOM_RESOURCE_DEFINITION,
        facts.MUTATING_WEBHOOK_CONFIGURATION,
        facts.MUTATING_ADMISSION_POLICY,
        facts.MUTATING_ADMISSION_POLICY_BINDING,
        *(kind for _, kind in facts.WORKLOAD_POD_SPECS),
    )
}


@dataclass(frozen=True)
class FoundObject:
    kind: Kind
    manifest: Any
    label: str
    urn: str
    # Go-style key collisions of an Argo object (see canonical.py).
    collisions: list[str] = field(default_factory=list)


def classify(api_version: Any, kind: Any, patch: bool = False) -> Kind | None:
    """Group and kind an object's apiVersion/kind name (known kinds in canonical case)."""
    if not isinstance(api_version, str) or not isinstance(kind, str) or not kind:
        return None
    group = api_group(api_version).casefold()
    return Kind(group, _KNOWN_KINDS.get(kind.casefold(), kind), patch)


def kind_of_object(manifest: Any, patch: bool = False) -> Kind | None:
    return classify(get(manifest, "apiVersion"), get(manifest, "kind"), patch)


def _resource_label(type_token: str, name: str) -> str:
    return f'{type_token} "{name}"'


def _found(kind: Kind, manifest: Any, label: str, urn: str) -> FoundObject:
    if kind.group == facts.ARGO_GROUP and kind.kind in facts.CANONICALIZED_KINDS:
        canonical = canonicalize(manifest, kind.kind)
        return FoundObject(kind, canonical.value, label, urn, canonical.collisions)
    return FoundObject(kind, manifest, label, urn)


def _list_items(kind: Kind, manifest: Any, label: str, urn: str) -> Iterator[FoundObject]:
    """The objects in a `<Kind>List` (the provider sends each item as it is)."""
    if not kind.kind.endswith(facts.LIST_SUFFIX) or not is_list(get(manifest, "items")):
        return
    for index, item in enumerate(manifest["items"]):
        item_kind = kind_of_object(item)
        if item_kind is not None:
            where = f'{item_kind.kind} "{object_name(item)}" in items[{index}] of {label}'
            yield _found(item_kind, item, where, urn)


def token_kind(type_token: str) -> Kind | None:
    """The kind a type token names (only a fallback: the properties decide)."""
    return kind_of_type(type_token, facts.PATCH_SUFFIX)


def is_object_type(type_token: str) -> bool:
    """A pulumi-kubernetes resource that is one object (not a component or a provider)."""
    return (
        type_token.startswith("kubernetes:")
        and type_token not in facts.NOT_OBJECT_TYPES
        and not is_raw_manifest_type(type_token)
    )


def expected_token(api_version: str, kind: str, patch: bool) -> str:
    module = api_version if "/" in api_version else facts.CORE_MODULE_PREFIX + api_version
    return f"kubernetes:{module}:{kind}{facts.PATCH_SUFFIX if patch else ''}"


def is_patch_token(type_token: str) -> bool:
    return type_token.endswith(facts.PATCH_SUFFIX)


def resource_kind(type_token: str, props: Any) -> Kind | None:
    """What the provider creates for a typed resource: its properties' kind, else the token's."""
    kind = kind_of_object(props, is_patch_token(type_token))
    if kind is not None:
        return kind
    return token_kind(type_token)


def objects_of(type_token: str, props: Any, name: str, urn: str = "") -> Iterator[FoundObject]:
    """The object a resource registers (and a List's items), or a raw manifest's objects."""
    props = to_plain(props)
    if is_raw_manifest_type(type_token):
        for found in inline_objects(props):
            if isinstance(found, InlineObject):
                kind = kind_of_object(found.manifest)
                if kind is None:
                    continue
                label = (
                    f'{kind.kind} "{object_name(found.manifest)}" in {found.where} of '
                    f"{_resource_label(type_token, name)}"
                )
                yield _found(kind, found.manifest, label, urn)
                yield from _list_items(kind, found.manifest, label, urn)
        return
    if not is_object_type(type_token):
        return
    props = _without_provider_keys(props)
    kind = resource_kind(type_token, props)
    if kind is None:
        return
    what = f'{kind.kind}{facts.PATCH_SUFFIX if kind.patch else ""} "{object_name(props)}"'
    label = f'{what} (Pulumi resource "{name}")'
    yield _found(kind, props, label, urn)
    yield from _list_items(kind, props, label, urn)


# What pulumi-kubernetes keeps beside the object in a resource's outputs, which AnalyzeStack
# receives (pulumi-kubernetes provider/pkg/provider/provider.go, checkpointObject): not part
# of the object in the cluster.
_PROVIDER_KEYS = ("__inputs", "__initialApiVersion", "__fieldManager")


def _without_provider_keys(props: Any) -> Any:
    if not is_mapping(props) or not any(key in props for key in _PROVIDER_KEYS):
        return props
    return PlainDict({k: v for k, v in props.items() if k not in _PROVIDER_KEYS})


@once_per_content
def plain_props(props: Any) -> PlainDict:
    """A resource's properties as plain data (once for the same properties)."""
    return to_plain(props)


@once_per_content
def resource_objects(props: Any, type_token: str, name: str, urn: str) -> tuple[FoundObject, ...]:
    """`objects_of` a resource, once for the same properties, token, name and URN."""
    return tuple(objects_of(type_token, plain_props(props), name, urn))


def token_problems(type_token: str, props: Any) -> list[str]:
    """A typed resource whose token disagrees with the object its properties describe."""
    if not is_object_type(type_token):
        return []
    props = to_plain(props)
    api_version, kind = get(props, "apiVersion"), get(props, "kind")
    if api_version is UNKNOWN or kind is UNKNOWN:
        return [
            Unjudged(
                "apiVersion/kind are unknown during preview, so what this resource creates "
                f"cannot be judged from its properties; judged as its type token {type_token}"
            )
        ]
    if api_version is None and kind is None:
        return []
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return [
            f"apiVersion {api_version!r} / kind {kind!r} do not name an object; the provider "
            "creates what they say, so set both as strings matching the type token"
        ]
    expected = expected_token(api_version, kind, is_patch_token(type_token))
    if type_token == expected:
        return []
    return [
        f"the type token {type_token} does not match the object it creates "
        f"(apiVersion {api_version}, kind {kind}): the provider creates what apiVersion/kind "
        f"say; register it as {expected}"
    ]


def _hides(manifest: Any) -> bool:
    """An object no rule can see during a preview: the object, its apiVersion or kind, or
    (a List) its items unknown."""
    if manifest is UNKNOWN:
        return True
    if not is_mapping(manifest):
        return False
    kind = manifest.get("kind")
    if manifest.get("apiVersion") is UNKNOWN or kind is UNKNOWN:
        return True
    return (
        isinstance(kind, str)
        and kind.endswith(facts.LIST_SUFFIX)
        and (manifest.get("items") is UNKNOWN)
    )


def hidden_objects(type_token: str, props: Any, name: str) -> list[Unjudged]:
    """What a resource carries that no stack policy can see during a preview: a raw
    manifest's `yaml` or `objs` input, an object in them whose apiVersion, kind or items are
    unknown; a List resource's items. (YAML that does not parse is refused by the resource
    policies.)"""
    where = _resource_label(type_token, name)
    props = plain_props(props)
    if is_raw_manifest_type(type_token):
        notes: list[Unjudged] = []
        unknown_inputs = set()
        for found in inline_objects(props):
            if isinstance(found, Unreadable):
                if found.error is None:
                    unknown_inputs.add(found.where)
                    notes.append(_unknown_input(found.where, where))
            elif found.where not in unknown_inputs and _hides(found.manifest):
                notes.append(
                    Unjudged(
                        f"an object in {found.where} of {where} has its apiVersion, kind or "
                        "items unknown during preview; what it creates cannot be judged until "
                        "it is known"
                    )
                )
        return notes
    if not is_object_type(type_token) or not is_mapping(props):
        return []
    kind, items = props.get("kind"), props.get("items")
    if not (isinstance(kind, str) and kind.endswith(facts.LIST_SUFFIX)):
        return []
    if items is UNKNOWN or (is_list(items) and any(_hides(item) for item in items)):
        return [
            Unjudged(
                f"the items of {where} (or an item's apiVersion or kind) are unknown during "
                "preview; what they create cannot be judged until they are known"
            )
        ]
    return []


def _unknown_input(input_where: str, where: str) -> Unjudged:
    return Unjudged(
        f"{input_where} of {where} is unknown during preview; its objects cannot be judged "
        "until it is known"
    )


def unreadable_inline_yaml(type_token: str, props: Any, name: str) -> list[str]:
    """Messages for inline YAML of a raw manifest that does not parse."""
    if not is_raw_manifest_type(type_token):
        return []
    messages: list[str] = []
    for found in inline_objects(to_plain(props)):
        if isinstance(found, Unreadable) and found.error is None:
            messages.append(_unknown_input(found.where, _resource_label(type_token, name)))
        elif isinstance(found, Unreadable):
            messages.append(
                f"{found.where} of {_resource_label(type_token, name)} is not valid YAML "
                f"({found.error}); fix it so it can be checked for inline workflows"
            )
    return messages

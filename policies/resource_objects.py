"""The Kubernetes objects a Pulumi resource carries.

A pulumi-kubernetes resource is one object (its properties are the manifest; the kind
comes from the type token, `...Patch` for a server-side-apply patch); a yaml ConfigGroup /
ConfigFile carries inline objects in its inputs. Both are yielded the same way, with a
label that names the Pulumi resource, so every rule applies to both.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from k8s_objects import Kind, kind_of_manifest, kind_of_type, object_name
from raw_manifests import InlineObject, Unreadable, inline_objects, is_raw_manifest_type
from upstream_facts import PATCH_SUFFIX


@dataclass(frozen=True)
class FoundObject:
    kind: Kind
    manifest: Any
    label: str
    urn: str


def _resource_label(type_token: str, name: str) -> str:
    return f'{type_token} "{name}"'


def objects_of(
    type_token: str, props: Mapping[str, Any], name: str, urn: str = ""
) -> Iterator[FoundObject]:
    """The object a resource registers, or the inline objects of a raw manifest."""
    if is_raw_manifest_type(type_token):
        for found in inline_objects(props):
            if isinstance(found, InlineObject):
                kind = kind_of_manifest(found.manifest)
                if kind is None:
                    continue
                label = (
                    f'{kind.kind} "{object_name(found.manifest)}" in {found.where} of '
                    f"{_resource_label(type_token, name)}"
                )
                yield FoundObject(kind, found.manifest, label, urn)
        return
    kind = kind_of_type(type_token, PATCH_SUFFIX)
    if kind is None:
        return
    what = f'{kind.kind}{PATCH_SUFFIX if kind.patch else ""} "{object_name(props)}"'
    yield FoundObject(kind, props, f'{what} (Pulumi resource "{name}")', urn)


def unreadable_inline_yaml(type_token: str, props: Mapping[str, Any], name: str) -> list[str]:
    """Messages for inline YAML of a raw manifest that does not parse."""
    if not is_raw_manifest_type(type_token):
        return []
    return [
        f"{found.where} of {_resource_label(type_token, name)} is not valid YAML "
        f"({found.error}); fix it so it can be checked for inline workflows"
        for found in inline_objects(props)
        if isinstance(found, Unreadable)
    ]

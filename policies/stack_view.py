"""What every stack policy reads, computed once per AnalyzeStack request.

The objects of every resource (classified, canonicalized) and the install's facts are
derived once and shared by the stack policies of one request: the cache is keyed by the
identity of the resources' property objects (held, so the key stays valid), which the
policies of one request share when the pack converts properties once per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from install_facts import InstallFacts, install_facts
from resource_objects import FoundObject, objects_of


@dataclass
class StackView:
    objects: list[FoundObject]
    install: InstallFacts


@dataclass
class _Entry:
    props: list[Any]
    view: StackView


_last: list[_Entry] = []


def stack_view(resources: list[Any]) -> StackView:
    """Objects and install facts of the stack (resources: PolicyResource-like)."""
    props = [resource.props for resource in resources]
    if (
        _last
        and len(_last[0].props) == len(props)
        and all(a is b for a, b in zip(_last[0].props, props, strict=True))
    ):
        return _last[0].view
    objects = [
        found
        for resource in resources
        for found in objects_of(resource.resource_type, resource.props, resource.name, resource.urn)
    ]
    view = StackView(objects, install_facts(objects))
    _last[:] = [_Entry(props, view)]
    return view

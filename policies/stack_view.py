"""What every stack policy reads, computed once per AnalyzeStack request.

The objects of every resource (classified, canonicalized, with unknown preview values
marked) and the install's facts are derived once per request and shared by the stack
policies (`shared_analysis.once_per_request`); a validator called outside a served
request computes them itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from install_facts import InstallFacts, install_facts
from resource_objects import FoundObject, hidden_objects, resource_objects
from shared_analysis import once_per_request


@dataclass
class StackView:
    objects: list[FoundObject]
    install: InstallFacts
    # Objects hidden from every stack policy during a preview: a raw manifest's (ConfigGroup,
    # ConfigFile, ...) unknown input, objects of unknown kind, a List's unknown items.
    hidden: list[tuple[str, str | None]] = field(default_factory=list)


def compute_stack_view(resources: list[Any]) -> StackView:
    """Objects and install facts of the stack (resources: PolicyResource-like)."""
    objects = [
        found
        for resource in resources
        for found in resource_objects(
            resource.props, resource.resource_type, resource.name, resource.urn
        )
    ]
    hidden = [
        (note, resource.urn)
        for resource in resources
        for note in hidden_objects(resource.resource_type, resource.props, resource.name)
    ]
    return StackView(objects, install_facts(objects), hidden)


@once_per_request
def stack_view(args: Any) -> StackView:
    """The stack view of a StackValidationArgs, once per AnalyzeStack request."""
    return compute_stack_view(args.resources)

"""What every stack policy reads, computed once per AnalyzeStack request.

The objects of every resource (classified, canonicalized, with unknown preview values
marked) and the install's facts are derived once per request and shared by the stack
policies (`shared_analysis.once_per_request`); a validator called outside a served
request computes them itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from install_facts import InstallFacts, install_facts
from resource_objects import FoundObject, resource_objects
from shared_analysis import once_per_request


@dataclass
class StackView:
    objects: list[FoundObject]
    install: InstallFacts


def compute_stack_view(resources: list[Any]) -> StackView:
    """Objects and install facts of the stack (resources: PolicyResource-like)."""
    objects = [
        found
        for resource in resources
        for found in resource_objects(
            resource.props, resource.resource_type, resource.name, resource.urn
        )
    ]
    return StackView(objects, install_facts(objects))


@once_per_request
def stack_view(args: Any) -> StackView:
    """The stack view of a StackValidationArgs, once per AnalyzeStack request."""
    return compute_stack_view(args.resources)

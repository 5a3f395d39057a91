"""Entry point the policy engine runs (`python -u -m pulumi.policy <engine> .` in this folder).

Building the PolicyPack starts its Analyzer gRPC server, prints the port and never
returns, so this file only builds the pack; the rules live in the sibling modules.
"""

from pulumi_policy import EnforcementLevel, PolicyPack
from resource_policies import RESOURCE_POLICIES
from stack_policies import STACK_POLICIES

PolicyPack(
    name="argo-workflows-guard",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[*RESOURCE_POLICIES, *STACK_POLICIES],
)

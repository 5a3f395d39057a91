"""Entry point the policy engine runs (`python -u -m pulumi.policy <engine> .` in this folder).

Building the PolicyPack starts its Analyzer gRPC server, prints the port and never
returns, so this file only builds the pack; the rules live in the sibling modules.
Before that, `shared_analysis.install()` makes the pack convert each request once for
all its policies, and `clean_stop.install()` makes a SIGINT stop it cleanly whenever it
arrives (see those modules).
"""

import clean_stop
import shared_analysis
from pulumi_policy import EnforcementLevel, PolicyPack
from resource_policies import RESOURCE_POLICIES
from stack_policies import STACK_POLICIES

clean_stop.install()
shared_analysis.install()

PolicyPack(
    name="argo-workflows-guard",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[*RESOURCE_POLICIES, *STACK_POLICIES],
)

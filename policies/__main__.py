"""Entry point the policy engine runs (`python -u -m pulumi.policy <engine> .` in this folder).

Building the PolicyPack starts its Analyzer gRPC server, prints the port and never
returns, so this file only builds the pack; the rules live in the sibling modules.
Before that, `shared_analysis.install()` makes the pack convert each request once for
all its policies, and `clean_stop.install()` makes a SIGINT stop it cleanly whenever it
arrives (see those modules). What the imports built lives as long as the process, so it
is moved out of the garbage collector's sight (`gc.freeze`): a collection then scans only
what the requests make, not every module, class and table of the pack and its SDKs.
"""

import gc

import clean_stop
import shared_analysis
from pulumi_policy import EnforcementLevel, PolicyPack
from resource_policies import RESOURCE_POLICIES
from stack_policies import STACK_POLICIES

clean_stop.install()
shared_analysis.install()
gc.freeze()

PolicyPack(
    name="argo-workflows-guard",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[*RESOURCE_POLICIES, *STACK_POLICIES],
)

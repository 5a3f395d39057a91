"""Argo Workflows rules shared by the template catalog and the policy pack.

Pure Python (stdlib + pyyaml). Imported as `argo_rules` by the policy pack and as
`policies.argo_rules` by the program, tools and tests.
"""

"""SSO RBAC: groups map to access levels through annotated service accounts, whose token
Secrets exist and are the only Secrets of the managed namespace the server may read."""

from __future__ import annotations

import re

import pytest

from tests.test_rbac import SERVER, effective_permissions

MANAGED = "argo-events"
RULE = "workflows.argoproj.io/rbac-rule"
PRECEDENCE = "workflows.argoproj.io/rbac-rule-precedence"


def _annotated(render):
    return {
        o["metadata"]["name"]: o
        for o in render.objects
        if o["kind"] == "ServiceAccount" and RULE in (o["metadata"].get("annotations") or {})
    }


def _matches(rule: str, groups: list[str]) -> bool:
    """Evaluate the rule the way expr does for this shape: `"g" in groups || ...`.

    The JSON-quoted literals and `in` read the same in Python; `||` is `or`.
    """
    assert re.fullmatch(r'"[^"\\]*" in groups( \|\| "[^"\\]*" in groups)*', rule), rule
    return bool(eval(rule.replace(" || ", " or "), {"__builtins__": {}}, {"groups": groups}))  # noqa: S307


def _pick(accounts, groups):
    """server/auth/gatekeeper.go: highest precedence first, first rule that matches."""
    ordered = sorted(
        accounts.values(), key=lambda a: -int(a["metadata"]["annotations"][PRECEDENCE])
    )
    for account in ordered:
        if _matches(account["metadata"]["annotations"][RULE], groups):
            return account["metadata"]["name"]
    return None


def test_prod_maps_groups_to_levels(stack_render):
    accounts = _annotated(stack_render("prod"))
    assert set(accounts) == {"argo-sso-viewer", "argo-sso-submitter"}
    assert _pick(accounts, ["platform-readers"]) == "argo-sso-viewer"
    assert _pick(accounts, ["platform-operators"]) == "argo-sso-submitter"
    # In both: the higher level wins.
    assert _pick(accounts, ["platform-readers", "platform-operators"]) == "argo-sso-submitter"
    assert _pick(accounts, ["sales"]) is None
    assert _pick(accounts, []) is None
    for account in accounts.values():
        assert account["metadata"]["namespace"] == MANAGED  # argo-workflows#9989
        assert account["automountServiceAccountToken"] is False


def test_a_group_with_a_quote_is_refused(render):
    from components.settings import ConfigError

    with pytest.raises(ConfigError) as err:
        render("prod", {"ssoSubmitterGroups": '["x\\" || true || \\"y"]'})
    assert any(p.startswith("argo-workflows:ssoSubmitterGroups: found") for p in err.value.problems)
    accounts = _annotated(render("prod", {"ssoViewerGroups": '["team a", "org:ops/readers"]'}))
    rule = accounts["argo-sso-viewer"]["metadata"]["annotations"][RULE]
    assert _matches(rule, ["org:ops/readers"]) and _matches(rule, ["team a"])
    assert not _matches(rule, ["team"])


def test_each_annotated_account_has_its_token_secret_and_the_server_reads_only_those(
    stack_render,
):
    render = stack_render("prod")
    accounts = _annotated(render)
    secrets = {
        o["metadata"]["name"]: o
        for o in render.objects
        if o["kind"] == "Secret" and o["metadata"]["namespace"] == MANAGED
    }
    tokens = {f"{name}.service-account-token" for name in accounts}
    for name in accounts:
        token = secrets[f"{name}.service-account-token"]
        assert token["type"] == "kubernetes.io/service-account-token"
        assert token["metadata"]["annotations"]["kubernetes.io/service-account.name"] == name
    granted = effective_permissions(render.objects)[SERVER][MANAGED]
    assert granted[("", "secrets", "get")] == tokens
    assert granted[("", "serviceaccounts", "list")] is None  # the informer lists them all


def test_levels_follow_config(render):
    only_viewers = render("prod", {"ssoSubmitterGroups": "[]"})
    assert set(_annotated(only_viewers)) == {"argo-sso-viewer"}
    granted = effective_permissions(only_viewers.objects)
    assert granted[SERVER][MANAGED][("", "secrets", "get")] == {
        "argo-sso-viewer.service-account-token"
    }
    assert ("argo-events", "argo-sso-submitter") not in granted
    no_rbac = render(
        "prod", {"ssoRbacEnabled": "false", "ssoViewerGroups": "[]", "ssoSubmitterGroups": "[]"}
    )
    assert _annotated(no_rbac) == {}
    assert ("", "secrets", "get") not in effective_permissions(no_rbac.objects)[SERVER][MANAGED]


def test_sso_config_section(render):
    import yaml

    result = render("prod", {"ssoScopes": '["groups"]', "ssoSessionExpiry": "240h"})
    cm = next(o for o in result.objects if o["metadata"]["name"] == "workflow-controller-configmap")
    sso = yaml.safe_load(cm["data"]["sso"])
    assert sso["scopes"] == ["groups"]
    assert sso["sessionExpiry"] == "240h"
    assert sso["rbac"] == {"enabled": True}


def test_prod_runs_sso_and_client_modes(stack_render):
    deployment = next(
        o
        for o in stack_render("prod").objects
        if o["kind"] == "Deployment" and o["metadata"]["name"] == "argo-server"
    )
    args = deployment["spec"]["template"]["spec"]["containers"][0]["args"]
    modes = [args[i + 1] for i, a in enumerate(args) if a == "--auth-mode"]
    assert sorted(modes) == ["client", "sso"]

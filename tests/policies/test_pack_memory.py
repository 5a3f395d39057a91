"""What one pack process keeps between requests never hides a change.

The pack works on identical properties once per process and keeps each template's
verdict for the same content and context (policies/shared_analysis.py
`once_per_content`, policies/template_content.py). One pack is sent the dev stack, then
the stack with a change, then the dev stack again: every answer must be the one a fresh
pack gives.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import yaml

from tools.policy_runner import PolicyRunner

TEMPLATE_CONTENT = "workflowtemplates-follow-catalog-rules"


def _content_violations(runner: PolicyRunner, resources: list[Any]) -> list[str]:
    return [
        v.message
        for v in runner.analyze(resources, reuse=False)
        if v.policy_name == TEMPLATE_CONTENT and v.enforcement_level == "mandatory"
    ]


def _one(resources: list[Any], kind: str, name: str) -> Any:
    (found,) = [
        r
        for r in resources
        if r.inputs.get("kind") == kind and r.inputs["metadata"]["name"].startswith(name)
    ]
    return found


def test_a_changed_template_is_judged_anew_and_its_old_verdict_comes_back(
    stack_render: Callable[[str], Any],
) -> None:
    dev = stack_render("dev").resources
    changed = copy.deepcopy(dev)
    template = _one(changed, "WorkflowTemplate", "say")
    container = template.inputs["spec"]["templates"][0]["container"]
    container["securityContext"] = {"privileged": True}

    with PolicyRunner(stack="dev") as runner:
        assert _content_violations(runner, dev) == []
        found = _content_violations(runner, changed)
        assert any("say" in m and "privileged" in m for m in found), found
        assert _content_violations(runner, dev) == []


def test_the_same_templates_under_other_controller_defaults_are_judged_anew(
    stack_render: Callable[[str], Any],
) -> None:
    """The starter templates are restricted through the ConfigMap's mainContainer
    defaults; without them the same, unchanged templates run pods Pod Security
    "restricted" refuses."""
    dev = stack_render("dev").resources
    changed = copy.deepcopy(dev)
    config_map = _one(changed, "ConfigMap", "workflow-controller-configmap")
    main_container = yaml.safe_load(config_map.inputs["data"]["mainContainer"])
    main_container.pop("securityContext")
    config_map.inputs["data"]["mainContainer"] = yaml.safe_dump(main_container)

    with PolicyRunner(stack="dev") as runner:
        assert _content_violations(runner, dev) == []
        found = _content_violations(runner, changed)
        assert any("say" in m for m in found), found
        assert _content_violations(runner, dev) == []
        with PolicyRunner(stack="dev") as fresh:
            assert sorted(_content_violations(fresh, changed)) == sorted(found)

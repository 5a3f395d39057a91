"""The stack's index of WorkflowTemplates: which workflow parameters reach a library
template from the templates that call it through templateRef, however deep the call."""

from __future__ import annotations

from typing import Any

from argo_rules.template_index import caller_parameters


def _template(name: str, params: list[str], spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "WorkflowTemplate",
        "metadata": {"name": name},
        "spec": {"arguments": {"parameters": [{"name": p} for p in params]}, **spec},
    }


def _ref(name: str) -> dict[str, Any]:
    return {"templateRef": {"name": name, "template": "main"}}


def test_parameters_reach_every_template_called_directly_or_through_others() -> None:
    manifests = [
        # steps are a list of lists of steps; the ref sits three levels down
        _template("caller", ["a"], {"templates": [{"name": "m", "steps": [[_ref("lib")]]}]}),
        # a DAG task, and a hook: anywhere in the spec
        _template(
            "other",
            ["b"],
            {
                "templates": [{"name": "m", "dag": {"tasks": [{"name": "t", **_ref("lib")}]}}],
                "hooks": {"exit": _ref("hooked")},
            },
        ),
        # lib calls deep, so caller's and other's parameters reach deep too
        _template("lib", ["c"], {"templates": [{"name": "main", "steps": [[_ref("deep")]]}]}),
        _template("deep", [], {"templates": [{"name": "main", "container": {"image": "x"}}]}),
        _template("alone", ["d"], {"templates": [{"name": "main", "suspend": {}}]}),
        # not a WorkflowTemplate, and a ref without a name: ignored
        {"kind": "Workflow", "metadata": {"name": "w"}, "spec": {"x": _ref("alone")}},
        _template("noname", ["e"], {"templates": [{"templateRef": {"template": "main"}}]}),
    ]
    assert caller_parameters(manifests) == {
        "lib": frozenset({"a", "b"}),
        "deep": frozenset({"a", "b", "c"}),
        "hooked": frozenset({"b"}),
    }


def test_a_call_cycle_ends() -> None:
    manifests = [
        _template("x", ["p"], {"templates": [{"name": "main", "steps": [[_ref("y")]]}]}),
        _template("y", ["q"], {"templates": [{"name": "main", "steps": [[_ref("x")]]}]}),
    ]
    assert caller_parameters(manifests) == {
        "x": frozenset({"p", "q"}),
        "y": frozenset({"p", "q"}),
    }

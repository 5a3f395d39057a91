"""The schema walk of a WorkflowTemplate: where it places a problem, and what it leaves of
the manifest it reads."""

from __future__ import annotations

import copy

from policies.argo_rules.template_schema import check_manifest, check_value, normalized

VERSION = "v4.1.2"


def _manifest() -> dict:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": "walk", "annotations": {"team a/owner": 7}},
        "spec": {
            "entrypoint": "main",
            "arguments": {"parameters": [{"name": "n", "value": 5, "enum": [5, True]}]},
            "templates": [
                {
                    "name": "main",
                    "container": {
                        "image": "busybox:1.36",
                        "resources": {"requests": {"cpu": 1, "memory": "64Mi"}},
                        "env": [{"name": "A", "value": "x"}, {"name": "B", "valu": "y"}],
                    },
                }
            ],
        },
    }


def test_problems_name_the_field_below_lists_and_odd_keys():
    paths = [p.path for p in check_manifest(_manifest(), VERSION)]
    assert paths == [
        # a map key that is not a plain name is quoted; list items are indexed
        "metadata.annotations['team a/owner']",
        "spec.templates[0].container.env[1].valu",
    ]


def test_a_value_checked_alone_starts_at_the_path_given():
    # corev1.EnvVar.name is required (k8s.io/api core/v1 types.go: no omitempty)
    problems = check_value({"env": [{"value": "x"}]}, "Container", "spec.x[3]", VERSION)
    assert [(p.path, p.found) for p in problems] == [("spec.x[3].env[0].name", "nothing")]


def test_normalizing_converts_values_and_leaves_the_manifest_as_written():
    manifest = _manifest()
    written = copy.deepcopy(manifest)
    result = normalized(manifest, VERSION)
    assert manifest == written
    # AnyString keeps numbers and booleans as text (anystring.go), quantities are strings.
    (parameter,) = result["spec"]["arguments"]["parameters"]
    assert parameter == {"name": "n", "value": "5", "enum": ["5", "true"]}
    resources = result["spec"]["templates"][0]["container"]["resources"]
    assert resources == {"requests": {"cpu": "1", "memory": "64Mi"}}
    assert result["metadata"] == written["metadata"]


def test_the_key_memory_of_paths_stays_bounded_and_paths_stay_right() -> None:
    from policies.argo_rules import template_problem

    for index in range(template_problem._PLAIN_MAX + 500):
        assert template_problem.join("spec", f"k{index}") == f"spec.k{index}"
        assert template_problem.join("spec", f"odd key {index}") == f"spec['odd key {index}']"
    assert len(template_problem._PLAIN) <= template_problem._PLAIN_MAX

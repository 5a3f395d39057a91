"""Memoized templates work: the controller may create the cache ConfigMaps in the
workflow's namespace (workflow/controller/cache/cache.go scopes caches to it) and read,
update and delete exactly the ones the catalog names; a parameterised cache name is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from components.settings import ConfigError
from tests.test_rbac import CONTROLLER, DEV, MANAGED, _assert_exact, effective_permissions, expected

SAY = Path(__file__).resolve().parent.parent / "workflowtemplates" / "steps" / "say.yaml"


def _catalog(tmp_path: Path, cache_name: str) -> Path:
    manifest = yaml.safe_load(SAY.read_text())
    manifest["spec"]["templates"][0]["memoize"] = {
        "key": "{{inputs.parameters.message}}",
        "maxAge": "1h",
        "cache": {"configMap": {"name": cache_name}},
    }
    (tmp_path / "say.yaml").write_text(yaml.safe_dump(manifest))
    return tmp_path


def test_memoized_catalog_grants_its_cache_configmaps(render, tmp_path):
    result = render("dev", {"templatesDir": str(_catalog(tmp_path, "say-cache"))})
    granted = effective_permissions(result.objects)
    _assert_exact(granted, expected(**DEV, memo_caches=("say-cache",)))
    slots = granted[CONTROLLER][MANAGED]
    assert slots[("", "configmaps", "create")] is None  # create cannot be narrowed
    assert slots[("", "configmaps", "update")] == {"say-cache"}
    assert slots[("", "configmaps", "delete")] == {"say-cache"}


def test_without_memoization_the_controller_writes_no_configmap(stack_render):
    slots = effective_permissions(stack_render("dev").objects)[CONTROLLER][MANAGED]
    assert not [k for k in slots if k[1] == "configmaps" and k[2] in ("create", "update")]


def test_parameterised_cache_name_is_refused(render, tmp_path):
    with pytest.raises(ConfigError) as err:
        render("dev", {"templatesDir": str(_catalog(tmp_path, "cache-{{workflow.name}}"))})
    (problem,) = [p for p in err.value.problems if "memoize" in p]
    assert "say.yaml" in problem
    assert "spec.templates[0].memoize.cache.configMap.name" in problem
    assert "expected a literal ConfigMap name" in problem


def test_the_starter_catalog_has_no_memoization():
    # Keeps the dev/prod tables above honest: they expect no cache grant.
    for path in SAY.parent.parent.rglob("*.yaml"):
        assert "memoize" not in path.read_text(), path

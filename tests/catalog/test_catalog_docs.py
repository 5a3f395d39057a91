"""docs/workflowtemplates.md is generated from the catalog and must be kept up to date."""

from __future__ import annotations

from components.catalog import CatalogTemplate, load_catalog
from components.settings import PROJECT_ROOT
from tools import catalog_docs

STARTER = PROJECT_ROOT / "workflowtemplates"
DOCS = PROJECT_ROOT / "docs" / "workflowtemplates.md"


def test_committed_docs_are_up_to_date():
    templates = load_catalog(STARTER, managed_namespace="argo-events")
    expected = catalog_docs.render_docs(templates, "workflowtemplates")
    assert DOCS.read_text() == expected, "run `python -m tools.catalog_docs` and commit"


def test_check_mode_passes_on_the_committed_file(capsys):
    assert catalog_docs.main(["--check"]) == 0


def test_check_mode_fails_on_a_stale_file(tmp_path, capsys):
    stale = tmp_path / "workflowtemplates.md"
    stale.write_text("# old\n")
    assert catalog_docs.main(["--check", "--output", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert catalog_docs.main(["--output", str(stale)]) == 0
    assert stale.read_text() == DOCS.read_text()


def test_a_section_lists_description_entrypoint_and_parameters():
    manifest = {
        "metadata": {
            "name": "demo",
            "namespace": "argo-events",
            "annotations": {"workflows.argoproj.io/description": "Does  a\nthing | safely."},
        },
        "spec": {
            "entrypoint": "main",
            "arguments": {
                "parameters": [
                    {"name": "mode", "value": "fast", "enum": ["fast", "slow"]},
                    {"name": "target", "description": "Where | to go."},
                ]
            },
            "templates": [
                {
                    "name": "main",
                    "inputs": {"parameters": [{"name": "mode", "default": "fast"}]},
                    "suspend": {},
                }
            ],
        },
    }
    text = catalog_docs.render_docs(
        [CatalogTemplate("demo", "lib/demo.yaml#0", manifest, "0")], "workflowtemplates"
    )
    assert "## demo\n\nDoes a thing | safely.\n" in text
    assert "- Source: `workflowtemplates/lib/demo.yaml`" in text
    assert "- Entrypoint: `main`" in text
    assert "| `mode` | `fast` | `fast`, `slow` |  |" in text
    assert "| `target` | — | — | Where \\| to go. |" in text
    assert "| `main` | `mode` = `fast` |" in text


def test_a_broken_catalog_fails_the_command(tmp_path, capsys):
    (tmp_path / "t.yaml").write_text("kind: Workflow\n")
    assert catalog_docs.main(["--catalog", str(tmp_path), "--output", str(tmp_path / "o")]) == 1
    assert "problem" in capsys.readouterr().err


def test_readme_and_docs_list_every_rule():
    readme = (PROJECT_ROOT / "README.md").read_text()
    table = catalog_docs.rules_table()
    assert table in readme
    assert table in DOCS.read_text()
    assert len(catalog_docs.RULES) >= 12

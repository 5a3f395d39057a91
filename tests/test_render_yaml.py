"""tools.render writes YAML with libyaml's emitter when available; its text must be the
pure-Python SafeDumper's, so renders diff the same on every machine, and must not depend
on what else the process imported (Hera changes PyYAML's str representer when imported:
hera/_yaml.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from render_support import render_function, rendered

from components.controller import NAME as CONTROLLER
from tools.render import write_objects

ROOT = Path(__file__).resolve().parent.parent

TRICKY = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "tricky", "namespace": "argo"},
    "data": {
        "multiline": "line one\nline two\n",
        "long": "word " * 40,
        "long-quoted": "key:\n  value: " + "x" * 30 + "\n    nested: " + "y " * 60 + "\n",
        "unicode": "café ünïcode ✓",
        "looks-like-bool": "yes",
        "looks-like-number": "0123",
        "empty": "",
        "colon": "a: b",
        "quote": 'it\'s "quoted"',
        "tab": "a\tb",
    },
    "list": [1, 2.5, True, None, {"nested": []}],
}


class _PurePython(yaml.SafeDumper):
    """PyYAML's pure-Python SafeDumper with its own str representer, whatever a library
    imported into this process registered on SafeRepresenter."""


_PurePython.add_representer(str, yaml.representer.SafeRepresenter.represent_str)


def _pure(manifest: dict) -> str:
    # one line per scalar: folding long scalars is where libyaml and the pure-Python
    # emitter part ways (libyaml 0.2.6)
    return yaml.dump(
        manifest, Dumper=_PurePython, sort_keys=True, default_flow_style=False, width=2**31 - 1
    )


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_render_writes_what_the_pure_python_dumper_writes(stack: str, tmp_path: Path) -> None:
    objects = [*rendered(stack).objects, TRICKY]
    written = write_objects(objects, tmp_path / "out")
    assert len(written) == len(objects)
    for manifest, path in zip(objects, written, strict=True):
        assert path.read_text() == _pure(manifest), path
        assert yaml.safe_load(path.read_text()) == manifest, path


def _files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*.yaml"))}


def test_a_process_that_imported_hera_renders_the_same_text(tmp_path: Path) -> None:
    """The CLI in a fresh process (the default catalog imports no Hera) against a run and a
    write in this process after Hera is imported: the same files, the controller's
    ConfigMap (whose values are YAML documents the program writes) included."""
    done = subprocess.run(
        [sys.executable, "-m", "tools.render", "--stack", "prod", "--out", str(tmp_path / "cli")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    import hera.workflows  # noqa: F401  (registers its str representer process-wide)

    assert yaml.representer.SafeRepresenter.yaml_representers[str] is not (
        yaml.representer.SafeRepresenter.represent_str
    ), "Hera no longer changes PyYAML's representers: this test tests nothing"
    objects = render_function()("prod", None, None).objects
    write_objects(objects, tmp_path / "here")
    cli, here = _files(tmp_path / "cli"), _files(tmp_path / "here")
    assert cli.keys() == here.keys()
    assert [name for name in cli if cli[name] != here[name]] == []
    configmap = f"argo/configmap-{CONTROLLER}-configmap.yaml"
    assert any("\n" in value for value in yaml.safe_load(cli[configmap])["data"].values())


def test_the_controller_config_text_is_pyyaml_s_own_after_hera_is_imported() -> None:
    """The controller ConfigMap's values are YAML documents the program writes; a
    multi-line string in one comes out as PyYAML alone writes it (a fresh process)."""
    from components.yaml_text import config_text

    value = {"b": "two\nlines\n", "a": ["x", {"long": "word " * 30}]}
    script = (
        "import json, sys, yaml\n"
        "value = json.loads(sys.argv[1])\n"
        "sys.stdout.write(yaml.safe_dump(value, sort_keys=True, default_flow_style=False))\n"
    )
    command = [sys.executable, "-c", script, json.dumps(value)]
    fresh = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    import hera.workflows  # noqa: F401

    assert yaml.safe_dump(value, sort_keys=True, default_flow_style=False) != fresh, (
        "Hera no longer changes PyYAML's representers: this test tests nothing"
    )
    assert config_text(value) == fresh

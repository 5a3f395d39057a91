"""tools.render writes YAML with libyaml's emitter when available; its text must be the
pure-Python SafeDumper's, so renders diff the same on every machine."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from render_support import rendered

from tools.render import write_objects

TRICKY = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "tricky", "namespace": "argo"},
    "data": {
        "multiline": "line one\nline two\n",
        "long": "word " * 40,
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


def _pure(manifest: dict) -> str:
    return yaml.dump(manifest, Dumper=yaml.SafeDumper, sort_keys=True, default_flow_style=False)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_render_writes_what_the_pure_python_dumper_writes(stack: str, tmp_path: Path) -> None:
    objects = [*rendered(stack).objects, TRICKY]
    written = write_objects(objects, tmp_path / "out")
    assert len(written) == len(objects)
    for manifest, path in zip(objects, written, strict=True):
        assert path.read_text() == _pure(manifest), path

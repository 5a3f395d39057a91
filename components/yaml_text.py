"""YAML text that does not depend on what else the process has imported.

PyYAML keeps its representers on the classes, shared by the whole process, and Hera
changes them when it is imported (hera/_yaml.py registers a str representer on
SafeRepresenter that writes every multi-line string as a literal block). A render whose
catalog holds Python templates imports Hera, so without the dumpers here the same objects
would come out as other text, and the controller's ConfigMap as other data. Both dumpers
keep PyYAML's own str representer.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.representer import SafeRepresenter


class _ConfigDumper(yaml.SafeDumper):
    """The pure-Python SafeDumper with PyYAML's own representers."""


# libyaml's emitter when PyYAML was built with it: several times faster than the pure-Python
# one (a 1000-template render would spend seconds in the latter).
class _ManifestDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """libyaml's SafeDumper with PyYAML's own representers."""


for _dumper in (_ConfigDumper, _ManifestDumper):
    _dumper.add_representer(str, SafeRepresenter.represent_str)

# libyaml (0.2.6 at least) folds a long double-quoted scalar at other places than the
# pure-Python emitter does; with no line width neither folds, and both write the same
# text. libyaml takes the width as a C int.
_NO_FOLDING = 2**31 - 1


def config_text(value: Any) -> str:
    """A YAML document for a ConfigMap value: keys sorted, block style, PyYAML's defaults."""
    return yaml.dump(value, Dumper=_ConfigDumper, sort_keys=True, default_flow_style=False)


def manifest_text(manifest: Any) -> str:
    """A rendered object's file: the pure-Python emitter's text, written by libyaml where
    it is available; keys sorted, block style, no scalar folded across lines."""
    return yaml.dump(
        manifest,
        Dumper=_ManifestDumper,
        sort_keys=True,
        default_flow_style=False,
        width=_NO_FOLDING,
    )

"""The floor of a whole render process: python -m bench.floor_process DIR

Imports the SDKs, reads every YAML file below DIR and registers each document as a
bare custom resource under the same mocks as tools.render, and writes nothing: what any
process that turns those files into Pulumi resources pays.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from bench.bench_program import floor_program
from bench.peak import peak_mb
from tools import mock_runtime


def main(argv: list[str]) -> int:
    (catalog,) = argv
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    manifests = [
        doc
        for path in sorted(Path(catalog).rglob("*.yaml"))
        for doc in yaml.load_all(path.read_text(), Loader=loader)
    ]
    registered, _ = mock_runtime.run(floor_program(manifests), {})
    print(json.dumps({"resources": len(registered), "peak_mb": peak_mb()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

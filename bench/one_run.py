"""One run in a fresh process, for peak memory: python -m bench.one_run program|floor DIR

Prints {"cpu": seconds, "peak_mb": MB} as JSON. ``program`` runs the program with the
dev stack's config and the catalog DIR; ``floor`` registers DIR's templates as bare
custom resources (bench.bench_program.floor_program), both under the same mocks.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import yaml

from bench.bench_program import floor_program
from bench.peak import peak_mb
from components.program import run as run_program
from tools import mock_runtime
from tools.stack_config import merged_config


def main(argv: list[str]) -> int:
    kind, catalog = argv
    config, secrets = merged_config("dev", {"templatesDir": catalog})
    if kind == "program":
        program = run_program
    else:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        manifests = [
            doc
            for path in sorted(Path(catalog).rglob("*.yaml"))
            for doc in yaml.load_all(path.read_text(), Loader=loader)
        ]
        program = floor_program(manifests)
    start = time.process_time()
    mock_runtime.run(program, config, secrets)
    cpu = time.process_time() - start
    print(json.dumps({"cpu": cpu, "peak_mb": peak_mb()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

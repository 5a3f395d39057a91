"""One run in a fresh process: python -m bench.one_run KIND DIR (KIND: program, floor,
structured or catalog, each optionally with the suffix -default-gc).

Prints {"cpu": seconds, "peak_mb": MB} as JSON: the CPU seconds of the run alone (after
the imports and, for the floors, after reading DIR) and the process's peak memory.
``program`` runs the program with the dev stack's config and the catalog DIR, as
`pulumi preview` runs it: once, in a fresh process. ``floor`` registers DIR's templates
as bare custom resources (bench.bench_program.floor_program), ``structured`` the same
with the program's structure (structured_floor_program), both under the same mocks;
``catalog`` only loads and validates DIR (components.catalog.load_catalog). With the
suffix ``-default-gc`` the run keeps CPython's default garbage-collector setting instead of
the program's (components.program.fewer_full_collections), for the floors too. With the
suffix ``-before-run`` the process stops where the run would start (what an instruction
count of the whole process subtracts to keep the run alone).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import yaml

from bench.bench_program import BEFORE_RUN, DEFAULT_GC, floor_program, structured_floor_program
from bench.peak import peak_mb
from components import program as program_module
from components.catalog import load_catalog
from components.program import run as run_program
from tools import mock_runtime
from tools.stack_config import merged_config


def main(argv: list[str]) -> int:
    kind, catalog = argv
    before_run = kind.endswith(BEFORE_RUN)
    kind = kind.removesuffix(BEFORE_RUN)
    if kind.endswith(DEFAULT_GC):
        kind = kind.removesuffix(DEFAULT_GC)
        program_module.fewer_full_collections = lambda: None  # CPython's defaults
    config, secrets = merged_config("dev", {"templatesDir": catalog})
    if kind == "catalog":
        if before_run:
            return 0
        start = time.process_time()
        load_catalog(Path(catalog), managed_namespace="argo-events")
        cpu = time.process_time() - start
        print(json.dumps({"cpu": cpu, "peak_mb": peak_mb()}))
        return 0
    if kind == "program":
        program = run_program
    else:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        manifests = [
            doc
            for path in sorted(Path(catalog).rglob("*.yaml"))
            for doc in yaml.load_all(path.read_text(), Loader=loader)
        ]
        program = (floor_program if kind == "floor" else structured_floor_program)(manifests)
    if before_run:
        return 0
    start = time.process_time()
    mock_runtime.run(program, config, secrets)
    cpu = time.process_time() - start
    print(json.dumps({"cpu": cpu, "peak_mb": peak_mb()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Startup of a render process: python -m bench.startup floor | render STACK OUT [KEY=VALUE]

Prints JSON: the CPU seconds the imports took (``import``), the whole run (``total``),
and whether Hera was imported. ``floor`` imports pulumi and pulumi_kubernetes alone;
``render`` imports tools.render, then renders STACK into OUT as `python -m tools.render`
does (``--set`` KEY=VALUE pairs after OUT).
"""

from __future__ import annotations

import json
import sys
import time

from bench.peak import peak_mb


def main(argv: list[str]) -> int:
    start = time.process_time()
    if argv[0] == "floor":
        import pulumi  # noqa: F401
        import pulumi_kubernetes  # noqa: F401

        imported = time.process_time()
    else:
        from tools import render

        imported = time.process_time()
        stack, out, *sets = argv[1:]
        args = ["--stack", stack, "--out", out]
        for item in sets:
            args += ["--set", item]
        if render.main(args) != 0:
            return 1
    end = time.process_time()
    print(
        json.dumps(
            {
                "import": imported - start,
                "total": end - start,
                "hera": "hera" in sys.modules,
                "peak_mb": peak_mb(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

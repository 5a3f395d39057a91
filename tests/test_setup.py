"""`setup.sh` makes both virtualenvs on the first interpreter that is Python 3.11 or newer
and can make a virtualenv, says which it took, and fails naming every one it tried.

The interpreters here are stand-ins (shell scripts) that log each call, so the set-up's
choices and steps show without installing anything; `bash .ci/run` runs it for real.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A venv's own programs: they log their arguments; its python answers the set-up's
# "which interpreter" question.
_VENV_PROGRAM = """#!/usr/bin/env bash
echo "$(basename "$(dirname "$(dirname "$0")")")/$(basename "$0") $*" >> "$LOG"
if [ "$1" = -c ]; then echo "Python 3.11.99 ($MAKER)"; fi
exit 0
"""

_INTERPRETER = """#!/usr/bin/env bash
# stand-in interpreter {name}: new enough: {new_enough}; makes a venv: {makes_venv}
echo "{name} $*" >> "$LOG"
if [ "$1" = -c ]; then {version_exit}; fi
if [ "$1 $2" = "-m venv" ]; then
  {venv_exit}
  mkdir -p "$3/bin"
  for program in python pip uv; do
    printf '%s' '{venv_program}' | sed 's|\\$MAKER|{name}|' > "$3/bin/$program"
    chmod +x "$3/bin/$program"
  done
  exit 0
fi
exit 3
"""


def _interpreter(folder: Path, name: str, *, new_enough: bool, makes_venv: bool) -> Path:
    path = folder / name
    path.write_text(
        _INTERPRETER.format(
            name=name,
            new_enough=new_enough,
            makes_venv=makes_venv,
            version_exit="exit 0" if new_enough else "exit 1",
            venv_exit=":" if makes_venv else 'echo "Error: ensurepip is not available" >&2; exit 1',
            venv_program=_VENV_PROGRAM.replace("'", "'\\''"),
        )
    )
    path.chmod(0o755)
    return path


def _set_up(tmp_path: Path, python: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(ROOT / "setup.sh", repo / "setup.sh")
    log = tmp_path / "log"
    log.touch()
    env = {**os.environ, "PYTHON": python, "LOG": str(log)}
    done = subprocess.run(
        ["bash", str(repo / "setup.sh")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return done, log.read_text().splitlines()


def _stand_ins(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "bin"
    folder.mkdir()
    return {
        "old": _interpreter(folder, "old", new_enough=False, makes_venv=True),
        "no-venv": _interpreter(folder, "no-venv", new_enough=True, makes_venv=False),
        "good": _interpreter(folder, "good", new_enough=True, makes_venv=True),
        "other": _interpreter(folder, "other", new_enough=True, makes_venv=True),
    }


def test_the_first_interpreter_new_enough_that_makes_a_venv_makes_both(tmp_path: Path) -> None:
    found = _stand_ins(tmp_path)
    python = " ".join(str(found[name]) for name in ("old", "no-venv", "good", "other"))
    done, log = _set_up(tmp_path, python)
    assert done.returncode == 0, done.stderr
    tried = [line.split(" ", 1) for line in log if line.split(" ", 1)[0] in found]
    assert tried == [
        ["old", "-c import sys; sys.exit(sys.version_info < (3, 11))"],
        ["no-venv", "-c import sys; sys.exit(sys.version_info < (3, 11))"],
        ["no-venv", "-m venv venv"],
        ["good", "-c import sys; sys.exit(sys.version_info < (3, 11))"],
        ["good", "-m venv venv"],
        ["good", "-m venv policies/venv"],
    ]
    assert f"skipping {found['old']}: not found, or older than Python 3.11" in done.stderr
    assert f"skipping {found['no-venv']}: it cannot make a virtualenv" in done.stderr
    assert "set-up: Python 3.11.99 (good)" in done.stdout


def test_the_steps_run_in_order_in_the_new_venvs(tmp_path: Path) -> None:
    found = _stand_ins(tmp_path)
    done, log = _set_up(tmp_path, str(found["good"]))
    assert done.returncode == 0, done.stderr
    steps = [line for line in log if not line.startswith("good ")]
    assert steps[0].startswith("venv/python -c ")  # which interpreter it took
    assert steps[1:] == [
        "venv/pip install -q uv>=0.5,<1",
        "venv/uv pip install -q --compile-bytecode --python venv/bin/python -r requirements.txt",
        "venv/python -m compileall -q -x /venv/ components policies tools",
        "venv/python -m pytest --collect-only -qq -p no:cacheprovider",
        "venv/uv pip install -q --compile-bytecode --python policies/venv/bin/python "
        "-r policies/requirements.txt",
    ]
    assert done.stdout.rstrip().endswith("set-up: done")


def test_without_a_usable_interpreter_it_stops_naming_each_one_tried(tmp_path: Path) -> None:
    found = _stand_ins(tmp_path)
    python = f"{found['old']} {found['no-venv']} {tmp_path / 'missing'}"
    done, log = _set_up(tmp_path, python)
    assert done.returncode == 1
    assert f"error: no interpreter to set up with: tried {python}" in done.stderr
    assert "expected Python 3.11 or newer that can make a virtualenv" in done.stderr
    assert f"skipping {tmp_path / 'missing'}: not found, or older than Python 3.11" in done.stderr
    assert "set PYTHON" in done.stderr
    assert not any(line.startswith("venv/") for line in log)  # nothing installed
    assert "set-up: done" not in done.stdout


def test_a_failing_step_stops_the_set_up(tmp_path: Path) -> None:
    found = _stand_ins(tmp_path)
    # uv is made to fail once the venv exists: the set-up must not go on or report done
    good = found["good"]
    without_uv = good.read_text().replace("python pip uv", "python pip")
    good.write_text(without_uv)
    done, log = _set_up(tmp_path, str(good))
    assert done.returncode != 0
    assert not any("policies/venv" in line for line in log)
    assert "set-up: done" not in done.stdout


def test_the_readme_names_the_default_interpreters_in_their_order() -> None:
    """Without PYTHON the set-up tries a fixed list; the README's Quick start names it."""
    script = (ROOT / "setup.sh").read_text()
    defaults = re.search(r"candidates=\$\{PYTHON:-([^}]*)\}", script)
    assert defaults, "setup.sh: no `candidates=${PYTHON:-...}` line"
    readme = " ".join((ROOT / "README.md").read_text().split())
    sentence = re.search(r"or without it (.*?)\. It prints the one it took", readme)
    assert sentence, "README: the set-up's default interpreters are not described"
    assert re.findall(r"`([^`]+)` from `PATH`|`(/[^`]+)`", sentence[1]) == [
        ("", path) if path.startswith("/") else (path, "") for path in defaults[1].split()
    ]

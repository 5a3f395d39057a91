#!/usr/bin/env bash
# Set up this repository: the virtualenv `venv` (program, tools and tests) and the policy
# pack's own `policies/venv`, both on one Python 3.11+ interpreter.
#
# Interpreter: the first of $PYTHON (one or more, separated by spaces) that is 3.11 or newer
# and can make a virtualenv; without $PYTHON, the distribution's /usr/bin/python3, then
# `python3` from PATH. Debian and Ubuntu build their CPython with profile-guided and
# link-time optimization, libpython linked into the interpreter; pyenv builds from source
# without them unless asked (`--enable-optimizations --with-lto`), and this project's tests
# take a tenth to a quarter more CPU on such a build (README, Quick start).
set -euo pipefail
cd "$(dirname "$0")"

candidates=${PYTHON:-/usr/bin/python3 python3}
python=""
for candidate in $candidates; do
  if ! "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "set-up: skipping $candidate: not found, or older than Python 3.11" >&2
  elif ! "$candidate" -m venv venv; then
    echo "set-up: skipping $candidate: it cannot make a virtualenv (on Debian and Ubuntu: the python3-venv package)" >&2
  else
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  echo "error: no interpreter to set up with: tried $candidates; expected Python 3.11 or newer that can make a virtualenv (set PYTHON to choose one)" >&2
  exit 1
fi
echo "set-up: $(venv/bin/python -c 'import platform, sys; print(f"Python {platform.python_version()} ({sys._base_executable})")')"

# uv installs from the package index much faster than pip; --compile-bytecode because uv
# does not compile by default, and every process that imports the SDKs would pay for it.
venv/bin/pip install -q 'uv>=0.5,<1'
venv/bin/uv pip install -q --compile-bytecode --python venv/bin/python -r requirements.txt
# The project's own modules, which Python would otherwise compile in every process where
# PYTHONDONTWRITEBYTECODE is set (each render, each policy pack the tests start).
venv/bin/python -m compileall -q -x /venv/ components policies tools
# The test modules with pytest's assertion rewriting, which each test worker would otherwise
# redo on every run where PYTHONDONTWRITEBYTECODE is set.
PYTHONDONTWRITEBYTECODE= venv/bin/python -m pytest --collect-only -qq -p no:cacheprovider >/dev/null

# The policy pack's own virtualenv (policies/PulumiPolicy.yaml), as the Pulumi CLI runs it.
"$python" -m venv policies/venv
venv/bin/uv pip install -q --compile-bytecode --python policies/venv/bin/python -r policies/requirements.txt
echo "set-up: done"

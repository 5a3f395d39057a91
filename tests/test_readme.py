"""The README says only what is true: every command and example in it runs, as written.

What the test reads in README.md:
- fenced ``sh`` / ``bash`` / ``shell`` / ``console`` blocks: each line is a command
  (a trailing ``\\`` continues it), run in order, each in a fresh shell; a trailing
  comment ``# exit N`` says the command exits N (e.g. a diff that finds differences);
- the ``command`` column of any table;
- fenced ``json`` blocks: policy-pack config (``--policy-pack-config``), applied to the
  pack over the dev stack, where it must give no mandatory violation;
- fenced ``yaml`` blocks: must parse; a stack config (top-level ``config:``) is rendered;
- a block right after ``<!-- readme-test: output of: COMMAND -->`` is output: COMMAND is
  run and each line of the block must be in what it prints;
- a block right after ``<!-- readme-test: not run: REASON -->`` is not run, and is listed
  with its reason; a block without a language and without a marker is text (a diagram).

Every command runs in a copy of the repository whose ``venv`` is this interpreter's,
except, each listed by its own test id:
- commands that ``.ci/run`` runs as written (the set-up and the test command: running
  them here would reinstall everything, or run this suite inside itself);
- ``pytest`` runs of paths of this suite (this suite runs them);
- commands of programs in NOT_HERE, which must really be missing here.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CI_SCRIPT = ROOT / ".ci" / "run"

# Programs this machine does not have; a README command using one cannot run here.
NOT_HERE = {
    "pulumi": "needs the Pulumi CLI (and a backend)",
    "kubectl": "needs a Kubernetes cluster",
    "gh": "needs the GitHub CLI and a repository",
}
SHELL_LANGUAGES = {"sh", "bash", "shell", "console"}
_MARKER = re.compile(r"<!--\s*readme-test:\s*(not run|output of):\s*(.+?)\s*-->")
_EXIT = re.compile(r"#\s*exit\s+(\d+)\b")
# Compiled modules are copied too (their source's size and time travel with them, so a
# stale one is recompiled): each command then starts without compiling the project again.
_COPY_IGNORE = shutil.ignore_patterns(".git", "venv", ".pytest_cache", ".ruff_cache", "rendered")
_HANG_GUARD = 900  # seconds: only stops a hung command, far above any command's run time


@dataclass(frozen=True)
class Example:
    line: int
    kind: str  # commands, json, yaml, output, not-run, text
    text: str
    detail: str = ""  # output: the command; not-run: the reason
    commands: tuple[tuple[int, str], ...] = ()  # commands: (line, command) in order

    @property
    def id(self) -> str:
        words = re.sub(r"[^A-Za-z0-9._/=-]+", " ", self.text).split()
        return f"L{self.line}-{self.kind}-{'-'.join(words[:6])}"[:90]


def _blocks(lines: list[str]) -> Iterator[tuple[int, str, list[str], str | None]]:
    """(first line number, language, body lines, marker line before the fence)."""
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if stripped.startswith("```"):
            language = stripped[3:].strip().lower()
            start = index
            body = []
            index += 1
            while index < len(lines) and not lines[index].strip().startswith("```"):
                body.append(lines[index])
                index += 1
            before = start - 1
            while before >= 0 and not lines[before].strip():
                before -= 1
            marker = lines[before] if before >= 0 and "readme-test" in lines[before] else None
            yield start + 1, language, body, marker
        index += 1


def _commands(body: list[str]) -> Iterator[tuple[int, str]]:
    """(offset, command) of each command line of a shell block."""
    pending = ""
    first = 0
    for offset, raw in enumerate(body):
        line = raw.strip()
        if line.startswith("$ "):
            line = line[2:]
        if not pending:
            first = offset
            if not line or line.startswith("#"):
                continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield first, pending + line
        pending = ""


def _table_commands(lines: list[str]) -> Iterator[tuple[int, str]]:
    column = None
    for number, line in enumerate(lines, 1):
        if not line.startswith("|"):
            column = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if column is None:
            column = cells.index("command") if "command" in cells else -1
            continue
        if column >= 0 and column < len(cells):
            found = re.fullmatch(r"`([^`]+)`", cells[column])
            if found:
                yield number, found.group(1)


def examples(text: str) -> list[Example]:
    lines = text.splitlines()
    found: list[Example] = []
    for number, language, body, marker_line in _blocks(lines):
        marker = _MARKER.search(marker_line) if marker_line else None
        if marker and marker.group(1) == "not run":
            found.append(Example(number, "not-run", "\n".join(body), marker.group(2)))
        elif marker:
            found.append(Example(number, "output", "\n".join(body), marker.group(2)))
        elif language in SHELL_LANGUAGES:
            commands = tuple((number + 1 + offset, c) for offset, c in _commands(body))
            found.append(Example(number, "commands", "\n".join(body), commands=commands))
        elif language in ("json", "yaml", "yml"):
            found.append(Example(number, "json" if language == "json" else "yaml", "\n".join(body)))
        else:
            found.append(Example(number, "text", "\n".join(body[:1])))
    for number, command in _table_commands(lines):
        found.append(Example(number, "commands", command, commands=((number, command),)))
    return sorted(found, key=lambda e: e.line)


EXAMPLES = examples(README.read_text())


def _program(command: str) -> str:
    words = shlex.split(command, comments=True)
    while words and "=" in words[0] and not words[0].startswith(("-", "/")):
        words = words[1:]  # VAR=value prefixes
    return words[0] if words else ""


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository whose ``venv`` is the environment running this suite."""
    copy = tmp_path_factory.mktemp("readme") / "repo"
    shutil.copytree(ROOT, copy, ignore=_COPY_IGNORE, symlinks=True)
    (copy / "venv").symlink_to(Path(sys.prefix))
    return copy


def _run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=_HANG_GUARD,
        check=False,
    )


def _check_command(line: int, command: str, repo_copy: Path) -> None:
    program = _program(command)
    if command in CI_SCRIPT.read_text():
        return  # .ci/run runs it as written (test_ci_runs_the_readme_set_up_and_test)
    if program in NOT_HERE:
        assert shutil.which(program) is None, (
            f"{program} is installed here now: run `{command}` in this test"
        )
        return
    words = shlex.split(command, comments=True)
    if "pytest" in words:
        paths = [w for w in words[words.index("pytest") + 1 :] if not w.startswith("-")]
        for path in paths:
            assert (ROOT / path).exists() and Path(path).parts[0] == "tests", path
        return  # a part of this suite, which runs it
    expected = int(m.group(1)) if (m := _EXIT.search(command)) else 0
    result = _run(command, repo_copy)
    assert result.returncode == expected, (
        f"README line {line}: `{command}` exited {result.returncode}, expected "
        f"{expected}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )


def _check_json(example: Example) -> None:
    from render_support import rendered

    from tools.policy_runner import PolicyRunner

    config = json.loads(example.text)
    assert isinstance(config, dict), f"README line {example.line}: not a JSON object"
    resources = rendered("dev").resources
    with PolicyRunner() as runner:
        names = {policy.name for policy in runner.info().policies}
        unknown = set(config) - names - {"all"}
        assert not unknown, (
            f"README line {example.line}: a JSON example that is not a policy-pack config "
            f"(keys {sorted(unknown)}); mark it with <!-- readme-test: not run: ... -->"
        )
        runner.configure(config)  # --policy-pack-config, as the engine sends it
        violations = runner.analyze(resources)
    mandatory = [v for v in violations if v.enforcement_level == "mandatory"]
    assert mandatory == [], f"README line {example.line}: {mandatory}"


def _check_yaml(example: Example) -> None:
    from tools import mock_runtime
    from tools.render import render_stack

    documents = list(yaml.safe_load_all(example.text))
    for document in documents:
        if isinstance(document, dict) and isinstance(document.get("config"), dict):
            overrides = {
                key.split(":", 1)[-1]: value if isinstance(value, str) else json.dumps(value)
                for key, value in document["config"].items()
            }
            mock_runtime.install()
            render_stack("dev", overrides)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_readme_example(example: Example, repo_copy: Path) -> None:
    if example.kind == "commands":
        for line, command in example.commands:
            _check_command(line, command, repo_copy)
    elif example.kind == "json":
        _check_json(example)
    elif example.kind == "yaml":
        _check_yaml(example)
    elif example.kind == "output":
        result = _run(example.detail, repo_copy)
        printed = result.stdout + result.stderr
        for line in example.text.splitlines():
            assert line.strip() in printed, (
                f"README line {example.line}: `{example.detail}` does not print {line!r}; "
                f"it printed:\n{printed[-3000:]}"
            )
    elif example.kind == "not-run":
        assert example.detail, f"README line {example.line}: say why it cannot run here"
    else:
        assert example.kind == "text"


def test_the_readme_holds_runnable_examples() -> None:
    """The parser finds what the README holds (a broken parser would pass vacuously)."""
    kinds = {e.kind for e in EXAMPLES}
    assert {"commands", "json", "output"} <= kinds, kinds
    assert sum(len(e.commands) for e in EXAMPLES) >= 8


NOT_RUN_HERE = [
    (line, command, NOT_HERE[_program(command)])
    for example in EXAMPLES
    for line, command in example.commands
    if _program(command) in NOT_HERE
]


@pytest.mark.parametrize(
    ("line", "command", "reason"),
    NOT_RUN_HERE,
    ids=[
        f"L{line}-{command.split('#')[0].strip()}-{reason}"
        for line, command, reason in NOT_RUN_HERE
    ],
)
def test_readme_command_that_cannot_run_here(line: int, command: str, reason: str) -> None:
    """Listed one by one: each needs a program this machine lacks (checked)."""
    assert shutil.which(_program(command)) is None, f"README line {line}: run `{command}` now"


def _quick_start(what: str) -> str:
    for line in README.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == what:
            return cells[1].strip("`")
    raise AssertionError(f"no '{what}' row in the README's Quick start table")


def test_ci_runs_the_readme_set_up_and_test_commands_as_written() -> None:
    script = CI_SCRIPT.read_text()
    for what in ("set up", "test"):
        assert _quick_start(what) in script.splitlines() or any(
            line.strip().startswith(_quick_start(what)) for line in script.splitlines()
        ), what


def test_ci_fails_when_pytest_collects_nothing(tmp_path: Path) -> None:
    """pytest exits 5 when it collects no test; CI must not pass then."""
    script = CI_SCRIPT.read_text()
    test_command = _quick_start("test")
    fake = tmp_path / "repo"
    (fake / ".ci").mkdir(parents=True)
    (fake / "venv" / "bin").mkdir(parents=True)
    # a stand-in venv: python exits 5 for a pytest run, everything else succeeds
    (fake / "venv" / "bin" / "python").write_text(
        '#!/usr/bin/env bash\nif [ "$2" = pytest ]; then exit 5; fi\nexit 0\n'
    )
    (fake / "venv" / "bin" / "python").chmod(0o755)
    # the set-up's own steps are tested in test_setup.py; here the venv is already laid out
    (fake / "setup.sh").write_text("exit 0\n")
    (fake / ".ci" / "run").write_text(script)
    shutil.copy(CI_SCRIPT.parent / "other_work.py", fake / ".ci" / "other_work.py")
    result = _run("bash .ci/run", fake)
    assert test_command in script
    assert result.returncode == 5, result.stdout + result.stderr
    assert "collected no tests" in result.stderr
    assert "CI passed" not in result.stdout


def test_benchmark_figures_are_the_latest_results() -> None:
    """The README's Benchmark section shows bench/RESULTS.md as written by the benchmark,
    and says how many rounds the benchmark runs."""
    from bench.__main__ import DEFAULT_RUNS

    text = README.read_text()
    section = text[text.index("## Benchmark") :]
    section = section[: section.find("\n## ", 1)] if "\n## " in section[1:] else section
    results = (ROOT / "bench" / "RESULTS.md").read_text()
    start = section.index("<!-- bench/RESULTS.md -->") + len("<!-- bench/RESULTS.md -->")
    end = section.index("<!-- end bench/RESULTS.md -->")
    assert section[start:end].strip() == results.strip()
    assert f"in {DEFAULT_RUNS} rounds by default" in section
    runs = re.search(r"; (\d+) rounds;", results)
    assert runs, "bench/RESULTS.md does not say how many rounds it ran"

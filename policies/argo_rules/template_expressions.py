"""Small syntaxes Argo reads inside strings: Go durations, DAG `depends` expressions and
`when` conditions. Each check is cheap and only refuses what can never work."""

from __future__ import annotations

import re

from .template_facts import DEPENDS_RESULTS, GO_DURATION

_TAG = re.compile(r"\{\{.*?\}\}", re.S)


def has_variable(value: object) -> bool:
    """A `{{...}}` Argo fills in at run time: the value cannot be judged before."""
    return isinstance(value, str) and "{{" in value


def is_go_duration(text: str) -> bool:
    """time.ParseDuration accepts it ("0" included)."""
    return text == "0" or bool(GO_DURATION.match(text))


def is_integer_text(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?\d+", text.strip()))


# --- depends (workflow/common/ancestry.go turns it into an expr expression) ---------------

_DEPENDS_TOKEN = re.compile(r"\s*(&&|\|\||!|\(|\)|[A-Za-z0-9][-A-Za-z0-9]*(?:\.[A-Za-z]+)?)")


def depends_tasks(expression: str) -> tuple[list[tuple[str, str]], str]:
    """The (task, result) pairs a `depends` expression names, and a syntax error or ''."""
    tokens: list[str] = []
    pos = 0
    text = expression.rstrip()
    while pos < len(text):
        match = _DEPENDS_TOKEN.match(text, pos)
        if not match:
            return [], f"unexpected {text[pos:].strip()[:20]!r}"
        tokens.append(match.group(1))
        pos = match.end()
    named: list[tuple[str, str]] = []
    error = _parse_or(tokens, 0, named)
    if isinstance(error, str):
        return named, error
    if error != len(tokens):
        return named, f"unexpected {tokens[error]!r}"
    for _, result in named:
        if result and result not in DEPENDS_RESULTS:
            return named, f"unknown task result {result!r} (one of {', '.join(DEPENDS_RESULTS)})"
    return named, ""


def _parse_or(tokens: list[str], i: int, named: list) -> int | str:
    i = _parse_and(tokens, i, named)
    while isinstance(i, int) and i < len(tokens) and tokens[i] == "||":
        i = _parse_and(tokens, i + 1, named)
    return i


def _parse_and(tokens: list[str], i: int, named: list) -> int | str:
    i = _parse_unary(tokens, i, named)
    while isinstance(i, int) and i < len(tokens) and tokens[i] == "&&":
        i = _parse_unary(tokens, i + 1, named)
    return i


def _parse_unary(tokens: list[str], i: int, named: list) -> int | str:
    if i >= len(tokens):
        return "the expression ends where a task is expected"
    token = tokens[i]
    if token == "!":
        return _parse_unary(tokens, i + 1, named)
    if token == "(":
        j = _parse_or(tokens, i + 1, named)
        if isinstance(j, str):
            return j
        if j >= len(tokens) or tokens[j] != ")":
            return "unbalanced parentheses"
        return j + 1
    if token in ("&&", "||", ")"):
        return f"unexpected {token!r} where a task is expected"
    task, _, result = token.partition(".")
    named.append((task, result))
    return i + 1


# --- when ------------------------------------------------------------------------------------

_BINARY_END = re.compile(r"(&&|\|\||==|!=|>=|<=)\s*$")


def when_error(condition: str) -> str:
    """Syntax that no evaluation can accept: unbalanced quotes or parentheses, an empty
    condition, or one ending in an operator. Variables are replaced first, as Argo does."""
    text = _TAG.sub("x", condition).strip()
    if not text:
        return "the condition is empty"
    depth = 0
    quote = ""
    for char in text:
        if quote:
            if char == quote:
                quote = ""
            continue
        if char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return "a ')' closes nothing"
    if quote:
        return f"an unclosed {quote} quote"
    if depth:
        return "unbalanced parentheses"
    if _BINARY_END.search(text) or re.match(r"^\s*(&&|\|\||==|!=)", text):
        return "an operator without its operand"
    return ""

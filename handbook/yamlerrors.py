"""What a YAML mistake means, said at the line where it is, and what to do about it.

libyaml reports where it gave up, in its own terms ("mapping values are not allowed here",
"found unexpected end of stream"); a person editing a role file needs the cause: a quote
or bracket never closed (where it opened), an unquoted ``: `` inside a text, a line
indented unlike the lines it belongs with. ``load.py`` reads the files; this module only
words their problems.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .errors import Location, Problem

__all__ = ["explain_syntax", "position", "problem_at"]


def position(mark: yaml.Mark | None) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def problem_at(path: Path, line: int, column: int, message: str) -> Problem:
    return Problem(Location(path, line, column), "error", message)


def explain_syntax(path: Path, exc: yaml.MarkedYAMLError, text: str) -> Problem:
    """libyaml's complaint turned into what to do, at the line where the mistake is.

    libyaml notices an open bracket or quote only at the end of the file, and an unquoted
    ``: `` or an indentation slip as "mapping values are not allowed": the mark it gives
    is where it gave up, so the cause is looked for around it.
    """
    problem = exc.problem or "invalid YAML"
    lines = text.splitlines()
    opened = exc.context_mark
    stop = (exc.problem_mark or opened).line + 1 if (exc.problem_mark or opened) else len(lines)
    unclosed = _unclosed_quote(lines[:stop])
    if unclosed:
        line, col, char = unclosed
        return problem_at(path, line, col, f"the quote `{char}` opened here is never closed; "
                      f"add the closing `{char}`")
    if opened is not None and exc.context and ("flow" in exc.context or "quoted" in exc.context):
        line, col = position(opened)
        char = lines[line - 1][col - 1] if line <= len(lines) else "["
        closing = {"[": "]", "{": "}"}.get(char, char)
        what = "quote" if "quoted" in exc.context else "bracket"
        return problem_at(path, line, col, f"the {what} `{char}` opened here is never closed; "
                      f"add the closing `{closing}`")
    line, col = position(exc.problem_mark or opened)
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    if problem.startswith("mapping values are not allowed"):
        return _colon_or_indent(path, line, col, source, lines)
    if problem == "did not find expected key" or problem.startswith("did not find expected '-'"):
        indent = len(source) - len(source.lstrip(" "))
        return problem_at(path, line, indent + 1, _indent_message(line, source, lines))
    context = f" {exc.context}" if exc.context and exc.problem else ""
    return problem_at(path, line, col, f"YAML syntax: {problem}{context}")


_QUOTED_VALUE = re.compile(r"""^(\s*(?:- )?(?:[^\s"'#][^:#]*:\s+)?)(["'])""")


def _unclosed_quote(lines: list[str]) -> tuple[int, int, str] | None:
    """The first value that opens a quote its line never closes.

    A quoted text may go on over several lines, so libyaml pairs an open quote with the
    next one it finds, often many lines further down, and complains there.
    """
    for number, line in enumerate(lines, 1):
        match = _QUOTED_VALUE.match(line)
        if not match:
            continue
        quote, rest = match.group(2), line[match.end():]
        closing = rest.replace("''", "") if quote == "'" else re.sub(r'\\.', "", rest)
        if quote not in closing:
            return number, match.end(), quote
    return None


def _colon_or_indent(path: Path, line: int, col: int, source: str, lines: list[str]) -> Problem:
    """An unquoted ``: `` inside a value, or a key indented deeper than the line above."""
    stripped = source.lstrip(" ")
    indent = len(source) - len(stripped)
    first_colon = source.find(": ") if ": " in source else source.find(":")
    if first_colon + 1 < col and stripped.lstrip("- ").strip():
        key_end = source.index(":", indent) + 1
        value = source[key_end:].strip()
        return problem_at(path, line, col, f"`: ` inside a text starts a new key; put the text in "
                      f"quotes: {source[indent:key_end]} \"{value}\"")
    return problem_at(path, line, indent + 1, _indent_message(line, source, lines))


def _indent_message(line: int, source: str, lines: list[str]) -> str:
    indent = len(source) - len(source.lstrip(" "))
    above = next((n for n in range(line - 1, 0, -1)
                  if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")), 0)
    if not above:
        return f"this line is indented {_spaces(indent)}; the first key must start the line"
    other = lines[above - 1]
    theirs = len(other) - len(other.lstrip(" "))
    return (f"indentation slip: this line is indented {_spaces(indent)}, line {above} above "
            f"it {_spaces(theirs)}; indent it like the lines it belongs with")


def _spaces(count: int) -> str:
    return f"{count} space{'' if count == 1 else 's'}"

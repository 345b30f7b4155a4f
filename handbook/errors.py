"""Problems found in content, and the small exception tree the CLI maps to exit codes.

Every problem carries a location so that a person can jump straight to the line to fix;
the CLI prints them as ``path:line:col: severity: message`` (the format compilers use,
so editors and CI annotate it for free).
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; line and column count from 1."""

    file: Path
    line: int = 1
    column: int = 1

    def display_path(self) -> str:
        """The path relative to the current directory when that is shorter, as users typed it."""
        try:
            rel = os.path.relpath(self.file)
        except ValueError:  # another drive on Windows
            return str(self.file)
        return rel if not rel.startswith(".." + os.sep + "..") else str(self.file)

    def __str__(self) -> str:
        return f"{self.display_path()}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class CellLocation(Location):
    """A cell of a workbook: ``line`` is the row and ``column`` the column, counted from 1.

    Shown as ``file.xlsx:Sheet!C12``, the way Excel and LibreOffice name a cell, so the
    person can type it into the Name Box and land on it.
    """

    sheet: str = ""

    @property
    def cell(self) -> str:
        from openpyxl.utils import get_column_letter

        return f"{get_column_letter(self.column)}{self.line}"

    def __str__(self) -> str:
        return f"{self.display_path()}:{self.sheet}!{self.cell}"


@dataclass(frozen=True)
class Problem:
    """One error or warning about the content, at a location."""

    location: Location
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"

    def as_json(self) -> dict:
        return {
            "file": self.location.display_path(),
            "line": self.location.line,
            "column": self.location.column,
            "severity": self.severity,
            "message": self.message,
        }


class HandbookError(Exception):
    """Base of every error the tool reports to the user without a traceback."""

    exit_code = 1


class ContentError(HandbookError):
    """The content has errors; carries every problem found (warnings included)."""

    def __init__(self, problems: list[Problem]):
        self.problems = sort_problems(problems)
        errors = sum(p.severity == "error" for p in problems)
        super().__init__(f"{errors} error(s) in the content")


class UsageError(HandbookError):
    """The command line asked for something impossible (a missing directory, a bad option)."""

    exit_code = 2


def _problem_order(problem: Problem) -> tuple:
    loc = problem.location
    return (str(loc.file), getattr(loc, "sheet", ""), loc.line, loc.column, problem.severity,
            problem.message)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in file and line order, the order a person fixes them in."""
    return sorted(problems, key=_problem_order)


def did_you_mean(word: str, choices) -> str:
    """A "; did you mean `x`?" hint for a misspelt key or id, or "" when nothing is close."""
    choices = list(choices)
    normal = word.strip().lower().replace("-", "_").replace(" ", "_")
    for candidate in (word.strip().lower(), normal, normal.replace("_", "-")):
        if candidate in choices and candidate != word:
            return f"; did you mean `{candidate}`?"
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else ""

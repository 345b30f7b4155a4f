"""The words of a change as readers see them: values in the output's language and form.

Shared by the changes section (``changes``) and the marks in a position's own page
(``changemarks``), so a weight reads "35% → 30%" and a manager reads by title in both. Text
is compared as printed: Markdown markup is dropped and zh-Hans↔zh-Hant converted before the
word diff, so the kept and inserted words are exactly the text of a build without the marks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .diff import Diff, word_diff
from .labels import Labels
from .locales import Locale, format_date
from .markdown import parse_markdown

__all__ = ["Runs", "Texts", "runs_of"]

Runs = list[tuple[str, str]]  # (style, text): style "" (kept), "del" or "ins"

_RUN_STYLE = {"=": "", "-": "del", "+": "ins"}
_PERCENT = {"share", "weight"}
_ROLE_REFS = {"reports_to", "head", "dotted_line_to"}
_DEPARTMENT_REFS = {"department", "parent"}


def runs_of(words: list[tuple[str, str]]) -> Runs:
    """A word diff (``diff.word_diff``'s "=", "-", "+") as styled runs."""
    return [(_RUN_STYLE[op], text) for op, text in words if text]


@dataclass
class Texts:
    """How one handbook's diff is worded: labels, locale and the text converter."""

    diff: Diff
    labels: Labels
    locale: Locale
    convert: Callable[[str], str]

    def plain(self, text: str | None, *, inline: bool = True) -> str:
        """Text as printed: converted, without Markdown markup."""
        if not text or not text.strip():
            return ""
        return parse_markdown(self.convert(text), inline=inline).plain

    def words(self, old: str | None, new: str | None, *, inline: bool = True) -> Runs:
        """The printed texts compared word by word."""
        return runs_of(word_diff(self.plain(old, inline=inline), self.plain(new, inline=inline)))

    def value(self, name: str, value: Any) -> str:
        """A value as people read it: a position or department by its name, a share as a
        percentage, a date as the locale writes it, a list joined, nothing as "—"."""
        labels = self.labels
        short = name.rsplit(".", 1)[-1]
        if value is None or value == [] or value == "":
            return labels["empty_cell"]
        if isinstance(value, list):
            return labels["list_separator"].join(self.value(name, v) for v in value)
        if isinstance(value, bool):
            return labels["essential_yes" if value else "essential_no"]
        if short in _ROLE_REFS:
            return self.role_title(value)
        if short in _DEPARTMENT_REFS:
            return self.department_name(value)
        if short in _PERCENT and isinstance(value, (int, float)):
            return labels.fmt("percent", value=f"{value:g}")
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, str) and _is_date(value):
            return format_date(dt.date.fromisoformat(value), self.locale)
        return self.plain(str(value)) or str(value)

    def change(self, name: str, old: Any, new: Any, *, arrow: bool = False) -> Runs:
        """A value replaced: the old struck through, then the new underlined; ``arrow``
        puts "→" between them (and "—" for a side that is empty), for the record."""
        runs: Runs = []
        empty = [("", self.labels["empty_cell"])] if arrow else []
        runs += [("del", self.value(name, old))] if old not in (None, [], "") else empty
        runs += [("", " → ")] if arrow else []
        runs += [("ins", self.value(name, new))] if new not in (None, [], "") else empty
        return runs

    def role_title(self, role_id: str) -> str:
        for handbook in (self.diff.new, self.diff.old):
            role = handbook.roles.get(role_id)
            if role is not None:
                return self.convert(role.title)
        return role_id

    def department_name(self, dept_id: str) -> str:
        for handbook in (self.diff.new, self.diff.old):
            for department in handbook.departments:
                if department.id == dept_id:
                    return self.convert(department.name)
        return dept_id


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10

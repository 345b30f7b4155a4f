"""The parts of the Document: a position's and a department's sections with their rows,
the table-of-contents entries, and the one way staffing figures are written.

They are plain data, filled once by ``document.resolve``, that every writer reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .changemarks import Marks, RoleMarks
from .labels import Labels
from .markdown import Markdown

__all__ = [
    "SEAT_COLUMNS", "Columns", "DepartmentSection", "DutyRow", "KpiRow", "RevisionRow",
    "RoleRef", "RoleSection", "StaffRow", "TocEntry", "TotalRow", "seats_text",
]

# The one order staffing figures are given in everywhere: charts ("2/3"), the position's
# facts and the staffing tables' columns, so that no two places read differently.
SEAT_COLUMNS = ("filled", "headcount", "vacancies")


def seats_text(labels: Labels, filled: int, headcount: int) -> str:
    """A position's seats as every format prints them: "2/3（缺 1）" under "在岗/编制"."""
    text = labels.fmt("org_count", filled=filled, headcount=headcount)
    vacancies = max(headcount - filled, 0)
    if vacancies:
        text += labels.fmt("parenthetical", text=labels.fmt("vacant_short", n=vacancies))
    return text


# A department opener estimated at this many body lines or fewer (about half a page) is
# followed on its page by the department's first position.
_SHORT_OPENER_LINES = 24


@dataclass(frozen=True)
class RoleRef:
    """A link to a position: what a "reports to" cell or an index line shows."""

    id: str
    title: str
    code: str | None
    linked: bool = True  # False where the position's page is not in the output (a JD)

    @property
    def anchor(self) -> str:
        return f"role-{self.id}"


@dataclass(frozen=True)
class DutyRow:
    number: int
    text: Markdown
    share: float | None
    essential: bool
    frequency: str | None


@dataclass(frozen=True)
class KpiRow:
    name: str
    target: str | None
    weight: float | None


@dataclass(frozen=True)
class RevisionRow:
    version: str
    date: dt.date
    author: str | None
    approved_by: str | None
    changes: Markdown | None
    date_text: str = ""  # ``date`` as the locale writes it (locales.format_date)


@dataclass(frozen=True)
class Columns:
    """Which optional columns a table has: one that is empty in every row is left out.

    Each table decides for itself (a position's duties and KPIs, a department's staffing);
    ``Document.columns`` is the handbook's, for the index.
    """

    share: bool
    essential: bool
    frequency: bool
    kpi_target: bool
    kpi_weight: bool
    code: bool
    grade: bool


@dataclass
class RoleSection:
    """One position's page."""

    ref: RoleRef
    department_id: str
    department_name: str
    reports_to: RoleRef | None
    dotted_line_to: list[RoleRef]
    direct_reports: list[RoleRef]
    assistant: bool
    grade: str | None
    location: str | None
    employment_type: str | None
    headcount: int
    filled: int
    summary: Markdown | None
    duties: list[DutyRow]
    requirements: list[tuple[str, list[str]]]
    kpis: list[KpiRow]
    competencies: list[str]
    working_conditions: Markdown | None
    columns: Columns  # of its duty and KPI tables
    seats: str = ""  # filled/headcount as printed beside labels["seats_label"]: seats_text
    continued: str = ""  # the running header of its continuation pages: "Title · CODE (cont.)"
    marks: RoleMarks | None = None  # what changed in it, in a --changes-since build

    @property
    def vacancies(self) -> int:
        return max(self.headcount - self.filled, 0)

    @property
    def anchor(self) -> str:
        return self.ref.anchor


@dataclass(frozen=True)
class StaffRow:
    role: RoleRef
    grade: str | None
    reports_to: RoleRef | None
    headcount: int
    filled: int

    @property
    def vacancies(self) -> int:
        return max(self.headcount - self.filled, 0)

    @property
    def counts(self) -> tuple[int, int, int]:
        """The row's figures in SEAT_COLUMNS order."""
        return self.filled, self.headcount, self.vacancies


@dataclass(frozen=True)
class TotalRow:
    """A staffing table's totals line: its label and figures in SEAT_COLUMNS order."""

    label: str
    counts: tuple[int, int, int]


@dataclass
class DepartmentSection:
    """A department: its function, head, staffing table and its positions in print order."""

    id: str
    name: str
    number: str
    depth: int
    parent_id: str | None
    head: RoleRef | None
    function: Markdown | None
    roles: list[RoleSection]
    columns: Columns  # of its staffing table
    # Own positions, then (with sub-departments) everything below: the figure the charts show
    total_rows: list[TotalRow] = field(default_factory=list)
    marks: Marks | None = None  # its head and function changed, in a --changes-since build

    @property
    def anchor(self) -> str:
        return f"dept-{self.id}"

    @property
    def title(self) -> str:
        """Number and name, as the TOC, headings and running headers show it."""
        return f"{self.number} {self.name}" if self.number else self.name

    @property
    def staffing(self) -> list[StaffRow]:
        return [StaffRow(r.ref, r.grade, r.reports_to, r.headcount, r.filled) for r in self.roles]

    @property
    def first_role_follows(self) -> bool:
        """Whether the first position follows the department's opener on its page instead
        of starting a new one: when the opener (head, function, staffing table) is short,
        which saves a mostly empty page per department. A rough estimate in body lines
        (a wrapped function paragraph, one line a staffing row) keeps every format alike."""
        if not self.roles:
            return False
        function = len(self.function.plain) if self.function is not None else 0
        lines = 6 + function / 45 + 1.3 * len(self.roles)
        return lines <= _SHORT_OPENER_LINES


@dataclass(frozen=True)
class TocEntry:
    """A line of the table of contents and a PDF bookmark: level 1 is a part."""

    level: int
    anchor: str
    text: str

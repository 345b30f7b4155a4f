"""Resolve the model into the one Document that every writer lays out.

Everything a writer would otherwise have to work out — the print order of departments and
positions, numbering, the reporting lines in both directions, which optional table columns
the handbook uses, labels in the output language, the org-chart pages — is decided here
once. Writers never re-read YAML or walk the reporting tree; a section added here appears
in HTML, PDF and DOCX alike.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from . import orgchart
from .convert import converter
from .labels import Labels, load_labels
from .markdown import Markdown, parse_markdown
from .model import Handbook, Role
from .style import Style, default_style

__all__ = [
    "Columns",
    "chart_departments",
    "DepartmentSection",
    "Document",
    "DutyRow",
    "KpiRow",
    "RevisionRow",
    "RoleRef",
    "RoleSection",
    "StaffRow",
    "TocEntry",
    "resolve",
]


_SHARED_CHART_SHARE = 0.4  # a chart this much of a page's height or less may share it
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


@dataclass(frozen=True)
class Columns:
    """Which optional columns the handbook uses; a column nobody fills is not printed."""

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
    continued: str = ""  # the running header of its continuation pages: "Title · CODE (cont.)"

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

    @property
    def anchor(self) -> str:
        return f"dept-{self.id}"

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

    @property
    def totals(self) -> tuple[int, int, int]:
        """Headcount, filled and vacancies over the department's own positions."""
        headcount = sum(r.headcount for r in self.roles)
        filled = sum(r.filled for r in self.roles)
        return headcount, filled, sum(r.vacancies for r in self.roles)


@dataclass(frozen=True)
class TocEntry:
    """A line of the table of contents and a PDF bookmark: level 1 is a part."""

    level: int
    anchor: str
    text: str


@dataclass
class Document:
    """The handbook resolved for output; the only thing writers read."""

    name: str
    lang: str
    labels: Labels
    style: Style
    title: str
    subtitle: str | None
    organization: str
    control: list[tuple[str, str]]
    document_number: str
    version: str
    revisions: list[RevisionRow]
    intro: Markdown | None
    charts: list[orgchart.ChartPage]
    departments: list[DepartmentSection]
    columns: Columns
    created: dt.datetime
    notices: list[str] = field(default_factory=list)
    job_description: RoleSection | None = None

    def shares_page(self, chart: orgchart.ChartPage) -> bool:
        """Whether a chart is small enough to follow the previous one on its page: small
        departments' charts then share pages instead of leaving most of a page empty."""
        _, height = self.style.chart_area()
        return not chart.landscape and chart.height <= _SHARED_CHART_SHARE * height

    @property
    def roles(self) -> list[RoleSection]:
        """Every position in print order."""
        return [role for department in self.departments for role in department.roles]

    @property
    def index_by_code(self) -> list[RoleRef]:
        return sorted((r.ref for r in self.roles if r.ref.code), key=lambda ref: ref.code)

    @property
    def index_by_title(self) -> list[RoleRef]:
        """Alphabetical as readers look things up: Chinese titles by their pinyin."""
        return sorted((r.ref for r in self.roles), key=lambda ref: (_collation(ref.title),
                                                                    ref.title, ref.id))

    @property
    def toc(self) -> list[TocEntry]:
        """Parts, departments and positions, in print order (a JD: just its position)."""
        if self.job_description is not None:
            role = self.job_description
            return [TocEntry(1, role.anchor, role.ref.title)]
        labels = self.labels
        entries = [TocEntry(1, "revisions", labels["revision_history"])]
        if self.intro:
            entries.append(TocEntry(1, "intro", labels["introduction"]))
        if self.charts:
            entries.append(TocEntry(1, "org-chart", labels["org_chart"]))
        entries.append(TocEntry(1, "departments", labels["departments_part"]))
        for department in self.departments:
            level = 2 + department.depth
            entries.append(TocEntry(level, department.anchor,
                                    f"{department.number} {department.name}"))
            entries += [TocEntry(level + 1, r.anchor, r.ref.title) for r in department.roles]
        entries.append(TocEntry(1, "appendix", labels["position_index"]))
        return entries


def _collation(title: str) -> str:
    """A sort key: CJK characters by their romanisation (运营 → "yun ying"), then case-free."""
    from anyascii import anyascii

    return " ".join(anyascii(char) if "\u3400" <= char <= "\u9fff" else char
                    for char in title).casefold()


# --- resolving ---------------------------------------------------------------------------


def resolve(handbook: Handbook, *, lang: str | None = None, style: Style | None = None,
            chart_pages: bool = True) -> Document:
    """The Document for ``handbook`` in output language ``lang`` (default: its own)."""
    lang = lang or handbook.language
    convert, notices = converter(handbook.language, lang)
    labels = load_labels(lang)
    style = style or default_style(lang)
    roles = {rid: role for rid, role in handbook.roles.items() if role is not None}
    refs = {rid: RoleRef(rid, convert(role.title), role.code) for rid, role in roles.items()}
    order = _print_order(roles)
    reports = _direct_reports(roles, order)
    sections = {rid: _role_section(roles[rid], refs, reports[rid], handbook, convert, labels)
                for rid in order}
    departments = _departments(handbook, order, roles, sections, refs, convert)
    document = Document(
        name=handbook.name,
        lang=lang,
        labels=labels,
        style=style,
        title=convert(handbook.title),
        subtitle=convert(handbook.subtitle) if handbook.subtitle else None,
        organization=convert(handbook.organization),
        control=_control(handbook, labels, convert),
        document_number=handbook.document.number,
        version=handbook.document.version,
        revisions=[
            RevisionRow(r.version, r.date, _opt(convert, r.author), _opt(convert, r.approved_by),
                        _md(convert, r.changes))
            for r in handbook.revisions
        ],
        intro=_md(convert, handbook.intro),
        charts=[],
        departments=departments,
        columns=_columns(list(roles.values())),
        created=_created(),
        notices=notices,
    )
    if chart_pages:
        document.charts = plan_document_charts(document, roles, order)
    return document


def chart_departments(document: Document) -> list[orgchart.ChartDepartment]:
    """The departments as the org-chart engine sees them, coloured in print order."""
    return [
        orgchart.ChartDepartment(id=d.id, name=d.name, parent=d.parent_id,
                                 head=d.head.id if d.head else None, color_index=index)
        for index, d in enumerate(document.departments)
    ]


def plan_document_charts(document: Document, roles: dict[str, Role],
                         order: list[str]) -> list[orgchart.ChartPage]:
    """The org-chart pages for the Document's page size, from the orgchart engine."""
    sections = {s.ref.id: s for s in document.roles}
    nodes = [
        orgchart.ChartNode(
            id=rid, title=sections[rid].ref.title, parent=roles[rid].reports_to,
            department=roles[rid].department, code=roles[rid].code,
            headcount=sections[rid].headcount, filled=sections[rid].filled,
            assistant=roles[rid].assistant, dotted_to=tuple(roles[rid].dotted_line_to))
        for rid in order
    ]
    width, height = document.style.chart_area()
    return list(_planned_charts(tuple(nodes), tuple(chart_departments(document)), width,
                                height, document.lang, tuple(document.labels.items())))


@functools.lru_cache(maxsize=4)
def _planned_charts(nodes: tuple[orgchart.ChartNode, ...],
                    departments: tuple[orgchart.ChartDepartment, ...], width: float,
                    height: float, lang: str,
                    labels: tuple[tuple[str, str], ...]) -> tuple[orgchart.ChartPage, ...]:
    """The chart plan for these inputs, planned once: the live preview re-resolves the
    Document on every save, and most edits (a duty, a summary) move no box."""
    return tuple(orgchart.plan_charts(nodes, departments, page_width=width, page_height=height,
                                      lang=lang, labels=dict(labels)))


def _opt(convert: Callable[[str], str], value: str | None) -> str | None:
    return convert(value) if value else None


def _md(convert: Callable[[str], str], value: str | None, *, inline: bool = False):
    return parse_markdown(convert(value), inline=inline) if value and value.strip() else None


def _created() -> dt.datetime:
    """Build time, or SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return dt.datetime.now(tz=dt.timezone.utc).replace(microsecond=0)


def _control(handbook: Handbook, labels: Labels, convert) -> list[tuple[str, str]]:
    control = handbook.document
    rows = [
        ("document_number", control.number),
        ("version", control.version),
        ("effective", control.effective.isoformat()),
        ("owner", _opt(convert, control.owner)),
        ("prepared_by", _opt(convert, control.prepared_by)),
        ("reviewed_by", _opt(convert, control.reviewed_by)),
        ("approved_by", _opt(convert, control.approved_by)),
        ("confidentiality", _opt(convert, control.confidentiality)),
    ]
    return [(labels[key], value) for key, value in rows if value]


def _sibling_key(role: Role) -> tuple:
    """Job codes are how HR orders positions; roles without one follow by id."""
    return (role.code is None, role.code or "", role.id)


def _print_order(roles: dict[str, Role]) -> list[str]:
    """Managers before their reports (depth first), siblings by code, assistants first."""
    children: dict[str | None, list[Role]] = {}
    for role in roles.values():
        manager = role.reports_to if role.reports_to in roles else None
        children.setdefault(manager, []).append(role)
    for group in children.values():
        group.sort(key=lambda r: (not r.assistant, *_sibling_key(r)))
    order: list[str] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        role = stack.pop()
        order.append(role.id)
        stack.extend(reversed(children.get(role.id, [])))
    order += sorted(set(roles) - set(order))  # cycles: validation refuses them, stay total
    return order


def _direct_reports(roles: dict[str, Role], order: list[str]) -> dict[str, list[str]]:
    reports: dict[str, list[str]] = {rid: [] for rid in roles}
    for rid in order:
        manager = roles[rid].reports_to
        if manager in reports:
            reports[manager].append(rid)
    return reports


def _role_section(role: Role, refs: dict[str, RoleRef], reports: list[str], handbook: Handbook,
                  convert, labels: Labels) -> RoleSection:
    department = next((d for d in handbook.departments if d.id == role.department), None)
    return RoleSection(
        ref=refs[role.id],
        department_id=role.department,
        department_name=convert(department.name) if department else role.department,
        reports_to=refs.get(role.reports_to) if role.reports_to else None,
        dotted_line_to=[refs[t] for t in role.dotted_line_to if t in refs],
        direct_reports=[refs[r] for r in reports],
        assistant=role.assistant,
        grade=role.grade,
        location=_opt(convert, role.location),
        employment_type=_opt(convert, role.employment_type),
        headcount=role.headcount,
        filled=role.seats_filled,
        summary=_md(convert, role.summary),
        duties=[
            DutyRow(number, parse_markdown(convert(duty.text), inline=True), duty.share,
                    duty.essential, _opt(convert, duty.frequency))
            for number, duty in enumerate(role.duties, 1)
        ],
        requirements=_requirements(role, labels, convert),
        kpis=[KpiRow(convert(k.name), _opt(convert, k.target), k.weight) for k in role.kpis],
        competencies=[convert(c) for c in role.competencies],
        working_conditions=_md(convert, role.working_conditions),
        continued=_continued(refs[role.id], labels),
    )


def _continued(ref: RoleRef, labels: Labels) -> str:
    """The running header of a position's continuation pages, so that a loose page can be
    tied to its position: its title and code, marked as continued."""
    text = labels.fmt("title_code", title=ref.title, code=ref.code) if ref.code else ref.title
    return labels.fmt("continued", text=text)


def _requirements(role: Role, labels: Labels, convert) -> list[tuple[str, list[str]]]:
    req = role.requirements
    if req is None:
        return []
    rows = [
        ("education", [req.education] if req.education else []),
        ("experience", [req.experience] if req.experience else []),
        ("skills", req.skills),
        ("certifications", req.certifications),
        ("other_requirements", req.other),
    ]
    return [(labels[key], [convert(v) for v in values]) for key, values in rows if values]


def _departments(handbook: Handbook, order: list[str], roles: dict[str, Role],
                 sections: dict[str, RoleSection], refs: dict[str, RoleRef],
                 convert) -> list[DepartmentSection]:
    """Departments depth first by ``parent`` (siblings in handbook.yml order), numbered."""
    ids = {d.id for d in handbook.departments}
    children: dict[str | None, list] = {}
    for department in handbook.departments:
        parent = department.parent if department.parent in ids else None
        children.setdefault(parent, []).append(department)
    result: list[DepartmentSection] = []

    def visit(parent: str | None, prefix: str, depth: int) -> None:
        for number, department in enumerate(children.get(parent, []), 1):
            label = f"{prefix}{number}"
            members = [sections[rid] for rid in order if roles[rid].department == department.id]
            result.append(DepartmentSection(
                id=department.id, name=convert(department.name), number=label, depth=depth,
                parent_id=parent, head=refs.get(department.head) if department.head else None,
                function=_md(convert, department.function), roles=members))
            visit(department.id, f"{label}.", depth + 1)

    visit(None, "", 0)
    return result


def _columns(roles: list[Role]) -> Columns:
    duties = [duty for role in roles for duty in role.duties]
    kpis = [kpi for role in roles for kpi in role.kpis]
    return Columns(
        share=any(d.share is not None for d in duties),
        essential=any(not d.essential for d in duties),
        frequency=any(d.frequency for d in duties),
        kpi_target=any(k.target for k in kpis),
        kpi_weight=any(k.weight is not None for k in kpis),
        code=any(r.code for r in roles),
        grade=any(r.grade for r in roles),
    )

"""Resolve the model into the one Document that every writer lays out.

Everything a writer would otherwise have to work out — the print order of departments and
positions, numbering, the reporting lines in both directions, which optional table columns
the handbook uses, labels in the output language, the org-chart pages — is decided here
once. Writers never re-read YAML or walk the reporting tree; a section added here appears
in HTML, PDF and DOCX alike.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from . import orgchart
from .changemarks import Marks
from .changes import ChangesSection, apply_changes
from .charts import chart_departments, plan_document_charts
from .colour import Palette, palette_for
from .convert import converter
from .diff import Diff
from .labels import Labels, load_labels
from .locales import Locale, format_date, parse_tag, text_locale
from .markdown import Markdown, parse_markdown
from .model import Handbook, Role
from .sections import (
    SEAT_COLUMNS,
    Columns,
    DepartmentSection,
    DutyRow,
    KpiRow,
    RevisionRow,
    RoleRef,
    RoleSection,
    StaffRow,
    TocEntry,
    TotalRow,
    seats_text,
)
from .style import Style, default_style, with_page

_CJK_TEXT = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")

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
    "SEAT_COLUMNS",
    "StaffRow",
    "TocEntry",
    "TotalRow",
    "resolve",
]


_SHARED_CHART_SHARE = 0.4  # a chart this much of a page's height or less may share it
_NAV_EXPANDED_MAX = 80  # positions: a bigger handbook's navigation opens folded

@dataclass
class Document:
    """The handbook resolved for output; the only thing writers read."""

    name: str
    lang: str
    labels: Labels
    style: Style
    palette: Palette  # every colour, decided once: departments, text, charts
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
    locale: Locale  # dates, and the default page size; ``lang`` is its labels' language
    notices: list[str] = field(default_factory=list)
    job_description: RoleSection | None = None
    diff: Diff | None = None  # from the --changes-since version to this one
    changes: ChangesSection | None = None  # the "changes in this version" section
    marks: Marks | None = None  # the document control's and the intro's changes (changemarks)

    def shares_page(self, index: int) -> bool:
        """Whether chart ``index`` is small enough to follow the previous one on its page:
        small departments' charts then share pages instead of leaving most of a page empty.
        Never on a landscape page: only a chart that needs the width gets one."""
        if index == 0:
            return False
        chart, before = self.charts[index], self.charts[index - 1]
        _, height = self.style.chart_area()
        return (not chart.landscape and not before.landscape
                and chart.height <= _SHARED_CHART_SHARE * height)

    @property
    def chart_font(self) -> str:
        """The charts' font list: the body's (a brand's, the Latin face for English).

        WeasyPrint sets SVG text in the first face of the list it finds and falls back
        through fontconfig, not along the list, so a chart with Chinese text on it (English
        labels on Chinese content) starts with the regional CJK face."""
        families = self.style.body_font
        if "CJK" not in families[0] and any(_CJK_TEXT.search(text) for text in self._chart_texts()):
            families = (self.style.cjk_font, *families)
        return self.style.font_stack(families)

    def _chart_texts(self):
        charts = self.charts or []
        for page in charts:
            for box in getattr(getattr(page, "layout", None), "boxes", ()):
                yield from (text.text for text in box.texts)

    @property
    def nav_open(self) -> frozenset[str]:
        """The departments (anchors) that start open in the HTML navigation. A small
        handbook's are all open; past a screenful or two of positions the navigation
        starts folded to its departments, opening only a lone department at the top (a
        single root would otherwise fold everything into one line)."""
        if len(self.roles) <= _NAV_EXPANDED_MAX:
            return frozenset(d.anchor for d in self.departments)
        opened: set[str] = set()
        level = [d for d in self.departments if d.parent_id is None]
        while len(level) == 1:
            opened.add(level[0].anchor)
            level = [d for d in self.departments if d.parent_id == level[0].id]
        return frozenset(opened)

    @property
    def language_tag(self) -> str:
        """The output's language for browsers, screen readers and office suites: the labels'
        language with the region its locale names (en-GB, zh-Hant-HK; see Locale)."""
        return self.locale.output_tag

    @property
    def roles(self) -> list[RoleSection]:
        """Every position in print order."""
        return [role for department in self.departments for role in department.roles]

    @property
    def index_by_code(self) -> list[RoleRef]:
        return sorted((r.ref for r in self.roles if r.ref.code), key=lambda ref: ref.code)

    @property
    def index_by_title(self) -> list[RoleRef]:
        """In the order readers of the language look things up (see ``_collator``)."""
        key = _collator(self.lang).getSortKey
        return sorted((r.ref for r in self.roles), key=lambda ref: (key(ref.title), ref.id))

    @property
    def toc(self) -> list[TocEntry]:
        """Parts, departments and positions, in print order (a JD: just its position)."""
        if self.job_description is not None:
            role = self.job_description
            return [TocEntry(1, role.anchor, role.ref.title)]
        labels = self.labels
        entries = [TocEntry(1, "revisions", labels["revision_history"])]
        if self.changes:
            entries.append(TocEntry(1, "changes", self.changes.title))
        if self.intro:
            entries.append(TocEntry(1, "intro", labels["introduction"]))
        if self.charts:
            entries.append(TocEntry(1, "org-chart", labels["org_chart"]))
        entries.append(TocEntry(1, "departments", labels["departments_part"]))
        for department in self.departments:
            level = 2 + department.depth
            entries.append(TocEntry(level, department.anchor, department.title))
            entries += [TocEntry(level + 1, r.anchor, r.ref.title) for r in department.roles]
        entries.append(TocEntry(1, "appendix", labels["position_index"]))
        return entries


_COLLATIONS = {"zh-Hans": "zh@collation=pinyin", "zh-Hant": "zh_Hant@collation=stroke"}


@functools.cache
def _collator(lang: str):
    """ICU's collation for the language: Simplified Chinese by pinyin (as mainland indexes
    are), Traditional by stroke count (as Taiwan's are), English alphabetically."""
    import icu

    return icu.Collator.createInstance(icu.Locale(_COLLATIONS.get(lang, lang)))


# --- resolving ---------------------------------------------------------------------------


def resolve(handbook: Handbook, *, lang: str | None = None, style: Style | None = None,
            chart_pages: bool = True, diff: Diff | None = None) -> Document:
    """The Document for ``handbook`` in the locale tagged ``lang`` (default: its own);
    with ``diff`` (from an older version) its changes are shown and marked."""
    source, inferred = handbook.content_locale()
    locale = parse_tag(lang) if lang else source
    lang = locale.labels
    convert, notices = converter(source.labels, lang)
    labels = load_labels(lang, locale.tag)
    text = text_locale(locale, source)
    style = style or with_page(default_style(lang, text.labels, text.region)
                               .with_(page_size=locale.page_size), handbook.page)
    roles = {rid: role for rid, role in handbook.roles.items() if role is not None}
    refs = {rid: RoleRef(rid, convert(role.title), role.code) for rid, role in roles.items()}
    order = _print_order(roles)
    reports = _direct_reports(roles, order)
    columns = _columns(list(roles.values()))
    names = {d.id: d.name for d in handbook.departments}
    sections = {rid: _reused_section(roles[rid], refs, reports[rid], handbook, convert, labels,
                                     columns, (source.labels, lang,
                                               names.get(roles[rid].department)))
                for rid in order}
    departments = _departments(handbook, order, roles, sections, refs, convert)
    _add_total_rows(departments, labels)
    palette = palette_for(style, [d.id for d in departments])
    document = Document(
        name=handbook.name,
        lang=lang,
        labels=labels,
        style=style,
        palette=palette,
        title=convert(handbook.title),
        subtitle=convert(handbook.subtitle) if handbook.subtitle else None,
        organization=convert(handbook.organization),
        control=_control(handbook, labels, convert, locale),
        document_number=handbook.document.number,
        version=handbook.document.version,
        revisions=[
            RevisionRow(r.version, r.date, _opt(convert, r.author), _opt(convert, r.approved_by),
                        _md(convert, r.changes), format_date(r.date, locale))
            for r in handbook.revisions
        ],
        intro=_untitled(_md(convert, handbook.intro), labels["introduction"]),
        charts=[],
        departments=departments,
        columns=columns,
        created=_created(),
        locale=locale,
        notices=[*([inferred] if inferred else []), *notices, *palette.notices],
        diff=diff,
    )
    if diff is not None:
        apply_changes(document, diff, convert)
    if chart_pages:
        document.charts = plan_document_charts(document, roles, order)
    return document


def _opt(convert: Callable[[str], str], value: str | None) -> str | None:
    return convert(value) if value else None


def _untitled(text: Markdown | None, title: str) -> Markdown | None:
    """``text`` without a leading heading that only repeats its section's title (an intro
    that opens with "## 前言" under the part 前言), for every format alike."""
    tokens = text.tokens if text is not None else []
    if (len(tokens) >= 3 and tokens[0].type == "heading_open"
            and tokens[1].content.strip() == title.strip()):
        return dataclasses.replace(text, tokens=tokens[3:])
    return text


def _md(convert: Callable[[str], str], value: str | None, *, inline: bool = False):
    return parse_markdown(convert(value), inline=inline) if value and value.strip() else None


def _created() -> dt.datetime:
    """Build time, or SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return dt.datetime.now(tz=dt.timezone.utc).replace(microsecond=0)


def _control(handbook: Handbook, labels: Labels, convert,
             locale: Locale) -> list[tuple[str, str]]:
    control = handbook.document
    rows = [
        ("document_number", control.number),
        ("version", control.version),
        ("effective", format_date(control.effective, locale)),
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


# The last resolve's RoleSection of each role id, with what it was made from.
_LAST_SECTIONS: dict[str, tuple[Role, Labels, tuple, RoleSection]] = {}


def _reused_section(role: Role, refs: dict[str, RoleRef], reports: list[str],
                    handbook: Handbook, convert, labels: Labels, columns: Columns,
                    context: tuple) -> RoleSection:
    """``_role_section``, or the very section of the last resolve when made from the same.

    ``serve`` resolves the whole handbook on every save, and validation hands back the same
    Role for an unchanged file: its section is then the same object, whose HTML the page
    cache knows without reading it again. The key holds every other input: the titles it
    links to, the shared columns, the labels and ``context`` (the languages converted
    between and the department's name).
    """
    key = (refs[role.id], refs.get(role.reports_to) if role.reports_to else None,
           tuple(refs.get(t) for t in role.dotted_line_to), tuple(refs[r] for r in reports),
           columns, context)
    known = _LAST_SECTIONS.get(role.id)
    if known is not None and known[0] is role and known[1] is labels and known[2] == key:
        return known[3]
    section = _role_section(role, refs, reports, handbook, convert, labels, columns)
    if len(_LAST_SECTIONS) > 20_000:
        _LAST_SECTIONS.clear()
    _LAST_SECTIONS[role.id] = (role, labels, key, section)
    return section


def _role_section(role: Role, refs: dict[str, RoleRef], reports: list[str], handbook: Handbook,
                  convert, labels: Labels, columns: Columns) -> RoleSection:
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
        # "Essential: yes" in every row still says something where the handbook marks the
        # duties that are not: that column is the handbook's, never empty
        columns=dataclasses.replace(_columns([role]), essential=columns.essential),
        seats=seats_text(labels, role.seats_filled, role.headcount),
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
    """Departments depth first by ``parent`` (siblings in handbook.yml order), numbered.

    A single top department (a head office over everything) is not chapter 1 of a book
    whose chapters would all be 1.x: it comes first, unnumbered, and the departments under
    it are the chapters 1, 2, 3 at the same level.
    """
    ids = {d.id for d in handbook.departments}
    children: dict[str | None, list] = {}
    for department in handbook.departments:
        parent = department.parent if department.parent in ids else None
        children.setdefault(parent, []).append(department)
    result: list[DepartmentSection] = []

    members_of: dict[str, list[RoleSection]] = {}
    for rid in order:
        members_of.setdefault(roles[rid].department, []).append(sections[rid])

    def add(department, parent: str | None, label: str, depth: int) -> None:
        members = members_of.get(department.id, [])
        result.append(DepartmentSection(
            id=department.id, name=convert(department.name), number=label, depth=depth,
            parent_id=parent, head=refs.get(department.head) if department.head else None,
            function=_md(convert, department.function), roles=members,
            columns=_columns([roles[member.ref.id] for member in members])))

    def visit(parent: str | None, prefix: str, depth: int) -> None:
        for number, department in enumerate(children.get(parent, []), 1):
            label = f"{prefix}{number}"
            add(department, parent, label, depth)
            visit(department.id, f"{label}.", depth + 1)

    roots = children.get(None, [])
    if len(roots) == 1:
        add(roots[0], None, "", 0)
        visit(roots[0].id, "", 0)
    else:
        visit(None, "", 0)
    return result


def _add_total_rows(departments: list[DepartmentSection], labels: Labels) -> None:
    """Each staffing table's totals: its own positions, and, where it has sub-departments,
    a second line including them, the figure its box on the overview chart shows."""
    children: dict[str | None, list[DepartmentSection]] = {}
    for department in departments:
        children.setdefault(department.parent_id, []).append(department)

    def below(department: DepartmentSection) -> list[RoleSection]:
        return department.roles + [r for child in children.get(department.id, [])
                                   for r in below(child)]

    for department in departments:
        own = _counts(department.roles)
        if department.id not in children:
            department.total_rows = [TotalRow(labels["staffing_total"], own)]
            continue
        department.total_rows = [TotalRow(labels["staffing_total_own"], own),
                                 TotalRow(labels["staffing_total_all"], _counts(below(department)))]


def _counts(roles: list[RoleSection]) -> tuple[int, int, int]:
    """Filled, headcount and vacancies over ``roles`` (SEAT_COLUMNS order)."""
    return (sum(r.filled for r in roles), sum(r.headcount for r in roles),
            sum(r.vacancies for r in roles))


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

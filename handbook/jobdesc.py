"""Single-role job descriptions: the Document of one position, to print and sign.

A job description is the handbook's own Document narrowed to one position's page plus a
small chart of its reporting line, so every writer (and every template override of the
position page) serves job descriptions unchanged.

A job description is handed to candidates and signed by the holder, so it is always the
clean current text: in a ``--changes-since`` build it carries no change marks, change bars
or tracked changes (those are for the handbook's approvers).
"""

from __future__ import annotations

from dataclasses import replace

from . import orgchart
from .charts import LEGEND_ROOM, chart_departments, finish_charts
from .document import Document, RoleRef, RoleSection

__all__ = ["job_description", "reporting_nodes"]

_JD_CHART_HEIGHT = 62 * 72 / 25.4  # points: a job description's chart takes a third of a page


def job_description(document: Document, role_id: str) -> Document:
    """The Document of one position's job description: its page, a small reporting-line
    chart and nothing else; links to other positions become plain text."""
    role = next((r for r in document.roles if r.ref.id == role_id), None)
    if role is None:
        raise KeyError(role_id)
    document = replace(document, diff=None, changes=None)  # its chart unmarked too
    unlinked = {r.ref.id: replace(r.ref, linked=False) for r in document.roles}
    own = replace(
        role,
        reports_to=unlinked[role.reports_to.id] if role.reports_to else None,
        dotted_line_to=[unlinked[ref.id] for ref in role.dotted_line_to],
        direct_reports=[unlinked[ref.id] for ref in role.direct_reports],
        marks=None,
    )
    department = next(d for d in document.departments if d.id == role.department_id)
    single = replace(department, roles=[own], depth=0, number="")  # no book, no "1.3"
    return replace(document, departments=[single], job_description=own,
                   title=_title(document, role), subtitle=document.title,
                   charts=_reporting_chart(document, role))


def _title(document: Document, role: RoleSection) -> str:
    """The position names the document: its metadata title and, on every printed page,
    its running header (a loose page is tied to its role by title and code)."""
    if not role.ref.code:
        return role.ref.title
    return document.labels.fmt("title_code", title=role.ref.title, code=role.ref.code)


def _reporting_chart(document: Document, role: RoleSection) -> list[orgchart.ChartPage]:
    """One chart of the positions themselves, however many reports: with no smallest
    readable size the planner never falls back to a chart of departments, and shrinks the
    chart or stacks the reports in rows instead."""
    width, _ = document.style.chart_area()
    nodes = reporting_nodes(document, role)
    # A position with a dotted line into this one sits on the reports' row, its line dashed:
    # placed as a report, then its solid line redrawn as a dotted one.
    incoming = {n.id for n in nodes if n.dotted_to == (role.ref.id,) and n.parent is None
                and n.id != (role.reports_to.id if role.reports_to else None)}
    placed = [replace(n, parent=role.ref.id, dotted_to=()) if n.id in incoming else n
              for n in nodes]
    pages = orgchart.plan_charts(placed, chart_departments(document), page_width=width,
                                 page_height=_JD_CHART_HEIGHT - LEGEND_ROOM,
                                 lang=document.lang, labels=document.labels,
                                 leaf_columns_threshold=8, min_font_pt=0.0)
    pages = [_dashed(page, incoming) for page in pages[:1]]
    return finish_charts(document, pages, nodes, caption=document.labels["reporting_line"])


def _dashed(page: orgchart.ChartPage, sources: set[str]) -> orgchart.ChartPage:
    """The page with the lines to ``sources`` drawn dotted instead of solid."""
    layout = page.layout
    dotted = tuple(orgchart.DottedEdge(e.child, e.parent, e.points) for e in layout.edges
                   if e.child in sources)
    solid = tuple(e for e in layout.edges if e.child not in sources)
    return replace(page, layout=replace(layout, edges=solid, dotted=layout.dotted + dotted))


def reporting_nodes(document: Document, role: RoleSection) -> list[orgchart.ChartNode]:
    """The small chart of a job description: manager, dotted-line managers, the role, its
    direct reports and the positions with a dotted line to it — what a new hire needs to see
    of the organization."""
    sections = {r.ref.id: r for r in document.roles}
    manager = role.reports_to

    def node(ref: RoleRef, parent: str | None, **extra) -> orgchart.ChartNode:
        section = sections[ref.id]
        return orgchart.ChartNode(id=ref.id, title=ref.title, parent=parent,
                                  department=section.department_id, code=ref.code,
                                  headcount=section.headcount, filled=section.filled, **extra)

    nodes = [node(manager, None)] if manager else []
    nodes += [node(ref, None) for ref in role.dotted_line_to if ref != manager]
    nodes.append(node(role.ref, manager.id if manager else None, assistant=role.assistant,
                      dotted_to=tuple(ref.id for ref in role.dotted_line_to)))
    nodes += [node(ref, role.ref.id, assistant=sections[ref.id].assistant)
              for ref in role.direct_reports]
    charted = {n.id for n in nodes}
    nodes += [node(other.ref, None, dotted_to=(role.ref.id,)) for other in document.roles
              if role.ref.id in {r.id for r in other.dotted_line_to}
              and other.ref.id not in charted]
    return nodes

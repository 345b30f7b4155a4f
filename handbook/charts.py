"""The Document's org-chart pages: the positions and departments handed to the orgchart
engine, planned for the page, then captioned, keyed and described as every format prints
them. The description is the chart's text alternative (the HTML's aria-label, the PDF's
/Alt, the DOCX's descr): the positions on it and who reports to whom; a long chart also
gets its reporting lines as a nested list, read by screen readers after the figure.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import TYPE_CHECKING

from . import orgchart
from .chartchanges import marked_departments, marked_nodes
from .model import Role

if TYPE_CHECKING:
    from .document import Document

__all__ = ["LEGEND_ROOM", "LONG_CHART", "chart_departments", "finish_charts",
           "plan_document_charts"]

LEGEND_ROOM = 40.0  # points below a chart kept for its key (two lines and a continuation)
LONG_CHART = 8  # boxes from which a chart's reporting lines are also given as a list


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
    nodes = marked_nodes(document, nodes)  # a --changes-since build's marks and ghosts
    width, height = document.style.chart_area()
    departments = marked_departments(document, chart_departments(document))
    pages = _planned_charts(tuple(nodes), tuple(departments), width,
                            height - LEGEND_ROOM, document.lang, tuple(document.labels.items()))
    return finish_charts(document, list(pages), nodes)


def finish_charts(document: Document, pages: list[orgchart.ChartPage],
                  nodes: list[orgchart.ChartNode], caption: str | None = None,
                  ) -> list[orgchart.ChartPage]:
    """The chart pages captioned and keyed, as every format prints them.

    Several charts are numbered ("图 3　营销部组织架构（2/5）"), so that a box marked "+N" can
    say in which figures its positions go on; ``caption`` names a single chart (a JD's)."""
    labels = document.labels
    captions = [caption or _chart_caption(document, page) for page in pages]
    if len(pages) > 1:
        captions = [labels.fmt("figure_caption", figure=labels.fmt("figure", n=number),
                               caption=text) for number, text in enumerate(captions, start=1)]
    pages = orgchart.with_legends(pages, nodes, lang=document.lang, labels=labels)
    return [replace(page, caption=text, alt=_chart_alt(document, page, text),
                    reporting=_reporting(page, document.lang))
            for page, text in zip(pages, captions, strict=True)]


def _titles(page: orgchart.ChartPage, lang: str, *, removed: bool = False) -> dict[str, str]:
    """The titles of the boxes a chart page draws (positions; departments on the overview),
    by id, in drawing order, their lines unwrapped: the organisation as it is, or with
    ``removed`` the ghosts of a ``--changes-since`` build (positions it no longer has)."""
    joiner = " " if lang == "en" else ""
    return {box.id: joiner.join(box.title) for box in page.layout.boxes
            if (box.change == "removed") == removed}


def _chart_alt(document: Document, page: orgchart.ChartPage, caption: str) -> str:
    """The caption, the boxes drawn and each reporting line, solid then dotted."""
    labels = document.labels
    titles = _titles(page, document.lang)
    if not titles:
        return caption
    lines = [labels.fmt("chart_reports_to", role=titles[edge.child], manager=titles[edge.parent])
             for edge in page.layout.edges if edge.child in titles and edge.parent in titles]
    lines += [labels.fmt("chart_dotted_to", role=titles[edge.source],
                         manager=titles[edge.target])
              for edge in page.layout.dotted if edge.source in titles and edge.target in titles]
    roles = labels["list_separator"].join(titles.values())
    if not lines:
        alt = labels.fmt("chart_alt", caption=caption, roles=roles)
    else:
        alt = labels.fmt("chart_alt_reporting", caption=caption, roles=roles,
                         lines=labels["chart_line_separator"].join(lines))
    ghosts = _titles(page, document.lang, removed=True)
    if ghosts:
        key = "chart_alt_removed_departments" if page.kind == "overview" else "chart_alt_removed"
        alt += labels.fmt(key, roles=labels["list_separator"].join(ghosts.values()))
    return alt


def _reporting(page: orgchart.ChartPage, lang: str) -> tuple:
    """A long chart's reporting lines as a nested list, ``((title, (reports…)), …)``, from
    the positions whose manager is not on the chart."""
    titles = _titles(page, lang)
    if len(titles) < LONG_CHART:
        return ()
    reports: dict[str, list[str]] = {}
    managed = set()
    for edge in page.layout.edges:
        if edge.child in titles and edge.parent in titles:
            reports.setdefault(edge.parent, []).append(edge.child)
            managed.add(edge.child)

    def branch(role_id: str) -> tuple:
        return (titles[role_id], tuple(branch(child) for child in reports.get(role_id, ())))

    return tuple(branch(role_id) for role_id in titles if role_id not in managed)


def _chart_caption(document: Document, page: orgchart.ChartPage) -> str:
    """What a chart shows: a department, the overview or the organization; which part."""
    labels = document.labels
    names = {d.id: d.name for d in document.departments}
    if page.kind == "department" and page.department in names:
        caption = labels.fmt("org_department_chart", name=names[page.department])
    elif page.kind == "overview":
        caption = labels["org_overview"]
    else:
        caption = labels["org_chart"]
    if page.parts > 1:
        caption += labels.fmt("parenthetical", text=f"{page.part}/{page.parts}")
    return caption


@functools.lru_cache(maxsize=4)
def _planned_charts(nodes: tuple[orgchart.ChartNode, ...],
                    departments: tuple[orgchart.ChartDepartment, ...], width: float,
                    height: float, lang: str,
                    labels: tuple[tuple[str, str], ...]) -> tuple[orgchart.ChartPage, ...]:
    """The chart plan for these inputs, planned once: the live preview re-resolves the
    Document on every save, and most edits (a duty, a summary) move no box."""
    return tuple(orgchart.plan_charts(nodes, departments, page_width=width, page_height=height,
                                      lang=lang, labels=dict(labels)))

"""The change marks on the org charts of a ``--changes-since`` build, from the Document's Diff.

A reader of a new version wants to see how the organisation changed on the chart itself: new
positions are marked, removed ones stay as ghost boxes under their old manager (the manager's
box as it is now, or its own ghost), a position under another manager is drawn where it now
reports with its old manager noted, and one whose title, code or seats changed is marked
lightly. On the overview, new departments are marked and removed ones stay as ghost boxes
under their old parent department. This module only decides the marks (``ChartNode.change``
and ``was``); the orgchart engine lays them out and every format draws the same SVG.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from .convert import converter
from .diff import Diff, Entry
from .orgchart import ChartDepartment, ChartNode

if TYPE_CHECKING:
    from .document import Document

__all__ = ["marked_departments", "marked_nodes"]

# Fields a chart box shows: a change to any of them marks the box (a duty reworded does not).
_DRAWN = ("title", "code", "department", "headcount", "filled", "assistant", "dotted_line_to")


def marked_nodes(document: Document, nodes: Sequence[ChartNode]) -> list[ChartNode]:
    """``nodes`` marked with what changed since ``document.diff.old``, with a ghost for each
    removed position among its old manager's reports; ``nodes`` as given without a diff."""
    diff = document.diff
    if diff is None:
        return list(nodes)
    plan = _Plan(document, diff, {n.id: n for n in nodes})
    out = [plan.mark(node) for node in nodes]
    for ghost in plan.ghosts():
        later = next((i for i, n in enumerate(out)
                      if n.parent == ghost.parent and _sibling_key(n) > _sibling_key(ghost)),
                     len(out))
        out.insert(later, ghost)
    return out


def marked_departments(document: Document, departments: Sequence[ChartDepartment],
                       ) -> list[ChartDepartment]:
    """``departments`` with the new ones marked and a ghost for each removed one, for the
    overview chart's boxes (a ghost has no positions, so it gets no chart page of its own)."""
    diff = document.diff
    if diff is None:
        return list(departments)
    entries = [e for e in diff.entries if e.kind == "department"]
    added = {e.id for e in entries if e.change == "added"}
    out = [replace(d, change="added") if d.id in added else d for d in departments]
    order = {d.id: index for index, d in enumerate(diff.old.departments)}
    for ghost in _department_ghosts(document, diff, entries):  # where it stood among them
        later = next((i for i, d in enumerate(out) if order.get(d.id, -1) > order[ghost.id]),
                     len(out))
        out.insert(later, ghost)
    return out


def _department_ghosts(document: Document, diff: Diff,
                       entries: Sequence[Entry]) -> list[ChartDepartment]:
    """A greyed box per removed department, under its old parent as the chart now has it
    (renamed, or a removed parent's own ghost), in the old version's order."""
    removed = {e.id for e in entries if e.change == "removed"}
    new_id = {d.id: d.id for d in document.departments}
    new_id.update({e.old_id: e.id for e in entries if e.old_id})
    new_id.update({i: i for i in removed})
    convert = converter(diff.new.content_locale()[0].labels, document.lang)[0]
    return [ChartDepartment(id=d.id, name=convert(d.name), parent=new_id.get(d.parent or ""),
                            head=None, color_index=0, change="removed")
            for d in diff.old.departments if d.id in removed]


class _Plan:
    """The diff seen from the new chart: old ids to the boxes now charted for them."""

    def __init__(self, document: Document, diff: Diff, charted: Mapping[str, ChartNode]):
        self.document, self.diff, self.charted = document, diff, charted
        self.convert = converter(diff.new.content_locale()[0].labels, document.lang)[0]
        roles = [e for e in diff.entries if e.kind == "role"]
        self.entries = {e.id: e for e in roles if e.change != "removed"}
        self.removed = [e for e in roles if e.change == "removed"]
        self.new_id = {rid: rid for rid in diff.old.roles if rid in charted}
        self.new_id.update({e.old_id: e.id for e in roles if e.old_id})
        self.new_id.update({e.id: e.id for e in self.removed})  # its ghost keeps the old id
        self.departments = {d.id for d in document.departments}

    def mark(self, node: ChartNode) -> ChartNode:
        entry = self.entries.get(node.id)
        if entry is None:
            return node
        if entry.change == "added":
            return replace(node, change="added")
        fields = {f.name for f in entry.fields}
        old = self.diff.old.roles[entry.old_id or entry.id]
        labels = self.document.labels
        if "reports_to" in fields:
            manager = self._title(old.reports_to)
            was = labels.fmt("org_was_under", title=manager) if manager else None
            return replace(node, change="moved", was=was)
        if fields.intersection(_DRAWN):
            was = (labels.fmt("org_was_titled", title=self.convert(old.title))
                   if "title" in fields else None)
            return replace(node, change="changed", was=was)
        return node

    def ghosts(self) -> list[ChartNode]:
        """A greyed node per removed position, under its old manager's box."""
        out = []
        for entry in self.removed:
            old = self.diff.old.roles[entry.id]
            out.append(ChartNode(
                id=entry.id, title=self.convert(old.title),
                parent=self.new_id.get(old.reports_to or ""),
                department=self._department(entry), code=old.code, headcount=0, filled=0,
                assistant=old.assistant, change="removed"))
        return out

    def _title(self, old_id: str | None) -> str | None:
        """The title the chart shows for an old position: its box now, or its ghost's."""
        if old_id is None:
            return None
        node = self.charted.get(self.new_id.get(old_id, ""))
        if node is not None:
            return node.title
        old = self.diff.old.roles.get(old_id)
        return self.convert(old.title) if old else None

    def _department(self, entry: Entry) -> str:
        """The department a ghost is charted in: its own if it still exists, else its old
        manager's (up the old reporting line), else the first: never a department the
        Document does not print, which would get a chart page of its own."""
        if entry.department in self.departments:
            return entry.department
        seen, above = {entry.id}, self.diff.old.roles[entry.id].reports_to
        while above and above not in seen:
            seen.add(above)
            node = self.charted.get(self.new_id.get(above, ""))
            if node is not None and node.department in self.departments:
                return node.department
            above = self.diff.old.roles[above].reports_to if above in self.diff.old.roles else None
        return self.document.departments[0].id if self.document.departments else (
            entry.department or "")


def _sibling_key(node: ChartNode) -> tuple:
    """Siblings in print order (document._sibling_key): assistants first, then by job code."""
    return (not node.assistant, node.code is None, node.code or "", node.id)

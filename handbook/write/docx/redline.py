"""The changes of a ``--changes-since`` build in Word: tracked changes and the changes section.

In the position pages the changed words are real tracked changes (``w:ins``/``w:del`` with
the author and date of the latest revision entry), and table rows added or removed are
tracked row insertions and deletions (``w:trPr/w:ins``, ``w:trPr/w:del``), so approvers can
accept or reject each one in Word's (or LibreOffice's) Review pane; accepting all gives the
text of a build without ``--changes-since``. The changes section itself is a record, not a
proposal: its deleted and inserted words are only formatted (struck through, underlined).

Every change gets its own ``w:id``, counted from far above the bookmarks' ids so the two
never meet.
"""

from __future__ import annotations

import datetime as dt

from lxml import etree

from . import oxml as x

__all__ = ["Redline", "write_changes"]

_FIRST_ID = 1_000_000


class Redline:
    """Builds tracked changes by one author on one date."""

    def __init__(self, author: str, date: dt.date) -> None:
        self.author = author
        self.date = f"{date.isoformat()}T00:00:00Z"
        self._id = _FIRST_ID

    def _mark(self, tag: str):
        self._id += 1
        return etree.Element(x.qn(tag), {x.qn("w:id"): str(self._id),
                                         x.qn("w:author"): self.author,
                                         x.qn("w:date"): self.date})

    def tracked(self, runs, *, style: str | None = None) -> list:
        """Styled runs as the children of a paragraph: kept runs, tracked ins and del;
        ``style``: the character style of every run (a position's title)."""
        return [self.track(change, x.run(text, style=style)) for change, text in runs]

    def track(self, change: str, r):
        """The run ``r`` as it stands in the paragraph: inside a tracked insertion
        (``change`` "ins") or deletion ("del"), or as it is ("")."""
        if change == "del":
            return self._deleted(r)
        if change == "ins":
            mark = self._mark("w:ins")
            mark.append(r)
            return mark
        return r

    def delete_paragraph(self, paragraphs: list, index: int) -> None:
        """Paragraph ``index`` of a cell's ``paragraphs`` deleted with its text: its own
        paragraph mark is deleted, or for the cell's last paragraph (whose mark cannot go)
        the one before it, the way Word records deleting the last item of a list."""
        for r in list(paragraphs[index].iter(x.qn("w:r"))):
            parent = r.getparent()
            parent.insert(parent.index(r), self._deleted(r))
        at = index if index < len(paragraphs) - 1 else index - 1
        while at > 0 and _paragraph_mark(paragraphs[at]).find(x.qn("w:del")) is not None:
            at -= 1  # that one is going already
        _paragraph_mark(paragraphs[at]).insert(0, self._mark("w:del"))

    def _deleted(self, r):
        """``r`` (detached from where it was) inside a tracked deletion."""
        mark = self._mark("w:del")
        for t in r.iter(x.qn("w:t")):
            t.tag = x.qn("w:delText")
        mark.append(r)
        return mark

    def insert_row(self, row) -> None:
        """A table row that is new: the row and every run in it tracked as inserted."""
        self._track_row(row, "w:ins")
        for r in list(row.iter(x.qn("w:r"))):
            mark = self._mark("w:ins")
            r.addprevious(mark)
            mark.append(r)  # moves the run into its mark

    def delete_row(self, row) -> None:
        """A table row that was removed, kept as a tracked deletion."""
        self._track_row(row, "w:del")
        for r in list(row.iter(x.qn("w:r"))):
            parent, index = r.getparent(), r.getparent().index(r)
            parent.insert(index, self._deleted(r))

    def _track_row(self, row, tag: str) -> None:
        trpr = row.find(x.qn("w:trPr"))
        if trpr is None:
            trpr = etree.Element(x.qn("w:trPr"))
            row.insert(1 if row[0].tag == x.qn("w:tblPrEx") else 0, trpr)
        trpr.append(self._mark(tag))


def _paragraph_mark(p):
    """The run properties of paragraph ``p``'s mark (``w:pPr/w:rPr``), made if missing."""
    ppr = p.find(x.qn("w:pPr"))
    if ppr is None:
        ppr = etree.Element(x.qn("w:pPr"))
        p.insert(0, ppr)
    rpr = ppr.find(x.qn("w:rPr"))
    return rpr if rpr is not None else etree.SubElement(ppr, x.qn("w:rPr"))


def _formatted(runs, *, bold: bool = False) -> list:
    """The changes section's runs: deletions struck through, insertions underlined;
    ``bold`` also makes them bold (a position's heading)."""
    out = []
    for style, text in runs:
        r = x.run(text, bold=bold)
        if style:
            rpr = r.find(x.qn("w:rPr"))
            if rpr is None:
                rpr = etree.Element(x.qn("w:rPr"))
                r.insert(0, rpr)
            if style == "del":
                etree.SubElement(rpr, x.qn("w:strike"))
            else:
                etree.SubElement(rpr, x.qn("w:u"), {x.qn("w:val"): "single"})
        out.append(r)
    return out


def write_changes(writer) -> None:
    """The changes section, after the revision history: per department, per position."""
    changes, labels = writer.document.changes, writer.labels
    writer._heading("changes")
    writer._add(x.paragraph("Normal", [x.run(f"{changes.lead}{labels['colon']}"
                                             f"{changes.summary}", bold=True)]))
    bullets = (writer.numbering.bullets, 0)
    for group in changes.groups:
        status = [x.run(f" {group.status}")] if group.status else []
        writer._add(x.paragraph("Subheading", [x.run(group.title), *status], keep_next=True))
        for line in group.lines:
            writer._add(x.paragraph("Normal", _formatted(line), numbering=bullets))
        for item in group.items:
            heading = [*_formatted(item.heading, bold=True),
                       x.run(f" {item.status}")]
            writer._add(x.paragraph("Normal", heading, keep_next=bool(item.lines)))
            for line in item.lines:
                writer._add(x.paragraph("Normal", _formatted(line), numbering=bullets))

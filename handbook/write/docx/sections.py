"""Sections of the Word handbook: page setup, headers and footers.

A new section starts where the header changes (each department names itself in the header,
and each position starts its own section), where the orientation changes (a landscape org
chart) and at the appendix. The cover is the first page of the first section, which has its
own empty header and footer ("different first page"). Header: handbook title, then the
department or part; a position's section has a different first page too, so that its later
pages name the position ("Title · CODE (cont.)") and a loose page can be tied to it. Footer:
document number and version, the brand's footer line, page X of Y as PAGE / NUMPAGES fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml.parser import parse_xml
from docx.parts.hdrftr import FooterPart, HeaderPart

from ...document import Document
from . import oxml as x

__all__ = ["Section", "Sections"]

_STORY = (f'<w:{{tag}} xmlns:w="{x.NS["w"]}" xmlns:r="{x.NS["r"]}" '
          f'xmlns:wp="{x.NS["wp"]}" xmlns:a="{x.NS["a"]}" xmlns:pic="{x.NS["pic"]}"/>')
_STYLE_TABS = (4815, 9630)  # the Header and Footer styles' stops, for A4 in the reference


@dataclass(frozen=True)
class Section:
    header: str  # right-hand header text: the department, the part, or the organization
    landscape: bool = False
    cover: bool = False  # the first section: its first page (the cover) has no header
    continued: str | None = None  # the header after the first page (a position, continued)


class Sections:
    """Ends sections in the body and makes (and shares) their header and footer parts."""

    def __init__(self, document: Document, part, body) -> None:
        self.document = document
        self.style = document.style
        self.part = part
        self.body = body
        self.current = Section(document.organization, cover=True)
        self._headers: dict[tuple, str] = {}
        self._footers: dict[tuple, str] = {}
        names = {str(p.partname) for p in part.package.iter_parts()}
        self._rid = 1  # where the search for a free relationship id resumes
        self._next = {"header": _first_free(names, "header"),
                      "footer": _first_free(names, "footer")}

    def text_width(self, landscape: bool | None = None) -> int:
        return self.page_twips(self.current.landscape if landscape is None else landscape)[2]

    def page_twips(self, landscape: bool) -> tuple[int, int, int]:
        """Page width, height and text width in twips."""
        width, height = self.style.page_mm(landscape)
        _, right, _, left = self.style.margins_mm
        return (round(width * x.TWIPS_PER_MM), round(height * x.TWIPS_PER_MM),
                round((width - left - right) * x.TWIPS_PER_MM))

    def start(self, section: Section) -> None:
        """End the current section here (the next page begins ``section``)."""
        sect = self.properties(self.current)
        # the last child, without len(): lxml counts the children one by one
        last = next(self.body.iterchildren(reversed=True), None)
        if last is not None and last.tag == x.qn("w:p") and last.find(
                f"{x.qn('w:pPr')}/{x.qn('w:sectPr')}") is None:
            ppr = last.find(x.qn("w:pPr"))  # no empty paragraph: the last one carries it
            if ppr is None:
                ppr = last.makeelement(x.qn("w:pPr"), {})
                last.insert(0, ppr)
            ppr.append(sect)
        else:
            self.body.append(x.section_break(sect))
        self.current = section

    def finish(self) -> None:
        """The last section's properties close the body."""
        self.body.append(self.properties(self.current))

    def properties(self, section: Section):
        width, height, text = self.page_twips(section.landscape)
        margins = [round(m * x.TWIPS_PER_MM) for m in self.style.margins_mm]
        header, footer = self._header(section.header, text), self._footer(text)
        headers, footers = [("default", header)], [("default", footer)]
        if section.continued is not None:
            headers = [("default", self._header(section.continued, text)), ("first", header)]
            footers.append(("first", footer))
        if section.cover:
            headers.append(("first", self._story("header", HeaderPart, RT.HEADER,
                                                 [x.paragraph()])))
            footers.append(("first", self._story("footer", FooterPart, RT.FOOTER,
                                                 [x.paragraph()])))
        return x.section_properties(width=width, height=height, margins=margins,
                                    header=round(min(10.0, margins[0] / x.TWIPS_PER_MM / 2)
                                                 * x.TWIPS_PER_MM),
                                    footer=round(min(9.0, margins[2] / x.TWIPS_PER_MM / 2)
                                                 * x.TWIPS_PER_MM),
                                    landscape=section.landscape,
                                    title_page=section.cover or section.continued is not None,
                                    headers=headers, footers=footers)

    def _header(self, right: str, text_width: int) -> str:
        key = (right, text_width)
        if key not in self._headers:
            runs = [x.run(self.document.title), x.run("\t"), x.run(right)]
            p = x.paragraph("Header", runs, tabs=_tabs(text_width, centre=False))
            self._headers[key] = self._story("header", HeaderPart, RT.HEADER, [p])
        return self._headers[key]

    def _footer(self, text_width: int) -> str:
        if text_width not in self._footers:
            document, labels = self.document, self.document.labels
            left = f"{document.document_number}  {labels['version']} {document.version}"
            centre = self.style.footer or document.organization
            runs = [x.run(left), x.run("\t"), x.run(centre), x.run("\t")]
            for piece in re.split(r"(\{page\}|\{pages\})", labels["page_of"]):
                if piece == "{page}":
                    runs += x.complex_field("PAGE", "1")
                elif piece == "{pages}":
                    runs += x.complex_field("NUMPAGES", "1")
                elif piece:
                    runs.append(x.run(piece))
            p = x.paragraph("Footer", runs, tabs=_tabs(text_width, centre=True))
            self._footers[text_width] = self._story("footer", FooterPart, RT.FOOTER, [p])
        return self._footers[text_width]

    def _story(self, kind: str, part_class, reltype: str, paragraphs: list) -> str:
        """A new header or footer part holding ``paragraphs``; its relationship id."""
        number = self._next[kind]
        self._next[kind] += 1
        element = parse_xml(_STORY.format(tag="hdr" if kind == "header" else "ftr"))
        element.extend(paragraphs)
        content_type = CT.WML_HEADER if kind == "header" else CT.WML_FOOTER
        part = part_class(PackURI(f"/word/{kind}{number}.xml"), content_type, element,
                          self.part.package)
        return self._relate(part, reltype)

    def _relate(self, part, reltype: str) -> str:
        """A relationship to a new ``part``, its id the next free one after the last given.

        ``Part.relate_to`` first looks for the same relationship among all of them and then for
        the lowest free id from rId1: with a header per position that is quadratic."""
        rels = self.part.rels
        while f"rId{self._rid}" in rels:
            self._rid += 1
        rid = f"rId{self._rid}"
        rels.add_relationship(reltype, part, rid)
        return rid


def _tabs(text_width: int, *, centre: bool) -> list[tuple]:
    """Stops at this section's centre and right edge (the styles' are for portrait A4)."""
    stops = [("center", text_width // 2)] if centre else []
    stops.append(("right", text_width))
    wanted = {position for _, position in stops}
    return [("clear", p) for p in _STYLE_TABS if p not in wanted] + stops


def _first_free(names: set[str], kind: str) -> int:
    """The number after the highest of the reference's own header (or footer) parts."""
    numbers = [int(m.group(1)) for name in names
               if (m := re.fullmatch(rf"/word/{kind}(\d+)\.xml", name))]
    return max(numbers, default=0) + 1

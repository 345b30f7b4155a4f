"""Printing one part of the page, or the running headers and footers, in a worker process.

A part is printed without its page-margin boxes: their page numbers ("3 / 120") and running
strings depend on every part before it. Once all parts are printed, ``print_margins`` prints,
in pieces, empty pages with the same @page rules, the same page names and the same string
assignments as the parts' pages, which the join draws over them. Each worker also reports
what the join needs and a part's PDF does not say: page geometry, anchors, bookmarks with
their levels, and the fonts used (so that the join embeds each font once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlparse

import pikepdf
from weasyprint import CSS, HTML
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.pdf import VARIANTS
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from ...errors import HandbookError
from ...pdfvariants import is_tagged
from .fonts import FontUse, font_uses
from .sources import SourceFile, used_files
from .tagattrs import install as install_tag_attributes

__all__ = ["TOTAL_PAGES", "MarginPiece", "PageFacts", "PartFacts", "PrintJob",
           "RefusedResource", "print_margins", "print_page", "print_part"]

_MARGIN_BOXES = (
    "top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
    "right-top", "right-middle", "right-bottom", "bottom-right-corner", "bottom-right",
    "bottom-center", "bottom-left", "bottom-left-corner", "left-bottom", "left-middle",
    "left-top")
# User stylesheets: !important there wins over every author rule.
_NO_BOXES = " ".join(f"@{box} {{ content: none !important; }}" for box in _MARGIN_BOXES)
_NO_MARGIN_BOXES = f"@page {{ {_NO_BOXES} }}"
_ONLY_MARGIN_BOXES = """
html, body { background: none !important; border: none !important; }
@page { background: none !important; border: none !important; }
.hb-page { break-before: page; height: 0; }
.hb-page:first-child { break-before: auto; }
"""

# counter(pages) in the page's CSS, replaced by the number in a piece of the handbook
TOTAL_PAGES = re.compile(r"counter\(\s*pages\s*\)")

_font_config: FontConfiguration | None = None

install_tag_attributes()


class RefusedResource(HandbookError):
    """The page asked for a file outside the handbook, or for something on the network."""


@dataclass(frozen=True)
class PrintJob:
    html: str
    target: Path
    allowed: tuple[Path, ...]      # directories the page may read files from
    base_url: str | None
    identifier: bytes              # the PDF /ID
    faces_dir: Path | None = None  # where workers leave font faces for the join
    variant: str | None = None     # WeasyPrint's PDF variant (pdf/ua-1, pdf/a-2u…)


@dataclass
class PageFacts:
    width: float                   # CSS px
    height: float
    name: str                      # the named page ('' when none)
    strings: list[tuple[str, str]]  # string-set assignments on the page, in order
    anchors: dict[str, tuple[float, float]]
    bookmarks: list[tuple]         # WeasyPrint's (level, label, (x, y), state)
    characters: str = ""           # every character drawn on the page, once


@dataclass
class MarginPiece:
    """Consecutive pages of the handbook whose running headers and footers to print."""

    pages: list[PageFacts]
    first: int                           # the number of the first page
    total: int                           # pages in the handbook
    carried: list[tuple[str, str]]       # the strings' values set on earlier pages
    previous: str = ""                   # the name of the page before


@dataclass
class PartFacts:
    pages: list[PageFacts]
    fonts: list[FontUse] = field(default_factory=list)
    files: list[SourceFile] | None = None  # files outside the HTML it used (None: unknown)


def print_page(job: PrintJob) -> list[SourceFile] | None:
    """The whole page in one pass: WeasyPrint as it is; the files outside the HTML it
    used (see sources)."""
    document, fetched = _render(job, [])
    document.write_pdf(job.target, **_pdf_options(job))
    return used_files(document, _font_config, fetched)


def print_part(job: PrintJob) -> PartFacts:
    """One part, without page-margin boxes; what the join needs about it."""
    document, fetched = _render(job, [CSS(string=_NO_MARGIN_BOXES)])
    document.write_pdf(job.target, **_pdf_options(job))
    return PartFacts(pages=[_page_facts(page) for page in document.pages],
                     fonts=font_uses(document, job.faces_dir),
                     files=used_files(document, _font_config, fetched))


def print_margins(job: PrintJob, piece: MarginPiece) -> PartFacts:
    """The running headers and footers of ``piece.pages`` (``job.html`` is the page's
    <head>). A piece that does not start the handbook opens with a primer page: it
    carries the strings set on earlier pages and the page counter, draws nothing, and is
    dropped from the PDF."""
    primer = piece.first > 1
    body = "".join(_blank_page(page.name, page.strings) for page in piece.pages)
    css = _ONLY_MARGIN_BOXES
    if primer:
        body = _blank_page(piece.previous, piece.carried) + body
        css += f"@page :first {{ counter-reset: page {piece.first - 1}; {_NO_BOXES} }}"
    head = TOTAL_PAGES.sub(f'"{piece.total}"', job.html)
    margins = PrintJob(html=f"<!DOCTYPE html><html>{head}<body>{body}</body></html>",
                       target=job.target, allowed=job.allowed, base_url=job.base_url,
                       identifier=job.identifier, faces_dir=job.faces_dir,
                       variant=job.variant)
    document, fetched = _render(margins, [CSS(string=css)])
    if len(document.pages) != len(piece.pages) + primer:
        raise RuntimeError(f"the running headers came out on {len(document.pages)} pages "
                           f"for {len(piece.pages) + primer}")
    document.write_pdf(job.target, **_pdf_options(job, tagged=False))
    if primer:
        with pikepdf.open(job.target, allow_overwriting_input=True) as pdf:
            del pdf.pages[0]
            pdf.save(job.target)
    return PartFacts(pages=[_page_facts(page) for page in document.pages[primer:]],
                     fonts=font_uses(document, job.faces_dir),
                     files=used_files(document, _font_config, fetched))


def _pdf_options(job: PrintJob, *, tagged: bool = True) -> dict:
    """WeasyPrint's ``write_pdf`` options for the job's variant. The running headers and
    footers (``tagged=False``) are drawn over tagged pages as artifacts (``tags``): they
    take the variant's colour space and version, but no structure of their own."""
    options = {"pdf_identifier": job.identifier}
    if job.variant is None:
        return options
    if tagged:
        return {**options, "pdf_variant": job.variant, "pdf_tags": is_tagged(job.variant)}
    properties = VARIANTS[job.variant][1]
    return {**options, "pdf_version": properties.get("pdf_version"),
            "output_intent": properties.get("output_intent")}


def _render(job: PrintJob, stylesheets: list):
    """Lay out ``job.html`` with a font configuration kept for the life of the process
    (fonts are found once per worker, not once per part); the files fetched."""
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    fetcher = _LocalFetcher(list(job.allowed))
    page = HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher,
                media_type="print")
    document = page.render(stylesheets=stylesheets, font_config=_font_config,
                           pdf_variant=job.variant, pdf_tags=is_tagged(job.variant))
    if fetcher.refused:
        shown = ", ".join(sorted(fetcher.refused)[:5])
        raise RefusedResource(
            f"the handbook page refers to {shown}: only files that exist inside the handbook "
            "directory (and data: URIs) can be used, nothing on the network")
    return document, fetcher.fetched


def _page_facts(page) -> PageFacts:
    """Geometry, page name, running strings, anchors and bookmarks of a laid-out page.
    The page name and the string assignments are not public in WeasyPrint: they are read
    the way WeasyPrint itself reads them when it makes margin boxes."""
    box = page._page_box
    strings = [assignment for child in box.descendants()
               if child.string_set and child.string_set != "none"
               for assignment in child.string_set]
    # Absolutely placed boxes (such as list markers) count for the text, not the strings.
    texts = [child.text for child in box.descendants(placeholders=True)
             if isinstance(child, TextBox)]
    return PageFacts(
        width=page.width, height=page.height, name=box.page_type.name or "",
        strings=strings,
        anchors={name: (x, y) for name, (x, y, *_) in page.anchors.items()},
        bookmarks=list(page.bookmarks), characters="".join(set("".join(texts))))


def _blank_page(name: str, strings: list[tuple[str, str]]) -> str:
    """An empty page named ``name`` with these string assignments."""
    assignments = "".join(
        f'<div style="{escape(f"string-set: {string} {_css_string(text)}")}"></div>'
        for string, text in strings)
    return f'<div class="hb-page" style="page: {escape(name or "auto")}">{assignments}</div>'


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal."""
    return '"' + "".join(f"\\{ord(c):x} " if c in '"\\' or ord(c) < 32 else c
                         for c in text) + '"'


class _LocalFetcher(URLFetcher):
    """Fetches data: URIs and files under the ``allowed`` directories; refuses the rest."""

    def __init__(self, allowed: list[Path]) -> None:
        super().__init__(allowed_protocols={"data", "file"})
        self.roots = [path.resolve() for path in allowed]
        self.refused: set[str] = set()
        self.fetched: set[str] = set()  # paths of the files read

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlparse(url).path)).resolve()
            if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
                self.fetched.add(str(path))
                return super().fetch(url, headers)
        self.refused.add(url if len(url) < 120 else url[:117] + "...")
        raise ValueError(f"refused to fetch {url[:120]}")

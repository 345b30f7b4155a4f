"""The attributes WeasyPrint 70's tagging leaves off the structure elements it makes.

WeasyPrint builds each element of a tagged PDF from a box in ``weasyprint.pdf.tags
._build_box_tree``, but it keeps only the tag: the ``lang`` of an element in another
language than the page (``languages.py`` marks English on a Chinese page, Traditional on a
Simplified one…) is lost, so a screen reader speaks it with the page's voice, and a header
cell gets no ``/Scope``, so PDF/UA's table rule (every TH says which cells it heads) fails.

The structure tree cannot be mended afterwards from the PDF alone: by then nothing links an
element to the HTML it came from. So this module wraps the builder once, in every process
that prints: the original still makes the tree; each element it returns for a box is given
``/Lang`` from the box's HTML element and, for a TH, ``/Scope`` from its ``scope``. The
wrapper is installed when ``parts.py`` is imported (the print workers preload it, and every
tagged print goes through it); ``tests/test_pdf_tagged.py`` fails if a WeasyPrint release
renames the hook.
"""

from __future__ import annotations

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import tags as _weasyprint_tags

__all__ = ["install"]

_SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}
_PASS_THROUGH = ("html", "body")


def install() -> None:
    """Wrap WeasyPrint's element builder (once: a second call keeps the first wrapper)."""
    builder = _weasyprint_tags._build_box_tree
    if getattr(builder, "_handbook_wrapped", False):
        return

    def build_box_tree(box, parent, pdf, page_number, nums, annotations, tags):
        elements = builder(box, parent, pdf, page_number, nums, annotations, tags)
        source = box._box if isinstance(box, AbsolutePlaceholder) else box
        if _passes_through(source):
            yield from elements  # the children's own elements, already given theirs
            return
        for element in elements:
            _annotate(element, source.element)
            yield element

    build_box_tree._handbook_wrapped = True
    _weasyprint_tags._build_box_tree = build_box_tree


def _passes_through(box) -> bool:
    """Whether WeasyPrint makes no element for ``box`` and returns its children's instead
    (the page, ``html`` and ``body``), whose language is the document's ``/Lang``."""
    return isinstance(box, boxes.PageBox) or (
        box.element is not None and box.element_tag in _PASS_THROUGH)


def _annotate(element: pydyf.Dictionary, html) -> None:
    """Copy the HTML element's language and, on a header cell, its scope."""
    if html is None:
        return
    lang = html.get("lang")
    if lang:
        element["Lang"] = pydyf.String(lang)
    scope = _SCOPES.get(html.get("scope", ""))
    if scope and element.get("S") == "/TH" and "A" in element:
        element["A"]["Scope"] = scope

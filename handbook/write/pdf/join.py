"""Joining the parts' PDFs into the handbook, as one WeasyPrint pass would have written it.

The pages are copied as they are (qpdf, through pikepdf, copies without parsing content
streams). Then what no part could write alone is added: the running headers and footers
(each page's drawn at the end of its content), one copy of each font (fonts), the named
destinations of every anchor (from the part that holds it, not from a part's stub), the
bookmark outline (WeasyPrint's own tree-building over all pages, so levels nest across
parts), the document information and, for a tagged PDF, one structure tree (tags) with the
running headers and footers drawn as artifacts.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from math import inf
from pathlib import Path
from types import SimpleNamespace

import pikepdf
from weasyprint.document import Document as WeasyDocument

from .dates import Dates, stamp
from .fonts import FontUse, unify_fonts
from .parts import PageFacts, PartFacts
from .tags import join_structure

__all__ = ["join_parts"]

_SCALE = 0.75  # PDF points per CSS pixel
_CATALOG_SKIP = {"/Type", "/Pages", "/Names", "/Outlines", "/StructTreeRoot"}


def join_parts(parts: list[Path], facts: list[PartFacts], anchors: list[frozenset[str]],
               margins: list[Path], margin_facts: list[PartFacts], target: Path,
               faces_dir: Path, dates: Dates = (), *, tagged: bool = False) -> None:
    """Write ``target`` from the parts' PDFs (in order), their facts, the anchors each
    part holds, and the PDFs of running headers and footers (pieces, in order), with the
    build's ``dates`` (the parts are printed with fixed ones, see dates).
    ``tagged``: the parts carry structure trees, joined into one."""
    out = pikepdf.new()
    sources = [pikepdf.open(path) for path in parts]
    try:
        with warnings.catch_warnings():
            # Destinations are rebuilt below for the whole document.
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            for source in sources:
                out.pages.extend(source.pages)
        parts_pdfs = list(sources)
        overlays = [pikepdf.open(path) for path in margins]
        sources.extend(overlays)
        over = [(page, overlay) for overlay in overlays for page in overlay.pages]
        merged: dict[tuple, bool] = {}
        for page, (running, overlay) in zip(out.pages, over, strict=True):
            _draw_over(out, page, running, overlay, merged, tagged)
        all_margins = PartFacts(pages=[page for piece in margin_facts for page in piece.pages],
                                fonts=[use for piece in margin_facts for use in piece.fonts])
        unify_fonts(out, _in_drawing_order(facts, all_margins), faces_dir)
        pages = [(page, index) for index, part in enumerate(facts) for page in part.pages]
        _add_destinations(out, pages, anchors)
        _add_outline(out, [page for page, _ in pages])
        _copy_document_info(out, sources[0])
        stamp(out, dates)
        if tagged:
            join_structure(out, parts_pdfs)
        out.save(target, compress_streams=True, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 min_version=sources[0].pdf_version)
    finally:
        for source in sources:
            source.close()


def _draw_over(out: pikepdf.Pdf, page: pikepdf.Page, running: pikepdf.Page,
               overlay: pikepdf.Pdf, merged: dict[tuple, bool], artifact: bool) -> None:
    """Append the running headers and footers to the page's content stream, as the single
    pass draws them (one stream compresses better than a form per page). Where a resource
    name means something else on the two sides, the running page is laid over as a form
    XObject instead. ``merged`` remembers each pair of resource dictionaries (shared by a
    part's pages, and by a piece's) already merged, or found not to merge. ``artifact``:
    the running page is marked as an artifact (a tagged PDF reads it as no content)."""
    ours, theirs = page.obj.Resources, running.obj.get("/Resources", pikepdf.Dictionary())
    pair = (ours.objgen, theirs.objgen)
    if pair not in merged or not ours.is_indirect or not theirs.is_indirect:
        merged[pair] = _merge_resources(out, ours, theirs, overlay)
    if not merged[pair] and not artifact:
        page.add_overlay(running)
        return
    if merged[pair]:
        running.contents_coalesce()
        drawn = running.obj.Contents.read_bytes()
    else:  # the running page as a form, of the same geometry as the page
        form = out.copy_foreign(running.as_form_xobject())
        drawn = b"q " + str(page.add_resource(form, pikepdf.Name.XObject)).encode() + b" Do Q"
    if artifact:
        drawn = b"/Artifact BMC\n" + drawn + b"\nEMC\n"
    page.contents_coalesce()
    content = page.obj.Contents.read_bytes()
    page.obj.Contents = out.make_stream(b"q\n" + content + b"\nQ\n" + drawn)


def _merge_resources(out: pikepdf.Pdf, ours, theirs, owner: pikepdf.Pdf) -> bool:
    """Add the running page's resources to the page's; False, changing nothing, where a
    name is taken on both sides by what may be different things."""
    additions = []
    for category, entries in theirs.items():
        mine = ours.get(category, pikepdf.Dictionary())
        for name, value in entries.items():
            if name not in mine:
                additions.append((category, name, value))
            elif not _same_by_name(category, name):
                return False
    for category, name, value in additions:
        if category not in ours:
            ours[category] = pikepdf.Dictionary()
        if not value.is_indirect:
            value = owner.make_indirect(value)
        ours[category][name] = out.copy_foreign(value)
    return True


def _same_by_name(category: str, name: str) -> bool:
    """Whether WeasyPrint gives this resource its name from what it is: fonts (named by
    their description), opacity states (``A0.5``) and its standard colour spaces."""
    return (category == "/Font" or category == "/ColorSpace"
            or (category == "/ExtGState" and name[1:2] in ("A", "a")))


def _in_drawing_order(parts: list[PartFacts], margins: PartFacts) -> list[FontUse]:
    """One use per font, its glyphs' texts as the single pass would have them.

    WeasyPrint keeps the text of a glyph's first drawing: where one glyph stands for two
    characters (a CJK face draws "·" and "•" alike), the earlier page decides, and on one
    page its content comes before its running headers and footers."""
    sources, offset = [], 0
    for part in parts:
        sources.append((part, offset, 0))
        offset += len(part.pages)
    sources.append((margins, 0, 1))
    by_key: dict[str, list[tuple[FontUse, dict[str, int], int]]] = defaultdict(list)
    for facts, offset, layer in sources:
        first_page: dict[str, int] = {}
        for number, page in enumerate(facts.pages):
            for character in page.characters:
                first_page.setdefault(character, offset + number)
        for use in facts.fonts:
            by_key[use.key].append((use, first_page, layer))
    resolved = []
    for key, entries in by_key.items():
        uses = [use for use, _, _ in entries]
        if not all(use.unifiable for use in uses) or len({(u.face, u.index) for u in uses}) > 1:
            resolved.extend(uses)
            continue
        drawn = sorted(((first_page.get(text[:1], inf), layer), glyph, text)
                       for use, first_page, layer in entries
                       for glyph, text in use.glyphs.items())
        glyphs: dict[int, str] = {}
        for _, glyph, text in drawn:
            glyphs.setdefault(glyph, text)
        widths = {glyph: width for use in uses for glyph, width in use.widths.items()}
        resolved.append(FontUse(key, uses[0].face, uses[0].index, glyphs, widths))
    return resolved


def _point(page: PageFacts, x: float, y: float) -> tuple[float, float]:
    """CSS pixels from the top left to PDF points from the bottom left."""
    return x * _SCALE, (page.height - y) * _SCALE


def _add_destinations(out: pikepdf.Pdf, pages: list[tuple[PageFacts, int]],
                      anchors: list[frozenset[str]]) -> None:
    """A named destination for every anchor, at its first place in the part that holds
    it (WeasyPrint also keeps the first of duplicate ids)."""
    found: dict[str, pikepdf.Array] = {}
    for number, (page, part) in enumerate(pages):
        for name, (x, y) in page.anchors.items():
            if name in anchors[part] and name not in found:
                left, top = _point(page, x, y)
                found[name] = pikepdf.Array([out.pages[number].obj, pikepdf.Name.XYZ,
                                             left, top, 0])
    if not found:
        return
    names = pikepdf.Array()
    for name in sorted(found):
        names.append(pikepdf.String(name))
        names.append(found[name])
    out.Root.Names = out.make_indirect(pikepdf.Dictionary(
        Dests=out.make_indirect(pikepdf.Dictionary(Names=names))))


def _add_outline(out: pikepdf.Pdf, pages: list[PageFacts]) -> None:
    """The bookmark outline, nested by WeasyPrint's own rules over all the pages."""
    laid_out = SimpleNamespace(pages=[SimpleNamespace(bookmarks=page.bookmarks,
                                                      height=page.height)
                                      for page in pages])
    tree = WeasyDocument.make_bookmark_tree(laid_out, scale=_SCALE, transform_pages=True)
    if not tree:
        return
    root = out.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    first, last, count = _outline_items(out, tree, root)
    root.First, root.Last, root.Count = first, last, count
    out.Root.Outlines = root


def _outline_items(out: pikepdf.Pdf, tree: list, parent) -> tuple:
    """Outline items for ``tree`` under ``parent``: (first, last, visible count), counted
    the way WeasyPrint counts (a closed item hides its children)."""
    items = []
    count = len(tree)
    for title, (page, x, y), children, state in tree:
        item = out.make_indirect(pikepdf.Dictionary(
            Title=pikepdf.String(title), Parent=parent,
            Dest=pikepdf.Array([out.pages[page].obj, pikepdf.Name.XYZ, x, y, 0])))
        if children:
            first, last, child_count = _outline_items(out, children, item)
            item.First, item.Last = first, last
        else:
            child_count = 0
        item.Count = -child_count if state == "closed" else child_count
        if state != "closed":
            count += child_count
        if items:
            item.Prev = items[-1]
            items[-1].Next = item
        items.append(item)
    return items[0], items[-1], count


def _copy_document_info(out: pikepdf.Pdf, first: pikepdf.Pdf) -> None:
    """Title, author, dates, language… as WeasyPrint wrote them into every part."""
    out.trailer.Info = out.copy_foreign(first.trailer.Info)
    for key, value in first.Root.items():
        if key not in _CATALOG_SKIP:
            # A direct array may hold references (the PDF/A output intent's profile).
            if value.is_indirect or isinstance(value, (pikepdf.Array, pikepdf.Dictionary)):
                value = out.copy_foreign(value if value.is_indirect
                                         else first.make_indirect(value))
            out.Root[key] = value

"""Every raw WordprocessingML tweak of the DOCX writer, in one place.

python-docx has no API for fields (TOC, PAGEREF, PAGE, NUMPAGES), repeating header rows,
rows that do not split, East Asian fonts and language, bookmarks, internal hyperlinks, SVG
images or reproducible zips, and its ``add_row().cells`` is quadratic on big tables. So the
writer builds its body here, straight on lxml — the common shapes (a run, a styled
paragraph, a cell, a row) are copies of prototypes, four times faster than building them —
and python-docx keeps doing what it does well: the package, parts, relationships, properties.

Units: twips (1/20 pt) for widths and indents, EMU (1/914400 inch) for images.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from collections.abc import Iterable, Sequence
from functools import cache

from lxml import etree

__all__ = [
    "EMU_PER_PT", "NS", "TWIPS_PER_MM", "Numbering", "add_bookmark", "bookmark_name", "cell",
    "clean", "complex_field", "ensure_east_asian", "fill_field_results", "font_table_xml",
    "hyperlink", "inline_image", "merge_missing_styles", "paragraph", "qn", "recolour", "row",
    "run", "section_break", "section_properties", "set_fonts", "set_language", "table",
    "text_paragraph", "theme_xml", "toc_paragraphs", "tune_settings", "write_package",
]

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "asvg": "http://schemas.microsoft.com/office/drawing/2016/SVG/main",
    "xml": "http://www.w3.org/XML/1998/namespace",
}
TWIPS_PER_MM = 1440 / 25.4
EMU_PER_PT = 12700
_SVG_EXT = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SubElement = etree.SubElement


def _deepcopy(element):
    """A copy of a prototype element (lxml's own deep copy, without copy.deepcopy's memo)."""
    return element.__deepcopy__(None)


@cache
def qn(tag: str) -> str:
    """``w:p`` → ``{namespace}p``."""
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


_VAL = qn("w:val")
_P, _PPR, _R, _RPR, _T = qn("w:p"), qn("w:pPr"), qn("w:r"), qn("w:rPr"), qn("w:t")
_PSTYLE, _RSTYLE = qn("w:pStyle"), qn("w:rStyle")
_SPACE = qn("xml:space")


def _el(parent, tag: str, **attrs: str):
    """A child element; attribute names are ``w_val`` style (prefix_local)."""
    return _SubElement(parent, qn(tag), {qn(k.replace("_", ":", 1)): v for k, v in attrs.items()})


# --- runs and paragraphs -------------------------------------------------------------------


def clean(text: str) -> str:
    """Text XML can carry: control characters (never meant to print) are dropped."""
    return _CONTROL.sub("", text)


def run(text: str = "", *, bold: bool = False, italic: bool = False,
        style: str | None = None):
    """A run; ``\\n`` becomes a line break and ``\\t`` a tab."""
    if not (bold or italic or style or "\n" in text or "\t" in text):
        if not text:
            return etree.Element(_R)
        r = _deepcopy(_RUN)  # the common case, cloned: four times faster than building
        t = r[0]
        t.text = _CONTROL.sub("", text)
        if text[0] == " " or text[-1] == " ":
            t.set(_SPACE, "preserve")
        return r
    r = etree.Element(_R)
    if bold or italic or style:
        rpr = _SubElement(r, _RPR)
        if style:
            _SubElement(rpr, _RSTYLE, {_VAL: style})
        if bold:
            _SubElement(rpr, qn("w:b"))
            _SubElement(rpr, qn("w:bCs"))
        if italic:
            _SubElement(rpr, qn("w:i"))
            _SubElement(rpr, qn("w:iCs"))
    if "\n" in text or "\t" in text:
        for index, line in enumerate(text.split("\n")):
            if index:
                _SubElement(r, qn("w:br"))
            for position, piece in enumerate(line.split("\t")):
                if position:
                    _SubElement(r, qn("w:tab"))
                if piece:
                    _text(r, piece)
    elif text:
        _text(r, text)
    return r


_RUN = etree.Element(_R)
_SubElement(_RUN, _T)


def _text(r, text: str) -> None:
    t = _SubElement(r, _T)
    t.text = clean(text)
    if text[0] == " " or text[-1] == " ":
        t.set(_SPACE, "preserve")


def paragraph(style: str | None = None, children: Iterable = (), *, keep_next: bool = False,
              page_break_before: bool = False, align: str | None = None,
              numbering: tuple[int, int] | None = None, tabs: Sequence[tuple] = (),
              space_before: int | None = None, space_after: int | None = None,
              indent: int | None = None):
    """A paragraph: style, the few direct properties the writer uses, then its runs."""
    if style and not (page_break_before or numbering or tabs or space_before is not None
                      or space_after is not None or indent is not None):
        p = _deepcopy(_styled_paragraph(style, keep_next, align))
        p.extend(children)
        return p
    p = etree.Element(_P)
    if (style or keep_next or page_break_before or align or numbering or tabs
            or space_before is not None or space_after is not None or indent is not None):
        ppr = _SubElement(p, _PPR)  # children in schema order
        if style:
            _SubElement(ppr, _PSTYLE, {_VAL: style})
        if keep_next:
            _SubElement(ppr, qn("w:keepNext"))
        if page_break_before:
            _SubElement(ppr, qn("w:pageBreakBefore"))
        if numbering:
            num_pr = _SubElement(ppr, qn("w:numPr"))
            _el(num_pr, "w:ilvl", w_val=str(numbering[1]))
            _el(num_pr, "w:numId", w_val=str(numbering[0]))
        if tabs:
            tab_list = _SubElement(ppr, qn("w:tabs"))
            for kind, position, *leader in tabs:
                attrs = {_VAL: kind, qn("w:pos"): str(position)}
                if leader:
                    attrs[qn("w:leader")] = leader[0]
                _SubElement(tab_list, qn("w:tab"), attrs)
        if space_before is not None or space_after is not None:
            spacing = _SubElement(ppr, qn("w:spacing"))
            if space_before is not None:
                spacing.set(qn("w:before"), str(space_before))
            if space_after is not None:
                spacing.set(qn("w:after"), str(space_after))
        if indent is not None:
            _el(ppr, "w:ind", w_left=str(indent))
        if align:
            _SubElement(ppr, qn("w:jc"), {_VAL: align})
    p.extend(children)
    return p


@cache
def _styled_paragraph(style: str, keep_next: bool, align: str | None):
    """The prototype of a paragraph with just a style (and keep-with-next, alignment)."""
    p = etree.Element(_P)
    ppr = _SubElement(p, _PPR)
    _SubElement(ppr, _PSTYLE, {_VAL: style})
    if keep_next:
        _SubElement(ppr, qn("w:keepNext"))
    if align:
        _SubElement(ppr, qn("w:jc"), {_VAL: align})
    return p


def text_paragraph(style: str, text: str):
    """``paragraph(style, [run(text)])``, for the many table cells that are just that."""
    return paragraph(style, [run(text)] if text else ())


def hyperlink(children: Iterable, *, anchor: str | None = None, rid: str | None = None,
              styled: bool = True):
    """A link to a bookmark in this document (``anchor``) or to a relationship (``rid``);
    ``styled`` runs take the Hyperlink character style."""
    link = etree.Element(qn("w:hyperlink"))
    if anchor:
        link.set(qn("w:anchor"), anchor)
    if rid:
        link.set(qn("r:id"), rid)
    link.set(qn("w:history"), "1")
    for child in children:
        if not styled or child.tag != _R:
            link.append(child)
            continue
        rpr = child.find(_RPR)
        if rpr is None:
            rpr = etree.Element(_RPR)
            child.insert(0, rpr)
        rpr.insert(0, etree.Element(_RSTYLE, {_VAL: "Hyperlink"}))
        link.append(child)
    return link


def bookmark_name(anchor: str) -> str:
    """A Word bookmark name for a document anchor: letters, digits, ``_``; at most 40."""
    name = re.sub(r"[^0-9A-Za-z_]", "_", anchor)
    if not name[:1].isalpha():
        name = f"b_{name}"
    if len(name) > 40:
        digest = hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:8]
        name = f"{name[:31]}_{digest}"
    return name


def add_bookmark(p, name: str, bookmark_id: int) -> None:
    """Wrap a paragraph's content in a bookmark (after its properties)."""
    start = etree.Element(qn("w:bookmarkStart"), {qn("w:id"): str(bookmark_id),
                                                  qn("w:name"): name})
    ppr = p.find(_PPR)
    p.insert(0 if ppr is None else 1, start)
    _el(p, "w:bookmarkEnd", w_id=str(bookmark_id))


def complex_field(instruction: str, result: str = "", *, style: str | None = None) -> list:
    """The runs of a field: begin, instruction, separate, cached result, end."""
    runs = []
    for kind in ("begin", None, "separate"):
        r = run(style=style)
        if kind:
            _el(r, "w:fldChar", w_fldCharType=kind)
        else:
            instr = _SubElement(r, qn("w:instrText"))
            instr.text = f" {instruction} "
            instr.set(_SPACE, "preserve")
        runs.append(r)
    runs.append(run(result, style=style))
    end = run(style=style)
    _el(end, "w:fldChar", w_fldCharType="end")
    runs.append(end)
    return runs


def toc_paragraphs(entries: Sequence[tuple[int, str, str]], levels: int, tab: int) -> list:
    """A TOC field whose result is already the table of contents.

    ``entries`` are (level, bookmark, text); every line links to its heading's bookmark and
    carries a PAGEREF field, empty until Word updates fields (or ``fill_field_results``
    writes LibreOffice's numbers). Nothing asks Word to update on open: the file opens
    complete.
    """
    paragraphs = []
    for index, (level, bookmark, text) in enumerate(entries):
        p = paragraph(f"TOC{min(level, 9)}", tabs=[("right", tab, "dot")])
        if index == 0:
            p.extend(complex_field(f'TOC \\o "1-{levels}" \\h \\z \\u')[:3])
        p.append(hyperlink([run(text), run("\t"), *complex_field(f"PAGEREF {bookmark} \\h")],
                           anchor=bookmark, styled=False))
        paragraphs.append(p)
    end = run()
    _el(end, "w:fldChar", w_fldCharType="end")
    if paragraphs:
        paragraphs.append(paragraph("Normal", [end], space_after=0))
    return paragraphs


def fill_field_results(body, pages: dict[str, int]) -> int:
    """Write page numbers into every ``PAGEREF bookmark`` field's cached result."""
    filled = 0
    instr_tag, fld_tag, type_attr = qn("w:instrText"), qn("w:fldChar"), qn("w:fldCharType")
    for instr in body.iter(instr_tag):
        words = (instr.text or "").split()
        if len(words) < 2 or words[0] != "PAGEREF" or words[1] not in pages:
            continue
        begin = instr.getparent()
        result = None
        for sibling in begin.itersiblings():
            fld = sibling.find(fld_tag)
            if fld is not None and fld.get(type_attr) == "separate":
                result = sibling.getnext()
                break
        if result is None or result.find(fld_tag) is not None:
            continue
        for t in result.findall(_T):
            result.remove(t)
        _text(result, str(pages[words[1]]))
        filled += 1
    return filled


# --- tables ----------------------------------------------------------------------------------


def cell(children: Iterable, width: int, *, span: int = 1, fill: str | None = None,
         vertical: str | None = None):
    """A table cell of ``width`` twips holding paragraphs (at least one, as Word requires)."""
    tc = _deepcopy(_CELL)
    tcpr = tc[0]
    tcpr[0].set(_W_W, str(width))
    if span > 1:
        _SubElement(tcpr, qn("w:gridSpan"), {_VAL: str(span)})
    if fill:
        _SubElement(tcpr, qn("w:shd"), {_VAL: "clear", qn("w:color"): "auto",
                                        qn("w:fill"): fill})
    if vertical:
        _SubElement(tcpr, qn("w:vAlign"), {_VAL: vertical})
    tc.extend(children)
    if len(tc) == 1:
        tc.append(paragraph("TableText"))
    return tc


_W_W = qn("w:w")
_CELL = etree.Element(qn("w:tc"))
_SubElement(_SubElement(_CELL, qn("w:tcPr")), qn("w:tcW"), {_W_W: "0", qn("w:type"): "dxa"})
_ROW = etree.Element(qn("w:tr"))
_SubElement(_SubElement(_ROW, qn("w:trPr")), qn("w:cantSplit"))


def row(cells: Iterable, *, header: bool = False, height: int | None = None):
    """A row that never splits across pages; a header row repeats on every page.
    ``height``: a minimum row height in twips (room to sign in)."""
    tr = _deepcopy(_ROW)
    if header:
        _SubElement(tr[0], qn("w:tblHeader"))
    if height is not None:
        _SubElement(tr[0], qn("w:trHeight"), {qn("w:val"): str(height), qn("w:hRule"): "atLeast"})
    tr.extend(cells)
    return tr


def table(widths: Sequence[int], rows: Iterable, *, style: str = "HandbookTable",
          first_row: bool = True, last_row: bool = False, caption: str | None = None):
    """A fixed-layout table whose columns add up to the text width."""
    tbl = etree.Element(qn("w:tbl"))
    tblpr = _SubElement(tbl, qn("w:tblPr"))
    _SubElement(tblpr, qn("w:tblStyle"), {_VAL: style})
    _el(tblpr, "w:tblW", w_w=str(sum(widths)), w_type="dxa")
    _el(tblpr, "w:tblLayout", w_type="fixed")
    look = {"firstRow": first_row, "lastRow": last_row, "firstColumn": False,
            "lastColumn": False, "noHBand": True, "noVBand": True}
    bits = {"firstRow": 0x20, "lastRow": 0x40, "noHBand": 0x200, "noVBand": 0x400}
    attrs = {_VAL: f"{sum(bits.get(k, 0) for k, v in look.items() if v):04X}"}
    attrs.update({qn(f"w:{k}"): "1" if v else "0" for k, v in look.items()})
    _SubElement(tblpr, qn("w:tblLook"), attrs)
    if caption:
        _el(tblpr, "w:tblCaption", w_val=caption)
    grid = _SubElement(tbl, qn("w:tblGrid"))
    for width in widths:
        _el(grid, "w:gridCol", w_w=str(width))
    tbl.extend(rows)
    return tbl


# --- images ----------------------------------------------------------------------------------


def inline_image(png_rid: str, svg_rid: str | None, width_emu: int, height_emu: int,
                 shape_id: int, name: str, description: str):
    """A run holding an inline picture: PNG for every reader, SVG alongside for Word 2016+."""
    r = etree.Element(_R)
    drawing = _el(r, "w:drawing")
    inline = _SubElement(drawing, qn("wp:inline"), {"distT": "0", "distB": "0", "distL": "0",
                                                   "distR": "0"})
    _SubElement(inline, qn("wp:extent"), {"cx": str(width_emu), "cy": str(height_emu)})
    _SubElement(inline, qn("wp:effectExtent"), {"l": "0", "t": "0", "r": "0", "b": "0"})
    _SubElement(inline, qn("wp:docPr"), {"id": str(shape_id), "name": name,
                                         "descr": clean(description)})
    frame = _SubElement(inline, qn("wp:cNvGraphicFramePr"))
    _SubElement(frame, qn("a:graphicFrameLocks"), {"noChangeAspect": "1"})
    graphic = _SubElement(inline, qn("a:graphic"))
    data = _SubElement(graphic, qn("a:graphicData"),
                       {"uri": "http://schemas.openxmlformats.org/drawingml/2006/picture"})
    pic = _SubElement(data, qn("pic:pic"))
    nv = _SubElement(pic, qn("pic:nvPicPr"))
    _SubElement(nv, qn("pic:cNvPr"), {"id": "0", "name": name, "descr": clean(description)})
    _SubElement(nv, qn("pic:cNvPicPr"))
    blip_fill = _SubElement(pic, qn("pic:blipFill"))
    blip = _SubElement(blip_fill, qn("a:blip"), {qn("r:embed"): png_rid})
    if svg_rid:
        ext = _SubElement(_SubElement(blip, qn("a:extLst")), qn("a:ext"), {"uri": _SVG_EXT})
        _SubElement(ext, qn("asvg:svgBlip"), {qn("r:embed"): svg_rid})
    _SubElement(_SubElement(blip_fill, qn("a:stretch")), qn("a:fillRect"))
    sppr = _SubElement(pic, qn("pic:spPr"))
    xfrm = _SubElement(sppr, qn("a:xfrm"))
    _SubElement(xfrm, qn("a:off"), {"x": "0", "y": "0"})
    _SubElement(xfrm, qn("a:ext"), {"cx": str(width_emu), "cy": str(height_emu)})
    _SubElement(_SubElement(sppr, qn("a:prstGeom"), {"prst": "rect"}), qn("a:avLst"))
    return r


# --- sections --------------------------------------------------------------------------------


def section_properties(*, width: int, height: int, margins: Sequence[int], header: int,
                       footer: int, landscape: bool = False, title_page: bool = False,
                       headers: Sequence[tuple[str, str]] = (),
                       footers: Sequence[tuple[str, str]] = ()):
    """A ``w:sectPr``: page size and margins (twips, t r b l), header/footer references."""
    sect = etree.Element(qn("w:sectPr"))
    for kind, rid in headers:
        _el(sect, "w:headerReference", w_type=kind, r_id=rid)
    for kind, rid in footers:
        _el(sect, "w:footerReference", w_type=kind, r_id=rid)
    _el(sect, "w:type", w_val="nextPage")
    size = _el(sect, "w:pgSz", w_w=str(width), w_h=str(height))
    if landscape:
        size.set(qn("w:orient"), "landscape")
    top, right, bottom, left = margins
    _el(sect, "w:pgMar", w_top=str(top), w_right=str(right), w_bottom=str(bottom),
        w_left=str(left), w_header=str(header), w_footer=str(footer), w_gutter="0")
    if title_page:
        _SubElement(sect, qn("w:titlePg"))
    return sect


def section_break(sect):
    """The paragraph that ends a section: Word keeps a section's properties in its last one."""
    p = etree.Element(_P)
    _SubElement(p, _PPR).append(sect)
    return p


# --- styles, settings, numbering, fonts, theme -----------------------------------------------

_FONT_ATTRS = ("ascii", "hAnsi", "eastAsia", "cs")
_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def _rfonts(rpr, latin: str | None, east_asian: str, hint: bool = False):
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = etree.Element(qn("w:rFonts"))
        rpr.insert(0, fonts)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    if latin:
        for attr in ("ascii", "hAnsi", "cs"):
            fonts.set(qn(f"w:{attr}"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    if hint:
        fonts.set(qn("w:hint"), "eastAsia")
    return fonts


def _default_rpr(styles):
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = etree.Element(qn("w:docDefaults"))
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = etree.Element(qn("w:rPrDefault"))
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(_RPR)
    if rpr is None:
        rpr = _SubElement(rpr_default, _RPR)
    return rpr


def set_fonts(styles, *, body: str, heading: str, mono: str, east_asian: str,
              heading_ids: Iterable[str], mono_ids: Iterable[str], hint: bool) -> None:
    """The handbook's fonts in the document defaults and in every style that names fonts."""
    _rfonts(_default_rpr(styles), body, east_asian, hint)
    heading_ids, mono_ids = set(heading_ids), set(mono_ids)
    for style in styles.iterfind(qn("w:style")):
        rpr = style.find(_RPR)
        if rpr is None or rpr.find(qn("w:rFonts")) is None:
            continue
        sid = style.get(qn("w:styleId"))
        latin = heading if sid in heading_ids else mono if sid in mono_ids else body
        _rfonts(rpr, latin, east_asian)


def ensure_east_asian(styles, east_asian: str, hint: bool) -> None:
    """For a brand's own styles: keep its Latin fonts, make every East Asian font ours."""
    _rfonts(_default_rpr(styles), None, east_asian, hint)
    for fonts in styles.iter(qn("w:rFonts")):
        if fonts.get(qn("w:eastAsia")) is not None or fonts.get(qn("w:eastAsiaTheme")):
            fonts.attrib.pop(qn("w:eastAsiaTheme"), None)
            fonts.set(qn("w:eastAsia"), east_asian)


def set_language(styles, latin: str, east_asian: str) -> None:
    """``w:lang`` in the defaults, and the East Asian language wherever a style sets one."""
    rpr = _default_rpr(styles)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = _SubElement(rpr, qn("w:lang"))
    lang.set(_VAL, latin)
    lang.set(qn("w:eastAsia"), east_asian)
    for other in styles.iter(qn("w:lang")):
        if other is not lang and other.get(qn("w:eastAsia")):
            other.set(qn("w:eastAsia"), east_asian)


def recolour(root, mapping: dict[str, str]) -> None:
    """Swap the placeholder palette for the Style's: text colours, shading, borders."""
    mapping = {k.upper(): v.upper() for k, v in mapping.items()}
    attrs = (qn("w:val"), qn("w:fill"), qn("w:color"))
    for tag in ("w:color", "w:shd", "w:top", "w:bottom", "w:left", "w:right", "w:insideH",
                "w:insideV"):
        for element in root.iter(qn(tag)):
            for attr in attrs:
                value = element.get(attr)
                if value and value.upper() in mapping:
                    element.set(attr, mapping[value.upper()])


def merge_missing_styles(styles, source, style_ids: Iterable[str]) -> None:
    """Copy the styles the writer uses from the built-in reference when a brand's lacks them."""
    present = {s.get(qn("w:styleId")) for s in styles.iterfind(qn("w:style"))}
    by_id = {s.get(qn("w:styleId")): s for s in source.iterfind(qn("w:style"))}
    wanted = list(style_ids)
    for sid in list(wanted):  # bring each style's base along
        base = by_id.get(sid)
        while base is not None:
            based = base.find(qn("w:basedOn"))
            parent = based.get(_VAL) if based is not None else None
            if parent and parent not in wanted:
                wanted.append(parent)
            base = by_id.get(parent) if parent else None
    for sid in wanted:
        if sid not in present and sid in by_id:
            styles.append(_copy(by_id[sid]))


def _copy(element):
    return etree.fromstring(etree.tostring(element))


def tune_settings(settings, latin: str, east_asian: str) -> None:
    """No "update fields?" prompt on open; theme fonts resolve for the right East Asian script."""
    for tag in ("w:updateFields", "w:attachedTemplate"):
        for element in settings.findall(qn(tag)):
            settings.remove(element)
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is None:
        theme_lang = etree.Element(qn("w:themeFontLang"))
        anchor = settings.find(qn("w:clrSchemeMapping"))
        if anchor is not None:
            anchor.addprevious(theme_lang)
        else:
            settings.append(theme_lang)
    theme_lang.set(_VAL, latin)
    theme_lang.set(qn("w:eastAsia"), east_asian)


class Numbering:
    """The writer's own bullet and decimal lists, appended to the numbering part.

    Bullets share one list; every ordered list gets its own instance so it restarts at its
    first number, as in Markdown.
    """

    def __init__(self, numbering) -> None:
        self._root = numbering
        abstract_ids = [int(a.get(qn("w:abstractNumId")))
                        for a in numbering.iterfind(qn("w:abstractNum"))]
        self._num_ids = [int(n.get(qn("w:numId"))) for n in numbering.iterfind(qn("w:num"))]
        first = max(abstract_ids, default=-1) + 1
        self._bullet_abstract, self._decimal_abstract = first, first + 1
        self._insert_abstract(_abstract(first, bullet=True))
        self._insert_abstract(_abstract(first + 1, bullet=False))
        self.bullets = self._add_num(self._bullet_abstract)

    def ordered(self, start: int = 1, level: int = 0) -> int:
        return self._add_num(self._decimal_abstract, start, level)

    def _insert_abstract(self, abstract) -> None:
        first_num = self._root.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            self._root.append(abstract)

    def _add_num(self, abstract_id: int, start: int | None = None, level: int = 0) -> int:
        num_id = max(self._num_ids, default=0) + 1
        self._num_ids.append(num_id)
        num = _el(self._root, "w:num", w_numId=str(num_id))
        _el(num, "w:abstractNumId", w_val=str(abstract_id))
        if start is not None:
            override = _el(num, "w:lvlOverride", w_ilvl=str(level))
            _el(override, "w:startOverride", w_val=str(start))
        return num_id


def _abstract(abstract_id: int, *, bullet: bool):
    abstract = etree.Element(qn("w:abstractNum"), {qn("w:abstractNumId"): str(abstract_id)})
    _el(abstract, "w:multiLevelType", w_val="hybridMultilevel")
    marks = "•◦▪"
    formats = ("decimal", "lowerLetter", "lowerRoman")
    for level in range(9):
        lvl = _el(abstract, "w:lvl", w_ilvl=str(level))
        _el(lvl, "w:start", w_val="1")
        _el(lvl, "w:numFmt", w_val="bullet" if bullet else formats[level % 3])
        _el(lvl, "w:lvlText", w_val=marks[level % 3] if bullet else f"%{level + 1}.")
        _el(lvl, "w:lvlJc", w_val="left")
        ppr = _el(lvl, "w:pPr")
        _el(ppr, "w:ind", w_left=str(420 * (level + 1)), w_hanging="420")
    return abstract


def font_table_xml(fonts: Sequence[tuple[str, str | None, str]]) -> bytes:
    """``word/fontTable.xml``: (name, alternative, charset) so Word substitutes by script
    (charset 86 = GB2312, 88 = Big5) when a face is missing, never with a Japanese one."""
    root = etree.Element(qn("w:fonts"), nsmap={"w": NS["w"], "r": NS["r"]})
    for name, alternative, charset in fonts:
        font = _el(root, "w:font", w_name=name)
        if alternative:
            _el(font, "w:altName", w_val=alternative)
        _el(font, "w:charset", w_val=charset)
        _el(font, "w:family", w_val="swiss")
        _el(font, "w:pitch", w_val="variable")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def theme_xml(blob: bytes, *, body: str, heading: str, east_asian: str,
              colours: dict[str, str]) -> bytes:
    """The theme's fonts and accent colours, so Word's Design gallery shows the brand."""
    root = etree.fromstring(blob)
    a = NS["a"]
    for which, latin in (("majorFont", heading), ("minorFont", body)):
        for font in root.iter(f"{{{a}}}{which}"):
            for child in font:
                if child.tag == f"{{{a}}}latin":
                    child.set("typeface", latin)
                elif child.tag == f"{{{a}}}ea" or (
                        child.tag == f"{{{a}}}font"
                        and child.get("script") in ("Jpan", "Hans", "Hant")):
                    child.set("typeface", east_asian)
    for name, value in colours.items():
        for slot in root.iter(f"{{{a}}}{name}"):
            for child in list(slot):
                slot.remove(child)
            etree.SubElement(slot, f"{{{a}}}srgbClr", {"val": value.upper()})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- the package -----------------------------------------------------------------------------

_IMAGE_EXTENSIONS = {"png", "jpeg", "jpg", "gif", "bmp", "tiff", "svg", "emf", "wmf"}


def write_package(package, target, when: dt.datetime,
                  replacements: dict[str, bytes] | None = None) -> None:
    """Save ``package`` as a zip whose bytes depend on its content only.

    Entries are written in a fixed order with one fixed date (``when``, the Document's
    creation time), so identical input gives identical files.
    """
    replacements = replacements or {}
    parts = sorted(package.iter_parts(), key=lambda part: str(part.partname))
    defaults = {"rels": "application/vnd.openxmlformats-package.relationships+xml",
                "xml": "application/xml"}
    overrides = {}
    for part in parts:
        ext = part.partname.ext.lower()
        if ext in _IMAGE_EXTENSIONS:
            defaults[ext] = part.content_type
        else:
            overrides[str(part.partname)] = part.content_type
    types = etree.Element("{http://schemas.openxmlformats.org/package/2006/content-types}Types",
                          nsmap={None: "http://schemas.openxmlformats.org/package/2006/"
                                       "content-types"})
    for ext, content_type in sorted(defaults.items()):
        etree.SubElement(types, "Default", Extension=ext, ContentType=content_type)
    for name, content_type in sorted(overrides.items()):
        etree.SubElement(types, "Override", PartName=name, ContentType=content_type)
    entries = [("[Content_Types].xml", etree.tostring(types, xml_declaration=True,
                                                       encoding="UTF-8", standalone=True)),
               ("_rels/.rels", package.rels.xml)]
    for part in parts:
        name = str(part.partname)
        entries.append((name.lstrip("/"), replacements.get(name) or part.blob))
        if len(part.rels):
            entries.append((part.partname.rels_uri.lstrip("/"), part.rels.xml))
    stamp = when.astimezone(dt.timezone.utc).timetuple()[:6]
    stamp = max(stamp, (1980, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)

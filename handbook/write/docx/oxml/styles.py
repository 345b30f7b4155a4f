"""Styles, settings, numbering, the font table and the theme: fonts and colours."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lxml import etree

from .elements import _RPR, _VAL, NS, _el, _SubElement, qn

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


def set_language(styles, latin: str, east_asian: str | None) -> None:
    """``w:lang`` in the defaults, and the East Asian language wherever a style sets one
    (removed everywhere when the text has none)."""
    rpr = _default_rpr(styles)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = _SubElement(rpr, qn("w:lang"))
    lang.set(_VAL, latin)
    for element in styles.iter(qn("w:lang")):
        if element is lang or element.get(qn("w:eastAsia")):
            _set_or_drop(element, qn("w:eastAsia"), east_asian)


def _set_or_drop(element, name: str, value: str | None) -> None:
    if value is None:
        element.attrib.pop(name, None)
    else:
        element.set(name, value)


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


def tune_settings(settings, latin: str, east_asian: str | None) -> None:
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
    _set_or_drop(theme_lang, qn("w:eastAsia"), east_asian)


# What follows ``w:updateFields`` in the schema's sequence of settings (the first ones).
_AFTER_UPDATE_FIELDS = tuple(qn(tag) for tag in (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids"
)) + ("{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr",) + tuple(
    qn(tag) for tag in ("w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping"))


def update_fields_on_open(settings) -> None:
    """Ask Word to update every field when the file opens (Word asks the reader first): the
    fallback where no layout engine could write the TOC's page numbers in advance."""
    element = etree.Element(qn("w:updateFields"), {_VAL: "true"})
    anchor = next((found for tag in _AFTER_UPDATE_FIELDS
                   if (found := settings.find(tag)) is not None), None)
    if anchor is not None:
        anchor.addprevious(element)
    else:
        settings.append(element)


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

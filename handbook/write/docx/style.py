"""The handbook's Style in Word terms: the reference document, its styles' fonts, colours and
East Asian language, the theme, the font table and the list definitions.

The built-in ``templates/reference.docx`` carries a placeholder palette and fonts which are
swapped for the Style's (so a brand's colours and fonts reach every style and the theme). A
brand's own ``reference_docx`` keeps its look; it only gets the East Asian font and language
the handbook needs, plus any style the writer uses that it lacks, copied from the built-in one.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.parser import parse_xml
from docx.parts.numbering import NumberingPart

from ...colour import Palette
from ...locales import office_tag
from ...style import Style
from . import oxml as x
from .reference import HEADING_STYLES, PALETTE, TINT

__all__ = ["STYLES_USED", "apply_style", "builtin_reference",
           "numbering_root", "open_reference", "tint"]

_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
# Font table charsets: Word substitutes a missing face by script (GB2312, Big5).
_CHARSET = {"zh-Hant": ("88", "Microsoft JhengHei")}
_DEFAULT_CHARSET = ("86", "Microsoft YaHei")
STYLES_USED = ("Normal", "Title", "Subtitle", "Organization", "TOCHeading", "Subheading",
               "Caption", "Figure", "ListBullet", "ListBullet2", "ListNumber", "ListNumber2",
               "ListContinue", "Quote", "PlainText", "TableText", "TableLabel", "Header",
               "Footer", "Hyperlink", "HTMLCode", "PositionTitle", "TableGrid", "HandbookTable",
               *(f"Heading{n}" for n in range(1, 10)), *(f"TOC{n}" for n in range(1, 10)))


def builtin_reference() -> Path:
    return Path(str(resources.files("handbook.templates") / "reference.docx"))


def open_reference(style: Style, root: Path | None) -> tuple[docx.document.Document, bool]:
    """The reference document to lay out on, and whether it is the built-in one."""
    reference = style.reference_docx
    if reference is None:
        return docx.Document(str(builtin_reference())), True
    path = Path(reference)
    if not path.is_absolute() and root is not None:
        path = root / path
    return docx.Document(str(path)), False


def east_asian_tag(lang: str, tag: str | None = None) -> str | None:
    """The East Asian language of the text, with the region of its output tag (zh-HK,
    zh-TW, zh-CN); none for an English book (Word would otherwise treat it as Chinese)."""
    return office_tag(tag or lang) if lang in ("zh-Hans", "zh-Hant") else None


def apply_style(word, style: Style, lang: str, own: bool,
                colours: Palette | None = None, tag: str | None = None) -> dict[str, bytes]:
    """Put ``style`` (its colours as ``colours`` made them readable) into ``word``'s styles
    and settings; returns replaced part blobs. An English book names no CJK face: its East
    Asian font is its body font, so Word asks for no Chinese font it does not need."""
    replacements: dict[str, bytes] = {}
    styles = word.styles.element
    body = style.body_font[0] if style.body_font else style.latin_font
    heading = style.heading_font[0] if style.heading_font else body
    cjk = style.cjk_font if east_asian_tag(lang) else body
    mono = cjk.replace("Sans CJK", "Sans Mono CJK") if "Sans CJK" in cjk else "Courier New"
    hint = lang in ("zh-Hans", "zh-Hant")  # quotes and dashes in the Chinese font
    if own:
        x.set_fonts(styles, body=body, heading=heading, mono=mono, east_asian=cjk,
                    heading_ids=HEADING_STYLES, mono_ids=("PlainText", "HTMLCode"), hint=hint)
        colours = palette(style, colours)
        x.recolour(styles, colours)
        theme = _related(word.part, RT.THEME)
        if theme is not None:
            replacements[str(theme.partname)] = x.theme_xml(
                theme.blob, body=body, heading=heading,
                east_asian=cjk if east_asian_tag(lang) else "",
                colours={"accent1": colours[PALETTE["primary"]],
                         "accent2": colours[PALETTE["secondary"]],
                         "dk2": colours[PALETTE["foreground"]],
                         "hlink": colours[PALETTE["primary"]]})
    else:
        x.ensure_east_asian(styles, cjk, hint)
        builtin = docx.Document(str(builtin_reference())).styles.element
        x.merge_missing_styles(styles, builtin, STYLES_USED)
        _drop_styles_with_effects(word.part)
    east_asian = east_asian_tag(lang, tag)
    latin = office_tag(tag or lang)  # the Latin text's: en-GB, en-US, zh-HK
    x.set_language(styles, latin, east_asian)
    x.tune_settings(word.settings.element, latin, east_asian)
    charset, alternative = _CHARSET.get(lang, _DEFAULT_CHARSET)
    if east_asian is None:
        fonts = [(name, None, "00") for name in dict.fromkeys((body, heading, mono))]
    else:
        fonts = [(name, None, "00") for name in dict.fromkeys((body, heading)) if name != cjk]
        fonts += [(cjk, alternative, charset), (mono, None, charset)]
    blob = x.font_table_xml(fonts)
    font_table = _related(word.part, RT.FONT_TABLE)
    if font_table is None:
        font_table = Part(PackURI("/word/fontTable.xml"), CT.WML_FONT_TABLE, blob,
                          word.part.package)
        word.part.relate_to(font_table, RT.FONT_TABLE)
    replacements[str(font_table.partname)] = blob
    return replacements


def _drop_styles_with_effects(part) -> None:
    """Word 2010's copy of the styles (stylesWithEffects.xml, in python-docx's default
    template and so in many a brand's reference) would no longer match the styles we add;
    Word reports the mismatch as unreadable content. Without it, Word uses styles.xml."""
    for rid, rel in list(part.rels.items()):
        if rel.reltype == _STYLES_WITH_EFFECTS:
            part.drop_rel(rid)


def palette(style: Style, colours: Palette | None = None) -> dict[str, str]:
    """Placeholder colour → the Style's colour (its readable shade), as Word hex."""
    source = colours or style
    mapping = {PALETTE[key]: getattr(source, key).lstrip("#").upper()
               for key in ("primary", "secondary", "muted", "foreground")}
    mapping[TINT["primary"]] = tint(style.primary)
    return mapping


def tint(colour: str, amount: float = 0.12) -> str:
    """``colour`` at ``amount`` opacity on white, as Word hex (label cells)."""
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    try:
        channels = [int(value[i:i + 2], 16) for i in (0, 2, 4)]
    except ValueError:
        return TINT["primary"]
    return "".join(f"{round(255 - (255 - c) * amount):02X}" for c in channels)


def numbering_root(word):
    """The ``w:numbering`` element, adding a numbering part when the reference has none."""
    part = _related(word.part, RT.NUMBERING)
    if part is None:
        element = parse_xml(f'<w:numbering xmlns:w="{x.NS["w"]}"/>')
        part = NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, element,
                             word.part.package)
        word.part.relate_to(part, RT.NUMBERING)
    return part.element


def _related(part, reltype: str):
    for rel in part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return rel.target_part
    return None

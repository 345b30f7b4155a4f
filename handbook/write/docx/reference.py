"""Make ``templates/reference.docx``: the Word styles every DOCX handbook is laid out with.

Run ``python -m handbook.write.docx.reference templates/reference.docx``. The file is built
from the definitions below, not copied from an office suite, so it is small, reproducible
(fixed zip dates, fixed order: the same bytes on every run) and free of Japanese theme
fonts. A user restyles every handbook by editing the styles in this file in Word (or by
giving a brand its own ``reference_docx``); the writer fills in the fonts, colours and
language of the handbook's Style at build time.

Built-in Word styles keep their built-in names (``heading 1``, ``toc 1``, ``caption``…) so
Word recognises them; the few custom ones (``Subheading``, ``Table Text``, ``Table Label``,
``Organization``, ``Figure``, ``Handbook Table``, ``Position Title``) say what they are for.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

__all__ = ["BODY_FONT", "CJK_FONT", "HEADING_STYLES", "MONO_FONT", "PALETTE", "TINT",
           "reference_docx_bytes", "write_reference_docx"]

# The placeholder look; the writer swaps each for the handbook Style's value.
BODY_FONT = "Noto Sans"
CJK_FONT = "Noto Sans CJK SC"
MONO_FONT = "Noto Sans Mono CJK SC"
PALETTE = {"primary": "1F4E79", "secondary": "C55A11", "muted": "5F6B7A",
           "foreground": "222222"}
TINT = {"primary": "E4EAF1"}  # label cells, banded rows: primary at 12 % on white
HEADING_STYLES = ("Title", "Subtitle", "TOCHeading", "Subheading", "Organization",
                  *(f"Heading{level}" for level in range(1, 10)))

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_HEAD = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_WNS = f'xmlns:w="{_W}" xmlns:r="{_R}"'
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

_P, _S, _M, _F = PALETTE["primary"], PALETTE["secondary"], PALETTE["muted"], \
    PALETTE["foreground"]


def _fonts(latin: str = BODY_FONT, east_asian: str = CJK_FONT) -> str:
    return (f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asian}" '
            f'w:cs="{latin}"/>')


def _style(kind: str, sid: str, name: str, *, based: str | None = "Normal", nxt: str = "",
           ppr: str = "", rpr: str = "", extra: str = "", priority: int | None = None,
           custom: bool = False, default: bool = False, quick: bool = False,
           hidden: bool = False) -> str:
    attrs = f' w:type="{kind}" w:styleId="{sid}"'
    attrs += ' w:default="1"' if default else ""
    attrs += ' w:customStyle="1"' if custom else ""
    parts = [f'<w:name w:val="{name}"/>']
    if based:
        parts.append(f'<w:basedOn w:val="{based}"/>')
    if nxt:
        parts.append(f'<w:next w:val="{nxt}"/>')
    if priority is not None:
        parts.append(f'<w:uiPriority w:val="{priority}"/>')
    if hidden:
        parts.append("<w:semiHidden/><w:unhideWhenUsed/>")
    if quick:
        parts.append("<w:qFormat/>")
    if ppr:
        parts.append(f"<w:pPr>{ppr}</w:pPr>")
    if rpr:
        parts.append(f"<w:rPr>{rpr}</w:rPr>")
    parts.append(extra)
    return f"<w:style{attrs}>{''.join(parts)}</w:style>"


def _size(half_points: int) -> str:
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def _heading(level: int) -> str:
    sizes = {1: 36, 2: 30, 3: 26, 4: 24, 5: 22}
    before = {1: 0, 2: 360, 3: 300, 4: 240}.get(level, 200)
    ppr = (f'<w:keepNext/><w:keepLines/><w:spacing w:before="{before}" w:after="120"/>'
           f'<w:outlineLvl w:val="{level - 1}"/>')
    if level == 1:
        ppr = ('<w:keepNext/><w:keepLines/><w:pBdr><w:bottom w:val="single" w:sz="12" '
               f'w:space="4" w:color="{_P}"/></w:pBdr><w:spacing w:before="0" w:after="240"/>'
               '<w:outlineLvl w:val="0"/>')
    rpr = _fonts() + f'<w:b/><w:bCs/><w:color w:val="{_P}"/>' + _size(sizes.get(level, 21))
    return _style("paragraph", f"Heading{level}", f"heading {level}", nxt="Normal", ppr=ppr,
                  rpr=rpr, priority=9, quick=True, hidden=level > 1)


def _toc(level: int) -> str:
    indent = 420 * (level - 1)
    ppr = (f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9630"/></w:tabs>'
           f'<w:spacing w:before="{80 if level == 1 else 0}" w:after="40"/>'
           f'<w:ind w:left="{indent}"/>')
    rpr = "<w:b/><w:bCs/>" if level == 1 else ""
    return _style("paragraph", f"TOC{level}", f"toc {level}", nxt="Normal", ppr=ppr, rpr=rpr,
                  priority=39, hidden=True)


def _table_borders(tag: str, color: str = "A6B1BD") -> str:
    sides = ("top", "left", "bottom", "right", "insideH", "insideV")
    inner = "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="{color}"/>'
                    for s in sides)
    return f"<w:{tag}>{inner}</w:{tag}>"


def _styles_xml() -> str:
    doc_defaults = (
        "<w:docDefaults><w:rPrDefault><w:rPr>" + _fonts()
        + f'<w:color w:val="{_F}"/>' + _size(21)
        + '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        '<w:spacing w:after="120" w:line="300" w:lineRule="auto"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>"
    )
    cell_margins = ('<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
                    '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
                    "</w:tblCellMar>")
    handbook_table = (
        '<w:style w:type="table" w:customStyle="1" w:styleId="HandbookTable">'
        '<w:name w:val="Handbook Table"/><w:basedOn w:val="TableGrid"/><w:uiPriority w:val="60"/>'
        "<w:qFormat/>"
        '<w:pPr><w:spacing w:before="0" w:after="0" w:line="264" w:lineRule="auto"/></w:pPr>'
        + f"<w:rPr>{_size(19)}</w:rPr>"
        + "<w:tblPr>" + _table_borders("tblBorders") + cell_margins + "</w:tblPr>"
        '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/>'
        '<w:color w:val="FFFFFF"/></w:rPr><w:tblPr/><w:trPr><w:tblHeader/></w:trPr>'
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{_P}"/></w:tcPr></w:tblStylePr>'
        '<w:tblStylePr w:type="lastRow"><w:rPr><w:b/><w:bCs/></w:rPr><w:tblPr/>'
        f'<w:tcPr><w:tcBorders><w:top w:val="single" w:sz="8" w:space="0" w:color="{_P}"/>'
        "</w:tcBorders></w:tcPr></w:tblStylePr>"
        "</w:style>"
    )
    styles = [
        _style("paragraph", "Normal", "Normal", based=None, default=True, quick=True,
               priority=0),
        _style("paragraph", "Title", "Title", nxt="Subtitle", priority=10, quick=True,
               ppr='<w:spacing w:before="0" w:after="240" w:line="240" w:lineRule="auto"/>',
               rpr=_fonts() + f'<w:b/><w:bCs/><w:color w:val="{_P}"/>'
               '<w:kern w:val="28"/>' + _size(52)),
        _style("paragraph", "Subtitle", "Subtitle", nxt="Normal", priority=11, quick=True,
               ppr='<w:spacing w:after="480"/>',
               rpr=_fonts() + f'<w:color w:val="{_M}"/>' + _size(32)),
        _style("paragraph", "Organization", "Organization", nxt="Normal", custom=True,
               quick=True, ppr='<w:spacing w:before="240" w:after="240"/>',
               rpr=_fonts() + f'<w:b/><w:bCs/><w:color w:val="{_F}"/>' + _size(28)),
        *(_heading(level) for level in range(1, 10)),
        _style("paragraph", "TOCHeading", "TOC Heading", based="Heading1", nxt="Normal",
               priority=39, quick=True, hidden=True,
               ppr='<w:outlineLvl w:val="9"/>', rpr=_fonts()),
        *(_toc(level) for level in range(1, 10)),
        _style("paragraph", "Subheading", "Subheading", nxt="Normal", custom=True, quick=True,
               ppr='<w:keepNext/><w:keepLines/><w:pBdr><w:bottom w:val="single" w:sz="4" '
               f'w:space="2" w:color="{_S}"/></w:pBdr><w:spacing w:before="280" w:after="120"/>',
               rpr=_fonts() + f'<w:b/><w:bCs/><w:color w:val="{_P}"/>' + _size(23)),
        _style("paragraph", "Caption", "caption", nxt="Normal", priority=35, quick=True,
               hidden=True, ppr='<w:spacing w:before="120" w:after="240"/><w:jc w:val="center"/>',
               rpr=f'<w:color w:val="{_M}"/>' + _size(18)),
        _style("paragraph", "Figure", "Figure", nxt="Caption", custom=True, quick=True,
               ppr='<w:keepNext/><w:spacing w:before="0" w:after="0" w:line="240" '
               'w:lineRule="auto"/><w:jc w:val="center"/>'),
        _style("paragraph", "ListBullet", "List Bullet", priority=99, hidden=True,
               ppr='<w:numPr><w:numId w:val="1"/></w:numPr><w:spacing w:after="60"/>'
               '<w:contextualSpacing/>'),
        _style("paragraph", "ListBullet2", "List Bullet 2", priority=99, hidden=True,
               ppr='<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>'
               '<w:spacing w:after="60"/><w:contextualSpacing/>'),
        _style("paragraph", "ListNumber", "List Number", priority=99, hidden=True,
               ppr='<w:numPr><w:numId w:val="2"/></w:numPr><w:spacing w:after="60"/>'
               '<w:contextualSpacing/>'),
        _style("paragraph", "ListNumber2", "List Number 2", priority=99, hidden=True,
               ppr='<w:numPr><w:ilvl w:val="1"/><w:numId w:val="2"/></w:numPr>'
               '<w:spacing w:after="60"/><w:contextualSpacing/>'),
        _style("paragraph", "ListContinue", "List Continue", priority=99, hidden=True,
               ppr='<w:spacing w:after="60"/><w:ind w:left="420"/>'),
        _style("paragraph", "Quote", "Quote", nxt="Normal", priority=29, quick=True,
               ppr=f'<w:pBdr><w:left w:val="single" w:sz="18" w:space="8" w:color="{_S}"/>'
               '</w:pBdr><w:ind w:left="284" w:right="284"/>',
               rpr=f'<w:i/><w:iCs/><w:color w:val="{_M}"/>'),
        _style("paragraph", "PlainText", "Plain Text", priority=99, hidden=True,
               ppr='<w:spacing w:after="120" w:line="240" w:lineRule="auto"/>',
               rpr=_fonts(MONO_FONT, CJK_FONT) + _size(18)),
        _style("paragraph", "TableText", "Table Text", custom=True, quick=True,
               ppr='<w:spacing w:before="0" w:after="0" w:line="264" w:lineRule="auto"/>',
               rpr=_size(19)),
        _style("paragraph", "TableLabel", "Table Label", based="TableText", custom=True,
               quick=True, rpr=f'<w:b/><w:bCs/><w:color w:val="{_P}"/>'),
        _style("paragraph", "Header", "header", priority=99, hidden=True,
               ppr='<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="4" w:color="A6B1BD"/>'
               '</w:pBdr><w:tabs><w:tab w:val="center" w:pos="4815"/>'
               '<w:tab w:val="right" w:pos="9630"/></w:tabs>'
               '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
               rpr=f'<w:color w:val="{_M}"/>' + _size(17)),
        _style("paragraph", "Footer", "footer", priority=99, hidden=True,
               ppr='<w:tabs><w:tab w:val="center" w:pos="4815"/>'
               '<w:tab w:val="right" w:pos="9630"/></w:tabs>'
               '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
               rpr=f'<w:color w:val="{_M}"/>' + _size(17)),
        _style("character", "DefaultParagraphFont", "Default Paragraph Font", based=None,
               default=True, priority=1, hidden=True),
        _style("character", "Hyperlink", "Hyperlink", based="DefaultParagraphFont",
               priority=99, hidden=True, rpr=f'<w:color w:val="{_P}"/><w:u w:val="none"/>'),
        # A position's title, at whatever heading level its depth gives it: a title, larger
        # than the section headings inside the position (as in the PDF).
        _style("character", "PositionTitle", "Position Title", based="DefaultParagraphFont",
               custom=True, quick=True,
               rpr=f'<w:b/><w:bCs/><w:color w:val="{_F}"/>' + _size(34)),
        _style("character", "Strong", "Strong", based="DefaultParagraphFont", priority=22,
               quick=True, rpr="<w:b/><w:bCs/>"),
        _style("character", "HTMLCode", "HTML Code", based="DefaultParagraphFont",
               priority=99, hidden=True,
               rpr=_fonts(MONO_FONT, CJK_FONT) + _size(19)
               + '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>'),
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
        '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/>'
        '<w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr></w:style>",
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
        '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
        '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        "<w:tblPr>" + _table_borders("tblBorders", "auto") + "</w:tblPr></w:style>",
        handbook_table,
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList">'
        '<w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/>'
        "<w:unhideWhenUsed/></w:style>",
    ]
    return (f"{_HEAD}<w:styles {_WNS}>{doc_defaults}"
            '<w:latentStyles w:defLockedState="0" w:defUIPriority="99" w:defSemiHidden="0" '
            'w:defUnhideWhenUsed="0" w:defQFormat="0" w:count="376"/>'
            + "".join(styles) + "</w:styles>")


def _numbering_xml() -> str:
    bullets = "•◦▪•◦▪•◦▪"

    def levels(kind: str) -> str:
        out = []
        for level in range(9):
            text = bullets[level] if kind == "bullet" else f"%{level + 1}."
            fmt = "bullet" if kind == "bullet" else ("lowerLetter" if level % 3 == 1 else
                                                      "lowerRoman" if level % 3 == 2 else
                                                      "decimal")
            left = 420 * (level + 1)
            out.append(f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                       f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                       f'<w:pPr><w:ind w:left="{left}" w:hanging="420"/></w:pPr></w:lvl>')
        return "".join(out)

    return (f"{_HEAD}<w:numbering {_WNS}>"
            '<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/>'
            f'{levels("bullet")}</w:abstractNum>'
            '<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="hybridMultilevel"/>'
            f'{levels("decimal")}</w:abstractNum>'
            '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
            '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
            "</w:numbering>")


def _settings_xml() -> str:
    return (f"{_HEAD}<w:settings {_WNS}>"
            '<w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>'
            '<w:characterSpacingControl w:val="compressPunctuation"/>'
            "<w:compat><w:useFELayout/>"
            '<w:compatSetting w:name="compatibilityMode" '
            'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
            '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
            '<w:clrSchemeMapping w:bg1="light1" w:t1="dark1" w:bg2="light2" w:t2="dark2" '
            'w:accent1="accent1" w:accent2="accent2" w:accent3="accent3" w:accent4="accent4" '
            'w:accent5="accent5" w:accent6="accent6" w:hyperlink="hyperlink" '
            'w:followedHyperlink="followedHyperlink"/>'
            '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
            "</w:settings>")


def _font_table_xml() -> str:
    return (f"{_HEAD}<w:fonts {_WNS}>"
            f'<w:font w:name="{BODY_FONT}"><w:charset w:val="00"/><w:family w:val="swiss"/>'
            '<w:pitch w:val="variable"/></w:font>'
            f'<w:font w:name="{CJK_FONT}"><w:altName w:val="Microsoft YaHei"/>'
            '<w:charset w:val="86"/><w:family w:val="swiss"/><w:pitch w:val="variable"/>'
            "</w:font></w:fonts>")


def _theme_xml() -> str:
    colours = {"dk1": "000000", "lt1": "FFFFFF", "dk2": _F, "lt2": "EEF1F5", "accent1": _P,
               "accent2": _S, "accent3": "2E7D32", "accent4": "6A1B9A", "accent5": "00838F",
               "accent6": "EF6C00", "hlink": _P, "folHlink": "6A1B9A"}
    scheme = "".join(f'<a:{k}><a:srgbClr val="{v}"/></a:{k}>' for k, v in colours.items())
    fonts = (f'<a:latin typeface="{BODY_FONT}"/><a:ea typeface="{CJK_FONT}"/>'
             '<a:cs typeface=""/><a:font script="Hans" typeface="Noto Sans CJK SC"/>'
             '<a:font script="Hant" typeface="Noto Sans CJK TC"/>')
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="9525">{fill}</a:ln>'
    effect = "<a:effectStyle><a:effectLst/></a:effectStyle>"
    return (f'{_HEAD}<a:theme xmlns:a="{_A}" name="Handbook"><a:themeElements>'
            f'<a:clrScheme name="Handbook">{scheme}</a:clrScheme>'
            f'<a:fontScheme name="Handbook"><a:majorFont>{fonts}</a:majorFont>'
            f"<a:minorFont>{fonts}</a:minorFont></a:fontScheme>"
            f'<a:fmtScheme name="Handbook"><a:fillStyleLst>{fill * 3}</a:fillStyleLst>'
            f"<a:lnStyleLst>{line * 3}</a:lnStyleLst>"
            f"<a:effectStyleLst>{effect * 3}</a:effectStyleLst>"
            f"<a:bgFillStyleLst>{fill * 3}</a:bgFillStyleLst></a:fmtScheme>"
            "</a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>")


def _document_xml() -> str:
    """A specimen of the styles, so that opening the file shows what editing it changes."""

    def para(style: str, text: str) -> str:
        return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'

    body = [para("Title", "Handbook title"), para("Subtitle", "Subtitle"),
            para("Organization", "Organization"), para("Heading1", "Heading 1"),
            para("Heading2", "Heading 2"), para("Heading3", "Heading 3"),
            para("Subheading", "Subheading"), para("Normal", "Body text."),
            para("ListBullet", "List Bullet"), para("ListNumber", "List Number"),
            para("Caption", "Caption")]
    widths = (2400, 7230)
    cells = "".join(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>'
                    '<w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr><w:r><w:t>Cell</w:t>'
                    "</w:r></w:p></w:tc>" for w in widths)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    body.append('<w:tbl><w:tblPr><w:tblStyle w:val="HandbookTable"/>'
                '<w:tblW w:w="5000" w:type="pct"/>'
                '<w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
                'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
                f"<w:tblGrid>{grid}</w:tblGrid><w:tr>{cells}</w:tr><w:tr>{cells}</w:tr>"
                "</w:tbl>")
    sect = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1247" w:right="1020" '
            'w:bottom="1134" w:left="1020" w:header="567" w:footer="567" w:gutter="0"/>'
            "</w:sectPr>")
    return f"{_HEAD}<w:document {_WNS}><w:body>{''.join(body)}<w:p/>{sect}</w:body></w:document>"


_CT = "application/vnd.openxmlformats-officedocument"


def _parts() -> list[tuple[str, str]]:
    word = f"{_CT}.wordprocessingml"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    overrides = {
        "/word/document.xml": f"{word}.document.main+xml",
        "/word/styles.xml": f"{word}.styles+xml",
        "/word/settings.xml": f"{word}.settings+xml",
        "/word/numbering.xml": f"{word}.numbering+xml",
        "/word/fontTable.xml": f"{word}.fontTable+xml",
        "/word/theme/theme1.xml": f"{_CT}.theme+xml",
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": f"{_CT}.extended-properties+xml",
    }
    content_types = (
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{name}" ContentType="{ct}"/>'
                  for name, ct in overrides.items()) + "</Types>")
    package_rels = (
        f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{rel}/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>")
    document_rels = (
        f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships">'
        + "".join(f'<Relationship Id="rId{i}" Type="{rel}/{kind}" Target="{target}"/>'
                  for i, (kind, target) in enumerate([
                      ("styles", "styles.xml"), ("settings", "settings.xml"),
                      ("numbering", "numbering.xml"), ("fontTable", "fontTable.xml"),
                      ("theme", "theme/theme1.xml")], 1))
        + "</Relationships>")
    core = (f'{_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
            '2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            "<dc:title>Handbook reference styles</dc:title><dc:creator>handbook</dc:creator>"
            "</cp:coreProperties>")
    app = (f'{_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           'extended-properties"><Application>handbook</Application></Properties>')
    return [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", package_rels),
        ("docProps/core.xml", core),
        ("docProps/app.xml", app),
        ("word/document.xml", _document_xml()),
        ("word/_rels/document.xml.rels", document_rels),
        ("word/styles.xml", _styles_xml()),
        ("word/settings.xml", _settings_xml()),
        ("word/numbering.xml", _numbering_xml()),
        ("word/fontTable.xml", _font_table_xml()),
        ("word/theme/theme1.xml", _theme_xml()),
    ]


def reference_docx_bytes() -> bytes:
    """The reference document, the same bytes on every call."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _parts():
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def write_reference_docx(target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(reference_docx_bytes())


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    if len(sys.argv) != 2:
        sys.exit("usage: python -m handbook.write.docx.reference templates/reference.docx")
    write_reference_docx(Path(sys.argv[1]))

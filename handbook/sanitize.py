"""Make a user's SVG safe to inline: no scripts, no event handlers, no external references.

Logos come from clients. An SVG is a program as much as a picture; before it goes into
the HTML (or to WeasyPrint) everything that could run or fetch is removed, and what is left
is drawn exactly as before.
"""

from __future__ import annotations

import re

from lxml import etree

__all__ = ["UnsafeSvg", "clean_svg"]

_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_DROP = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video", "handler",
         "listener"}
_EXTERNAL = re.compile(r"url\(\s*['\"]?\s*(?!#|data:image/)[^)]*\)", re.I)


class UnsafeSvg(ValueError):
    """The file is not an SVG image that can be made safe (not XML, not <svg>)."""


def clean_svg(data: bytes) -> bytes:
    """The SVG without active or external content."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise UnsafeSvg(f"not a well-formed SVG file ({exc.msg})") from exc
    if etree.QName(root).localname != "svg":
        raise UnsafeSvg("not an SVG image (the root element is not <svg>)")
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if etree.QName(element).localname in _DROP:
            element.getparent().remove(element)
            continue
        _clean_attributes(element)
        if etree.QName(element).localname == "style" and element.text:
            element.text = _EXTERNAL.sub("none", element.text).replace("@import", "")
    return etree.tostring(root, encoding="utf-8", xml_declaration=False)


def _clean_attributes(element) -> None:
    for name in list(element.attrib):
        local = etree.QName(name).localname.lower()
        value = element.attrib[name]
        active = local.startswith("on")
        external = local == "href" and not value.strip().startswith(("#", "data:image/"))
        if active or external:
            del element.attrib[name]
        elif _EXTERNAL.search(value):
            element.attrib[name] = _EXTERNAL.sub("none", value)

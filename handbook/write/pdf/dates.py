"""The build's dates, kept out of what the build cache keys and stamped on the finished PDF.

The page's head carries the build date (``dcterms.created`` and ``dcterms.modified``), and
every part and running-header piece carries the head: without SOURCE_DATE_EPOCH every key
would change on every build and the cache would never hit. So the parts are printed from
the page with those dates replaced by a fixed one (``undated``), and the dates go only where
a single pass writes them, on the finished PDF (``stamp``): the document information's
CreationDate and ModDate, in WeasyPrint's own format, and the XMP metadata's CreateDate,
ModifyDate and MetadataDate (PDF/A and PDF/UA carry both, and validators want them equal).

A whole PDF copied from the cache is stamped again with this build's dates when they differ
from those it was printed with, so that a PDF always says the build that wrote it, however
much of it was reused.
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
from weasyprint.pdf import _w3c_date_to_pdf

__all__ = ["Dates", "build_dates", "restamp", "stamp", "undated"]

Dates = tuple[tuple[str, str], ...]  # (("created", W3C date), ("modified", W3C date))

_FIXED = "2000-01-01T00:00:00+00:00"
_META = re.compile(r'(<meta name="dcterms\.(created|modified)" content=")([^"]*)(")')
_INFO = {"created": "/CreationDate", "modified": "/ModDate"}
_XMP = {"created": (b"CreateDate",), "modified": (b"ModifyDate", b"MetadataDate")}


def build_dates(html: str) -> Dates:
    """The dates the page's head gives, as WeasyPrint reads them (the first of each)."""
    found: dict[str, str] = {}
    for match in _META.finditer(html):
        found.setdefault(match[2], match[3])
    return tuple(sorted(found.items()))


def undated(html: str) -> str:
    """The page with its dates replaced by a fixed one: what the parts are printed from."""
    return _META.sub(lambda match: f"{match[1]}{_FIXED}{match[4]}", html)


def stamp(pdf: pikepdf.Pdf, dates: Dates) -> None:
    """Write ``dates`` into the document information and the XMP metadata of ``pdf``."""
    info = pdf.trailer.get("/Info")
    metadata = pdf.Root.get("/Metadata")
    xmp = metadata.read_bytes() if metadata is not None else b""
    stamped = xmp
    for name, value in dates:
        if info is not None:
            info[_INFO[name]] = pikepdf.String(_w3c_date_to_pdf(value, name))
        for element in _XMP[name]:
            stamped = re.sub(rb"(<(?:[\w.-]+:)?" + element + rb">)[^<]*(</)",
                             lambda match, v=value: match[1] + v.encode() + match[2], stamped)
    if stamped != xmp:
        metadata.write(stamped)


def restamp(target: Path, dates: Dates) -> None:
    """Stamp the PDF file ``target`` (a whole PDF from the cache) with ``dates``."""
    with pikepdf.open(target, allow_overwriting_input=True) as pdf:
        stamp(pdf, dates)
        pdf.save(target, compress_streams=True, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 min_version=pdf.pdf_version)

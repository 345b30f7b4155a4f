"""Page numbers for the Word handbook's table of contents, from one LibreOffice pass.

The TOC field is written complete but for its page numbers, which only a layout engine
knows. When LibreOffice is installed, ``fill_page_numbers`` converts the DOCX to PDF once
with every bookmark exported as a named destination, reads the page of each heading's
bookmark, writes the numbers into the TOC's (and the index's) PAGEREF results and saves
again. Word's own "Update field" later refines them to Word's pagination. Without
LibreOffice the file stays as it was: complete, with the page numbers left to Word.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["bookmark_pages", "fill_page_numbers", "find_soffice"]

_EXPORT = {"ExportBookmarksToPDFDestination": {"type": "boolean", "value": "true"},
           "ExportBookmarks": {"type": "boolean", "value": "false"}}


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def bookmark_pages(docx: Path, *, timeout: float = 600) -> dict[str, int] | None:
    """Page number (1-based) of every bookmark in ``docx`` as LibreOffice lays it out."""
    soffice = find_soffice()
    if soffice is None:
        return None
    import pikepdf

    with tempfile.TemporaryDirectory(prefix="handbook-pages-") as work:
        work_dir = Path(work)
        source = work_dir / "handbook.docx"
        shutil.copyfile(docx, source)
        profile = (work_dir / "profile").as_uri()
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", f"pdf:writer_pdf_Export:{json.dumps(_EXPORT)}",
                   "--outdir", str(work_dir), str(source)]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=timeout,
                           env={**os.environ, "HOME": work})
        except (OSError, subprocess.SubprocessError):
            return None
        pdf_path = work_dir / "handbook.pdf"
        if not pdf_path.is_file():
            return None
        with pikepdf.open(pdf_path) as pdf:
            return _destination_pages(pdf)


def _destination_pages(pdf) -> dict[str, int]:
    """Named destination → 1-based page, from the name tree or the older /Dests dictionary."""
    import pikepdf

    numbers = {page.objgen: index for index, page in enumerate(pdf.pages, 1)}
    names = pdf.Root.get("/Names")
    if names is not None and "/Dests" in names:
        entries = pikepdf.NameTree(names.Dests).items()
    else:
        entries = pdf.Root.get("/Dests", pikepdf.Dictionary()).items()
    pages = {}
    for name, destination in entries:
        if isinstance(destination, pikepdf.Dictionary):
            destination = destination.get("/D")
        if isinstance(destination, pikepdf.Array) and len(destination):
            page = numbers.get(destination[0].objgen)
            if page is not None:
                pages[str(name).lstrip("/")] = page
    return pages


def fill_page_numbers(writer, target: Path) -> bool:
    """Write the page numbers into ``writer``'s document and save it to ``target`` again.

    Returns whether page numbers were written (False without LibreOffice).
    """
    from . import oxml as x

    exported = bookmark_pages(target)
    if not exported:
        return False
    pages = {}
    for start in writer.body.iter(x.qn("w:bookmarkStart")):
        name = start.get(x.qn("w:name"))
        page = exported.get(name) or exported.get(_pdf_name(name))
        if page:
            pages[name] = page
    if not x.fill_field_results(writer.body, pages):
        return False
    writer.save(target)
    return True


def _pdf_name(bookmark: str) -> str:
    """LibreOffice writes ``_`` (and any other non-alphanumeric) as its hex code."""
    return re.sub(r"[^0-9A-Za-z]", lambda m: f"{ord(m.group()):02X}", bookmark)

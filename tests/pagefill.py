"""Page fill, as a reader sees it: the body lines of each page of a PDF.

``pdftotext -layout`` sets each page as lines of text; the first non-blank line is the
running header and the last the footer, the rest is the body. A page past the front matter
with three body lines or fewer (the end of a position stranded on a page of its own) is a
defect, except the book's last page.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from handbook.document import Document

THIN = 3  # body lines: a page with this few holds only a stranded tail


def page_lines(pdf: Path) -> list[list[str]]:
    """Each page's non-blank lines, header and footer included."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [[line.strip() for line in page.splitlines() if line.strip()]
            for page in text.split("\f")[:-1]]


def thin_pages(pdf: Path, document: Document) -> list[tuple[int, list[str]]]:
    """(page number, body lines) of every thin page after the front matter, which ends
    where the running header first names the first department."""
    pages = page_lines(pdf)
    first = document.departments[0]
    start = next(number for number, lines in enumerate(pages, 1)
                 if lines and lines[0].endswith(first.title))
    return [(number, lines[1:-1]) for number, lines in enumerate(pages, 1)
            if start <= number < len(pages) and len(lines[1:-1]) <= THIN]

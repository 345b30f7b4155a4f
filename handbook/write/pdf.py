"""The PDF handbook: the HTML page printed by WeasyPrint (print media, one pass).

Everything that differs on paper — page size, running header and footer, page breaks,
bookmarks, TOC page numbers — is CSS in the page itself. This module adds only what
WeasyPrint needs around it: a URL fetcher that reads nothing outside the handbook and the
built-in templates (no network), and a stable PDF identifier for reproducible builds.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from ..document import Document
from ..errors import HandbookError
from .html import builtin_templates

__all__ = ["RefusedResource", "write_pdf"]


class RefusedResource(HandbookError):
    """The page asked for a file outside the handbook, or for something on the network."""


def write_pdf(document: Document, html: str, target: Path, *, root: Path | None = None) -> None:
    """Print ``html`` (the page render_html made for ``document``, which already carries
    its title, author, language and dates as metadata) to ``target``."""
    allowed = [builtin_templates()] + ([Path(root)] if root is not None else [])
    fetcher = _LocalFetcher(allowed)
    base = (Path(root).resolve().as_uri() + "/") if root is not None else None
    page = HTML(string=html, base_url=base, url_fetcher=fetcher, media_type="print")
    rendered = page.render()
    if fetcher.refused:
        shown = ", ".join(sorted(fetcher.refused)[:5])
        raise RefusedResource(
            f"the handbook page refers to {shown}: only files that exist inside the handbook "
            "directory (and data: URIs) can be used, nothing on the network")
    rendered.write_pdf(target, pdf_identifier=_identifier(html))


def _identifier(html: str) -> bytes:
    """The PDF /ID from the page printed: the same page (SOURCE_DATE_EPOCH fixes its
    dates) gives the same bytes, a changed one a new identifier."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")


class _LocalFetcher(URLFetcher):
    """Fetches data: URIs and files under the ``allowed`` directories; refuses the rest."""

    def __init__(self, allowed: list[Path]) -> None:
        super().__init__(allowed_protocols={"data", "file"})
        self.roots = [path.resolve() for path in allowed]
        self.refused: set[str] = set()

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlparse(url).path)).resolve()
            if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
                return super().fetch(url, headers)
        self.refused.add(url if len(url) < 120 else url[:117] + "...")
        raise ValueError(f"refused to fetch {url[:120]}")

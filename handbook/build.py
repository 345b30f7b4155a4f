"""``handbook build``: load → validate → resolve → write, as one readable function.

Writers are imported only for the formats asked for (WeasyPrint alone takes a second to
import), and every output is staged so a failed build changes nothing on disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .brand import find_brand_file, load_brand
from .document import Document, resolve
from .errors import Problem, UsageError
from .model import Handbook
from .output import Staging
from .style import Style, default_style
from .validate import load_handbook

__all__ = ["FORMATS", "BuildRequest", "BuildResult", "build", "build_document"]

FORMATS = ("html", "pdf", "docx")


@dataclass
class BuildRequest:
    directory: Path
    formats: tuple[str, ...] = FORMATS
    out: Path | None = None
    lang: str | None = None
    brand: Path | None = None


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def build(request: BuildRequest) -> BuildResult:
    """Build the handbook's outputs; raises ContentError/UsageError and then writes nothing."""
    document, root, warnings = _prepare(request)
    out = _output_dir(request, document.name)
    result = BuildResult(warnings=warnings, notices=list(document.notices))
    with Staging() as staging:
        _write_handbook(document, request.formats, out, staging, root)
        result.written = staging.commit()
    return result


def build_document(request: BuildRequest) -> tuple[Document, Path]:
    """The resolved Document and the handbook directory, for the live preview."""
    document, root, _ = _prepare(request)
    return document, root


def _prepare(request: BuildRequest) -> tuple[Document, Path, list[Problem]]:
    handbook, warnings = load_handbook(request.directory)
    style = _style(request, handbook)
    return resolve(handbook, lang=request.lang, style=style), handbook.root, warnings


def _output_dir(request: BuildRequest, name: str) -> Path:
    out = request.out or Path("build") / name
    content = request.directory.resolve()
    if out.resolve() == content or out.resolve().is_relative_to(content):
        raise UsageError(f"--out {out} is inside the handbook directory; choose another place")
    return out


def _style(request: BuildRequest, handbook: Handbook) -> Style:
    """Defaults for the output language, the handbook's logo, then the brand on top.

    ``--brand`` wins over the handbook's own ``brand/`` directory.
    """
    lang = request.lang or handbook.language
    style = default_style(lang)
    if handbook.logo:
        style = style.with_(logo=(handbook.root / handbook.logo).resolve())
    brand_dir = request.brand or (handbook.root / "brand")
    if request.brand is not None or find_brand_file(brand_dir):
        style = load_brand(brand_dir, style, lang)
    return style


def _write_handbook(document: Document, formats: tuple[str, ...], out: Path, staging: Staging,
                    root: Path) -> None:
    name = document.name
    html = None
    if "html" in formats or "pdf" in formats:
        from .write.html import render_html

        html = render_html(document, root=root)
    if "html" in formats:
        staging.write_bytes(out / f"{name}.html", html.encode("utf-8"))
    if "pdf" in formats:
        from .write.pdf import write_pdf

        write_pdf(document, html, staging.path_for(out / f"{name}.pdf"), root=root)
    if "docx" in formats:
        from .write.docx import write_docx

        write_docx(document, staging.path_for(out / f"{name}.docx"), root=root)

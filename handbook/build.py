"""``handbook build``: load → validate → resolve → write, as one readable function.

Writers are imported only for the formats asked for (WeasyPrint alone takes a second to
import), and every output is staged so a failed build changes nothing on disk.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .brand import find_brand_file, load_brand
from .diff import Diff, compare
from .document import Document, resolve
from .errors import Problem, UsageError, did_you_mean
from .jobdesc import job_description
from .locales import parse_tag, text_locale
from .model import Handbook
from .output import FORMATS, Staging
from .style import Style, default_style, with_page
from .validate import load_handbook

__all__ = ["FORMATS", "BuildRequest", "BuildResult", "build", "build_document"]

Progress = Callable[[str, int, int], None]


@dataclass
class BuildRequest:
    directory: Path
    formats: tuple[str, ...] = FORMATS
    out: Path | None = None
    lang: str | None = None
    brand: Path | None = None
    roles: tuple[str, ...] = ()  # only these positions' job descriptions
    each_role: bool = False  # the handbook and every position's job description
    templates: Path | None = None  # replaces the handbook's own templates/ directory
    reference_docx: Path | None = None  # Word styles, over the brand's and the built-in
    single_pass: bool | None = None  # PDF in one pass (True), parallel parts (False), by size
    page_numbers: bool = True  # the Word TOC's page numbers from a LibreOffice pass
    changes_since: str | None = None  # an older version (directory or git revision) to mark
    pdf_variant: str | None = None  # WeasyPrint's PDF variant; wins over handbook.yml, brand
    cache: Path | None = None  # the PDF build cache (default OUT/.handbook-cache)
    use_cache: bool = True  # False: a cold build that neither reads nor fills the cache
    cache_limit: int | None = None  # the cache's size cap in bytes (default 1 GiB)


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    cache_stats: Counter = field(default_factory=Counter)  # the PDF cache's (what, kind) counts


def build(request: BuildRequest, progress: Progress | None = None) -> BuildResult:
    """Build the handbook's outputs; raises ContentError/UsageError and then writes nothing.

    ``progress(step, done, total)`` hears of each finished step (an output of the handbook,
    or a job description), for progress bars.
    """
    report = progress or (lambda step, done, total: None)
    document, root, warnings = _prepare(request)
    out = _output_dir(request, document.name)
    role_ids = _job_descriptions(request, document)
    result = BuildResult(warnings=warnings, notices=list(document.notices))
    cache = _cache(request, out)
    with Staging() as staging, _committed(cache):
        targets = [(role_id, fmt, staging.path_for(out / "roles" / f"{role_id}.{fmt}"))
                   for role_id in role_ids for fmt in request.formats]
        with _JobDescriptions(request, document, root, targets, report) as job_descriptions:
            if not request.roles:  # the handbook renders here while the pool works
                result.notices += _write_handbook(document, request.formats, out, staging,
                                                  root, report, request.single_pass,
                                                  request.page_numbers,
                                                  _pdf_variant(request, document), cache)
            job_descriptions.finish()
        result.written = staging.commit()
    if cache is not None:
        result.cache_stats = cache.stats.copy()
    return result


def _cache(request: BuildRequest, out: Path):
    """The handbook PDF's build cache, or None (no PDF, --no-cache, job descriptions only)."""
    if not request.use_cache or "pdf" not in request.formats or request.roles:
        return None
    from .write.pdf.cache import CACHE_DIR_NAME, DEFAULT_LIMIT, PrintCache

    return PrintCache(request.cache or out / CACHE_DIR_NAME,
                      DEFAULT_LIMIT if request.cache_limit is None else request.cache_limit)


@contextlib.contextmanager
def _committed(cache):
    """Commit the cache's new entries after the outputs, or forget them on a failure."""
    try:
        yield
    except BaseException:
        if cache is not None:
            cache.discard()
        raise
    if cache is not None:
        cache.commit()


def _job_descriptions(request: BuildRequest, document: Document) -> list[str]:
    """The role ids to write job descriptions for, checked before anything is built."""
    known = [role.ref.id for role in document.roles]
    if request.each_role:
        return known
    for role_id in request.roles:
        if role_id not in known:
            raise UsageError(f"--role {role_id}: no such position" + did_you_mean(role_id, known))
    return list(dict.fromkeys(request.roles))


class _JobDescriptions:
    """Writes job descriptions: a few in this process, many across every core in a pool
    that starts at once, so they are rendered while the handbook itself is."""

    _CHUNK = 6

    def __init__(self, request: BuildRequest, document: Document, root: Path,
                 targets: list[tuple[str, str, Path]], report: Progress) -> None:
        self._document, self._root, self._targets, self._report = document, root, targets, report
        self._variant = _pdf_variant(request, document)
        self._pool = None
        self._pending: list = []
        if len(targets) > self._CHUNK and (os.cpu_count() or 1) > 1:
            context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
            self._pool = ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=context,
                                             initializer=_start_worker,
                                             initargs=(request, document.diff))
            self._pending = [self._pool.submit(_worker_chunk, targets[i:i + self._CHUNK])
                             for i in range(0, len(targets), self._CHUNK)]

    def finish(self) -> None:
        """Wait for (or write) every job description; the first failure is raised."""
        step, total = "job descriptions", len(self._targets)
        if self._pool is None:
            for done, (role_id, fmt, path) in enumerate(self._targets, 1):
                _write_one(job_description(self._document, role_id), fmt, path, self._root,
                           self._variant)
                self._report(step, done, total)
            return
        done = 0
        for future in self._pending:
            done += future.result()
            self._report(step, done, total)

    def __enter__(self) -> _JobDescriptions:
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


_worker_state: dict = {}


def _start_worker(request: BuildRequest, diff: Diff | None) -> None:
    """Each worker resolves the Document once and keeps it (and WeasyPrint's caches); the
    diff of ``--changes-since`` comes from the parent, so no worker reads the old version."""
    document, root, _ = _prepare(request, diff)
    _worker_state.update(document=document, root=root, variant=_pdf_variant(request, document))


def _worker_chunk(targets: list[tuple[str, str, Path]]) -> int:
    document, root = _worker_state["document"], _worker_state["root"]
    for role_id, fmt, path in targets:
        _write_one(job_description(document, role_id), fmt, path, root, _worker_state["variant"])
    return len(targets)


def _pdf_variant(request: BuildRequest, document: Document) -> str | None:
    """``--pdf-variant``, else the default of handbook.yml or the brand (in the Style)."""
    return request.pdf_variant or document.style.pdf_variant


def _write_one(document: Document, fmt: str, path: Path, root: Path,
               variant: str | None = None) -> None:
    if fmt == "docx":
        from .write.docx import write_docx

        write_docx(document, path, root=root)
        return
    from .write.html import render_html

    html = render_html(document, root=root)
    if fmt == "html":
        path.write_text(html, encoding="utf-8")
    else:
        from .write.pdf import write_pdf

        write_pdf(document, html, path, root=root, variant=variant)


def build_document(request: BuildRequest) -> tuple[Document, Path]:
    """The resolved Document and the handbook directory, for the live preview."""
    document, root, _ = _prepare(request)
    return document, root


def _prepare(request: BuildRequest,
             diff: Diff | None = None) -> tuple[Document, Path, list[Problem]]:
    """The resolved Document; ``diff`` is the one of ``--changes-since`` when it is known."""
    handbook, warnings = load_handbook(request.directory)
    style = _style(request, handbook)
    diff = diff if diff is not None else _changes_since(request, handbook)
    return (resolve(handbook, lang=request.lang, style=style, diff=diff), handbook.root,
            warnings)


def _changes_since(request: BuildRequest, handbook: Handbook) -> Diff | None:
    """The diff from ``--changes-since`` (a handbook directory, or a git revision of the
    repository holding this one) to ``handbook``."""
    if request.changes_since is None:
        return None
    from .gitsource import handbook_at

    old = Path(request.changes_since)
    with contextlib.ExitStack() as stack:
        if not old.is_dir():
            try:
                old = stack.enter_context(handbook_at(request.changes_since, request.directory))
            except UsageError as exc:
                raise UsageError(f"--changes-since {exc}") from exc
        elif not (old / "handbook.yml").is_file():
            raise UsageError(f"--changes-since {old}: not a handbook (no handbook.yml in it)")
        older, _ = load_handbook(old)
    return compare(older, handbook)


def _output_dir(request: BuildRequest, name: str) -> Path:
    out = request.out or Path("build") / name
    content = request.directory.resolve()
    if out.resolve() == content or out.resolve().is_relative_to(content):
        raise UsageError(f"--out {out} is inside the handbook directory; choose another place")
    return out


def _style(request: BuildRequest, handbook: Handbook) -> Style:
    """Defaults for the output locale, the handbook's page and logo, then the brand on top.

    ``--brand`` wins over the handbook's own ``brand/`` directory.
    """
    source, _ = handbook.content_locale()
    locale = parse_tag(request.lang) if request.lang else source
    text = text_locale(locale, source)
    style = with_page(default_style(locale.labels, text.labels, text.region)
                      .with_(page_size=locale.page_size), handbook.page)
    if handbook.pdf_variant:
        style = style.with_(pdf_variant=handbook.pdf_variant)
    if handbook.logo:
        style = style.with_(logo=(handbook.root / handbook.logo).resolve())
    brand_dir = request.brand or (handbook.root / "brand")
    if request.brand is not None or find_brand_file(brand_dir):
        style = load_brand(brand_dir, style, text.labels)
    if request.templates is not None:
        style = style.with_(templates=request.templates.resolve())
    if request.reference_docx is not None:
        style = style.with_(reference_docx=request.reference_docx.resolve())
    return style


def _write_handbook(document: Document, formats: tuple[str, ...], out: Path, staging: Staging,
                    root: Path, report: Progress, single_pass: bool | None = None,
                    page_numbers: bool = True, pdf_variant: str | None = None,
                    cache=None) -> list[str]:
    """Write the handbook's formats; returns notices for the user."""
    notices = []
    name = document.name
    html = None
    step, total, done = "handbook", len(formats), 0
    if "html" in formats or "pdf" in formats:
        from .write.html import render_html

        html = render_html(document, root=root)
    if "html" in formats:
        staging.write_bytes(out / f"{name}.html", html.encode("utf-8"))
        done += 1
        report(step, done, total)
    if "pdf" in formats:
        from .write.pdf import write_pdf

        write_pdf(document, html, staging.path_for(out / f"{name}.pdf"), root=root,
                  single_pass=single_pass, variant=pdf_variant, cache=cache,
                  progress=lambda parts, total: report("PDF parts", parts, total))
        done += 1
        report(step, done, total)
    if "docx" in formats:
        from .write.docx import write_docx

        numbered = write_docx(document, staging.path_for(out / f"{name}.docx"), root=root,
                              page_numbers=page_numbers)
        if page_numbers and not numbered:
            notices.append("LibreOffice (soffice) was not found or failed: Word fills in the "
                           "DOCX contents' page numbers when the file opens, after asking")
        done += 1
        report(step, done, total)
    return notices

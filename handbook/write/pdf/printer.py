"""Running the print: one pass for a small page, else parts on every core, then the join.

``write_pdf`` adds what WeasyPrint needs around the page: a URL fetcher that reads nothing
outside the handbook and the built-in templates (no network) and a stable PDF identifier
for reproducible builds. For a big page it cuts the parts (``split``), prints them in a
process pool, heaviest first, with placeholder numbers, prints the numbered parts (TOC,
index) again with the real numbers while the running headers print in pieces, repeats that
if a page count moved (at most ``_ATTEMPTS`` times, then one pass), and joins (``join``).
With a ``PrintCache`` (``cache``), an unchanged page is copied from it whole, and otherwise
every part and piece whose key is in the cache is taken from it instead of printed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
import re
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from pathlib import Path

from ...document import Document
from ...pdfvariants import is_tagged
from ..html.render import builtin_templates
from .cache import PrintCache
from .dates import Dates, build_dates, restamp, undated
from .join import join_parts
from .parts import (
    MarginPiece,
    PartFacts,
    PrintJob,
    print_margins,
    print_page,
    print_part,
)
from .split import Split, split_page
from .tags import finish_single_pass

__all__ = ["write_pdf"]

# Below this much HTML the single pass is as fast as starting the workers (about 35 pages).
PARALLEL_FROM = 150_000
_MARGIN_PAGES = 150  # pages per piece of running headers and footers
_ATTEMPTS = 3
_STYLED_TOTAL = re.compile(r"counter\(\s*pages\s*,")

Progress = Callable[[int, int], None]


def _workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def write_pdf(document: Document, html: str, target: Path, *, root: Path | None = None,
              single_pass: bool | None = None, jobs: int | None = None,
              progress: Progress | None = None, variant: str | None = None,
              cache: PrintCache | None = None) -> None:
    """Print ``html`` (the page render_html made for ``document``, which already carries
    its title, author, language and dates as metadata) to ``target``.

    ``single_pass``: True prints in one pass; False in parallel parts on ``jobs`` cores
    (all by default) where the page can be cut; None decides by the page's size.
    ``progress(done, total)`` hears of each printed part. ``variant`` is WeasyPrint's PDF
    variant (pdf/ua-1, pdf/a-2u…); a tagged one keeps its structure tree in parallel too.
    ``cache`` keeps what is printed for the next build (its ``commit`` is the caller's, once
    the build succeeded)."""
    allowed = (builtin_templates(),) + ((Path(root),) if root is not None else ())
    dates, fixed = build_dates(html), undated(html)
    job = PrintJob(html=html, target=Path(target), allowed=allowed,
                   base_url=(Path(root).resolve().as_uri() + "/") if root is not None else None,
                   identifier=_identifier(fixed), variant=variant)
    jobs = jobs or _workers()
    split = None
    if single_pass is None:
        single_pass = jobs < 2 or len(html) < PARALLEL_FROM
    whole = cache.key("pdf", dataclasses.replace(job, html=fixed), single_pass, _MARGIN_PAGES,
                      _ATTEMPTS) if cache else ""
    if cache is not None and _reuse_whole(cache, whole, job.target, dates):
        return
    if not single_pass:
        split = split_page(fixed)
    printed = False
    if split is not None and len(split.parts) >= 3:
        try:
            files = _ParallelPrint(job, split, jobs, progress or (lambda done, total: None),
                                   cache, dates).run()
            printed = True
        except _Unsettled:
            pass  # rare: page numbers that keep moving a line; the single pass settles them
    if not printed:
        files = print_page(job)
        if is_tagged(variant):
            finish_single_pass(job.target)
    if cache is not None:
        cache.stats["printed", "pdf"] += 1
        cache.store(whole, job.target, dates, files)


def _reuse_whole(cache: PrintCache, key: str, target: Path, dates: Dates) -> bool:
    """Copy the whole PDF from the cache, stamped with this build's dates (see dates)."""
    printed_on = cache.load(key, target)
    if printed_on is None:
        return False
    if printed_on != dates:
        restamp(target, dates)
    cache.stats["reused", "pdf"] += 1
    return True


def _identifier(html: str) -> bytes:
    """The PDF /ID from the page printed, without its dates (see dates): the same page
    gives the same bytes, a changed one a new identifier."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")


class _Unsettled(Exception):
    """The parts with page numbers kept changing their page count."""


def _pool(jobs: int) -> ProcessPoolExecutor:
    """Workers forked from a small server process that has WeasyPrint loaded: they start
    fast and do not carry a copy of this process's memory."""
    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows
        return ProcessPoolExecutor(max_workers=jobs,
                                   mp_context=multiprocessing.get_context("spawn"))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["handbook.write.pdf.parts"])
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context)


class _ParallelPrint:
    """One parallel printing of a split page (steps 2–4 of the module docstring)."""

    def __init__(self, job: PrintJob, split: Split, jobs: int, progress: Progress,
                 cache: PrintCache | None, dates: Dates) -> None:
        self.job, self.split, self.jobs, self.progress = job, split, jobs, progress
        self.cache, self.dates = cache, dates
        self.keys: dict[Future, tuple[str, str, Path]] = {}  # printed: kind, key, PDF
        self.done = self.total = 0
        # Placeholder numbers as wide as the real ones will about be.
        self.placeholder = "0" * len(str(sum(part.weight for part in split.parts) // 60 + 1))

    def run(self) -> list | None:
        """Print and join; the files outside the HTML that the parts used (None: unknown)."""
        with tempfile.TemporaryDirectory(prefix="handbook-pdf-") as temp, \
                _pool(self.jobs) as pool:
            self.temp = Path(temp)
            self.faces = self.temp / "faces"
            self.faces.mkdir()
            parts = self.split.parts
            heaviest_first = sorted(range(len(parts)), key=lambda i: -parts[i].weight)
            printed = self._gather({self._print_part(pool, i, {}): i for i in heaviest_first})
            facts = [printed[i] for i in range(len(parts))]
            margins = self._number(pool, facts)
            join_parts([self._part_pdf(i) for i in range(len(parts))], facts,
                       [part.anchors for part in parts],
                       [self._margins_pdf(k) for k in range(len(margins))], margins,
                       self.job.target, self.faces, self.dates,
                       tagged=is_tagged(self.job.variant))
        return _all_files(facts + margins)

    def _number(self, pool: ProcessPoolExecutor, facts: list[PartFacts]) -> list[PartFacts]:
        """Print the numbered parts with real page numbers and, at the same time, the
        running headers and footers in pieces, until no page count moves (a number wider
        than its placeholder can push a line over); the facts of the pieces."""
        numbered = [i for i, part in enumerate(self.split.parts) if part.numbered]
        for _ in range(_ATTEMPTS):
            pages = _anchor_pages(self.split, facts)
            pieces = _margin_pieces(facts, self.split.head)
            futures = {self._print_part(pool, i, pages): ("part", i) for i in numbered}
            futures.update({self._submit(pool, "margins", print_margins,
                                         self._job(self.split.head, self._margins_pdf(k)),
                                         piece, keyed=_margin_inputs(piece)):
                            ("margins", k) for k, piece in enumerate(pieces)})
            printed = self._gather(futures)
            moved = any(len(printed["part", i].pages) != len(facts[i].pages) for i in numbered)
            for index in numbered:
                facts[index] = printed["part", index]
            if not moved:
                return [printed["margins", k] for k in range(len(pieces))]
        raise _Unsettled()

    def _print_part(self, pool: ProcessPoolExecutor, index: int, pages: dict[str, int]):
        html = self.split.parts[index].with_pages(pages, self.placeholder)
        return self._submit(pool, "part", print_part, self._job(html, self._part_pdf(index)))

    def _submit(self, pool: ProcessPoolExecutor, kind: str, function, job: PrintJob,
                *args, keyed: object = None) -> Future:
        """``function(job, *args)`` in the pool, or a done future with the cached facts;
        ``keyed`` is what the key takes of ``args``."""
        if self.cache is None:
            return pool.submit(function, job, *args)
        key = self.cache.key(kind, job, keyed)
        facts = self.cache.load(key, job.target, self.faces)
        if facts is not None:
            self.cache.stats["reused", kind] += 1
            future: Future = Future()
            future.set_result(facts)
            return future
        self.cache.stats["printed", kind] += 1
        future = pool.submit(function, job, *args)
        self.keys[future] = (kind, key, job.target)
        return future

    def _gather(self, futures: dict) -> dict:
        """The results of ``futures`` by their keys, reporting progress as they come."""
        self.total += len(futures)
        results = {}
        try:
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                self._remember(future)
                self.done += 1
                self.progress(self.done, self.total)
        except BaseException:
            for future in futures:  # fail now, not after every part is printed
                future.cancel()
            raise
        return results

    def _remember(self, future: Future) -> None:
        """Stage a part or piece just printed in the cache."""
        if future in self.keys:
            _, key, target = self.keys.pop(future)
            facts = future.result()
            self.cache.store(key, target, facts, facts.files, self.faces)

    def _job(self, html: str, target: Path) -> PrintJob:
        """A part's job: its own identifier (the joined PDF gets its /ID from the join), so
        that an unchanged part keeps its key when another changes."""
        return dataclasses.replace(self.job, html=html, target=target,
                                   identifier=_identifier(html), faces_dir=self.faces)

    def _part_pdf(self, index: int) -> Path:
        return self.temp / f"part-{index:04d}.pdf"

    def _margins_pdf(self, index: int) -> Path:
        return self.temp / f"margins-{index:04d}.pdf"


def _margin_inputs(piece: MarginPiece) -> tuple:
    """What ``print_margins`` reads of a piece (not the anchors, bookmarks or characters
    of its pages, which a shifted paragraph changes but the margins do not show)."""
    return ([(page.name, page.strings, page.width, page.height) for page in piece.pages],
            piece.first, piece.total, piece.carried, piece.previous)


def _all_files(facts: list[PartFacts]) -> list | None:
    """The union of the parts' files, or None when one part's are unknown."""
    if any(part.files is None for part in facts):
        return None
    return sorted({file for part in facts for file in part.files})


def _margin_pieces(facts: list[PartFacts], head: str) -> list[MarginPiece]:
    """The handbook's pages in a few pieces for the running headers and footers, each
    with the string values set before it. One piece when the CSS styles the total page
    count (``counter(pages, upper-roman)``), which a piece cannot write as a plain number."""
    pages = [page for part in facts for page in part.pages]
    size = len(pages) if _STYLED_TOTAL.search(head) else _MARGIN_PAGES
    pieces, carried = [], {}
    for start in range(0, len(pages), size):
        pieces.append(MarginPiece(pages=pages[start:start + size], first=start + 1,
                                  total=len(pages), carried=list(carried.items()),
                                  previous=pages[start - 1].name if start else ""))
        for page in pages[start:start + size]:
            carried.update(page.strings)
    return pieces


def _anchor_pages(split: Split, facts: list[PartFacts]) -> dict[str, int]:
    """The page number of every anchor, from the part that holds it."""
    pages: dict[str, int] = {}
    number = 0
    for part, part_facts in zip(split.parts, facts, strict=True):
        for page in part_facts.pages:
            number += 1
            for anchor in page.anchors:
                if anchor in part.anchors:
                    pages.setdefault(anchor, number)
    return pages

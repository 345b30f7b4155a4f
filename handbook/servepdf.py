"""The live preview's PDF: rebuilt in the background after each save, so it is ready when the
preview's PDF link is clicked.

One worker thread has the PDF built, in a process of its own so that the HTML preview
never waits for the interpreter lock, with the build cache (``write/pdf/cache.py``), which holds
every part printed before: after an edit only the parts that changed are printed again, and
a save that changes nothing prints nothing. Saves that arrive while a PDF is being built are
coalesced: the running build is superseded (its PDF is never shown as the current one) and
one build of the newest content follows it. A running build is not interrupted: the parts it
prints enter the cache and make the next build quick, where a cancelled build would throw
them away. The HTML preview never waits for any of this.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .build import BuildRequest, build
from .errors import ContentError, HandbookError

__all__ = ["PdfPreview", "PdfState"]


@dataclass(frozen=True)
class PdfState:
    """What the corner of the preview says about the PDF: ``state`` is "building",
    "ready" or "failed"; ``finished`` is when the PDF shown (or the failure) was made."""

    state: str
    finished: dt.datetime | None = None
    error: str | None = None


class PdfPreview:
    """The newest PDF of ``request``'s handbook, built by one background thread into
    ``out`` with the build cache in ``cache``. ``builds`` counts the builds started;
    ``stats`` are the build cache's counts of the last build finished (printed and reused
    parts and whole PDFs, see ``PrintCache``)."""

    def __init__(self, request: BuildRequest, out: Path, cache: Path) -> None:
        self._request = replace(request, formats=("pdf",), out=out, cache=cache)
        self._changed = threading.Condition()
        self._wanted = 0  # the newest save's number
        self._built = 0  # the save number of the PDF in ``_path`` (0: none yet)
        self._pdf: bytes | None = None
        self._state = PdfState("building")
        self._stopped = False
        self._thread = threading.Thread(target=self._work, daemon=True)
        # One process, started once (WeasyPrint stays imported); spawned, as this one has
        # threads. Its own part printers are its children.
        self._process = ProcessPoolExecutor(max_workers=1,
                                            mp_context=multiprocessing.get_context("spawn"))
        self.builds = 0
        self.stats: Counter = Counter()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()
        self._thread.join(timeout=5)  # a thread waiting on a running build is a daemon
        self._process.shutdown(wait=False, cancel_futures=True)  # a running build ends alone

    def saved(self) -> None:
        """The handbook was saved: build the PDF of what is on disk now (in the background)."""
        with self._changed:
            self._wanted += 1
            self._state = replace(self._state, state="building")
            self._changed.notify_all()

    def state(self) -> PdfState:
        with self._changed:
            return self._state

    def latest(self, timeout: float = 600.0) -> bytes | None:
        """The newest PDF built; before the first one, waits for it. None: none was made
        (the content has errors, or ``timeout`` passed)."""
        with self._changed:
            self._changed.wait_for(lambda: self._pdf is not None or self._stopped
                                   or self._state.state == "failed", timeout)
            return self._pdf

    def _work(self) -> None:
        """Build whenever a save is newer than the PDF, until stopped."""
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._stopped or self._wanted > self._built)
                if self._stopped:
                    return
                number = self._wanted
                self.builds += 1
            try:
                pdf, error, stats = self._process.submit(_build, self._request).result()
            except RuntimeError:  # stopped: the process no longer takes builds
                return
            except Exception as exc:  # noqa: BLE001 - shown in the corner, not as a traceback
                if self._stopped:  # stop() removed the directory the build was writing to
                    return
                pdf, error, stats = None, f"internal error ({type(exc).__name__}: {exc})", Counter()
            with self._changed:
                self._built, self.stats = number, stats
                if number == self._wanted:  # else superseded: build again, keep the old PDF
                    now = dt.datetime.now().astimezone()
                    if pdf is not None:
                        self._pdf, self._state = pdf, PdfState("ready", now)
                    else:
                        self._state = PdfState("failed", now, error)
                self._changed.notify_all()


def _build(request: BuildRequest) -> tuple[bytes | None, str | None, Counter]:
    """One cached build of the PDF (in the build process): its bytes (the next build
    replaces the file) or None and why not, and the cache's counts."""
    try:
        result = build(request)
    except ContentError as exc:
        return None, str(exc.problems[0]) if exc.problems else str(exc), Counter()
    except HandbookError as exc:
        return None, str(exc), Counter()
    return result.written[0].read_bytes(), None, result.cache_stats

"""The chart PNGs drawn on every core while the rest of the Word handbook is built.

A handbook's charts are most of the work of its DOCX, and each is drawn on its own, in a
worker process (Pango and fontconfig keep state per process). The writer places a
chart by its SVG's size, so it needs the PNG's bytes only when the package is saved: each
chart's PNG part holds a future, and the package reads it then.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import Future, ProcessPoolExecutor

from docx.opc.part import Part

__all__ = ["LaterPart", "draw"]

# Fewer charts than this are drawn here: starting the workers would cost more than it saves.
_POOL_FROM = 4


def draw(svgs: list[bytes], dpi: int) -> list[Future]:
    """A future PNG of each of ``svgs`` at ``dpi``, being drawn across the cores this process
    may use (in this process, before returning, when there are few charts or one core)."""
    jobs = min(_cores(), len(svgs))
    if jobs < 2 or len(svgs) < _POOL_FROM:
        return [_done(_draw_one(svg, dpi)) for svg in svgs]
    # fork: a worker needs nothing but librsvg and starts in milliseconds; all workers are
    # started at the first submit, before the executor starts its own thread.
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
    try:
        return [pool.submit(_draw_one, svg, dpi) for svg in svgs]
    finally:
        pool.shutdown(wait=False)  # the workers finish what was submitted, then exit


class LaterPart(Part):
    """A package part whose bytes, a future's result, are asked for when it is saved."""

    def __init__(self, partname, content_type: str, future: Future, package) -> None:
        super().__init__(partname, content_type, package=package)
        self._future = future

    @property
    def blob(self) -> bytes:
        return self._future.result()


def _draw_one(svg: bytes, dpi: int) -> bytes:
    from .images import rasterize

    return rasterize([svg], dpi)[0]


def _done(png: bytes) -> Future:
    future: Future = Future()
    future.set_result(png)
    return future


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1

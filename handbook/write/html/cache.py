"""Reuse of the unchanged parts of the HTML page between renders, for ``handbook serve``.

A position's page (the ``role_page`` block) is most of the HTML, and an edit changes one or
a few of them. The first render of a role page records every template variable it reads
(its role, department, labels …); the next render reuses the page's HTML when all of those
variables hold equal values and no template file changed. Equal values and equal templates
make the same HTML, so a reused page is never stale: a changed title is part of the value of
every role that links to it. What cannot be compared this way (a loop object, a macro,
a picture read from disk) makes that page render afresh every time.

A department's own block (its head, function and staffing table, the ``department`` block)
is kept the same way, under its own name: it is most of what is left of the page.

Also kept here: the org-chart SVGs of the last render, keyed by what draws them.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import functools
import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import PurePath

import jinja2
from jinja2.runtime import Context, missing
from markupsafe import Markup

from ... import orgchart
from ...document import (
    Columns,
    DutyRow,
    KpiRow,
    RevisionRow,
    RoleRef,
    RoleSection,
    StaffRow,
    TocEntry,
)
from ...labels import Labels
from ...markdown import Markdown
from ...style import FontFace, Style
from .assets import ChartFigure

__all__ = ["PageCache", "TracingContext", "untraceable"]

# The variable reads of the role page being rendered (None: no page is being recorded).
_TRACE: contextvars.ContextVar[_Trace | None] = contextvars.ContextVar("handbook_html_trace",
                                                                      default=None)
# Fields that only repeat another field in a form that is quicker to use.
_DERIVED = {(Markdown, "tokens")}
# Records whose repr shows every field, each plain data or another such record: the repr
# is a complete print (Markdown's leaves out only its tokens, parsed from its source).
_RECORDS = {RoleSection, RoleRef, DutyRow, KpiRow, RevisionRow, StaffRow, TocEntry, Columns,
            Markdown, FontFace, Style, ChartFigure, orgchart.ChartPage}


class _Trace:
    def __init__(self) -> None:
        self.reads: list[tuple[str, object]] = []
        self.cacheable = True


class TracingContext(Context):
    """Jinja's template context, telling a recording role page which variables it read.

    Every variable a template uses is looked up here (blocks, includes and imports with
    context alike), so the record is complete; outside a recording it only looks up.
    """

    def resolve_or_missing(self, key: str):
        value = super().resolve_or_missing(key)
        trace = _TRACE.get()
        if trace is not None:
            trace.reads.append((key, value))
        return value


def untraceable(function: Callable) -> Callable:
    """``function`` reads something templates cannot compare (a picture file): a role page
    that calls it while being recorded is rendered afresh every time."""

    @functools.wraps(function)
    def call(*args, **kwargs):
        trace = _TRACE.get()
        if trace is not None:
            trace.cacheable = False
        return function(*args, **kwargs)

    return call


class _Unknown(Exception):
    """A value whose equality says nothing about the HTML it makes."""


class PageCache:
    """What one ``serve`` keeps between renders of its page; one render at a time.

    ``rendered`` and ``reused`` count the role pages of the last render; ``counts`` every
    kept block's, by (block, "rendered" or "reused").
    """

    block = "role_page"
    blocks = (block, "department")  # the blocks kept between renders

    def __init__(self) -> None:
        self.figures: dict = {}  # org-chart SVGs by what draws them (see chart_figures)
        self.marks: dict = {}  # the page's pieces with their languages marked (langmarks)
        self.rendered = 0
        self.reused = 0
        self.counts: Counter[tuple[str, str]] = Counter()
        self._stamp: bytes | None = None
        self._shapes: dict[str, dict[tuple[str, ...], None]] = {}
        self._pages: dict[tuple, str] = {}
        self._records: dict[int, tuple[object, bytes | None]] = {}

    def render(self, template: jinja2.Template, variables: dict, *, stamp: bytes,
               vouched: dict[str, object]) -> str:
        """``template.render(variables)`` reusing role pages of the last render.

        ``stamp`` identifies the template files (any change drops every page);
        ``vouched`` names variables whose value the caller guarantees makes the same HTML
        while the stamp holds (the macros, the Markdown renderer), by a fingerprint.
        """
        if stamp != self._stamp:
            self._stamp, self._shapes, self._pages, self._records = stamp, {}, {}, {}
        self.counts = Counter()
        render = _Render(self, template.environment, variables, vouched)
        context = template.new_context(variables)
        context.blocks = _Blocks(context.blocks, self.blocks, render.block)
        try:
            page = template.environment.concat(template.root_render_func(context))
        except Exception:
            template.environment.handle_exception()
        self._pages = render.pages  # only what this render used: memory stays bounded
        self._records = render.records
        self._shapes = {}
        for block, (names, _) in render.pages:
            self._shapes.setdefault(block, {})[names] = None
        self.rendered = self.counts[self.block, "rendered"]
        self.reused = self.counts[self.block, "reused"]
        return page


class _Render:
    """One render: the role pages it used and the fingerprints of its values."""

    def __init__(self, cache: PageCache, env: jinja2.Environment, variables: dict,
                 vouched: dict[str, object]) -> None:
        self.cache = cache
        self.concat = env.concat
        self.pages: dict[tuple, str] = {}
        self._fixed = {id(value): ("global", name) for name, value in env.globals.items()}
        self._fixed.update((id(variables[name]), ("vouched", name, fingerprint))
                           for name, fingerprint in vouched.items())
        self._prints: dict[int, tuple[object, bytes | None]] = {}
        # Prints of records (see _RECORDS; none is changed once made) from the last render:
        # resolve hands back the very RoleSection of an unchanged position.
        self.records: dict[int, tuple[object, bytes | None]] = {}
        self._last_records = cache._records

    def block(self, name: str, original: Callable[[Context], Iterator[str]],
              context: Context):
        """The block's HTML: the last render's when its inputs are equal, else rendered."""
        if _TRACE.get() is not None:  # a kept block inside a kept block: the outer records
            return original(context)
        for names in self.cache._shapes.get(name, ()):
            key = self._key(name, names, context)
            page = self.cache._pages.get(key) if key is not None else None
            if page is not None:
                self.pages[key] = page
                self.cache.counts[name, "reused"] += 1
                return (page,)
        trace = _Trace()
        token = _TRACE.set(trace)
        try:
            page = self.concat(original(context))
        finally:
            _TRACE.reset(token)
        self.cache.counts[name, "rendered"] += 1
        if trace.cacheable:
            names = tuple(dict.fromkeys(read for read, value in trace.reads
                                        if value is context.resolve_or_missing(read)))
            key = self._key(name, names, context)
            if key is not None:
                self.pages[key] = page
        return (page,)

    def _key(self, block: str, names: tuple[str, ...], context: Context) -> tuple | None:
        """The block, the names it read and their values' prints; None if one cannot be
        compared.

        Only reads of the page's own inputs count (a nested block's loop variable is not
        one): everything else the page computes from them.
        """
        try:
            return block, (names, tuple(self._print(context.resolve_or_missing(name))
                                        for name in names))
        except _Unknown:
            return None

    def _print(self, value) -> object:
        """A small, typed stand-in for the value: equal prints make equal HTML.

        Plain values stand for themselves; anything larger by a digest of its parts, worked
        out once per render (so a department's print reuses its roles').
        """
        kind = type(value)
        if kind is str:
            return value
        if kind in (int, float, bool) or value is None:
            return kind.__name__, value
        if value is missing:
            return ("missing",)
        fixed = self._fixed.get(id(value))
        if fixed is not None:
            return fixed
        known = self._prints.get(id(value))
        if known is None or known[0] is not value:
            known = self._last_records.get(id(value)) if kind in _RECORDS else None
            if known is None or known[0] is not value:
                try:
                    known = value, _digest(self._parts(kind, value))
                except _Unknown:
                    known = value, None
            self._prints[id(value)] = known  # the value is kept: its id stays its own
            if kind in _RECORDS:
                self.records[id(value)] = known
        if known[1] is None:
            raise _Unknown(kind)
        return known[1]

    def _parts(self, kind: type, value) -> str:
        """The value's type and contents as text."""
        if kind is Markup or kind in _RECORDS:
            return repr(value)
        if kind in (list, tuple):
            return repr((kind.__name__, *(self._print(item) for item in value)))
        if kind in (dict, Labels):
            return repr((kind.__name__, *((self._print(k), self._print(v))
                                          for k, v in value.items())))
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return repr((kind.__module__, kind.__qualname__,
                         *(self._print(getattr(value, name)) for name in _fields(kind))))
        if isinstance(value, (PurePath, dt.date, dt.time)):
            return repr(value)
        raise _Unknown(kind)


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest()


@functools.cache
def _fields(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind) if (kind, f.name) not in _DERIVED)


class _StandIn:
    """The cached block in place of the template's: equal to it, so ``super()`` still finds
    the block above it."""

    def __init__(self, original: Callable, render: Callable) -> None:
        self.original = original
        self._render = render

    def __call__(self, context: Context):
        return self._render(self.original, context)

    def __eq__(self, other) -> bool:
        return other is self or other is self.original

    __hash__ = None


class _Blocks(dict):
    """The page context's blocks; the cached block is handed out as its stand-in.

    Jinja looks a block up here each time it is called (and a child template adds its
    parent's blocks here first); blocks nested in a block get a plain copy of this dict.
    """

    def __init__(self, blocks: dict, names: tuple[str, ...], render: Callable) -> None:
        super().__init__(blocks)
        self._names = names
        self._render = render

    def __getitem__(self, name: str) -> list:
        blocks = super().__getitem__(name)
        if name not in self._names:
            return blocks
        return [_StandIn(blocks[0], functools.partial(self._render, name)), *blocks[1:]]

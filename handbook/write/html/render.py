"""The HTML handbook: one self-contained page laid out from the resolved Document.

Jinja templates lay the Document out: the handbook's own ``templates/`` directory first,
then the built-in ones, so an agency can ``{% extends "handbook.html.j2" %}`` and replace a
single block (``cover``, ``role_header`` …). Styles, org-chart SVGs and pictures are inlined,
so the file needs no network; the PDF writer prints this same page with WeasyPrint.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2

from ... import __version__
from ...document import SEAT_COLUMNS, Document, TocEntry
from ...errors import HandbookError, Location
from .assets import chart_figures, image_uri, markdown_image
from .cache import PageCache, TracingContext, untraceable
from .css import (
    css_string,
    css_values,
    css_variables,
    page_geometry,
    page_of_content,
    safe_css,
)
from .langmarks import mark_languages
from .markdown import MarkdownHtml

__all__ = ["BLOCKS", "TEMPLATE", "TemplateProblem", "builtin_templates", "environment",
           "render_html", "toc_tree"]

TEMPLATE = "handbook.html.j2"
MACROS = "macros.html.j2"
STYLESHEET = "handbook.css"
BUILTIN_PREFIX = "builtin"
# The blocks of handbook.html.j2 an agency can replace, in print order.
BLOCKS = ("styles", "running_header", "footer", "cover", "document_control",
          "revision_history", "toc", "intro", "org_chart", "department", "staffing_table",
          "role_page", "role_header", "duty_table", "requirements", "kpis", "competencies",
          "working_conditions", "appendix")


class TemplateProblem(HandbookError):
    """A template cannot be found, parsed or run; the message names the file and line."""


def builtin_templates() -> Path:
    """The directory of the built-in templates and print CSS (``handbook.templates``)."""
    return Path(str(resources.files("handbook.templates")))


def render_html(document: Document, *, root: Path | None = None,
                cache: PageCache | None = None) -> str:
    """The handbook as one HTML page; ``root`` is the handbook directory.

    ``cache`` (the live preview's) reuses what the last render made from equal inputs; the
    page is the same as without it.
    """
    root = Path(root) if root is not None else None
    own = document.style.templates or (root / "templates" if root else None)
    env = environment(own)
    try:
        template = env.get_template(TEMPLATE)
        context = _context(document, root, env, cache)
        if cache is None:
            page = template.render(context)
        else:
            vouched = {"m": MACROS, "md": str(root)}
            page = cache.render(template, context, stamp=_template_stamp(own), vouched=vouched)
        return mark_languages(page, document.language_tag, cache.marks if cache else None)
    except HandbookError:
        raise
    except Exception as exc:  # a user's template can fail in any way: one clear line
        problem = _problem(exc)
        if problem is None:  # not in a template: a bug of ours, with its traceback
            raise
        raise problem from None


# --- the Jinja environment -----------------------------------------------------------------


class _HandbookTemplates(jinja2.FileSystemLoader):
    """A handbook's own ``templates/``. A template there that extends (or imports) its own
    name means the built-in template of that name, so ``handbook.html.j2`` can start with
    ``{% extends "handbook.html.j2" %}`` and replace one block."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        pattern = re.compile(r"({%-?\s*(?:extends|import|from|include)\s+)([\"'])"
                             + re.escape(template) + r"\2")
        source = pattern.sub(lambda m: f"{m[1]}{m[2]}{BUILTIN_PREFIX}/{template}{m[2]}",
                             source)
        return source, filename, uptodate


def environment(own: Path | None = None) -> jinja2.Environment:
    """Templates from ``own`` (the handbook's ``templates/`` or ``--templates``) first,
    then the built-in ones (also reachable as ``builtin/<name>``); autoescape on."""
    return _environment(own if own is not None and own.is_dir() else None)


@functools.lru_cache(maxsize=16)
def _environment(own: Path | None) -> jinja2.Environment:
    """One environment per template directory, so templates compile once per process (job
    descriptions, the live preview); Jinja still reloads a template whose file changed."""
    builtin = jinja2.FileSystemLoader(str(builtin_templates()))
    loaders: list[jinja2.BaseLoader] = []
    if own is not None:
        loaders.append(_HandbookTemplates(str(own)))
    loaders += [jinja2.PrefixLoader({BUILTIN_PREFIX: builtin}), builtin]
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.context_class = TracingContext  # lets a PageCache see what a role page reads
    env.filters["num"] = _number
    env.filters["css_string"] = css_string
    return env


def _template_stamp(own: Path | None) -> bytes:
    """A digest of every template file the page may use (the handbook's own and the
    built-in ones): a cached part of the page lives only as long as its templates."""
    digest = hashlib.blake2b(digest_size=20)
    for directory in [d for d in (own, builtin_templates()) if d is not None and d.is_dir()]:
        digest.update(f"{directory}\0".encode())
        for path in sorted(p for p in directory.rglob("*")
                           if p.is_file() and "__pycache__" not in p.parts):
            digest.update(f"{path.relative_to(directory)}\0".encode())
            digest.update(path.read_bytes())
    return digest.digest()


class _Macros:
    """The handbook's own macros over the built-in ones: an override of a few macros keeps
    the others, including those a later version of handbook adds and its template calls."""

    def __init__(self, own, builtin) -> None:
        self._own, self._builtin = own, builtin

    def __getattr__(self, name: str):
        return getattr(self._own, name, None) or getattr(self._builtin, name)


def _macros(env: jinja2.Environment):
    own = env.get_template(MACROS)
    builtin = env.get_template(f"{BUILTIN_PREFIX}/{MACROS}")
    if own.filename == builtin.filename:
        return builtin.module
    return _Macros(own.module, builtin.module)


def _context(document: Document, root: Path | None, env: jinja2.Environment,
             cache: PageCache | None) -> dict:
    style = document.style
    labels = document.labels
    stylesheet, _, _ = env.loader.get_source(env, STYLESHEET)
    departments = {d.id: index for index, d in enumerate(document.departments)}
    values = css_values(style, document.palette, document.lang)
    return {
        "document": document,
        "jd": document.job_description,
        "labels": labels,
        "style": style,
        "columns": document.columns,
        "seat_columns": SEAT_COLUMNS,
        "m": _macros(env),
        "md": MarkdownHtml(untraceable(lambda src: markdown_image(src, root))),
        "toc": toc_tree(document.toc),
        "roles_by_id": {role.ref.id: role for role in document.roles},
        "department_index": departments,
        "charts": chart_figures(document, cache.figures if cache else None),
        "logo": image_uri(style.logo, style.cjk_font),
        "cover_image": image_uri(style.cover_image, style.cjk_font),
        "css_variables": css_variables(values, style, [
            (document.palette.department(d.id), document.palette.department_text(d.id))
            for d in document.departments]),
        "stylesheet": safe_css(stylesheet),
        "page": page_geometry(style),
        "running": {
            "title": css_string(document.title),
            "document": css_string(f"{document.document_number} · {labels['version']} "
                                   f"{document.version}"),
            "footer": css_string(style.footer or ""),
            "page_of": page_of_content(labels),
        },
        "created": document.created.isoformat(),
        "generator": f"handbook {__version__}",
    }


# --- the table of contents -----------------------------------------------------------------


@dataclass
class TocNode:
    entry: TocEntry
    children: list[TocNode] = field(default_factory=list)


def toc_tree(entries: list[TocEntry]) -> list[TocNode]:
    """The flat TOC nested by level, for nested lists (one pass, no quadratic walk)."""
    top: list[TocNode] = []
    stack: list[tuple[int, list[TocNode]]] = [(0, top)]
    for entry in entries:
        node = TocNode(entry)
        while stack[-1][0] >= entry.level:
            stack.pop()
        stack[-1][1].append(node)
        stack.append((entry.level, node.children))
    return top


# --- small helpers -------------------------------------------------------------------------


def _number(value) -> str:
    """25.0 -> "25", 12.5 -> "12.5"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _problem(exc: Exception) -> TemplateProblem | None:
    """One line naming the template file and line, instead of a traceback."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = _where(exc.filename or exc.name or "?", exc.lineno)
        return TemplateProblem(f"{where}: template syntax error: {exc.message}")
    if isinstance(exc, jinja2.TemplateNotFound):
        return TemplateProblem(f"template not found: {exc.name}")
    frame = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".j2", ".jinja", ".html", ".css")):
            frame = (filename, tb.tb_lineno)
        tb = tb.tb_next
    if frame is None:
        return None
    message = str(exc) or type(exc).__name__
    return TemplateProblem(f"{_where(*frame)}: template error: {message}")


def _where(filename: str, line: int | None) -> str:
    return str(Location(Path(filename), line or 1)).rsplit(":", 1)[0]

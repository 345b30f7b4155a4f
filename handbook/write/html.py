"""The HTML handbook: one self-contained page laid out from the resolved Document.

Jinja templates lay the Document out: the handbook's own ``templates/`` directory first,
then the built-in ones, so an agency can ``{% extends "handbook.html.j2" %}`` and replace a
single block (``cover``, ``role_header`` …). Styles, org-chart SVGs and pictures are inlined,
so the file needs no network; the PDF writer prints this same page with WeasyPrint.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from .. import __version__
from ..document import Document, TocEntry
from ..errors import HandbookError, Location
from ..sanitize import UnsafeSvg, clean_svg
from .html_css import css_string, css_variables, page_geometry, page_of_content, safe_css
from .html_markdown import MarkdownHtml

__all__ = ["BLOCKS", "TEMPLATE", "TemplateProblem", "builtin_templates", "environment",
           "render_html"]

TEMPLATE = "handbook.html.j2"
MACROS = "macros.html.j2"
STYLESHEET = "handbook.css"
BUILTIN_PREFIX = "builtin"
# The blocks of handbook.html.j2 an agency can replace, in print order.
BLOCKS = ("styles", "running_header", "footer", "cover", "document_control",
          "revision_history", "toc", "intro", "org_chart", "department", "staffing_table",
          "role_page", "role_header", "duty_table", "requirements", "kpis", "competencies",
          "working_conditions", "appendix")

_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".gif": "image/gif", ".webp": "image/webp", ".svg": "image/svg+xml"}
_IMAGE_LIMIT = 8 * 1024 * 1024


class TemplateProblem(HandbookError):
    """A template cannot be found, parsed or run; the message names the file and line."""


def builtin_templates() -> Path:
    """The directory of the built-in templates and print CSS (``handbook.templates``)."""
    return Path(str(resources.files("handbook.templates")))


def render_html(document: Document, *, root: Path | None = None) -> str:
    """The handbook as one HTML page; ``root`` is the handbook directory."""
    root = Path(root) if root is not None else None
    env = environment(root)
    try:
        template = env.get_template(TEMPLATE)
        context = _context(document, root, env)
        return template.render(context)
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


def environment(root: Path | None = None) -> jinja2.Environment:
    """Templates from ``root/templates`` first, then the built-in ones (also reachable as
    ``builtin/<name>``); autoescape on."""
    builtin = jinja2.FileSystemLoader(str(builtin_templates()))
    loaders: list[jinja2.BaseLoader] = []
    own = root / "templates" if root is not None else None
    if own is not None and own.is_dir():
        loaders.append(_HandbookTemplates(str(own)))
    loaders += [jinja2.PrefixLoader({BUILTIN_PREFIX: builtin}), builtin]
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["num"] = _number
    env.filters["css_string"] = css_string
    return env


def _context(document: Document, root: Path | None, env: jinja2.Environment) -> dict:
    style = document.style
    labels = document.labels
    stylesheet, _, _ = env.loader.get_source(env, STYLESHEET)
    departments = {d.id: index for index, d in enumerate(document.departments)}
    return {
        "document": document,
        "labels": labels,
        "style": style,
        "columns": document.columns,
        "m": env.get_template(MACROS).module,
        "md": MarkdownHtml(lambda src: _markdown_image(src, root)),
        "toc": toc_tree(document.toc),
        "roles_by_id": {role.ref.id: role for role in document.roles},
        "department_index": departments,
        "charts": _charts(document),
        "logo": _image_uri(style.logo),
        "cover_image": _image_uri(style.cover_image),
        "css_variables": css_variables(style, document.lang, len(document.departments)),
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


# --- org charts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartFigure:
    """One chart page: the inline SVG, its caption, alt text and orientation."""

    svg: Markup
    caption: str
    alt: str
    landscape: bool
    kind: str


def _charts(document: Document) -> list[ChartFigure]:
    if not document.charts:
        return []
    from .. import orgchart

    labels = document.labels
    names = {d.id: d.name for d in document.departments}
    figures = []
    for page in document.charts:
        kind = getattr(page, "kind", "full")
        department = getattr(page, "department", None)
        if kind == "department" and department in names:
            caption = labels.fmt("org_department_chart", name=names[department])
        elif kind == "overview":
            caption = labels["org_overview"]
        else:
            caption = labels["org_chart"]
        titles = _chart_titles(page)
        alt = (labels.fmt("chart_alt", caption=caption,
                          roles=labels["list_separator"].join(titles)) if titles else caption)
        svg = orgchart.to_svg(page, lang=document.lang)
        figures.append(ChartFigure(Markup(_bare_svg(svg)), caption, alt,
                                   bool(getattr(page, "landscape", False)), kind))
    return figures


def _chart_titles(page) -> list[str]:
    layout = getattr(page, "layout", None)
    nodes = getattr(layout, "nodes", None) or getattr(page, "nodes", None) or []
    if isinstance(nodes, dict):
        nodes = list(nodes.values())
    titles = (getattr(node, "title", None) or getattr(getattr(node, "node", None), "title", None)
              for node in nodes)
    return [str(title) for title in titles if title]


def _bare_svg(svg: str) -> str:
    """An SVG document as an element to inline: no XML declaration, no doctype."""
    return re.sub(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", "", svg)


# --- pictures ------------------------------------------------------------------------------


def _image_uri(path: Path | None) -> str | None:
    """A picture file as a data: URI (an SVG cleaned of anything active first)."""
    if path is None:
        return None
    path = Path(path)
    mime = _IMAGE_TYPES.get(path.suffix.lower())
    if mime is None or not path.is_file() or path.stat().st_size > _IMAGE_LIMIT:
        return None
    data = path.read_bytes()
    if mime == "image/svg+xml":
        try:
            data = clean_svg(data)
        except UnsafeSvg:
            return None
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _markdown_image(src: str, root: Path | None) -> str | None:
    """A picture a Markdown field names, if it is a file inside the handbook directory."""
    if root is None or not src or re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I):
        return None
    base = root.resolve()
    path = (base / src).resolve()
    return _image_uri(path) if path.is_relative_to(base) else None


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

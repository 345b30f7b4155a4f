"""Markdown fields as HTML for the handbook page: headings fitted under their section,
images inlined from the handbook directory or reduced to their alt text, links marked as
links in running text.

The tokens are the ones ``handbook.markdown`` parsed (raw HTML off, unsafe links already
dropped); this renderer only changes how two kinds of token are written out, so the HTML
stays self-contained and its heading outline stays valid.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markupsafe import Markup

from ...markdown import Markdown, heading_levels

__all__ = ["MarkdownHtml"]

_OPTIONS = MarkdownIt("commonmark", {"html": False}).options


class _Renderer(RendererHTML):
    """markdown-it's HTML renderer with our headings and images; env carries the settings."""

    def heading_open(self, tokens, idx, options, env) -> str:
        return f"<h{_level(tokens, idx, env)}>"

    def heading_close(self, tokens, idx, options, env) -> str:
        return f"</h{_level(tokens, idx, env)}>\n"

    def link_open(self, tokens, idx, options, env) -> str:
        """A link in running text is coloured and underlined (WCAG 1.4.1: not told apart
        from the words around it by colour alone); the class keeps navigation links plain."""
        tokens[idx].attrJoin("class", "md-link")
        return self.renderToken(tokens, idx, options, env)

    def image(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children or [], options, env)
        uri = env["image"](token.attrGet("src") or "")
        if uri is None:
            return f'<span class="md-image-omitted">{escapeHtml(alt)}</span>'
        return f'<img src="{escapeHtml(uri)}" alt="{escapeHtml(alt)}">'


def _level(tokens, idx, env) -> int:
    """The heading's level in the page's outline, or its own where the field has no place
    in it (``level`` not given)."""
    levels = env["levels"]
    return levels[idx] if levels is not None else int(tokens[idx].tag[1:])


class MarkdownHtml:
    """Renders Markdown fields; ``image(src)`` gives a data: URI for a picture, or None."""

    def __init__(self, image: Callable[[str], str | None]):
        self._renderer = _Renderer()
        self._image = image

    def __call__(self, field: Markdown | None, level: int | None = None) -> Markup:
        """The field as safe HTML; its first heading becomes ``h<level>``, the others
        nest under it without skipping a level."""
        if field is None:
            return Markup("")
        tokens = list(field.tokens)
        levels = heading_levels(tokens, level) if level else None
        env = {"levels": levels, "image": self._image}
        return Markup(self._renderer.render(tokens, _OPTIONS, env).strip())

"""The HTML writer: one self-contained page, which is also what the PDF writer prints.

``render_html`` lays the resolved Document out with Jinja (``render``): the handbook's own
``templates/`` first, then the built-in ones, block by block, so an agency can replace a
cover without copying the layout. Around it: the stylesheet and its CSS variables from the
Style (``css``), pictures and org-chart SVGs inlined as data (``assets``), Markdown fields
rendered from the shared token streams (``markdown``), and, for the live preview, a cache
that re-renders only the role pages whose inputs changed (``cache``).
"""

from .render import render_html

__all__ = ["render_html"]

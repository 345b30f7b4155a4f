"""Org charts for the handbook: tidy, printable charts from `reports_to`.

The Document stage adapts roles and departments to `ChartNode` and `ChartDepartment`;
`plan_charts` decides which charts fit the page (one full chart, or an overview and one chart
per department), `layout_chart` places the boxes (pure geometry, in points), and `to_svg`
draws a layout or a planned page for every writer (the Word writer rasterises that SVG).

Stages: `measure` (font metrics, wrapping) → `layout` (units on the tidy tree of `tidy`,
dotted lines by `route`) → `paginate` → `legend` (each page's key) → `svg`.
"""

from .content import DEFAULT_STYLE, Style
from .fonts import FontNotFoundError
from .layout import layout_chart
from .legend import with_legends
from .model import (
    Box,
    ChartDepartment,
    ChartNode,
    ChartPage,
    DottedEdge,
    Edge,
    Layout,
    Rect,
    Text,
)
from .paginate import overview_nodes, plan_charts
from .svg import to_svg

__all__ = [
    "DEFAULT_STYLE",
    "Box",
    "ChartDepartment",
    "ChartNode",
    "ChartPage",
    "DottedEdge",
    "Edge",
    "FontNotFoundError",
    "Layout",
    "Rect",
    "Style",
    "Text",
    "layout_chart",
    "overview_nodes",
    "plan_charts",
    "to_svg",
    "with_legends",
]

"""The org chart's data: what the Document stage hands in and the geometry handed to renderers.

Inputs (`ChartNode`, `ChartDepartment`) mirror the content model closely enough that the
Document stage can adapt roles and departments without the chart knowing about YAML. Outputs
(`Layout` and its parts) are pure geometry in points with every text line already placed, so the
SVG and PNG renderers draw the same picture and never measure or position anything themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Point = tuple[float, float]
# A position new since the old version, a removed one (drawn as a ghost where it was), one
# under another manager now, or one whose details (title, code, seats) changed.
Change = Literal["added", "removed", "moved", "changed"]


@dataclass(frozen=True)
class ChartNode:
    """One position box: a role, or a department in the overview chart."""

    id: str
    title: str
    parent: str | None  # id of the manager (reports_to); None, or an unknown id, for a root
    department: str
    code: str | None = None
    headcount: int = 1
    filled: int = 1  # filled < headcount marks vacancies
    assistant: bool = False
    dotted_to: tuple[str, ...] = ()  # ids of dotted-line managers
    subtitle: str | None = None  # a second, smaller line (the overview puts the head's title here)
    change: Change | None = None  # how a --changes-since build marks it; None: unchanged
    was: str | None = None  # its old place or title, noted under its content


@dataclass(frozen=True)
class ChartDepartment:
    """A department: the overview's node and the unit pagination splits by."""

    id: str
    name: str
    parent: str | None
    head: str | None  # role id leading it
    color_index: int  # renderers map it to a colour band (CSS variable with a fallback palette)
    change: Change | None = None  # "added": new since the old version, marked on the overview


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Text:
    """One line of text, placed: `y` is the baseline, `x` the start or the centre (`anchor`)."""

    x: float
    y: float
    text: str
    size: float
    bold: bool
    anchor: Literal["start", "middle"]
    cls: str  # what the text is (hb-title, hb-code, hb-count, hb-badge-text, ...), for styling


@dataclass(frozen=True)
class Box:
    """A placed position box with its content already laid out."""

    id: str
    x: float
    y: float
    w: float
    h: float
    kind: Literal["role", "department"]
    department: str
    color_index: int
    band: float  # height of the department colour band along the top edge
    title: tuple[str, ...]  # the title as wrapped (one or two lines)
    texts: tuple[Text, ...]
    headcount: int
    filled: int
    assistant: bool
    badge: Rect | None = None  # the vacancy marker behind its hb-badge-text
    note_rule: tuple[Point, Point] | None = None  # short dashed rule before an off-page note
    hidden_reports: int = 0  # positions below this one that are charted on another page
    change: Change | None = None  # the node's change mark (ChartNode.change)
    tag: Rect | None = None  # the frame of a "new" tag, behind its hb-change-tag text
    strikes: tuple[tuple[Point, Point], ...] = ()  # lines through a removed position's title

    @property
    def vacancies(self) -> int:
        return max(0, self.headcount - self.filled)

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class Edge:
    """A solid reporting line from the manager's bottom edge to the report.

    `kind` says where it ends: "report" on the child's top, "column" on the side of a leaf stacked
    in a column, "assistant" on the side of an assistant beside the manager's connector.
    """

    parent: str
    child: str
    kind: Literal["report", "column", "assistant"]
    points: tuple[Point, ...]


@dataclass(frozen=True)
class DottedEdge:
    """A dashed (dotted-line) reporting line from `source` to its dotted-line manager `target`."""

    source: str
    target: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Layout:
    """A whole chart in points, origin top left, at the nominal font sizes."""

    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]
    dotted: tuple[DottedEdge, ...]
    width: float
    height: float
    lang: str
    min_font_pt: float  # smallest nominal font size used; pagination keeps it readable
    nodes: tuple[ChartNode, ...] = ()  # the positions charted, as given (titles unwrapped)

    def box(self, id: str) -> Box:
        for box in self.boxes:
            if box.id == id:
                return box
        raise KeyError(id)


@dataclass(frozen=True)
class LegendEntry:
    """One entry: a sample (`kind` says how it is drawn) and its words, placed.

    `x`, `baseline` place the entry; `sample` is the sample's text for text samples
    ("2/3", "缺 1", "+3"), `sample_w` its width.
    """

    kind: str  # "title", "count", "vacant", "unfilled", "solid", "dotted", "more", "department",
    # or a change mark: "added", "removed", "moved", "changed"
    sample: str
    sample_w: float
    text: str
    x: float
    baseline: float


@dataclass(frozen=True)
class Legend:
    """A chart's key (legend.py): its entries and continuation lines, below the chart at `top`."""

    entries: tuple[LegendEntry, ...]
    notes: tuple[tuple[float, str], ...]  # (baseline, text), one line each
    top: float
    width: float  # at least the chart's
    height: float  # below the chart, gap included
    size: float  # font size of every line


@dataclass(frozen=True)
class ChartPage:
    """One chart the handbook may print, scaled to fit the printable area of its page.

    `title_key` names the kind of chart for the caller's labels ("orgchart.full",
    "orgchart.overview", "orgchart.department"); `department` is the department charted and
    `part`/`parts` number the pages when one chart had to be split further.
    """

    kind: Literal["full", "overview", "department"]
    title_key: str
    department: str | None
    layout: Layout
    scale: float
    landscape: bool
    part: int = 1
    parts: int = 1
    legend: Legend | None = None  # the key drawn below the chart (legend.with_legends)
    caption: str = ""  # the caller's caption, the same in every format
    alt: str = ""  # the caller's text alternative: positions and who reports to whom
    # a long chart's reporting lines as a nested list: ((title, (reports…)), …)
    reporting: tuple = ()

    @property
    def width(self) -> float:
        """Printed width, key included (a key may be wider than a tiny chart)."""
        return max(self.layout.width, self.legend.width if self.legend else 0.0) * self.scale

    @property
    def height(self) -> float:
        """Printed height, key included."""
        return (self.layout.height + (self.legend.height if self.legend else 0.0)) * self.scale

"""Which leaf-column shapes lay a chart out alike, so that pagination lays it out once.

Pagination tries a chart with up to a dozen leaf-column shapes (stack from how many leaf reports,
at most how many rows, at least how many columns). A shape reaches the layout only through the
rows it gives each stacked group of leaves: a group of n leaves is stacked when n reaches the
threshold, in as many rows as `layout._Placer._block` makes of it. Two shapes that give the same
rows for every group size a chart can have lay it out the same, box for box.
"""

from __future__ import annotations

import math
from collections.abc import Iterable


def group_sizes(children: Iterable[tuple[int, int]]) -> list[int]:
    """Every size a chart's stacked groups can have, from each manager's (reports charted,
    of which assistants): an assistant may sit beside the manager instead, and a reporting
    cycle cut by the layout takes one more; more sizes than occur only cost a layout."""
    sizes = set()
    for reports, assistants in children:
        sizes.update(range(max(1, reports - assistants - 1), reports + 1))
    return sorted(sizes)


def signature(sizes: Iterable[int], threshold: int, rows: int, columns: int
              ) -> tuple[int | None, ...]:
    """Per group size, the rows its stacked leaves take (None: not stacked), as the layout
    computes them; equal signatures, equal layouts."""
    out: list[int | None] = []
    for n in sizes:
        if not threshold or n < threshold:
            out.append(None)
            continue
        wanted = max(max(1, columns), math.ceil(n / max(1, rows)))
        out.append(math.ceil(n / min(n, wanted)))
    return tuple(out)

"""Review currency: which positions are past their periodic review.

A handbook under document control is reviewed on a cycle (``review_every: 12 months``); each
position records when it was last looked at (``reviewed: 2026-02-15``). A position is due
``review_every`` after its ``reviewed`` date; one that was never reviewed is due now. Without
``review_every`` there is no cycle and nothing is due.

``check`` warns at each past-due ``reviewed`` value (the line to update after the review);
positions without a ``reviewed`` date get one warning at ``review_every``, not one per file,
so adopting a cycle does not bury the other problems. ``report --stale`` lists both.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from dataclasses import dataclass

from .errors import Problem
from .model import Handbook, Role, period_months

__all__ = ["StaleRole", "stale_problems", "stale_roles", "today"]


@dataclass(frozen=True)
class StaleRole:
    """A position past due: ``reviewed`` is None when it was never reviewed."""

    role: Role
    reviewed: dt.date | None
    due: dt.date | None


def today(given: dt.date | None = None) -> dt.date:
    """The date reviews are measured against: given, else SOURCE_DATE_EPOCH, else today.

    SOURCE_DATE_EPOCH makes ``check`` output reproducible, as it makes the builds.
    """
    if given is not None:
        return given
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def add_months(date: dt.date, months: int) -> dt.date:
    """``date`` plus whole months, the day clamped to the month's end (31 Jan + 1 = 28 Feb)."""
    index = date.month - 1 + months
    year, month = date.year + index // 12, index % 12 + 1
    return date.replace(year=year, month=month,
                        day=min(date.day, calendar.monthrange(year, month)[1]))


def stale_roles(handbook: Handbook, on: dt.date) -> list[StaleRole]:
    """Positions due for review on ``on``: never reviewed first, then the longest overdue."""
    if handbook.review_every is None:
        return []
    months = period_months(handbook.review_every)
    stale = []
    for role in handbook.roles.values():
        if role is None:
            continue
        due = add_months(role.reviewed, months) if role.reviewed else None
        if due is None or due <= on:
            stale.append(StaleRole(role, role.reviewed, due))
    return sorted(stale, key=lambda s: (s.due is not None, s.due or on, s.role.id))


def stale_problems(handbook: Handbook, on: dt.date) -> list[Problem]:
    """The warnings ``check`` gives for positions past their review."""
    stale = stale_roles(handbook, on)
    problems = [
        Problem(s.role.where("reviewed"), "warning",
                f"position `{s.role.id}` ({s.role.title}) was last reviewed {s.reviewed}; "
                f"it was due for review on {s.due} (review_every: {handbook.review_every})")
        for s in stale if s.reviewed is not None
    ]
    never = [s.role.id for s in stale if s.reviewed is None]
    if never:
        shown = ", ".join(f"`{rid}`" for rid in never[:5]) + (" …" if len(never) > 5 else "")
        problems.append(Problem(
            handbook.where("review_every"), "warning",
            f"{len(never)} position(s) have no `reviewed` date, so they are due for review: "
            f"{shown} (`handbook report --stale` lists them)"))
    return problems

"""What changed between two versions of a handbook, compared on the model, not on the files.

Both versions are loaded and validated, so reformatting, key order, comments and quoting are
not changes; a position whose file was renamed but whose ``code`` stayed is a rename, and
references to it (``reports_to``, ``head``) are compared through the rename. Text is compared
word by word (a Latin word, a number or one CJK character is a token: Chinese has no spaces),
and list items (duties, KPIs, skills) are matched old to new so a reworded duty is one changed
duty, not one removed and one added.

The result is plain data (``Diff.entries``) in print order: the handbook's own fields, then
departments in print order, then positions by department. The text, HTML and JSON views are
in ``diffview``; the data is what a changes section or Word tracked changes are made from.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from .model import Department, Handbook, Requirements, Role

__all__ = ["Diff", "Entry", "FieldChange", "ItemChange", "compare", "tokens", "word_diff"]

_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff"
_TOKEN = re.compile(rf"(?:(?![{_CJK}])[^\W_])+|\s+|.", re.S)
_IDENTIFIERS = frozenset({"version", "number", "code", "grade"})  # compared whole
_SIMILAR = 0.5  # SequenceMatcher ratio above which two items are "the same, reworded"

Words = list[tuple[str, str]]  # ("=" | "-" | "+", text)


@dataclass
class FieldChange:
    """One field that differs; ``words`` for text, ``items`` for lists matched item by item."""

    name: str
    old: Any
    new: Any
    words: Words | None = None
    items: list[ItemChange] | None = None


@dataclass
class ItemChange:
    """One list item added, removed, changed or moved; indexes count from 1."""

    change: str
    old_index: int | None
    new_index: int | None
    old: Any = None
    new: Any = None
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class Entry:
    """A position, a department or the handbook itself that was added, removed, renamed or
    changed. ``department`` is the department it is listed under (the new one if it moved)."""

    kind: str
    id: str
    change: str
    fields: list[FieldChange] = field(default_factory=list)
    old_id: str | None = None
    title: str = ""
    department: str | None = None


@dataclass
class Diff:
    old: Handbook
    new: Handbook
    entries: list[Entry]

    @property
    def changed(self) -> bool:
        return bool(self.entries)


# --- text --------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Latin words, numbers, runs of spaces, and every other character on its own."""
    return _TOKEN.findall(text)


def normal_text(text: str | None) -> str | None:
    """Text as it reads: indentation, trailing spaces and runs of blank lines are layout."""
    if text is None:
        return None
    lines = [line.strip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def word_diff(old: str, new: str) -> Words:
    """The changes from ``old`` to ``new`` as runs of kept, deleted and inserted tokens."""
    a, b = tokens(old), tokens(new)
    words: Words = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            words.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            words.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            words.append(("+", "".join(b[j1:j2])))
    return words


def _similarity(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, tokens(a), tokens(b), autojunk=False)
    return matcher.ratio() if matcher.real_quick_ratio() >= _SIMILAR else 0.0


# --- matching list items ---------------------------------------------------------------------


def match(old: list[str], new: list[str], *, similar: bool = True) -> list[tuple[int | None,
                                                                                 int | None]]:
    """Pairs (old index, new index) from 0; a None side is an added or removed item.

    Equal keys pair first (the nearest position wins); then, with ``similar``, the most
    similar remaining pairs above the threshold, best first.
    """
    pairs: dict[int, int] = {}
    free_old = set(range(len(old)))
    for j, key in enumerate(new):
        same = [i for i in free_old if old[i] == key]
        if same:
            i = min(same, key=lambda i: abs(i - j))
            pairs[j] = i
            free_old.discard(i)
    free_new = [j for j in range(len(new)) if j not in pairs]
    if similar and free_old and free_new:
        scored = sorted(((_similarity(old[i], new[j]), -abs(i - j), i, j)
                         for i in free_old for j in free_new), reverse=True)
        for score, _, i, j in scored:
            if score < _SIMILAR:
                break
            if i in free_old and j not in pairs:
                pairs[j] = i
                free_old.discard(i)
    matched = [(pairs.get(j), j) for j in range(len(new))]
    removed = [(i, None) for i in sorted(free_old)]
    return matched + removed


def _kept_in_order(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The longest run of matched pairs whose old order is kept; the others moved."""
    ordered = sorted(pairs, key=lambda p: p[1])
    best: list[list[tuple[int, int]]] = []
    for pair in ordered:  # O(n²) longest increasing subsequence: lists are short
        chain = max((c for c in best if c[-1][0] < pair[0]), key=len, default=[])
        best.append([*chain, pair])
    return set(max(best, key=len, default=[]))


def _list_change(name: str, old: list, new: list, key, compare_item) -> FieldChange | None:
    """A list field compared item by item (``key`` gives the text items are matched on)."""
    if _plain(old) == _plain(new):
        return None
    pairs = match([key(x) for x in old], [key(x) for x in new],
                  similar=compare_item is not None)
    both = [(i, j) for i, j in pairs if i is not None and j is not None]
    kept = _kept_in_order(both)
    items: list[ItemChange] = []
    for i, j in pairs:
        if i is None:
            items.append(ItemChange("added", None, j + 1, None, _plain(new[j])))
        elif j is None:
            items.append(ItemChange("removed", i + 1, None, _plain(old[i]), None))
        else:
            fields = compare_item(old[i], new[j]) if compare_item else []
            if fields or (i, j) not in kept:
                change = "changed" if fields else "moved"
                items.append(ItemChange(change, i + 1, j + 1, _plain(old[i]), _plain(new[j]),
                                        fields))
    return FieldChange(name, _plain(old), _plain(new), items=items) if items else None


def _text_items(a: str, b: str) -> list[FieldChange]:
    change = _value_change("text", a, b, text=True)
    return [change] if change else []


# --- values ----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """JSON-ready: models as dicts, dates as ISO text."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _value_change(name: str, old: Any, new: Any, *, text: bool = False) -> FieldChange | None:
    """A text field's change word by word, except identifiers: "2.0 → 2.1" is one new
    version, not a kept "2." with a changed digit."""
    text = text and name.rsplit(".", 1)[-1] not in _IDENTIFIERS
    if text and isinstance(old, str) and isinstance(new, str):
        a, b = normal_text(old), normal_text(new)
        if a == b:
            return None
        return FieldChange(name, old, new, words=word_diff(a, b))
    if _plain(old) == _plain(new):
        return None
    return FieldChange(name, _plain(old), _plain(new))


def _model_fields(prefix: str, old: BaseModel, new: BaseModel, special: dict) -> list[FieldChange]:
    """Field by field, in the model's order; ``special`` compares the fields that need more."""
    changes: list[FieldChange] = []
    for name in type(new).model_fields:
        a, b = getattr(old, name), getattr(new, name)
        if name in special:
            found = special[name](prefix + name, a, b)
            changes += found if isinstance(found, list) else [found] if found else []
            continue
        text = isinstance(a, str) or isinstance(b, str)
        change = _value_change(prefix + name, a, b, text=text)
        if change:
            changes.append(change)
    return changes


# --- positions -------------------------------------------------------------------------------


def _duty_fields(a, b) -> list[FieldChange]:
    return _model_fields("", a, b, {"text": lambda n, x, y: _value_change(n, x, y, text=True)})


def _kpi_fields(a, b) -> list[FieldChange]:
    return _model_fields("", a, b, {})


def _role_fields(old: Role, new: Role, role_ids: dict, dept_ids: dict) -> list[FieldChange]:
    """Every field of the position that differs; ids are compared through the renames."""

    def ref(table):
        return lambda name, a, b: _value_change(name, table.get(a, a), b)

    def strings(name, a, b):
        return _list_change(name, a, b, str, _text_items)

    def requirements(name, a, b):
        return _model_fields(name + ".", a or Requirements(), b or Requirements(),
                             {"skills": strings, "certifications": strings, "other": strings})

    special = {
        "department": ref(dept_ids),
        "reports_to": ref(role_ids),
        "dotted_line_to": lambda n, a, b: _list_change(n, [role_ids.get(x, x) for x in a], b,
                                                       str, None),
        "duties": lambda n, a, b: _list_change(n, a, b, lambda d: d.text, _duty_fields),
        "kpis": lambda n, a, b: _list_change(n, a, b, lambda k: k.name, _kpi_fields),
        "requirements": requirements,
        "competencies": strings,
    }
    return _model_fields("", old, new, special)


def _unchanged(old: Role, new: Role, role_ids: dict, dept_ids: dict) -> bool:
    """Equal values whose references are not renamed: ``_role_fields`` would find nothing.

    Most positions of two versions are the same; their dumps (made by pydantic-core) compare
    in a fraction of the time the field-by-field walk takes.
    """
    refs = [old.reports_to, *old.dotted_line_to]
    return (all(role_ids.get(r, r) == r for r in refs if r is not None)
            and dept_ids.get(old.department, old.department) == old.department
            and old.model_dump() == new.model_dump())


def _role_renames(old: Handbook, new: Handbook) -> dict[str, str]:
    """Old role id → new id: the same id, or a file renamed with its ``code`` kept."""
    renames = {rid: rid for rid in old.roles if rid in new.roles}
    added = {role.code: rid for rid, role in new.roles.items()
             if rid not in old.roles and role.code}
    for rid, role in old.roles.items():
        if rid not in new.roles and role.code in added:
            renames[rid] = added.pop(role.code)
    return renames


def _role_entries(old: Handbook, new: Handbook, role_ids: dict, dept_ids: dict) -> list[Entry]:
    entries = []
    matched = set(role_ids.values())
    for old_id, new_id in role_ids.items():
        a, b = old.roles[old_id], new.roles[new_id]
        same = _unchanged(a, b, role_ids, dept_ids)
        fields = [] if same else _role_fields(a, b, role_ids, dept_ids)
        if old_id != new_id:
            entries.append(Entry("role", new_id, "renamed", fields, old_id, b.title, b.department))
        elif fields:
            entries.append(Entry("role", new_id, "changed", fields, None, b.title, b.department))
    for rid, role in new.roles.items():
        if rid not in matched:
            entries.append(Entry("role", rid, "added", [], None, role.title, role.department))
    for rid, role in old.roles.items():
        if rid not in role_ids:
            entries.append(Entry("role", rid, "removed", [], None, role.title,
                                 dept_ids.get(role.department, role.department)))
    return entries


# --- departments -----------------------------------------------------------------------------


def _department_renames(old: Handbook, new: Handbook, role_ids: dict) -> dict[str, str]:
    """Old department id → new id: the same id, or a new id with the same name or staff."""
    old_ids = {d.id for d in old.departments}
    new_by_id = {d.id: d for d in new.departments}
    renames = {i: i for i in old_ids if i in new_by_id}
    added = [d for d in new.departments if d.id not in old_ids]

    def staff(handbook: Handbook, dept: str, ids=None) -> frozenset:
        return frozenset((ids or {}).get(r, r) for r, role in handbook.roles.items()
                         if role.department == dept)

    for department in old.departments:
        if department.id in renames:
            continue
        people = staff(old, department.id, role_ids)
        for candidate in added:
            if candidate.name == department.name or (people and people == staff(
                    new, candidate.id)):
                renames[department.id] = candidate.id
                added.remove(candidate)
                break
    return renames


def _department_entries(old: Handbook, new: Handbook, dept_ids: dict,
                        role_ids: dict) -> list[Entry]:
    old_by_id = {d.id: d for d in old.departments}
    back = {n: o for o, n in dept_ids.items()}
    entries = []
    for department in new.departments:
        if department.id not in back:
            entries.append(Entry("department", department.id, "added", [], None,
                                 department.name, department.id))
            continue
        before = old_by_id[back[department.id]]
        fields = _department_fields(before, department, dept_ids, role_ids)
        change = "renamed" if before.id != department.id else "changed"
        if fields or change == "renamed":
            entries.append(Entry("department", department.id, change, fields,
                                 before.id if change == "renamed" else None, department.name,
                                 department.id))
    for department in old.departments:
        if department.id not in dept_ids:
            entries.append(Entry("department", department.id, "removed", [], None,
                                 department.name, department.id))
    return entries


def _department_fields(old: Department, new: Department, dept_ids: dict,
                       role_ids: dict) -> list[FieldChange]:
    def ref(table):
        return lambda name, a, b: _value_change(name, table.get(a, a), b)

    return _model_fields("", old, new, {"id": lambda *_: None, "parent": ref(dept_ids),
                                        "head": ref(role_ids)})


# --- the handbook's own fields -----------------------------------------------------------


def _handbook_fields(old: Handbook, new: Handbook) -> list[FieldChange]:
    def control(name, a, b):
        return _model_fields(name + ".", a, b, {})

    def revisions(name, a, b):
        return _list_change(name, a, b, lambda r: r.version,
                            lambda x, y: _model_fields("", x, y, {}))

    return _model_fields("", old, new, {"document": control, "revisions": revisions,
                                        "departments": lambda *_: None})


# --- the whole ---------------------------------------------------------------------------


def compare(old: Handbook, new: Handbook) -> Diff:
    """Every difference from ``old`` to ``new``, in print order."""
    role_ids = _role_renames(old, new)
    dept_ids = _department_renames(old, new, role_ids)
    entries = []
    own = _handbook_fields(old, new)
    if own:
        entries.append(Entry("handbook", new.name, "changed", own, None, new.title))
    order = {d.id: i for i, d in enumerate(new.departments)}
    for i, department in enumerate(old.departments):
        order.setdefault(department.id, len(new.departments) + i)
    departments = _department_entries(old, new, dept_ids, role_ids)
    roles = _role_entries(old, new, role_ids, dept_ids)
    departments.sort(key=lambda e: order.get(e.id, len(order)))
    roles.sort(key=lambda e: (order.get(e.department, len(order)), e.id))
    return Diff(old, new, entries + departments + roles)

"""The changes to a position marked in its own page: the redline an approver reads in place.

``role_marks`` turns a position's diff entry into the cells of its page that changed, keyed
the way the page is laid out (``title``, ``reports_to``, ``duty:3:text``, ``kpi:2:weight``,
``req:<row label>:0``), each as kept/deleted/inserted runs of the printed text (a changed
duty as its own Markdown with the changes marked in it, so it keeps its bold and links); rows
added to a table, the old wording of rows removed from it, and requirement items removed
(struck where they stood). A changed summary or working conditions is its Markdown with the
changes marked in it, and so are a department's function (``department_marks``) and the
intro (``handbook_marks``, with the document control's changed rows). Every writer marks the
same cells: the HTML and PDF with ``ins``/``del``, the DOCX with Word tracked changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .changetext import Runs, Texts, runs_of
from .diff import Entry, FieldChange, ItemChange, word_diff
from .markdown import Markdown, parse_markdown
from .markedtext import marked_markdown

__all__ = ["Marks", "RemovedStaff", "RoleMarks", "department_marks", "handbook_marks",
           "removed_position", "role_marks"]

_TABLES = {"duties": "duty", "kpis": "kpi"}
_ROW_TEXT = {"duties": "text", "kpis": "name"}
_BLOCKS = ("summary", "working_conditions")  # block Markdown, marked in its own tokens
_FACTS = ("code", "department", "grade", "location", "employment_type")  # the facts table
_CONTROL_KEYS = {"number": "document_number", "version": "version", "effective": "effective",
                 "owner": "owner", "prepared_by": "prepared_by", "reviewed_by": "reviewed_by",
                 "approved_by": "approved_by", "confidentiality": "confidentiality"}
_REQUIREMENT_KEYS = {"education": "education", "experience": "experience", "skills": "skills",
                     "certifications": "certifications", "other": "other_requirements"}


@dataclass
class Marks:
    """What changed in one part of the output since the older version: its cells as runs,
    its Markdown fields with the changes marked in their tokens."""

    change: str  # "added", "changed" or "renamed": a change bar beside every such part
    cells: dict[str, Runs] = field(default_factory=dict)
    texts: dict[str, Markdown] = field(default_factory=dict)  # "duty:1:text": marked Markdown
    removed_rows: dict[str, list] = field(default_factory=dict)  # "duties": old texts

    def cell(self, key: str) -> Runs | None:
        return self.cells.get(key)

    def removed(self, table: str) -> list:
        return self.removed_rows.get(table, [])

    def markdown(self, key: str, plain: Markdown | None) -> Markdown | None:
        """The cell's Markdown with its changes marked, else ``plain``."""
        return self.texts.get(key, plain)


@dataclass
class RoleMarks(Marks):
    """What changed in one position's page since the older version."""

    added_rows: set[str] = field(default_factory=set)  # "duty:4", "kpi:2": new rows
    removed_items: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # per label

    def list_items(self, label: str, values: list[str]) -> list[tuple[str, str, bool]]:
        """A list's items in print order (a requirements row's, the competencies'), as
        (cell key, text, removed): the current ones, and the removed ones where they stood in
        the old list."""
        items = [(index, 1, f"req:{label}:{index}", value, False)
                 for index, value in enumerate(values)]
        items += [(old - 1, 0, "", text, True) for old, text in self.removed_items.get(label, [])]
        return [(key, text, removed) for *_, key, text, removed in sorted(items)]

    def removed_requirements(self, rows: list[tuple[str, list[str]]]) -> list[tuple[str, list]]:
        """The requirement rows that are gone altogether, with their old items."""
        present = {label for label, _ in rows}
        return [(label, self.list_items(label, []))
                for label in self.removed_items if label not in present]

    def row_added(self, key: str) -> bool:
        return key in self.added_rows


@dataclass(frozen=True)
class RemovedStaff:
    """A removed position's row of its department's staffing table, as it read."""

    title: str
    code: str | None
    grade: str | None
    reports_to: str | None
    counts: tuple[int, int, int]  # in SEAT_COLUMNS order


def role_marks(entry: Entry, texts: Texts) -> RoleMarks:
    """The marks of a position that was added, changed or renamed."""
    marks = RoleMarks(entry.change)
    for change in entry.fields:
        if change.name == "title":
            marks.cells["title"] = texts.words(change.old, change.new)
        elif change.name == "reports_to":
            marks.cells["reports_to"] = texts.change("reports_to", change.old, change.new)
        elif change.name in _TABLES and change.items is not None:
            _table(marks, change, texts)
        elif change.name.startswith("requirements."):
            _requirement(marks, change, texts)
        elif change.name == "competencies" and change.items is not None:
            _list(marks, texts.labels["competencies"], change, texts)
        elif change.name in _BLOCKS:
            _block(marks, change.name, change, texts)
        elif change.name in _FACTS:
            marks.cells[change.name] = texts.change(change.name, change.old, change.new)
    if any(change.name in ("headcount", "filled") for change in entry.fields):
        _seats(marks, entry, texts)
    return marks


def department_marks(entry: Entry, texts: Texts) -> Marks | None:
    """The marks of a department's opener: its name, head and function (None when none
    changed: a department moved elsewhere shows that in the changes section)."""
    marks = Marks(entry.change)
    for change in entry.fields:
        if change.name == "name":
            marks.cells["name"] = texts.words(change.old, change.new)
        elif change.name == "head":
            marks.cells["head"] = texts.change("head", change.old, change.new)
        elif change.name == "function":
            _block(marks, "function", change, texts)
    return marks if marks.cells or marks.texts else None


def removed_position(marks: Marks | None, entry: Entry, texts: Texts) -> Marks:
    """A department's marks with a removed position's old row for its staffing table."""
    marks = marks or Marks("changed")
    old = texts.diff.old.roles[entry.id]
    marks.removed_rows.setdefault("staffing", []).append(RemovedStaff(
        texts.convert(old.title), old.code, texts.convert(old.grade) if old.grade else None,
        texts.role_title(old.reports_to) if old.reports_to else None,
        (old.seats_filled, old.headcount, old.vacancies)))
    return marks


def handbook_marks(entry: Entry, texts: Texts, intro: Markdown | None) -> Marks | None:
    """The marks of the handbook's own fields: the document control's rows (keyed
    ``control:<label>``, as printed) and the intro (``intro`` as printed, so its runs are
    taken against that, a repeated leading heading already dropped)."""
    marks = Marks(entry.change)
    for change in entry.fields:
        key = _CONTROL_KEYS.get(change.name.removeprefix("document."))
        if change.name.startswith("document.") and key is not None:
            runs = texts.change(change.name, change.old, change.new)
            marks.cells[f"control:{texts.labels[key]}"] = runs
        elif change.name == "intro" and intro is not None:
            runs = runs_of(word_diff(texts.plain(change.old, inline=False), intro.plain))
            marked = marked_markdown(intro, runs)
            if marked is not None:
                marks.texts["intro"] = marked
    return marks if marks.cells or marks.texts else None


def _block(marks: Marks, key: str, change: FieldChange, texts: Texts) -> None:
    """A block Markdown field as the page prints it, its changes marked (a field that is
    gone altogether is not printed, and the changes section shows its old wording)."""
    if not change.new:
        return
    printed = parse_markdown(texts.convert(change.new))
    marked = marked_markdown(printed, texts.words(change.old, change.new, inline=False))
    if marked is not None:
        marks.texts[key] = marked


def _seats(marks: RoleMarks, entry: Entry, texts: Texts) -> None:
    """The seats line of the facts ("1/2 (1 vacant)") replaced whole, its figures read
    together; and each figure of the department's staffing table that changed."""
    from .sections import SEAT_COLUMNS, seats_text  # sections holds RoleMarks: imported late

    old = texts.diff.old.roles[entry.old_id or entry.id]
    new = texts.diff.new.roles[entry.id]
    before = seats_text(texts.labels, old.seats_filled, old.headcount)
    after = seats_text(texts.labels, new.seats_filled, new.headcount)
    if before != after:
        marks.cells["seats"] = [("del", before), ("ins", after)]
    figures = [(role.seats_filled, role.headcount, role.vacancies) for role in (old, new)]
    for key, was, now in zip(SEAT_COLUMNS, *figures, strict=True):
        if was != now:
            marks.cells[f"seat:{key}"] = [("del", str(was)), ("ins", str(now))]


def _table(marks: RoleMarks, change: FieldChange, texts: Texts) -> None:
    prefix, text_key = _TABLES[change.name], _ROW_TEXT[change.name]
    for item in change.items or []:
        if item.change == "added":
            marks.added_rows.add(f"{prefix}:{item.new_index}")
        elif item.change == "removed":
            old = item.old.get(text_key) if isinstance(item.old, dict) else item.old
            marks.removed_rows.setdefault(change.name, []).append(texts.plain(old))
        elif item.change == "changed":
            for one in item.fields:
                key = f"{prefix}:{item.new_index}:{one.name}"
                marked = _marked_text(one, texts) if change.name == "duties" else None
                if marked is not None:
                    marks.texts[key] = marked
                else:
                    marks.cells[key] = _cell(one, texts)


def _marked_text(change: FieldChange, texts: Texts) -> Markdown | None:
    """A duty's new text as the page prints it (inline Markdown), its changes marked."""
    if change.name != "text" or not change.new:
        return None
    printed = parse_markdown(texts.convert(change.new), inline=True)
    return marked_markdown(printed, texts.words(change.old, change.new))


def _cell(change: FieldChange, texts: Texts) -> Runs:
    if change.words is not None:
        return texts.words(change.old, change.new)
    return texts.change(change.name, change.old, change.new)


def _requirement(marks: RoleMarks, change: FieldChange, texts: Texts) -> None:
    """A requirements row, keyed by the label its row is printed under."""
    key = _REQUIREMENT_KEYS.get(change.name.removeprefix("requirements."))
    if key is None:
        return
    label = texts.labels[key]
    if change.items is None:
        if change.new:
            marks.cells[f"req:{label}:0"] = texts.words(change.old, change.new)
        elif change.old:
            marks.removed_items[label] = [(1, texts.plain(str(change.old)))]
        return
    _list(marks, label, change, texts)


def _list(marks: RoleMarks, label: str, change: FieldChange, texts: Texts) -> None:
    """A list's items added, reworded and removed, under the label it is printed with."""
    for item in change.items:
        if item.new_index is not None and item.change in ("added", "changed"):
            marks.cells[f"req:{label}:{item.new_index - 1}"] = _item_words(item, texts)
        elif item.change == "removed":
            marks.removed_items.setdefault(label, []).append(
                (item.old_index, texts.plain(str(item.old))))


def _item_words(item: ItemChange, texts: Texts) -> Runs:
    if item.change == "added":
        return [("ins", texts.plain(str(item.new)))]
    return texts.words(str(item.old), str(item.new))

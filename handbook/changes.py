"""The "changes in this version" section of a ``--changes-since`` build, and its summary.

``apply_changes`` is called by ``document.resolve`` with the Diff from the older version: it
sets ``Document.changes`` (the section every writer lays out after the revision history),
marks each changed position's page (``RoleSection.marks``, see ``changemarks``), each changed
department's opener (``DepartmentSection.marks``) and the handbook's own fields
(``Document.marks``: document control, intro), and fills a
latest revision entry that has no ``changes`` with a one-line summary in the handbook's
language ("新增 2 个岗位；修改 5 个岗位的工作职责"), its plurals by ICU's rules.

The section is plain data: groups per department (in print order), each with the
department's own changes and one item per position, every line a list of styled runs
(kept, ``del``, ``ins``) so HTML, PDF and Word mark the same words.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .changemarks import department_marks, handbook_marks, removed_position, role_marks
from .changetext import Runs, Texts
from .diff import Diff, Entry, FieldChange, ItemChange
from .diffview import LABEL_KEYS
from .markdown import parse_markdown

__all__ = ["ChangeGroup", "ChangeItem", "ChangesSection", "apply_changes", "summary_text"]

_CONTEXT = 10  # words kept on each side of a change in a long text
_BREAK = re.compile(r"[ \t]*\n\s*")  # a paragraph break in a block field's text
_ITEM_LABELS = {"duties": "change_item_duty", "kpis": "change_item_kpi"}
_ITEM_TEXT = ("text", "name", "version")
_SKIPPED = {"revisions", "id", "parent"}  # the history itself; ids; "moved" says parent
_SUMMARY_FIELDS = (("duties", "summary_duties"), ("kpis", "summary_kpis"),
                   ("requirements", "summary_requirements"), ("reports_to", "summary_reports_to"))
_SUMMARY_NAMED = {name for name, _ in _SUMMARY_FIELDS}


@dataclass
class ChangeItem:
    """A position (or the handbook itself) in the changes section."""

    change: str  # added, removed, renamed, changed
    heading: Runs  # its title, or "old → new" when renamed
    status: str  # the change in words ("position added")
    anchor: str | None  # its page, when the output has one
    lines: list[Runs] = field(default_factory=list)


@dataclass
class ChangeGroup:
    """A department's changes: its own, then its positions'."""

    title: str
    anchor: str | None
    status: str | None
    lines: list[Runs] = field(default_factory=list)
    items: list[ChangeItem] = field(default_factory=list)


@dataclass
class ChangesSection:
    title: str
    lead: str  # "Changes from version 1.1 to version 2.0"
    summary: str
    groups: list[ChangeGroup]
    author: str  # who the DOCX's tracked changes are by: the latest revision's person
    date: dt.date  # and when: the latest revision's date


def apply_changes(document, diff: Diff, convert) -> None:
    """Put ``diff`` into ``document``: the section, the marked pages, the summary."""
    texts = Texts(diff, document.labels, document.locale, convert)
    sections = {role.ref.id: role for role in document.roles}
    departments = {department.id: department for department in document.departments}
    for entry in diff.entries:
        if entry.kind == "role" and entry.id in sections and entry.change != "removed":
            sections[entry.id].marks = role_marks(entry, texts)
        elif entry.kind == "department" and entry.id in departments:
            departments[entry.id].marks = department_marks(entry, texts)
        elif entry.kind == "role" and entry.change == "removed" and entry.department in departments:
            department = departments[entry.department]  # its old row, struck
            department.marks = removed_position(department.marks, entry, texts)
        elif entry.kind == "handbook":
            document.marks = handbook_marks(entry, texts, document.intro)
    summary = summary_text(diff, document.labels, document.lang)
    latest = document.revisions[-1] if document.revisions else None
    if latest is not None and latest.changes is None:
        document.revisions[-1] = dataclasses.replace(latest, changes=parse_markdown(summary))
    document.changes = ChangesSection(
        title=document.labels["changes_title"],
        lead=document.labels.fmt("changes_lead", old=diff.old.document.version,
                                 new=diff.new.document.version),
        summary=summary,
        groups=_Section(texts, document).groups(),
        author=_author(diff, convert),
        date=diff.new.revisions[-1].date if diff.new.revisions else diff.new.document.effective,
    )


def _author(diff: Diff, convert) -> str:
    """The latest revision's author (or approver), else the document control's preparer."""
    latest = diff.new.revisions[-1] if diff.new.revisions else None
    names = [latest.author, latest.approved_by] if latest else []
    names += [diff.new.document.prepared_by, diff.new.organization]
    return convert(next(name for name in names if name))


# --- the summary -----------------------------------------------------------------------


def summary_text(diff: Diff, labels, lang: str) -> str:
    """"2 positions added; duties changed in 5 positions; …" in the labels' language."""
    roles = [e for e in diff.entries if e.kind == "role"]
    departments = Counter(e.change for e in diff.entries if e.kind == "department")
    moved = sum(1 for e in diff.entries if e.kind == "department"
                and any(f.name == "parent" for f in e.fields))
    counts = Counter(e.change for e in roles)
    parts = [(f"summary_positions_{change}", counts[change])
             for change in ("added", "removed", "renamed")]
    for name, key in _SUMMARY_FIELDS:
        parts.append((key, sum(1 for e in roles if e.change != "added" and any(
            f.name.split(".")[0] == name for f in e.fields))))
    parts.append(("summary_positions_other", sum(1 for e in roles if _other_fields(e))))
    parts += [(f"summary_departments_{change}", departments[change])
              for change in ("added", "removed", "renamed")]
    parts.append(("summary_departments_moved", moved))
    parts.append(("summary_departments_changed", sum(
        1 for e in diff.entries if e.kind == "department"
        and any(f.name in ("head", "function") for f in e.fields))))
    parts.append(("summary_intro", int(any(f.name == "intro" for e in diff.entries
                                           if e.kind == "handbook" for f in e.fields))))
    text = labels["summary_separator"].join(_plural(labels[key], n, lang) for key, n in parts if n)
    return text or labels["changes_none"]


def _other_fields(entry: Entry) -> bool:
    """Whether a position changed in a field the summary names no other way (its seats, its
    summary, a fact): so that no change goes unsaid ("no changes" would be false)."""
    said = {"title"} if entry.change == "renamed" else set()
    return entry.change != "added" and any(
        f.name.split(".")[0] not in _SUMMARY_NAMED | said | _SKIPPED for f in entry.fields)


def _plural(pattern: str, count: int, lang: str) -> str:
    """A label with ICU plural rules ("{0, plural, one {# position} other {# positions}}")."""
    import icu

    locale = icu.Locale("zh" if lang.startswith("zh") else "en")
    return icu.MessageFormat(pattern, locale).format([icu.Formattable(count)])


# --- the section -----------------------------------------------------------------------


class _Section:
    """Groups the diff's entries by department, worded for readers."""

    def __init__(self, texts: Texts, document) -> None:
        self.texts, self.labels = texts, texts.labels
        self.anchors = {d.id: (d.title, d.anchor) for d in document.departments}
        self.pages = {role.ref.id for role in document.roles}

    def groups(self) -> list[ChangeGroup]:
        groups: dict[str, ChangeGroup] = {}
        handbook = [e for e in self.texts.diff.entries if e.kind == "handbook"]
        lines = [line for e in handbook for line in self._fields(e.fields)]
        if lines:
            groups[""] = ChangeGroup(self.labels["changes_handbook"], None, None, lines)
        for entry in self.texts.diff.entries:
            if entry.kind == "handbook":
                continue
            group = groups.get(entry.department) or groups.setdefault(
                entry.department, self._group(entry.department))
            if entry.kind == "department":
                self._department(group, entry)
            else:
                group.items.append(self._role(entry))
        return [g for g in groups.values() if g.lines or g.items or g.status]

    def _group(self, dept_id: str) -> ChangeGroup:
        title, anchor = self.anchors.get(dept_id, (self.texts.department_name(dept_id), None))
        return ChangeGroup(title, anchor, None)

    def _department(self, group: ChangeGroup, entry: Entry) -> None:
        labels = self.labels
        if entry.change in ("added", "removed"):
            group.status = labels[f"change_department_{entry.change}"]
        elif entry.change == "renamed":
            group.status = labels["change_renamed"]
        for change in entry.fields:
            if change.name == "parent":
                group.lines.append([("", labels["change_moved"] + labels["colon"]),
                                    *self.texts.change("parent", change.old, change.new,
                                                      arrow=True)])
        group.lines += self._fields(entry.fields)

    def _role(self, entry: Entry) -> ChangeItem:
        labels, texts = self.labels, self.texts
        title = texts.convert(entry.title)
        anchor = f"role-{entry.id}" if entry.id in self.pages else None
        item = ChangeItem(entry.change, [("", title)], labels[f"change_role_{entry.change}"],
                          anchor if entry.change != "removed" else None)
        if entry.change == "removed":
            item.heading = [("del", title)]
            item.lines = self._old_wording(entry.id)
        elif entry.change == "added":
            item.heading = [("ins", title)]
        retitled = next((f for f in entry.fields if f.name == "title"), None)
        if retitled is not None:  # said once, in the heading
            item.heading = texts.change("title", retitled.old, retitled.new, arrow=True)
        item.lines += self._fields([f for f in entry.fields if f is not retitled])
        return item

    def _old_wording(self, role_id: str) -> list[Runs]:
        """A removed position's duties as they read, struck through."""
        role = self.texts.diff.old.roles[role_id]
        label = self.labels["duties"] + self.labels["colon"]
        return [[("", label)]] + [[("", f"{n}. "), ("del", self.texts.plain(duty.text))]
                                  for n, duty in enumerate(role.duties, 1)]

    # --- fields ------------------------------------------------------------------------

    def _label(self, name: str) -> str:
        key = LABEL_KEYS.get(name, name.rsplit(".", 1)[-1])
        return self.labels.get(key, self.labels.get(f"change_field_{key}", key))

    def _fields(self, fields: list[FieldChange], parent: str = "") -> list[Runs]:
        lines: list[Runs] = []
        for change in fields:
            name = f"{parent}.{change.name}" if parent else change.name
            if change.name in _SKIPPED or name in _SKIPPED:
                continue
            lead = [("", self._label(name) + self.labels["colon"])]
            if change.items is not None:
                lines += [self._item(change.name, name, item) for item in change.items]
            elif change.words is not None:
                inline = name in ("title",) or name.startswith("requirements.")
                lines.append(lead + _elided(self.texts.words(change.old, change.new,
                                                             inline=inline)))
            else:
                lines.append(lead + self.texts.change(name, change.old, change.new, arrow=True))
        return lines

    def _item(self, list_name: str, name: str, item: ItemChange) -> Runs:
        labels, texts = self.labels, self.texts
        number = item.new_index or item.old_index
        key = _ITEM_LABELS.get(list_name)
        head = labels.fmt(key, n=number) if key else f"{self._label(name)} {number}"
        value = item.new if item.new is not None else item.old
        what = (texts.plain(_item_text(value)) if isinstance(value, dict)
                else texts.value(list_name, value))  # a dotted line's position by its title
        if item.change == "added":
            return [("", labels.fmt("change_item_added", item=head) + labels["colon"]),
                    ("ins", what)]
        if item.change == "removed":
            return [("", labels.fmt("change_item_removed", item=head) + labels["colon"]),
                    ("del", what)]
        if item.change == "moved":
            return [("", labels.fmt("change_item_moved", item=head, old=item.old_index,
                                    new=item.new_index) + labels["colon"] + what)]
        runs: Runs = [("", head + labels["colon"])]
        reworded = [one for one in item.fields if one.name in _ITEM_TEXT]
        for one in reworded:  # the words it is known by, changed: said first, unlabelled
            runs += _elided(texts.words(one.old, one.new))
        for index, one in enumerate(f for f in item.fields if f.name not in _ITEM_TEXT):
            field_label = self._label(f"{name}.{one.name}")
            lead = (labels.fmt("change_item_field", text=what, field=field_label)
                    if not (index or reworded) else labels["summary_separator"] + field_label)
            value = (_elided(texts.words(one.old, one.new)) if one.words is not None
                     else texts.change(one.name, one.old, one.new, arrow=True))
            runs += [("", lead + labels["colon"]), *value]
        return runs


def _item_text(value) -> str:
    """The words an item is known by: a duty's text, a KPI's name, a skill."""
    if isinstance(value, dict):
        return next((str(value[k]) for k in _ITEM_TEXT if k in value), "")
    return str(value)


def _joined(match: re.Match) -> str:
    """A paragraph break in a line of the record: a space, none beside Chinese text."""
    text, start, end = match.string, match.start(), match.end()
    around = text[start - 1:start] + text[end:end + 1]
    return "" if any(unicodedata.east_asian_width(c) in "WF" for c in around) else " "


def _elided(runs: Runs) -> Runs:
    """Long unchanged stretches of a text cut to a few words around each change, on one
    line: the paragraph breaks of a block field (a function, the intro) read as spaces."""
    from .diff import tokens

    out: Runs = []
    for index, (style, text) in enumerate(runs):
        text = _BREAK.sub(_joined, text)
        parts = tokens(text)
        if style or len(parts) <= 2 * _CONTEXT + 1:
            out.append((style, text))
            continue
        head = "" if index == 0 else "".join(parts[:_CONTEXT])
        tail = "" if index == len(runs) - 1 else "".join(parts[-_CONTEXT:])
        out.append(("", f"{head}…{tail}"))
    return out

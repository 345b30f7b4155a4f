"""The three views of a handbook diff: JSON for scripts, text and HTML for people.

Text and HTML are made from the same lines (an indent and styled runs), so they say the same
thing: positions under their department, titles beside ids, field names in the handbook's
language (from the labels), and text changes as ``[-deleted-]{+inserted+}`` runs with a few
words of context, the way ``git diff --word-diff`` shows them.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import dataclass

import click

from .diff import Diff, Entry, FieldChange, ItemChange, tokens
from .labels import load_labels

__all__ = ["LABEL_KEYS", "render_html", "render_json", "render_text", "summary"]

_CONTEXT = 8  # tokens of unchanged text kept on each side of a change
_OPS = {"=": "equal", "-": "delete", "+": "insert"}
LABEL_KEYS = {
    "title": "position", "summary": "role_summary", "requirements.education": "education",
    "requirements.experience": "experience", "requirements.skills": "skills",
    "requirements.certifications": "certifications", "requirements.other": "other_requirements",
    "duties.text": "duty_text", "duties.share": "duty_share", "duties.essential": "duty_essential",
    "duties.frequency": "duty_frequency", "kpis.name": "kpi_name", "kpis.target": "kpi_target",
    "kpis.weight": "kpi_weight", "function": "department_function", "head": "department_head",
    "document.number": "document_number", "document.version": "version",
    "document.effective": "effective", "document.owner": "owner",
    "document.prepared_by": "prepared_by", "document.reviewed_by": "reviewed_by",
    "document.approved_by": "approved_by", "document.confidentiality": "confidentiality",
    "intro": "introduction", "revisions": "revision_history", "revisions.date": "revision_date",
    "revisions.author": "revision_author", "revisions.changes": "revision_changes",
    "revisions.version": "version",
}
_ROLE_REFS = {"reports_to", "head", "dotted_line_to"}
_DEPARTMENT_REFS = {"department", "parent"}


# --- JSON ------------------------------------------------------------------------------------


def render_json(diff: Diff) -> str:
    return json.dumps([_entry_json(e) for e in diff.entries], ensure_ascii=False, indent=2)


def _entry_json(entry: Entry) -> dict:
    data = {"kind": entry.kind, "id": entry.id, "change": entry.change,
            "fields": [_field_json(f) for f in entry.fields], "title": entry.title}
    if entry.old_id is not None:
        data["old_id"] = entry.old_id
    if entry.kind == "role":
        data["department"] = entry.department
    return data


def _field_json(change: FieldChange) -> dict:
    data = {"name": change.name, "old": change.old, "new": change.new}
    if change.words is not None:
        data["words"] = [{"op": _OPS[op], "text": text} for op, text in change.words]
    if change.items is not None:
        data["items"] = [_item_json(i) for i in change.items]
    return data


def _item_json(item: ItemChange) -> dict:
    return {"change": item.change, "old_index": item.old_index, "new_index": item.new_index,
            "old": item.old, "new": item.new, "fields": [_field_json(f) for f in item.fields]}


# --- lines shared by text and HTML ---------------------------------------------------------


@dataclass
class _Line:
    indent: int
    runs: list[tuple[str, str]]  # (style, text): style "", "head", "del", "ins", "dim"


class _Lines:
    """Turns a diff into lines: the wording of the people's views, in one place."""

    def __init__(self, diff: Diff):
        self.diff = diff
        language = diff.new.language
        try:
            self.labels = load_labels(language)
        except ValueError:
            self.labels = load_labels("en")
        self.lines: list[_Line] = []

    def build(self) -> list[_Line]:
        groups: dict[str | None, list[Entry]] = {}
        for entry in self.diff.entries:
            key = None if entry.kind == "handbook" else entry.department
            groups.setdefault(key, []).append(entry)
        for key, entries in groups.items():
            if key is None:
                for entry in entries:
                    self._add(0, [("head", f"{entry.title} (handbook.yml)"),
                                  ("", f": {entry.change}")])
                    self._fields(2, entry.fields)
                continue
            department = next((e for e in entries if e.kind == "department"), None)
            self._add(0, [("head", self._department_name(key))]
                      + (self._department_change(department) if department else []))
            if department:
                self._fields(2, department.fields)
            for entry in entries:
                if entry.kind == "role":
                    self._role(entry)
        return self.lines

    def _add(self, indent: int, runs: list[tuple[str, str]]) -> None:
        self.lines.append(_Line(indent, runs))

    def _department_name(self, dept_id: str) -> str:
        for handbook in (self.diff.new, self.diff.old):
            for department in handbook.departments:
                if department.id == dept_id:
                    return f"{department.name} ({dept_id})"
        return dept_id

    def _department_change(self, entry: Entry) -> list[tuple[str, str]]:
        if entry.change == "renamed":
            return [("", f": renamed from {entry.old_id}")]
        moved = [f for f in entry.fields if f.name == "parent"]
        if moved:
            return [("", ": moved from "), ("del", self._ref("parent", moved[0].old)),
                    ("", " to "), ("ins", self._ref("parent", moved[0].new))]
        return [("", f": {entry.change}")]

    def _role(self, entry: Entry) -> None:
        ident = f"{entry.old_id} → {entry.id}" if entry.old_id else entry.id
        style = {"added": "ins", "removed": "del"}.get(entry.change, "")
        self._add(2, [("head", f"{entry.title} ({ident})"), (style, f": {entry.change}")])
        self._fields(4, entry.fields)

    def _label(self, name: str) -> str:
        return self.labels.get(LABEL_KEYS.get(name, name), name.rsplit(".", 1)[-1])

    def _fields(self, indent: int, fields: list[FieldChange], parent: str = "") -> None:
        for change in fields:
            name = f"{parent}.{change.name}" if parent else change.name
            label = self._label(name)
            if change.name == "parent":
                continue  # said on the department's line as "moved"
            if change.items is not None:
                for item in change.items:
                    self._item(indent, change.name, label, item)
            elif change.words is not None:
                self._add(indent, [("", f"{label}: "), *_word_runs(change.words)])
            else:
                self._add(indent, [("", f"{label}: "), ("del", self._ref(name, change.old)),
                                   ("", " → "), ("ins", self._ref(name, change.new))])

    def _item(self, indent: int, name: str, label: str, item: ItemChange) -> None:
        number = item.new_index or item.old_index
        head = f"{label} {number}"
        if item.change == "moved":
            head = f"{label} {item.old_index} → {item.new_index}"
        what = _item_text(item.new if item.new is not None else item.old)
        if item.change in ("added", "removed"):
            style = "ins" if item.change == "added" else "del"
            self._add(indent, [("", f"{head} {item.change}: "), (style, what)])
        elif item.change == "moved":
            self._add(indent, [("", f"{head} moved: "), ("dim", what)])
        elif len(item.fields) == 1 and item.fields[0].words is not None:
            self._add(indent, [("", f"{head}: "), *_word_runs(item.fields[0].words)])
        elif len(item.fields) == 1:
            one = item.fields[0]
            field_name = f"{name}.{one.name}"
            self._add(indent, [("", f"{head} «{what}» {self._label(field_name)}: "),
                               ("del", self._ref(field_name, one.old)), ("", " → "),
                               ("ins", self._ref(field_name, one.new))])
        else:
            self._add(indent, [("", f"{head} «{what}»:")])
            self._fields(indent + 2, item.fields, name)

    def _ref(self, name: str, value) -> str:
        """A value as people read it: an id with its title, a list joined, none as —."""
        if value is None or value == []:
            return self.labels.get("empty_cell", "—")
        if isinstance(value, list):
            return self.labels.get("list_separator", ", ").join(self._ref(name, v)
                                                                for v in value)
        short = name.rsplit(".", 1)[-1]
        if short in _ROLE_REFS:
            for handbook in (self.diff.new, self.diff.old):
                if value in handbook.roles:
                    return f"{handbook.roles[value].title} ({value})"
        if short in _DEPARTMENT_REFS:
            return self._department_name(value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)


def _item_text(value) -> str:
    """The words an item is known by: a duty's text, a KPI's name, a revision's version."""
    if isinstance(value, dict):
        for key in ("text", "name", "version"):
            if key in value:
                return str(value[key])
    return str(value)


def _word_runs(words) -> list[tuple[str, str]]:
    """Changed runs with a little unchanged context around them, the rest elided."""
    runs: list[tuple[str, str]] = []
    for index, (op, text) in enumerate(words):
        if op != "=":
            runs.append(("del", f"[-{text}-]") if op == "-" else ("ins", f"{{+{text}+}}"))
            continue
        parts = tokens(" ".join(text.split("\n")))
        head = [] if index == 0 else parts[:_CONTEXT]
        tail = [] if index == len(words) - 1 else parts[-_CONTEXT:]
        if len(parts) <= len(head) + len(tail) + 1:
            runs.append(("", "".join(parts)))
        else:
            runs.append(("", "".join(head) + "…" + "".join(tail)))
    return runs


# --- text and HTML -------------------------------------------------------------------------


_STYLES = {"head": {"bold": True}, "del": {"fg": "red"}, "ins": {"fg": "green"},
           "dim": {"dim": True}}


def render_text(diff: Diff) -> str:
    """For a terminal: click.echo drops the colours when stdout is not one."""
    out = []
    for line in _Lines(diff).build():
        text = "".join(click.style(t, **_STYLES[s]) if s else t for s, t in line.runs)
        out.append(" " * line.indent + text)
    return "\n".join(out)


_CSS = """body{font:15px/1.5 system-ui,"Noto Sans CJK SC","Noto Sans CJK TC",sans-serif;
margin:2em auto;max-width:60em;padding:0 1em;color:#222}h1{font-size:1.3em}
p{margin:.15em 0}.i0{margin-top:1em;font-size:1.1em}del{color:#b00020;background:#fde8ea}
ins{color:#0a6b2d;background:#e3f6e8;text-decoration:none}.dim{color:#777}"""


def render_html(diff: Diff, old: str, new: str) -> str:
    """One self-contained page: the text view with insertions and deletions marked."""
    body = []
    for line in _Lines(diff).build():
        runs = "".join(_html_run(s, t) for s, t in line.runs)
        body.append(f'<p class="i{line.indent}" style="margin-left:{line.indent}em">{runs}</p>')
    title = html.escape(f"{old} → {new}")
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            f"<title>{title}</title><style>{_CSS}</style></head><body>"
            f"<h1>{title}</h1><p>{html.escape(summary(diff))}</p>\n" + "\n".join(body)
            + "\n</body></html>\n")


def _html_run(style: str, text: str) -> str:
    text = html.escape(text)
    if style == "del":
        return f"<del>{text.removeprefix('[-').removesuffix('-]')}</del>"
    if style == "ins":
        return f"<ins>{text.removeprefix('{+').removesuffix('+}')}</ins>"
    if style == "head":
        return f"<strong>{text}</strong>"
    return f'<span class="dim">{text}</span>' if style == "dim" else text


def summary(diff: Diff) -> str:
    """One line: how many positions and departments changed, and how."""
    if not diff.entries:
        return "no changes"
    parts = []
    for kind, noun in (("role", "position"), ("department", "department")):
        counts = Counter(e.change for e in diff.entries if e.kind == kind)
        parts += [f"{n} {noun}{'' if n == 1 else 's'} {change}"
                  for change, n in sorted(counts.items())]
    if any(e.kind == "handbook" for e in diff.entries):
        parts.append("handbook.yml changed")
    return ", ".join(parts)

"""Read YAML files into plain data that remembers where every value came from.

PyYAML's ``SafeLoader`` gives values without positions, silently keeps the last of two
duplicate keys and expands aliases without limit. Content here is hand-written (and
sometimes comes from clients), so this loader composes the node graph itself and:

* records ``line:column`` of every mapping key and value, keyed by the value's path;
* keeps the source text of numbers, so ``version: 2.10`` can be read back as "2.10";
* refuses duplicate keys, tabs in indentation, explicit tags, deep nesting and alias
  expansions that would blow up (a "billion laughs" file fails in milliseconds);
* names the likely encoding of a file that is not UTF-8 (GBK, Big5, UTF-16).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Location, Problem
from .textencoding import decode
from .yamlerrors import explain_syntax, position, problem_at

__all__ = ["LoadedFile", "RawFloat", "RawInt", "content_digest", "load_yaml"]

Path_ = tuple[Any, ...]

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_EXPANDED_NODES = 200_000
MAX_DEPTH = 64


class RawInt(int):
    """An int that remembers how it was written (``007`` stays "007" when read as text)."""

    raw: str


class RawFloat(float):
    """A float that remembers how it was written (``2.10`` stays "2.10" when read as text)."""

    raw: str


@dataclass
class LoadedFile:
    """One YAML file as plain data, with the position of every key and value."""

    path: Path
    data: Any = None
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def at(self, path: Path_ = (), *, key: bool = False) -> Location:
        """The location of the value (or its key) at ``path``, or of its nearest parent."""
        table = self.keys if key else self.values
        for cut in range(len(path), -1, -1):
            where = table.get(path[:cut]) or (self.values.get(path[:cut]) if key else None)
            if where:
                return Location(self.path, *where)
        return Location(self.path, 1, 1)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


class _Refused(Exception):
    """Raised inside the composer to stop at the first fatal problem in a file."""

    def __init__(self, mark: yaml.Mark | None, message: str):
        super().__init__(message)
        self.mark = mark
        self.message = message


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_COLLECTION_START = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_COLLECTION_END = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _screen(text: str) -> None:
    """Refuse explicit tags and deep nesting from the event stream, before composing.

    libyaml's composer recurses in C, so depth is bounded here first; events also carry
    the ``implicit`` flags that say whether a tag was written in the file.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and not _implicit(event):
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise _Refused(event.start_mark,
                           f"YAML tag `{shown}` is not allowed; write plain values")
        if isinstance(event, _COLLECTION_START):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(event.start_mark, f"nesting is deeper than {MAX_DEPTH} levels")
        elif isinstance(event, _COLLECTION_END):
            depth -= 1


def _implicit(event) -> bool:
    implicit = getattr(event, "implicit", False)
    return any(implicit) if isinstance(implicit, tuple) else bool(implicit)


def content_digest(raw: bytes) -> bytes:
    """The key under which files with the same bytes share one load."""
    return hashlib.blake2b(raw, digest_size=16).digest()


def load_yaml(path: Path) -> LoadedFile:
    """Load one file; fatal problems are returned in ``problems`` with ``data`` left None."""
    loaded = LoadedFile(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        loaded.problems.append(problem_at(path, 1, 1, f"cannot read file: {exc.strerror}"))
        return loaded
    if len(raw) > MAX_FILE_BYTES:
        loaded.problems.append(problem_at(
            path, 1, 1, f"file is {len(raw) / 2**20:.1f} MB; content files are limited to "
            f"{MAX_FILE_BYTES // 2**20} MB (was something pasted into it by mistake?)"))
        return loaded
    text, problem = decode(path, raw)
    if problem is not None:
        loaded.problems.append(problem)
    if text is None:
        return loaded
    if not text.strip():
        loaded.problems.append(problem_at(path, 1, 1, "file is empty"))
        return loaded
    control = _find_control_character(text)
    if control:
        line, col, char = control
        loaded.problems.append(problem_at(
            path, line, col, f"control character U+{ord(char):04X} is not allowed; delete it "
            "(it often comes with text pasted from Word or Excel)"))
        return loaded
    tab = _find_tab_indent(text)
    if tab:
        loaded.problems.append(
            problem_at(path, *tab, "tab character in indentation; indent with spaces")
        )
        return loaded
    try:
        return _load_in_one_pass(loaded, text)
    except _Fallback:
        pass
    try:
        node = _compose(text)
    except _Refused as exc:
        line, col = position(exc.mark)
        loaded.problems.append(problem_at(path, line, col, exc.message))
        return loaded
    except yaml.MarkedYAMLError as exc:
        loaded.problems.append(explain_syntax(path, exc, text))
        return loaded
    if node is None:
        loaded.problems.append(problem_at(path, 1, 1, "file is empty (it holds only comments)"))
        return loaded
    builder = _Builder(loaded, text)
    try:
        builder.check_size(node)
        loaded.data = builder.build(node, ())
    except _Refused as exc:
        line, col = position(exc.mark)
        loaded.problems.append(problem_at(path, line, col, exc.message))
        loaded.data = None
    return loaded


class _Fallback(Exception):
    """The one-pass loader met what only the node pass handles: an anchor, alias, merge key,
    tag, duplicate key, a key that is not text, deep or huge nesting, or a syntax error."""


_NO_KEY = object()


def _load_in_one_pass(loaded: LoadedFile, text: str) -> LoadedFile:
    """Data and positions from one walk over libyaml's events, for the usual file.

    Hand-written content rarely has anchors, tags or mistakes, and then composing a node
    graph, screening it and walking it again (three passes) only repeats this one. Anything
    unusual raises ``_Fallback`` before ``loaded`` is touched, and the node pass, which
    knows every refusal and its exact message, loads the file instead.
    """
    result = LoadedFile(loaded.path, problems=list(loaded.problems))
    builder = _Builder(result, text)
    values, keys = result.values, result.keys
    stack: list[list] = []  # [container, its path, the key waiting for its value]
    root, count = _NO_KEY, 0
    parser = _Loader(text)
    try:
        while (event := parser.get_event()) is not None:
            kind = type(event)
            if kind is yaml.StreamEndEvent:
                break
            if kind in _COLLECTION_END:
                stack.pop()
                continue
            if kind not in _NODE_START:
                if kind is yaml.DocumentStartEvent and root is not _NO_KEY:
                    raise _Fallback  # a second document
                if kind is yaml.AliasEvent:
                    raise _Fallback
                continue
            if event.anchor is not None or event.tag not in (None, "!"):
                raise _Fallback
            count += 1
            mark = event.start_mark
            if not stack:
                path = ()
            else:
                frame = stack[-1]
                container = frame[0]
                if type(container) is dict:
                    if frame[2] is _NO_KEY:
                        frame[2] = _event_key(builder, event, container)
                        keys[frame[1] + (frame[2],)] = (mark.line + 1, mark.column + 1)
                        continue
                    path = frame[1] + (frame[2],)
                else:
                    path = frame[1] + (len(container),)
            values[path] = (mark.line + 1, mark.column + 1)
            if kind is yaml.ScalarEvent:
                value = builder.scalar(event)
                if type(value) is str and not event.style:
                    builder.check_cut_by_comment(event.end_mark, value)
            else:
                value = {} if kind is yaml.MappingStartEvent else []
            if not stack:
                root = value
            elif type(container) is dict:
                container[frame[2]] = value
                frame[2] = _NO_KEY
            else:
                container.append(value)
            if kind is not yaml.ScalarEvent:
                stack.append([value, path, _NO_KEY])
                if len(stack) > MAX_DEPTH or count > MAX_EXPANDED_NODES:
                    raise _Fallback
    except yaml.YAMLError:
        raise _Fallback from None
    finally:
        parser.dispose()
    if root is _NO_KEY:
        raise _Fallback  # only comments: the node pass says so
    result.data = root
    return result


_NODE_START = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)


def _event_key(builder: _Builder, event, mapping: dict) -> Any:
    """The key a scalar event gives, as ``_Builder._put`` reads it; anything else falls back."""
    if type(event) is not yaml.ScalarEvent:
        raise _Fallback
    key = builder.scalar(event)
    if key is _MERGE:
        raise _Fallback
    key = key.raw if isinstance(key, (RawInt, RawFloat)) else key
    if not isinstance(key, str):
        key = event.value
    if key in mapping:
        raise _Fallback
    return key


def _compose(text: str) -> yaml.Node | None:
    _screen(text)
    return yaml.compose(text, Loader=_Loader)


def _find_control_character(text: str) -> tuple[int, int, str] | None:
    match = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if not match:
        return None
    before = text[: match.start()]
    line = before.count("\n") + 1
    return line, match.start() - (before.rfind("\n") + 1) + 1, match.group()


def _find_tab_indent(text: str) -> tuple[int, int] | None:
    if "\t" not in text:  # the usual file: no line to look at
        return None
    for number, line in enumerate(text.splitlines(), 1):
        indent = re.match(r"[ \t]*", line).group()
        if "\t" in indent and line.strip() and not line.lstrip(" \t").startswith("#"):
            return number, indent.index("\t") + 1
    return None


# --- building data with positions --------------------------------------------------------


_STR = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_MERGE = object()
# The first characters of a plain scalar that may make it other than text (PyYAML's
# implicit resolvers are looked up by the first character).
_RESOLVED_FIRST = frozenset(key for key in yaml.SafeLoader.yaml_implicit_resolvers if key)
# Plain scalars that resolved to text: keys repeat in every file.
_PLAIN_TEXT: set[str] = set()


class _Builder:
    """Turn a composed node graph into Python data, recording positions on the way."""

    _scalars = yaml.SafeLoader("")

    def __init__(self, loaded: LoadedFile, text: str = ""):
        self.loaded = loaded
        self.lines = text.splitlines()

    def check_size(self, root: yaml.Node) -> None:
        """Refuse graphs whose alias expansion is huge, before anything walks them."""
        sizes: dict[int, int] = {}
        visiting: set[int] = set()

        def size(node: yaml.Node) -> int:
            key = id(node)
            if key in sizes:
                return sizes[key]
            if key in visiting:
                raise _Refused(node.start_mark, "an alias refers to the node that contains it")
            visiting.add(key)
            total = 1
            if isinstance(node, yaml.SequenceNode):
                total += sum(size(child) for child in node.value)
            elif isinstance(node, yaml.MappingNode):
                total += sum(size(k) + size(v) for k, v in node.value)
            visiting.discard(key)
            if total > MAX_EXPANDED_NODES:
                raise _Refused(
                    node.start_mark,
                    "aliases expand to too many values (a 'billion laughs' file?); "
                    "write the values out or use fewer nested aliases",
                )
            sizes[key] = total
            return total

        size(root)

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.loaded.values[path] = position(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, path + (i,)) for i, child in enumerate(node.value)]
        value = self._scalar(node)
        if isinstance(value, str) and not node.style:
            self.check_cut_by_comment(node.end_mark, value)
        return value

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        """A scalar event's value, resolved as the composer would resolve its node; a text
        (the usual value) without building the node; ``_MERGE`` for the key ``<<``."""
        value = event.value
        if not event.implicit[0] or (value and value[0] not in _RESOLVED_FIRST):
            return value  # quoted, or plain that no implicit resolver looks at: text
        if value in _PLAIN_TEXT:  # a key such as `title`, resolved before
            return value
        tag = self._scalars.resolve(yaml.ScalarNode, value, event.implicit)
        if tag == _STR:
            if len(_PLAIN_TEXT) < 4096:
                _PLAIN_TEXT.add(value)
            return value
        if tag == _MERGE_TAG:
            return _MERGE
        return self._scalar(yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                                            event.style))

    def check_cut_by_comment(self, end: yaml.Mark, value: str) -> None:
        """``text: Win the #1 spot`` is the text "Win the": `` #`` starts a comment."""
        if end.line >= len(self.lines):
            return
        rest = self.lines[end.line][end.column:]
        if not rest.startswith(" #"):
            return
        match = re.match(r" #(\S.*)$", rest)
        if match:
            cut = "#" + match.group(1).rstrip()
            self.loaded.problems.append(Problem(
                Location(self.loaded.path, end.line + 1, end.column + 2), "warning",
                f"the text ends at `{_tail(value)}`: in YAML ` #` starts a comment, so "
                f"`{cut}` is left out; put the whole text in quotes if it belongs to it"))

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict:
        result: dict[Any, Any] = {}
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged.extend(self._merge_pairs(value_node))
                continue
            self._put(result, key_node, value_node, path, duplicate_is_error=True)
        for key_node, value_node in merged:  # explicit keys win over merged ones
            self._put(result, key_node, value_node, path, duplicate_is_error=False)
        return result

    def _merge_pairs(self, node: yaml.Node) -> list[tuple[yaml.Node, yaml.Node]]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        pairs = []
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                raise _Refused(source.start_mark, "`<<` must merge a mapping")
            pairs.extend(source.value)
        return pairs

    def _put(self, result, key_node, value_node, path, *, duplicate_is_error: bool) -> None:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Refused(key_node.start_mark, "a key must be plain text, not a list or mapping")
        key = self._scalar(key_node)
        key = key.raw if isinstance(key, (RawInt, RawFloat)) else key
        if not isinstance(key, str):
            key = key_node.value
        if key in result:
            if duplicate_is_error:
                line, col = position(key_node.start_mark)
                first_line = self.loaded.keys[path + (key,)][0]
                self.loaded.problems.append(
                    problem_at(self.loaded.path, line, col,
                           f"duplicate key `{key}` (first given on line {first_line})")
                )
            return
        self.loaded.keys[path + (key,)] = position(key_node.start_mark)
        result[key] = self.build(value_node, path + (key,))

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        try:
            value = self._scalars.construct_object(node, deep=False)
        except yaml.YAMLError:  # e.g. a lone "=", YAML 1.1's value key: it is text here
            return node.value
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            out = RawInt(value)
            out.raw = node.value
            return out
        if isinstance(value, float):
            out = RawFloat(value)
            out.raw = node.value
            return out
        return value


def _tail(text: str, length: int = 30) -> str:
    return text if len(text) <= length else "…" + text[-length:].lstrip()

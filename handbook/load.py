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

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Location, Problem

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
        loaded.problems.append(_error(path, 1, 1, f"cannot read file: {exc.strerror}"))
        return loaded
    if len(raw) > MAX_FILE_BYTES:
        loaded.problems.append(_error(
            path, 1, 1, f"file is {len(raw) / 2**20:.1f} MB; content files are limited to "
            f"{MAX_FILE_BYTES // 2**20} MB (was something pasted into it by mistake?)"))
        return loaded
    text = _decode(path, raw, loaded)
    if text is None:
        return loaded
    if not text.strip():
        loaded.problems.append(_error(path, 1, 1, "file is empty"))
        return loaded
    control = _find_control_character(text)
    if control:
        line, col, char = control
        loaded.problems.append(_error(
            path, line, col, f"control character U+{ord(char):04X} is not allowed; delete it "
            "(it often comes with text pasted from Word or Excel)"))
        return loaded
    tab = _find_tab_indent(text)
    if tab:
        loaded.problems.append(
            _error(path, *tab, "tab character in indentation; indent with spaces")
        )
        return loaded
    try:
        return _load_in_one_pass(loaded, text)
    except _Fallback:
        pass
    try:
        node = _compose(text)
    except _Refused as exc:
        line, col = _mark(exc.mark)
        loaded.problems.append(_error(path, line, col, exc.message))
        return loaded
    except yaml.MarkedYAMLError as exc:
        loaded.problems.append(_yaml_syntax(path, exc, text))
        return loaded
    if node is None:
        loaded.problems.append(_error(path, 1, 1, "file is empty (it holds only comments)"))
        return loaded
    builder = _Builder(loaded, text)
    try:
        builder.check_size(node)
        loaded.data = builder.build(node, ())
    except _Refused as exc:
        line, col = _mark(exc.mark)
        loaded.problems.append(_error(path, line, col, exc.message))
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


# --- decoding ---------------------------------------------------------------------------

_COMMON_HANZI = set(
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家"
    "学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经"
    "头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者"
    "向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气"
    "信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活"
    "難這們個為來時國說對會過後裡麼學發還經動兩長現樣進點種聲見從實話與將當開問關體師書總員報馬"
    "負責職務運營銷售客服推廣設計管理門部崗位负责职务运营销售推广设计岗"
)


def _decode(path: Path, raw: bytes, loaded: LoadedFile) -> str | None:
    """UTF-8 (with or without BOM) only; otherwise say which encoding the file looks like."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(raw):
        loaded.problems.append(
            _error(path, 1, 1, "file is UTF-16, not UTF-8; save it as UTF-8 (in Excel: "
                   "'CSV UTF-8'; in Notepad: Save As, Encoding: UTF-8)")
        )
        return None
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        guess = _guess_encoding(raw)
        shown = Location(path).display_path()
        if guess is None:
            advice = "save it as UTF-8"
        else:
            name, what = guess
            advice = (f"it looks like {name}, {what}; convert it with `iconv -f {name} -t UTF-8 "
                      f"{shown} > {shown}.new` and put the .new file in its place, or save it "
                      "as UTF-8 in your editor")
        loaded.problems.append(_error(path, line, col, f"file is not UTF-8 ({advice})"))
        return None


_ENCODINGS = {"gb18030": ("GB18030", "Simplified Chinese"),
              "big5": ("BIG5", "Traditional Chinese"),
              "cp1252": ("WINDOWS-1252", "Western European"),
              "shift_jis": ("SHIFT_JIS", "Japanese")}


def _looks_utf16(raw: bytes) -> bool:
    """UTF-16 without a BOM: every other byte of ASCII text is zero."""
    sample = raw[:200]
    return len(sample) >= 4 and sample.count(0) >= len(sample) // 3


def _guess_encoding(raw: bytes) -> tuple[str, str] | None:
    """The legacy encoding (its iconv name, and what it is for) the file most likely uses.

    charset-normalizer ranks the candidates; a short Chinese text decodes in both GB18030
    and Big5, so between those two the one giving the more common characters wins.
    """
    from charset_normalizer import from_bytes

    matches = list(from_bytes(raw, cp_isolation=list(_ENCODINGS)))
    if not matches:
        return None
    chinese = [m.encoding for m in matches if m.encoding in ("gb18030", "big5")
               and "CJK Unified Ideographs" in m.alphabets]
    if chinese:
        best = max(chinese, key=lambda codec: sum(ch in _COMMON_HANZI
                                                  for ch in raw.decode(codec, "replace")))
    else:
        best = matches[0].encoding
    return _ENCODINGS.get(best)


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
        self.loaded.values[path] = _mark(node.start_mark)
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
                line, col = _mark(key_node.start_mark)
                first_line = self.loaded.keys[path + (key,)][0]
                self.loaded.problems.append(
                    _error(self.loaded.path, line, col,
                           f"duplicate key `{key}` (first given on line {first_line})")
                )
            return
        self.loaded.keys[path + (key,)] = _mark(key_node.start_mark)
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


def _mark(mark: yaml.Mark | None) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _error(path: Path, line: int, column: int, message: str) -> Problem:
    return Problem(Location(path, line, column), "error", message)


def _yaml_syntax(path: Path, exc: yaml.MarkedYAMLError, text: str) -> Problem:
    """libyaml's complaint turned into what to do, at the line where the mistake is.

    libyaml notices an open bracket or quote only at the end of the file, and an unquoted
    ``: `` or an indentation slip as "mapping values are not allowed": the mark it gives
    is where it gave up, so the cause is looked for around it.
    """
    problem = exc.problem or "invalid YAML"
    lines = text.splitlines()
    opened = exc.context_mark
    stop = (exc.problem_mark or opened).line + 1 if (exc.problem_mark or opened) else len(lines)
    unclosed = _unclosed_quote(lines[:stop])
    if unclosed:
        line, col, char = unclosed
        return _error(path, line, col, f"the quote `{char}` opened here is never closed; "
                      f"add the closing `{char}`")
    if opened is not None and exc.context and ("flow" in exc.context or "quoted" in exc.context):
        line, col = _mark(opened)
        char = lines[line - 1][col - 1] if line <= len(lines) else "["
        closing = {"[": "]", "{": "}"}.get(char, char)
        what = "quote" if "quoted" in exc.context else "bracket"
        return _error(path, line, col, f"the {what} `{char}` opened here is never closed; "
                      f"add the closing `{closing}`")
    line, col = _mark(exc.problem_mark or opened)
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    if problem.startswith("mapping values are not allowed"):
        return _colon_or_indent(path, line, col, source, lines)
    if problem == "did not find expected key" or problem.startswith("did not find expected '-'"):
        indent = len(source) - len(source.lstrip(" "))
        return _error(path, line, indent + 1, _indent_message(line, source, lines))
    context = f" {exc.context}" if exc.context and exc.problem else ""
    return _error(path, line, col, f"YAML syntax: {problem}{context}")


_QUOTED_VALUE = re.compile(r"""^(\s*(?:- )?(?:[^\s"'#][^:#]*:\s+)?)(["'])""")


def _unclosed_quote(lines: list[str]) -> tuple[int, int, str] | None:
    """The first value that opens a quote its line never closes.

    A quoted text may go on over several lines, so libyaml pairs an open quote with the
    next one it finds, often many lines further down, and complains there.
    """
    for number, line in enumerate(lines, 1):
        match = _QUOTED_VALUE.match(line)
        if not match:
            continue
        quote, rest = match.group(2), line[match.end():]
        closing = rest.replace("''", "") if quote == "'" else re.sub(r'\\.', "", rest)
        if quote not in closing:
            return number, match.end(), quote
    return None


def _colon_or_indent(path: Path, line: int, col: int, source: str, lines: list[str]) -> Problem:
    """An unquoted ``: `` inside a value, or a key indented deeper than the line above."""
    stripped = source.lstrip(" ")
    indent = len(source) - len(stripped)
    first_colon = source.find(": ") if ": " in source else source.find(":")
    if first_colon + 1 < col and stripped.lstrip("- ").strip():
        key_end = source.index(":", indent) + 1
        value = source[key_end:].strip()
        return _error(path, line, col, f"`: ` inside a text starts a new key; put the text in "
                      f"quotes: {source[indent:key_end]} \"{value}\"")
    return _error(path, line, indent + 1, _indent_message(line, source, lines))


def _indent_message(line: int, source: str, lines: list[str]) -> str:
    indent = len(source) - len(source.lstrip(" "))
    above = next((n for n in range(line - 1, 0, -1)
                  if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")), 0)
    if not above:
        return f"this line is indented {_spaces(indent)}; the first key must start the line"
    other = lines[above - 1]
    theirs = len(other) - len(other.lstrip(" "))
    return (f"indentation slip: this line is indented {_spaces(indent)}, line {above} above "
            f"it {_spaces(theirs)}; indent it like the lines it belongs with")


def _spaces(count: int) -> str:
    return f"{count} space{'' if count == 1 else 's'}"

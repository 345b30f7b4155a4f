"""A changed Markdown cell marked in place without losing its formatting.

The word diff of a changed duty is taken on the printed text (``changetext``), so bold,
links and code are not "changes". To show it in the cell, the diff is laid back over the new
text's own inline tokens: kept and inserted words stay inside the ``strong``, ``em``, link
or code they belong to (inserted ones wrapped in ``ins_open``/``ins_close``), and deleted
words are put in as ``del_open``/text/``del_close`` where they stood. markdown-it renders
these as ``<ins>``/``<del>`` by their tag, the Word renderer as tracked changes, and
accepting every change gives exactly the new field as a build without marks prints it.

A block field (a summary, a department's function, the intro) is walked the same way, one
inline token after another: the line break its printed text has after each paragraph,
heading and list item is taken from the runs there, so a change that spans two paragraphs
is marked in both.
"""

from __future__ import annotations

from markdown_it.token import Token

from .changetext import Runs
from .markdown import Markdown

__all__ = ["marked_markdown"]

_TEXT = ("text", "code_inline")  # the tokens whose content is printed text
_BREAKS = ("softbreak", "hardbreak")  # printed as one space in the plain text
_BLOCK_ENDS = ("paragraph_close", "heading_close", "list_item_close")  # printed as "\n"


def marked_markdown(markdown: Markdown, runs: Runs) -> Markdown | None:
    """``markdown`` (an inline or a block field) with ``runs`` (its word diff) marked in its
    tokens; None when the runs do not spell the field's printed text."""
    cursor = _Cursor(runs)
    tokens: list[Token] = []
    for token in markdown.tokens:
        if token.children is not None:
            token = token.copy(children=cursor.children(token.children))
        elif token.type in _BLOCK_ENDS:
            cursor.line_break()
        tokens.append(token)
    last = next((t for t in reversed(tokens) if t.children is not None), None)
    if last is not None:
        last.children += cursor.deletions()
    if cursor.runs or cursor.printed.strip() != markdown.plain:
        return None
    return Markdown(markdown.source, markdown.inline, tokens)


class _Cursor:
    """Walks the diff's runs along the printed text of the tokens."""

    def __init__(self, runs: Runs) -> None:
        self.runs = [(style, text) for style, text in runs if text]
        self.printed = ""  # the kept and inserted text walked so far

    def children(self, children: list[Token]) -> list[Token]:
        out: list[Token] = []
        for child in children:
            if child.type in _TEXT:
                out += self._split(child)
            elif child.type in _BREAKS:
                self._take(1)
                out += [child, *self.deletions()]
            else:
                out.append(child)
        return out

    def deletions(self) -> list[Token]:
        """The deleted runs that stand here, as ``<del>`` tokens."""
        out: list[Token] = []
        while self.runs and self.runs[0][0] == "del":
            _, text = self.runs.pop(0)
            out += [Token("del_open", "del", 1), Token("text", "", 0, content=text),
                    Token("del_close", "del", -1)]
        return out

    def line_break(self) -> None:
        """The line break after a block: taken from the first run that is printed, the
        deletions before it left to stand where the next block starts."""
        index = next((i for i, (style, _) in enumerate(self.runs) if style != "del"), None)
        if index is None or not self.runs[index][1].startswith("\n"):
            return  # the last block's break: the printed text is stripped
        style, text = self.runs[index]
        if text[1:]:
            self.runs[index] = (style, text[1:])
        else:
            self.runs.pop(index)
        self.printed += "\n"

    def _split(self, child: Token) -> list[Token]:
        """``child`` cut where the runs change: kept pieces as they are, inserted ones
        wrapped in ``<ins>``, deletions put in between."""
        out: list[Token] = self.deletions()
        text = child.content
        while text:
            style, piece = self._take(len(text))
            if not piece or not text.startswith(piece):  # not this text: found out later
                return [*out, child.copy(content=text)]
            token = child.copy(content=piece)
            out += ([Token("ins_open", "ins", 1), token, Token("ins_close", "ins", -1)]
                    if style == "ins" else [token])
            out += self.deletions()  # right after the words they followed
            text = text[len(piece):]
        return out

    def _take(self, most: int) -> tuple[str, str]:
        """Up to ``most`` characters of the next printed run, and its style."""
        if not self.runs:
            return "", ""
        style, text = self.runs[0]
        piece, rest = text[:most], text[most:]
        if rest:
            self.runs[0] = (style, rest)
        else:
            self.runs.pop(0)
        self.printed += piece
        return style, piece

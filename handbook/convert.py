"""Simplified <-> Traditional Chinese conversion of content (OpenCC, Taiwan phrasing).

``--lang zh-Hant`` on a Simplified handbook converts every text it prints; English labels
on Chinese content convert nothing and say so.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["converter"]


def converter(source: str, target: str) -> tuple[Callable[[str], str], list[str]]:
    """Simplified <-> Traditional text conversion (OpenCC, Taiwan phrasing) when asked."""
    pairs = {("zh-Hans", "zh-Hant"): "s2twp", ("zh-Hant", "zh-Hans"): "tw2sp"}
    config = pairs.get((source, target))
    if config:
        import opencc

        return _Chinese(opencc.OpenCC(config)).convert, []
    if source != target:
        note = (f"content stays in {source}: --lang {target} switches labels and fonts only "
                "(no machine translation)")
        return (lambda text: text), [note]
    return (lambda text: text), []


class _Chinese:
    """OpenCC phrase conversion, then a second look at characters it left alone.

    OpenCC's phrase dictionaries can keep a character that converts on its own when a
    longer entry matches across a word boundary ("推广部" is read as 推 + the radical name
    "广部"); such a character is converted together with its left neighbour instead.
    """

    def __init__(self, converter) -> None:
        self._converter = converter
        self._single: dict[str, str] = {}

    def convert(self, text: str) -> str:
        out = self._converter.convert(text)
        if len(out) != len(text):
            return out
        chars = list(out)
        for index, (before, after) in enumerate(zip(text, out, strict=True)):
            if before == after and self._one(before) != before:
                pair = self._converter.convert(text[max(index - 1, 0):index + 1])
                chars[index] = pair[-1]
        return "".join(chars)

    def _one(self, char: str) -> str:
        if char not in self._single:
            self._single[char] = self._converter.convert(char)
        return self._single[char]

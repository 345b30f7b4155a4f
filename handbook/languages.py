"""Which stretches of a text are in another language than the page, for ``lang`` marks.

Content has no key that says a name is English or a phrase Traditional Chinese, so only what
the characters themselves show is marked, and only where a screen reader would read it
wrongly in the page's voice:

- on a Chinese page, English words: a run of Latin letters with a lowercase pair in it
  ("Customer Success", "iPhone"). Codes and acronyms ("OPS-PR-01", "KPI", "GMV") stay
  unmarked: a Chinese voice spells them out as an English one would;
- on a Chinese page, Han text in the other script: a run with a character only that script
  uses (OpenCC's conversion changes it one way and not the other) and none that only the
  page's script uses (台北, 平台 and 核准 are Taiwan's usage, not Simplified);
- on an English page, Chinese: every run of Han characters, as zh-Hant or zh-Hans where its
  characters tell, else plain zh.
"""

from __future__ import annotations

import functools
import re

__all__ = ["foreign_runs"]

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{_HAN}]+")
_WORD = r"[A-Za-z]+(?:['’\-][A-Za-z]+)*"
_LATIN_RUN = re.compile(rf"{_WORD}(?:[ \u00a0&/+.,\-]+{_WORD})*")
_ENGLISH_WORD = re.compile(r"[a-z]{2}")


@functools.lru_cache(maxsize=65536)
def foreign_runs(text: str, page_tag: str) -> tuple[tuple[str, str | None], ...]:
    """``text`` cut into (piece, language) pairs, language None where it is the page's;
    the pieces join back to ``text``. Cached: names and labels recur on every page."""
    language = page_tag.split("-")[0].lower()
    if language == "zh":
        own = "zh-Hant" if _script(page_tag) == "zh-Hant" else "zh-Hans"
        found = [(m, "en") for m in _LATIN_RUN.finditer(text) if _ENGLISH_WORD.search(m[0])]
        other = "zh-Hans" if own == "zh-Hant" else "zh-Hant"
        if _may_be(other, text):
            found += [(m, other) for m in _HAN_RUN.finditer(text)
                      if _han_script(m[0]) == other]
    elif language == "en":
        found = [(m, _han_script(m[0]) or "zh") for m in _HAN_RUN.finditer(text)]
    else:
        found = []
    pieces: list[tuple[str, str | None]] = []
    end = 0
    for match, lang in sorted(found, key=lambda item: item[0].start()):
        if match.start() > end:
            pieces.append((text[end:match.start()], None))
        pieces.append((match[0], lang))
        end = match.end()
    if end < len(text):
        pieces.append((text[end:], None))
    return tuple(pieces)


def _script(tag: str) -> str:
    """zh-Hant for Traditional tags (zh-Hant, zh-TW, zh-HK, zh-Hant-HK), else zh-Hans."""
    parts = {part.lower() for part in tag.split("-")[1:]}
    return "zh-Hant" if parts & {"hant", "tw", "hk", "mo"} else "zh-Hans"


def _may_be(script: str, text: str) -> bool:
    """Whether ``text`` may hold a run in ``script``: one conversion of the whole text, so a
    page's text in its own script costs no more than that."""
    return _opencc("t2s" if script == "zh-Hant" else "s2hk").convert(text) != text


@functools.lru_cache(maxsize=65536)
def _han_script(run: str) -> str | None:
    """zh-Hant or zh-Hans when ``run`` has characters only that script uses and none only
    the other uses; None when its characters are common to both (or mixed).

    A character is Traditional only when OpenCC simplifies it and keeps it as Traditional;
    Simplified only when it is kept as Simplified and every Traditional standard (OpenCC's
    own, Taiwan's and Hong Kong's) changes it: 台 and 准 are Taiwan's own usage."""
    simplified = _opencc("t2s").convert(run)
    traditional = [_opencc(config).convert(run) for config in ("s2t", "s2tw", "s2hk")]
    if any(len(converted) != len(run) for converted in (simplified, *traditional)):
        return None
    only_traditional = only_simplified = False
    for index, char in enumerate(run):
        kept = [converted[index] == char for converted in traditional]
        only_traditional |= simplified[index] != char and kept[0]
        only_simplified |= simplified[index] == char and not any(kept)
    if only_traditional == only_simplified:
        return None
    return "zh-Hant" if only_traditional else "zh-Hans"


@functools.cache
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)

"""Which encoding a file that is not UTF-8 is most likely in, so the error can say how to
convert it: Chinese content often arrives in GB18030 (Simplified) or Big5 (Traditional)
from older Windows tools, and spreadsheets save UTF-16.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from .errors import Location, Problem
from .yamlerrors import problem_at

__all__ = ["decode"]

_COMMON_HANZI = set(
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家"
    "学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经"
    "头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者"
    "向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气"
    "信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活"
    "難這們個為來時國說對會過後裡麼學發還經動兩長現樣進點種聲見從實話與將當開問關體師書總員報馬"
    "負責職務運營銷售客服推廣設計管理門部崗位负责职务运营销售推广设计岗"
)


def decode(path: Path, raw: bytes) -> tuple[str | None, Problem | None]:
    """The text of a UTF-8 file (with or without BOM); for any other, no text and a problem
    that says which encoding the file looks like and how to convert it."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(raw):
        return None, problem_at(path, 1, 1, "file is UTF-16, not UTF-8; save it as UTF-8 (in "
                                "Excel: 'CSV UTF-8'; in Notepad: Save As, Encoding: UTF-8)")
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        return raw.decode("utf-8"), None
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
        return None, problem_at(path, line, col, f"file is not UTF-8 ({advice})")


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

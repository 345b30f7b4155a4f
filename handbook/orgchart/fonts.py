"""Find the Noto Sans CJK face for a language, for measuring (fontTools) and drawing (Pillow).

One collection file holds the SC, TC, HK, JP and KR faces; each draws some ideographs in its own
region's form, so the face must match the text's language. Face numbers differ between font
builds, so we read each face's family name instead of trusting an index.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

_KNOWN_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/opentype/noto-cjk",
    "/usr/local/share/fonts",
    "/Library/Fonts",
)


class FontNotFoundError(RuntimeError):
    """No Noto Sans CJK face for the language is installed."""


@dataclass(frozen=True)
class FontFace:
    path: str
    index: int  # face number inside a .ttc collection (0 for a single font)
    family: str
    bold: bool


def script_for(lang: str) -> str:
    """The Noto CJK region suffix for a BCP 47 tag: SC, TC, HK, JP or KR (SC for Latin text)."""
    tag = lang.lower().replace("_", "-")
    if tag.startswith("ja"):
        return "JP"
    if tag.startswith("ko"):
        return "KR"
    if tag.startswith("zh"):
        if "-hk" in tag or "-mo" in tag:
            return "HK"
        if "hant" in tag or "-tw" in tag:
            return "TC"
    return "SC"


def family_for(lang: str) -> str:
    return f"Noto Sans CJK {script_for(lang)}"


@functools.cache
def find_face(lang: str, bold: bool = False) -> FontFace:
    """The installed face of `family_for(lang)` in the wanted weight, or FontNotFoundError."""
    family = family_for(lang)
    for path in _candidate_files(family, bold):
        index = _face_index(path, family, bold)
        if index is not None:
            return FontFace(path, index, family, bold)
    weight = "Bold" if bold else "Regular"
    raise FontNotFoundError(
        f"font '{family} {weight}' not found: install the Noto CJK fonts "
        "(Debian/Ubuntu: apt-get install fonts-noto-cjk)"
    )


def _candidate_files(family: str, bold: bool) -> list[str]:
    """fontconfig's answer first, then the usual install places; duplicates removed."""
    found: list[str] = []
    if shutil.which("fc-match"):
        style = "Bold" if bold else "Regular"
        result = subprocess.run(
            ["fc-match", "-f", "%{file}", f"{family}:style={style}"],
            capture_output=True, text=True, check=False,
        )
        if result.returncode == 0 and result.stdout.strip():
            found.append(result.stdout.strip())
    weight = "Bold" if bold else "Regular"
    for directory in _KNOWN_DIRS:
        found += [str(p) for p in sorted(Path(directory).glob(f"NotoSansCJK*-{weight}.tt[cf]"))]
        found += [str(p) for p in sorted(Path(directory).glob(f"NotoSansCJK*-{weight}.otf"))]
    return [p for i, p in enumerate(found) if p not in found[:i] and Path(p).is_file()]


def _face_index(path: str, family: str, bold: bool) -> int | None:
    try:
        faces = (
            TTCollection(path, lazy=True).fonts
            if path.lower().endswith((".ttc", ".otc"))
            else [TTFont(path, lazy=True)]
        )
    except Exception:  # an unreadable file is just not a candidate
        return None
    for index, font in enumerate(faces):
        names = font["name"]
        name = names.getDebugName(16) or names.getDebugName(1)
        is_bold = font["OS/2"].usWeightClass >= 600
        if name == family and is_bold == bold:
            return index
    return None

"""Locales: what a BCP 47 tag in ``language`` (or ``--lang``) means for the output.

A tag decides three things: the labels file (zh-Hans, zh-Hant or en), the CLDR locale that
dates and numbers are written in (Babel), and the default page size. Babel carries CLDR's
calendars and number formats but not its paper sizes, so the page size of each tag is
written here; the tags are a closed list because they are the content contract's.

Without ``language`` the content says which language it is in: the share of Chinese
characters in its titles and duties, and, for Chinese, which script OpenCC changes less.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["LANGUAGE_TAGS", "Locale", "format_date", "infer_locale",
           "inference_notice", "office_tag", "parse_tag", "system_tag"]


@dataclass(frozen=True)
class Locale:
    """A supported language tag and what it stands for."""

    tag: str  # as the contract spells it: "en-GB", "zh-Hant"
    labels: str  # the labels file and the script of the text: "zh-Hans", "zh-Hant", "en"
    cldr: str  # Babel's locale identifier: "en_GB", "zh_Hant_TW"
    page_size: str  # a key of style.PAGE_SIZES

    @property
    def name(self) -> str:
        """The language's English name, for notices: "Traditional Chinese"."""
        return _NAMES[self.labels]

    @property
    def region(self) -> str | None:
        """The region the tag names ("GB" for en-GB, "HK" for zh-HK), None for en, zh-Hant."""
        last = self.tag.rpartition("-")[2]
        return last if len(last) == 2 and last.isupper() else None

    @property
    def output_tag(self) -> str:
        """The tag the outputs carry (HTML ``lang``, PDF ``/Lang``): the labels' language with
        the region the tag names, "en-GB", "zh-Hant-HK", "zh-Hans-CN"; "zh-Hant" alone."""
        return f"{self.labels}-{self.region}" if self.region else self.labels


# Plain `en` is en-US, as CLDR's likely subtags have it; `zh-Hant` is Taiwan's.
_LOCALES = (
    Locale("en", "en", "en_US", "Letter"),
    Locale("en-US", "en", "en_US", "Letter"),
    Locale("en-GB", "en", "en_GB", "A4"),
    Locale("zh-Hans", "zh-Hans", "zh_Hans_CN", "A4"),
    Locale("zh-CN", "zh-Hans", "zh_Hans_CN", "A4"),
    Locale("zh-Hant", "zh-Hant", "zh_Hant_TW", "A4"),
    Locale("zh-TW", "zh-Hant", "zh_Hant_TW", "A4"),
    Locale("zh-HK", "zh-Hant", "zh_Hant_HK", "A4"),
)
LANGUAGE_TAGS = tuple(locale.tag for locale in _LOCALES)
_BY_KEY = {locale.tag.lower(): locale for locale in _LOCALES}
_NAMES = {"en": "English", "zh-Hans": "Simplified Chinese", "zh-Hant": "Traditional Chinese"}
# Tags people write for a language this tool has, answered with the closest supported one.
_NEAREST = {"zh": "zh-Hans", "zh-sg": "zh-Hans", "zh-my": "zh-Hans", "zh-mo": "zh-HK",
            "zh-hans-cn": "zh-CN", "zh-hant-tw": "zh-TW", "zh-hant-hk": "zh-HK",
            "english": "en", "chinese": "zh-Hans", "cn": "zh-CN", "tw": "zh-TW"}


def parse_tag(text: str) -> Locale:
    """The locale of a tag, matched without regard to case or ``_``/``-``; ValueError with
    a suggestion for a tag this tool has no labels for."""
    key = str(text).strip().replace("_", "-").lower()
    if key in _BY_KEY:
        return _BY_KEY[key]
    raise ValueError(f"`{text}` is not a language this tool prints: use one of "
                     f"{', '.join(LANGUAGE_TAGS)}{_suggestion(key)}")


def _suggestion(key: str) -> str:
    nearest = _NEAREST.get(key)
    if nearest is None and key.startswith("en-"):
        nearest = "en-GB"  # every other English region prints on A4 like the UK
    if nearest is not None:
        return f"; did you mean `{nearest}`?"
    close = difflib.get_close_matches(key, list(_BY_KEY), n=1, cutoff=0.6)
    return f"; did you mean `{_BY_KEY[close[0]].tag}`?" if close else ""


def text_locale(output: Locale, source: Locale) -> Locale:
    """The locale of the characters printed: the output's, except that English labels over
    Chinese content keep the content's script and region, whose faces its glyphs need."""
    return output if output.labels != "en" else source


def office_tag(tag: str) -> str:
    """An output tag as Word writes languages (``w:lang``, core properties): language and
    region only, the region the likely one where the tag names none (zh-Hant is zh-TW,
    zh-Hans zh-CN, en en-US), so zh-Hant-HK stays zh-HK. The one table is ``_LOCALES``."""
    language, *rest = tag.split("-")
    region = next((part for part in rest if len(part) == 2 and part.isupper()), None)
    if region is None:
        locale = _BY_KEY.get(tag.lower())
        region = locale.cldr.rpartition("_")[2] if locale else None
    return f"{language}-{region}" if region else tag


def format_date(date: dt.date, locale: Locale) -> str:
    """A date as the locale writes it in running text: "February 2, 2026" (en-US),
    "2 February 2026" (en-GB), "2026年2月2日" (Chinese): CLDR's long format."""
    from babel.dates import format_date as babel_format

    return babel_format(date, format="long", locale=locale.cldr)


def system_tag(default: str = "en") -> str:
    """The supported tag nearest the system's locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG),
    read through Babel; ``default`` when it names no language this tool prints."""
    from babel import Locale as BabelLocale
    from babel import UnknownLocaleError, default_locale

    # LC_CTYPE goes last: Python sets it to C.UTF-8 itself when the locale LANG names is not
    # installed (PEP 538), which would hide the language the person asked for.
    name = default_locale(("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"))
    if not name:
        return default
    try:
        system = BabelLocale.parse(name)
    except (ValueError, UnknownLocaleError):
        return default
    territory = system.territory or ""
    if system.language == "en":
        return {"": "en", "US": "en-US"}.get(territory, "en-GB")  # elsewhere A4, day first
    if system.language == "zh":
        if f"zh-{territory}".lower() in _BY_KEY:
            return _BY_KEY[f"zh-{territory}".lower()].tag
        traditional = system.script == "Hant" or territory == "MO"
        return "zh-Hant" if traditional else "zh-Hans"
    return default


# --- inference ---------------------------------------------------------------------------

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
# A Latin word carries about as much as two Chinese characters: "负责 SEO 优化" is Chinese.
_WORD_WEIGHT = 2
_CHINESE_SHARE = 0.5


def infer_locale(texts: Iterable[str]) -> Locale:
    """The language the texts are written in: Chinese where Chinese characters carry more
    than half of them (so English content never gets Chinese labels), and then the script
    that converting to the other one changes more."""
    text = "".join(t for t in texts if t)
    han = _HAN.findall(text)
    words = len(_LATIN_WORD.findall(text))
    if not han or len(han) / (len(han) + _WORD_WEIGHT * words) <= _CHINESE_SHARE:
        return _BY_KEY["en"]
    chars = "".join(han)
    to_traditional = _changed(chars, "s2t")
    to_simplified = _changed(chars, "t2s")
    return _BY_KEY["zh-hant" if to_simplified > to_traditional else "zh-hans"]


def _changed(text: str, config: str) -> int:
    """How many characters OpenCC's character conversion ``config`` changes."""
    converted = _opencc(config).convert(text)
    return sum(a != b for a, b in zip(text, converted, strict=False))


@functools.cache
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


def inference_notice(locale: Locale) -> str:
    """What a build says when it chose the language itself."""
    other = " (or en-GB: A4 and day-first dates)" if locale.labels == "en" else ""
    return (f"no `language` in handbook.yml; the content reads as {locale.name}, so "
            f"{locale.tag} was chosen: write `language: {locale.tag}`{other} to say so")

"""Brands: the brand.yml format of Quarto and Shiny, read by the ``brand-yml`` package.

An agency's existing ``_brand.yml`` works as is; what only handbooks need sits under
``defaults: handbook:``. This module turns a brand into a ``Style`` (colours resolved from
the palette, fonts, logo, footer, page) and reports every problem at its file:line:col —
including fonts that would need the network (``google``/``bunny``) or are not installed,
which would otherwise print as tofu or silently fall back.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .colour import brand_bands
from .errors import ContentError, Problem, UsageError, did_you_mean
from .load import LoadedFile, load_yaml
from .pdfvariants import variant_problem
from .rules import IMAGE_SUFFIXES, asset_problem
from .style import PAGE_SIZES, FontFace, Style, page_size_name, parse_margins

__all__ = ["BRAND_FILES", "find_brand_file", "load_brand"]

BRAND_FILES = ("_brand.yml", "brand.yml", "_brand.yaml", "brand.yaml")
FONT_SUFFIXES = {".ttf", ".otf", ".woff", ".woff2", ".ttc"}
_HANDBOOK_KEYS = ("footer", "cover_image", "page", "reference_docx", "pdf_variant")
_PAGE_KEYS = ("size", "margins")
_REGION = {"zh-Hans": "SC", "zh-Hant": "TC"}
_NOTO_CJK = re.compile(r"^(Noto (?:Sans|Serif)(?: Mono)? CJK) (SC|TC|HK|JP|KR)$")
_BOLD_NAMES = re.compile(r"(?i)(black|heavy|extrabold|bold|semibold)")


def find_brand_file(directory: Path) -> Path | None:
    for name in BRAND_FILES:
        if (directory / name).is_file():
            return directory / name
    return None


def load_brand(directory: Path, base: Style, lang: str) -> Style:
    """The Style of the brand in ``directory`` on top of ``base``; ContentError if broken."""
    brand_file = find_brand_file(directory)
    if brand_file is None:
        raise UsageError(f"{directory}: not a brand (no _brand.yml or brand.yml in it)")
    loaded = load_yaml(brand_file)
    if loaded.problems:
        raise ContentError(loaded.problems)
    if not isinstance(loaded.data, dict):
        raise ContentError([Problem(loaded.at(), "error", "a brand file must be a mapping")])
    problems: list[Problem] = []
    data = _normalise(loaded.data)
    handbook_defaults = _handbook_defaults(data, loaded, problems)
    brand = _validate(data, brand_file, loaded, problems)
    if brand is None:
        raise ContentError(problems)
    style = _apply(brand, base, lang, directory, loaded, problems)
    style = _apply_defaults(style, handbook_defaults, directory, loaded, problems)
    if any(p.severity == "error" for p in problems):
        raise ContentError(problems)
    return style


# --- reading ---------------------------------------------------------------------------


def _normalise(data: dict) -> dict:
    """Accept ``files: [a.ttf]`` (plain paths) beside the specification's ``{path: …}``."""
    fonts = (data.get("typography") or {}).get("fonts") if isinstance(
        data.get("typography"), dict) else None
    for font in fonts if isinstance(fonts, list) else []:
        files = font.get("files") if isinstance(font, dict) else None
        if isinstance(files, list):
            font["files"] = [{"path": f, "weight": _weight_from_name(f)} if isinstance(f, str)
                             else f for f in files]
    return data


def _weight_from_name(name: str) -> int:
    match = _BOLD_NAMES.search(Path(name).stem)
    if not match:
        return 400
    return {"black": 900, "heavy": 900, "extrabold": 800, "bold": 700,
            "semibold": 600}[match.group(1).lower()]


def _handbook_defaults(data: dict, loaded: LoadedFile, problems: list[Problem]) -> dict:
    """Take out ``defaults: handbook:`` (ours) and check its keys."""
    defaults = data.get("defaults")
    settings = defaults.get("handbook") if isinstance(defaults, dict) else None
    if settings is None:
        return {}
    path = ("defaults", "handbook")
    if not isinstance(settings, dict):
        problems.append(Problem(loaded.at(path), "error",
                                "`defaults: handbook:` must be a mapping of settings"))
        return {}
    for key in settings:
        if key not in _HANDBOOK_KEYS:
            problems.append(Problem(loaded.at((*path, key), key=True), "error",
                                    f"unknown key `{key}` in `defaults: handbook:`"
                                    + did_you_mean(key, _HANDBOOK_KEYS)))
    page = settings.get("page")
    if isinstance(page, dict):
        for key in page:
            if key not in _PAGE_KEYS:
                problems.append(Problem(loaded.at((*path, "page", key), key=True), "error",
                                        f"unknown key `{key}` in `page`"
                                        + did_you_mean(key, _PAGE_KEYS)))
    return settings


def _validate(data: dict, brand_file: Path, loaded: LoadedFile, problems: list[Problem]):
    from brand_yml import Brand

    try:
        return Brand.model_validate({**data, "path": brand_file.resolve()})
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
            message = error.get("msg", "invalid value")
            key = ".".join(str(p) for p in loc) or "brand"
            problems.append(Problem(loaded.at(loc), "error", f"`{key}`: {message}"))
    except (ValueError, TypeError) as exc:
        problems.append(Problem(loaded.at(), "error", f"invalid brand: {exc}"))
    return None


def _is_union_tag(part: Any) -> bool:
    """Pydantic adds union member names (``BrandTypographyFontFiles``) to error paths."""
    return isinstance(part, str) and (part[:1].isupper() or part.startswith("function-"))


# --- applying --------------------------------------------------------------------------


def _apply(brand, base: Style, lang: str, directory: Path, loaded: LoadedFile,
           problems: list[Problem]) -> Style:
    changes: dict[str, Any] = {"brand_name": _brand_name(brand)}
    color = brand.color
    if color is not None:
        for field in ("primary", "secondary", "foreground", "background"):
            value = getattr(color, field, None)
            if isinstance(value, str) and value.startswith("#"):
                changes[field] = value
        changes.update(_accents(color, changes, base))
    region = _face_region(base, lang)
    faces, families = _fonts(brand, region, directory, loaded, problems)
    typography = brand.typography
    body = _regional(_family(typography.base), region) if typography else None
    headings = (_regional(_family(typography.headings), region) if typography else None) or body
    cjk = next((family for family in (body, headings, *families)
                if family and _is_cjk(family, faces)), base.cjk_font)
    if body:
        changes["body_font"] = (body, cjk)
    if headings:
        changes["heading_font"] = (headings, cjk)
    changes["cjk_font"] = cjk
    changes["font_faces"] = tuple(faces)
    logo = _logo_path(brand.logo)
    if logo:
        changes["logo"] = _asset(directory, logo, loaded, ("logo",), problems)
    return base.with_(**changes)


def _accents(color, colours: dict[str, str], base: Style) -> dict[str, Any]:
    """Department colours and the dotted-line colour from the brand's own colours (primary,
    secondary, then the rest of its palette), so no built-in accent is left beside them."""
    palette = getattr(color, "palette", None) or {}
    named = [value for value in palette.values() if isinstance(value, str)]
    ink = {colours.get("foreground"), colours.get("background")}
    own = [colours[key] for key in ("primary", "secondary") if key in colours]
    own += [value for value in named if value.startswith("#") and value not in ink]
    if not own:
        return {}
    bands = brand_bands(own, colours.get("background", base.background))
    return {"bands": bands or (own[0],), "dotted": colours.get("secondary", own[0])}


def _brand_name(brand) -> str | None:
    meta = brand.meta
    name = getattr(meta, "name", None) if meta else None
    if name is None:
        return None
    return getattr(name, "full", None) or getattr(name, "short", None) or str(name)


def _family(value) -> str | None:
    if value is None:
        return None
    return getattr(value, "family", None) or (value if isinstance(value, str) else None)


def _face_region(base: Style, lang: str) -> str | None:
    """The region of the Noto CJK faces the text needs: the default style's (HK for Hong
    Kong's text, TC for Taiwan's, SC), or the language's when the base is not Noto CJK."""
    match = _NOTO_CJK.match(base.cjk_font)
    return match.group(2) if match else _REGION.get(lang)


def _regional(family: str | None, region: str | None) -> str | None:
    """Noto CJK families follow the text's region so glyph forms are right."""
    if family is None:
        return None
    match = _NOTO_CJK.match(family)
    return f"{match.group(1)} {region}" if match and region else family


def _fonts(brand, region: str | None, directory: Path, loaded: LoadedFile,
           problems: list[Problem]) -> tuple[list[FontFace], list[str]]:
    faces: list[FontFace] = []
    families: list[str] = []
    fonts = brand.typography.fonts if brand.typography else []
    for index, font in enumerate(fonts or []):
        where = ("typography", "fonts", index)
        family = _regional(font.family, region)
        families.append(family)
        if font.source in ("google", "bunny"):
            problems.append(Problem(
                loaded.at((*where, "source")), "error",
                f"font `{font.family}` comes from `{font.source}`, which needs the network at "
                "build time; download its font files into the brand directory and list them "
                "with `source: file`"))
        elif font.source == "system" and not _installed(family):
            problems.append(Problem(
                loaded.at((*where, "family")), "error",
                f"font family `{family}` is not installed; install it or ship its files in the "
                "brand directory with `source: file`"))
        elif font.source == "file":
            for number, file in enumerate(font.files):
                path = _asset(directory, str(file.path.root), loaded,
                              (*where, "files", number, "path"), problems, FONT_SUFFIXES)
                weight = file.weight.root if isinstance(file.weight.root, int) else 400
                if path:
                    faces.append(FontFace(font.family, path, weight, file.style))
    return faces, families


def _asset(directory: Path, relative: str, loaded: LoadedFile, where: tuple,
           problems: list[Problem], kinds: set[str] | None = None) -> Path | None:
    problem = asset_problem(directory, relative, kinds=kinds or IMAGE_SUFFIXES)
    if problem:
        problems.append(Problem(loaded.at(where), "error", problem))
        return None
    return (directory / relative).resolve()


def _logo_path(logo) -> str | None:
    """The largest logo variant (light when there are light and dark)."""
    if logo is None:
        return None
    if isinstance(logo, str):
        return logo
    candidates = [logo] + [getattr(logo, size, None) for size in ("large", "medium", "small")]
    for candidate in candidates:
        resource = getattr(candidate, "light", None) or candidate
        path = getattr(resource, "path", None)
        if path is not None and hasattr(path, "root") and not str(path.root).startswith("http"):
            return str(path.root)
    return None


def _apply_defaults(style: Style, settings: dict, directory: Path, loaded: LoadedFile,
                    problems: list[Problem]) -> Style:
    changes: dict[str, Any] = {}
    path = ("defaults", "handbook")
    if isinstance(settings.get("footer"), str):
        changes["footer"] = settings["footer"]
    if settings.get("cover_image"):
        changes["cover_image"] = _asset(directory, str(settings["cover_image"]), loaded,
                                        (*path, "cover_image"), problems)
    if settings.get("reference_docx"):
        changes["reference_docx"] = _asset(directory, str(settings["reference_docx"]), loaded,
                                           (*path, "reference_docx"), problems, {".docx"})
    if settings.get("pdf_variant") is not None:
        variant = settings["pdf_variant"]
        problem = variant_problem(variant)
        if problem:
            problems.append(Problem(loaded.at((*path, "pdf_variant")), "error", problem))
        else:
            changes["pdf_variant"] = variant.strip().lower()
    page = settings.get("page") if isinstance(settings.get("page"), dict) else {}
    size = page.get("size")
    if size is not None:
        if page_size_name(size):
            changes["page_size"] = page_size_name(size)
        else:
            problems.append(Problem(loaded.at((*path, "page", "size")), "error",
                                    f"page size `{size}` is not one of {', '.join(PAGE_SIZES)}"))
    if page.get("margins") is not None:
        margins = parse_margins(str(page["margins"]))
        if margins is None:
            problems.append(Problem(loaded.at((*path, "page", "margins")), "error",
                                    f"margins `{page['margins']}` must be lengths in mm, cm or "
                                    "in: one value, or top right bottom left"))
        else:
            changes["margins_mm"] = margins
    return style.with_(**changes)


@cache
def _installed(family: str) -> bool:
    """Whether fontconfig knows the family (exactly, not a fallback)."""
    if shutil.which("fc-list") is None:
        return False
    result = subprocess.run(["fc-list", "--format", "%{family}\n"], capture_output=True,
                            text=True, check=False)
    names = {name.strip() for line in result.stdout.splitlines() for name in line.split(",")}
    return family in names


def _is_cjk(family: str, faces: list[FontFace]) -> bool:
    if re.search(r"CJK|Hei|Song|Kai|Ming|宋|黑|楷|明", family):
        return True
    return any(face.family == family and _file_has_cjk(face.path) for face in faces)


@cache
def _file_has_cjk(path: Path) -> bool:
    from fontTools.ttLib import TTCollection, TTFont

    font = TTCollection(path).fonts[0] if path.suffix.lower() == ".ttc" else TTFont(path,
                                                                                   lazy=True)
    return 0x4E00 in (font.getBestCmap() or {})


"""One embedded copy of each font in a PDF joined from separately rendered chunks.

When the handbook is printed in several worker processes, every chunk PDF embeds its own
subset of the same font (a CJK face easily weighs hundreds of kilobytes per chunk), so
the joined file is several times larger than a single WeasyPrint pass. WeasyPrint
subsets with HarfBuzz and ``RETAIN_GIDS``: content streams use the face's original glyph
ids, so a subset of the original face made for the union of the chunks' glyphs is a
drop-in replacement for every chunk's subset, and no content stream needs to change.

The work is split in two:

- in each worker, after ``write_pdf``, :func:`font_uses` describes the fonts the chunk
  used (picklable :class:`FontUse` records) and stores each original face blob once in a
  shared directory;
- in the main process, after joining the chunk PDFs, :func:`unify_fonts` builds one font
  per key from the union of the uses — the same subset, widths and ToUnicode map a single
  pass would have embedded — and points every ``/Font`` resource entry at it.

A font is left exactly as its chunk embedded it whenever anything is unusual about it:
bitmap, colour or variable faces, glyphs missing from the face (WeasyPrint then writes a
custom encoding CMap), unsubsetted fonts, or PDF objects that do not look like what
WeasyPrint 70 writes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass, field
from math import ceil
from pathlib import Path

import cffi
import pikepdf
from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
from weasyprint.text.fonts import get_hb_object_data

__all__ = ["FontUse", "font_uses", "unify_fonts"]

_LOG = logging.getLogger(__name__)

# Tables WeasyPrint drops when subsetting (weasyprint/pdf/fonts.py, Font._harfbuzz_subset).
_DROP_TABLES = (
    b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH",
    b"PCLT", b"SVG ",
)
_FIXED_PITCH = 1  # PDF font flag bit 1


@dataclass
class FontUse:
    """What one chunk's worker reports about one font it used (picklable)."""

    key: str  # WeasyPrint's font hash: the /Font resource key and the BaseFont prefix
    face: str  # file in faces_dir with the original face blob ("" when not unifiable)
    index: int  # face index inside that blob (TTC)
    glyphs: dict[int, str] = field(default_factory=dict)  # glyph id -> text (to_unicode)
    widths: dict[int, float] = field(default_factory=dict)  # glyph id -> width (PDF units)
    unifiable: bool = True  # False: keep this font exactly as the chunk embedded it


# --- worker side -------------------------------------------------------------------------

# (blob address, length, digest of its first bytes) -> sha256 name. The face blobs Pango
# hands out live as long as the font map, and hashing a 20 MB CJK collection for every
# chunk would cost more than the rendering of a small chunk.
_FACE_NAMES: dict[tuple[int, int, bytes], str] = {}
_FINGERPRINT_BYTES = 1 << 16  # covers a font's table directory, checksums included


def font_uses(document, faces_dir: Path) -> list[FontUse]:
    """Describe the fonts of a weasyprint ``Document`` that was just written to PDF.

    Must run after ``document.write_pdf(...)``: the glyph sets and widths are filled in
    while drawing. Each distinct original face blob is written once into ``faces_dir``
    (named by its sha256, written atomically, so concurrent workers may race safely).
    Fonts sharing a key (WeasyPrint merges them into one /Font entry) give one use.
    """
    faces_dir = Path(faces_dir)
    uses: dict[str, FontUse] = {}
    for font in document.fonts.values():
        unifiable = _is_unifiable(font)
        face = _store_face(font.hb_face, faces_dir) if unifiable else ""
        use = uses.get(font.hash)
        if use is None:
            uses[font.hash] = FontUse(
                font.hash, face, font.index, dict(font.to_unicode), dict(font.widths),
                unifiable)
            continue
        # WeasyPrint subsets the shared file for the union of the fonts with this hash.
        use.glyphs.update(font.to_unicode)
        use.widths.update(font.widths)
        use.unifiable = use.unifiable and unifiable and (face, font.index) == (
            use.face, use.index)
    return list(uses.values())


def _is_unifiable(font) -> bool:
    """True for a plain vector font that WeasyPrint subset with HarfBuzz."""
    if (font.bitmap or font.png or font.svg or font.colr or font.missing
            or font.used_in_forms or "fvar" in font.tables or not font.to_unicode):
        return False
    # After write_pdf, file_content is the subset; if it is still the whole face, the
    # PDF embeds the full font (full_fonts option, or subsetting failed): leave it.
    _, blob = _face_blob(font.hb_face)
    return len(blob) != len(font.file_content) or blob[:] != font.file_content


def _face_blob(hb_face):
    """(address, zero-copy view) of the face's whole blob, valid while the face lives."""
    hb_blob = harfbuzz.hb_face_reference_blob(hb_face)
    try:
        length = ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(hb_blob, length)
        return int(ffi.cast("uintptr_t", data)), ffi.buffer(data, length[0])
    finally:
        # Pango's face keeps the blob alive; this only drops our reference.
        harfbuzz.hb_blob_destroy(hb_blob)


def _store_face(hb_face, faces_dir: Path) -> str:
    """Write the face's original blob to ``faces_dir`` once; return its file name."""
    address, blob = _face_blob(hb_face)
    fingerprint = hashlib.sha256(blob[:_FINGERPRINT_BYTES]).digest()
    cache_key = (address, len(blob), fingerprint)
    name = _FACE_NAMES.get(cache_key)
    if name is None:
        name = _FACE_NAMES[cache_key] = hashlib.sha256(blob).hexdigest()
    target = faces_dir / name
    if not target.exists():
        faces_dir.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=faces_dir, prefix=f".{name}.")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(blob)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return name


# --- main-process side -------------------------------------------------------------------


def unify_fonts(pdf: pikepdf.Pdf, uses: list[FontUse], faces_dir: Path, *,
                hinting: bool = False) -> None:
    """Give every unifiable font key of ``pdf`` a single embedded font.

    ``uses`` are all the chunks' reports, in document order (so the ToUnicode map lists
    glyphs in the order a single pass would). ``hinting`` must match the option the
    chunks were written with (WeasyPrint's default is False).
    """
    if not _can_subset():
        _LOG.warning("HarfBuzz-Subset >= 4.1.0 is not available: fonts are not unified")
        return
    merged = _merge_uses(uses)
    entries = _font_entries(pdf)
    blobs: dict[str, bytes] = {}
    for key, use in merged.items():
        places = entries.get(key, [])
        fonts = {font.objgen: font for _, font in places}
        if len(fonts) < 2 or not all(_is_plain_type0(key, f) for f in fonts.values()):
            continue
        if use.face not in blobs:
            blobs[use.face] = (Path(faces_dir) / use.face).read_bytes()
        program = _subset(blobs[use.face], use.index, use.glyphs, hinting)
        if program is None:
            _LOG.warning("unable to subset font %s with HarfBuzz: kept per chunk", key)
            continue
        template = next(iter(fonts.values()))
        if _font_file_key(template) != _font_file_key_for(program):
            continue
        unified = _build_font(pdf, template, use, program)
        for resource_fonts, _ in places:
            resource_fonts[f"/{key}"] = unified


def _can_subset() -> bool:
    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def _merge_uses(uses: list[FontUse]) -> dict[str, FontUse]:
    """Union of the uses per key; keys with any unusual use are left out."""
    merged: dict[str, FontUse] = {}
    refused: set[str] = set()
    for use in uses:
        if use.key in refused:
            continue
        known = merged.get(use.key)
        if not use.unifiable or (known and (known.face, known.index) != (use.face, use.index)):
            refused.add(use.key)
            merged.pop(use.key, None)
        elif known is None:
            merged[use.key] = FontUse(
                use.key, use.face, use.index, dict(use.glyphs), dict(use.widths))
        else:
            for glyph, text in use.glyphs.items():  # WeasyPrint keeps a glyph's first text
                known.glyphs.setdefault(glyph, text)
            known.widths.update(use.widths)
    return merged


def _first_visit(obj, seen: set) -> bool:
    """False for an indirect object already in ``seen`` (which it is then added to)."""
    if not obj.is_indirect:
        return True
    if obj.objgen in seen:
        return False
    seen.add(obj.objgen)
    return True


def _font_entries(pdf: pikepdf.Pdf) -> dict[str, list[tuple[pikepdf.Dictionary, object]]]:
    """Every (/Font resource dictionary, font) pair reachable from the pages, by key.

    Looks in page resources (inherited ones too), Form XObjects, patterns, Type 3 fonts
    and annotation appearances, recursively.
    """
    found: dict[str, list] = {}
    seen_resources: set = set()
    seen_owners: set = set()

    def visit_owner(owner) -> None:
        # An object that may carry /Resources: page, form, pattern, Type 3 font.
        if not _first_visit(owner, seen_owners):
            return
        resources = owner.get("/Resources")
        if isinstance(resources, pikepdf.Dictionary):
            visit_resources(resources)

    def visit_resources(resources) -> None:
        if not _first_visit(resources, seen_resources):
            return
        fonts = resources.get("/Font")
        if isinstance(fonts, pikepdf.Dictionary):
            for name in list(fonts.keys()):
                font = fonts[name]
                if isinstance(font, pikepdf.Dictionary):
                    found.setdefault(name[1:], []).append((fonts, font))
                    if font.get("/Subtype") == pikepdf.Name.Type3:
                        visit_owner(font)
        for category in ("/XObject", "/Pattern"):
            children = resources.get(category)
            if isinstance(children, pikepdf.Dictionary):
                for name in list(children.keys()):
                    child = children[name]
                    if isinstance(child, (pikepdf.Dictionary, pikepdf.Stream)):
                        visit_owner(child)

    for page in pdf.pages:
        node = page.obj
        while isinstance(node, pikepdf.Dictionary):
            visit_owner(node)
            node = node.get("/Parent")
        for annotation in page.obj.get("/Annots", []):
            appearances = annotation.get("/AP") if isinstance(
                annotation, pikepdf.Dictionary) else None
            for state in (appearances or {}).values():
                streams = state.values() if isinstance(state, pikepdf.Dictionary) else [state]
                for stream in streams:
                    if isinstance(stream, pikepdf.Stream):
                        visit_owner(stream)
    return found


def _is_plain_type0(key: str, font) -> bool:
    """True if ``font`` is laid out exactly as WeasyPrint writes a subset vector font."""
    try:
        descendant = font.DescendantFonts[0]
        descriptor = descendant.FontDescriptor
        return (
            font.get("/Subtype") == pikepdf.Name.Type0
            and font.get("/Encoding") == pikepdf.Name("/Identity-H")
            and str(font.get("/BaseFont", "")).startswith(f"/{key}+")
            and descendant.get("/CIDToGIDMap") == pikepdf.Name.Identity
            and _font_file_key(font) is not None
            and isinstance(descriptor.get("/FontBBox"), pikepdf.Array)
        )
    except (AttributeError, IndexError, KeyError, TypeError):
        return False


def _font_file_key(font) -> str | None:
    descriptor = font.DescendantFonts[0].FontDescriptor
    keys = [k for k in ("/FontFile2", "/FontFile3") if k in descriptor]
    return keys[0] if len(keys) == 1 else None


def _font_file_key_for(program: bytes) -> str:
    return "/FontFile3" if program[:4] == b"OTTO" else "/FontFile2"


_hb = cffi.FFI()
_hb.include(ffi)  # share WeasyPrint's hb_* types, so its functions accept our faces
_hb.cdef("""
    typedef enum {
        HB_MEMORY_MODE_DUPLICATE, HB_MEMORY_MODE_READONLY, HB_MEMORY_MODE_WRITABLE,
        HB_MEMORY_MODE_READONLY_MAY_MAKE_WRITABLE
    } hb_memory_mode_t;
    typedef void (*hb_destroy_func_t) (void *user_data);
    hb_blob_t * hb_blob_create (
        const char *data, unsigned int length, hb_memory_mode_t mode, void *user_data,
        hb_destroy_func_t destroy);
    hb_face_t * hb_face_create (hb_blob_t *blob, unsigned int index);
""")
_hb_lib = None
# The names WeasyPrint's ffi module tries, in its order, so both load the same HarfBuzz.
_HARFBUZZ_NAMES = (
    "libharfbuzz-0", "harfbuzz", "harfbuzz-0.0", "libharfbuzz.so.0", "libharfbuzz.0.dylib",
    "libharfbuzz-0.dll")


def _open_face(blob: bytes, index: int):
    """A HarfBuzz face over ``blob`` (which the caller keeps alive while it is used).

    WeasyPrint's ffi declares no way to make a face from bytes, so a tiny FFI of our own
    adds hb_blob_create and hb_face_create on top of its declarations.
    """
    global _hb_lib
    if _hb_lib is None:
        for name in _HARFBUZZ_NAMES:
            try:
                _hb_lib = _hb.dlopen(name)
                break
            except OSError:
                continue
        else:  # pragma: no cover - WeasyPrint itself could not have loaded
            raise OSError("cannot load HarfBuzz")
    hb_blob = _hb_lib.hb_blob_create(
        _hb.from_buffer(blob), len(blob), _hb_lib.HB_MEMORY_MODE_READONLY, _hb.NULL, _hb.NULL)
    hb_face = ffi.gc(_hb_lib.hb_face_create(hb_blob, index), harfbuzz.hb_face_destroy)
    harfbuzz.hb_blob_destroy(hb_blob)  # the face holds its own reference
    return hb_face


def _subset(blob: bytes, index: int, glyphs: dict[int, str], hinting: bool) -> bytes | None:
    """The font program WeasyPrint would embed for ``glyphs`` of this face.

    A line-for-line copy of ``Font._harfbuzz_subset`` (WeasyPrint 70): keep the glyphs with
    their ids, then drop the empty glyphs after the last one used.
    """
    hb_face = _open_face(blob, index)
    hb_subset = ffi.gc(
        harfbuzz_subset.hb_subset_input_create_or_fail(),
        harfbuzz_subset.hb_subset_input_destroy)

    gid_set = harfbuzz_subset.hb_subset_input_glyph_set(hb_subset)
    gid_array = ffi.new(f"hb_codepoint_t[{len(glyphs)}]", sorted(glyphs))
    harfbuzz.hb_set_add_sorted_array(gid_set, gid_array, len(glyphs))
    harfbuzz_subset.hb_subset_input_set_flags(
        hb_subset,
        harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS
        | harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
        | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE)
    drop_set = harfbuzz_subset.hb_subset_input_set(
        hb_subset, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
    drop = tuple(harfbuzz.hb_tag_from_string(name, -1) for name in _DROP_TABLES)
    drop_array = ffi.new(f"hb_codepoint_t[{len(drop)}]", drop)
    harfbuzz.hb_set_add_sorted_array(drop_set, drop_array, len(drop))
    hb_face = ffi.gc(
        harfbuzz_subset.hb_subset_or_fail(hb_face, hb_subset), harfbuzz.hb_face_destroy)
    if not hb_face:
        return None

    gid_set = harfbuzz_subset.hb_subset_input_glyph_set(hb_subset)
    keep = tuple(range(max(glyphs) + 1))
    keep_array = ffi.new(f"hb_codepoint_t[{len(keep)}]", keep)
    harfbuzz.hb_set_add_sorted_array(gid_set, keep_array, len(keep))
    flags = (
        harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
        | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE)
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    harfbuzz_subset.hb_subset_input_set_flags(hb_subset, flags)
    hb_face = ffi.gc(
        harfbuzz_subset.hb_subset_or_fail(hb_face, hb_subset), harfbuzz.hb_face_destroy)
    return (get_hb_object_data(hb_face) or None) if hb_face else None


def _build_font(pdf: pikepdf.Pdf, template, use: FontUse, program: bytes):
    """A new Type0 font like ``template`` (one chunk's copy) but for the union of glyphs.

    Mirrors ``build_fonts_dictionary`` and ``_build_vector_font_dictionary``: only the
    font program, ToUnicode map, W array, FontBBox, FixedPitch flag and CIDSet depend on
    the glyphs used; everything else is copied from the template.
    """
    old_descendant = template.DescendantFonts[0]
    old_descriptor = old_descendant.FontDescriptor
    font_file_key = _font_file_key_for(program)
    widths = use.widths

    font_file = pikepdf.Stream(pdf, program)
    if font_file_key == "/FontFile3":
        font_file.Subtype = pikepdf.Name.OpenType
    else:
        font_file.Length1 = len(program)

    descriptor = pikepdf.Dictionary(
        {k: v for k, v in old_descriptor.items() if k not in ("/FontFile2", "/FontFile3")})
    ascent, descent = old_descriptor.get("/Ascent", 0), old_descriptor.get("/Descent", 0)
    max_width = max(widths.values()) if widths else 0
    descriptor.FontBBox = pikepdf.Array([0, descent, _number(max_width), ascent])
    descriptor.CapHeight = ascent
    flags = int(old_descriptor.get("/Flags", 4)) & ~_FIXED_PITCH
    if len(widths) > 1 and len(set(widths.values())) == 1:
        flags |= _FIXED_PITCH
    descriptor.Flags = flags
    descriptor[font_file_key] = font_file
    if "/CIDSet" in old_descriptor:
        descriptor.CIDSet = pikepdf.Stream(pdf, _cid_set(widths))

    descendant = pikepdf.Dictionary(dict(old_descendant.items()))
    descendant.W = _width_array(widths)
    descendant.FontDescriptor = pdf.make_indirect(descriptor)

    font = pikepdf.Dictionary(dict(template.items()))
    font.ToUnicode = pikepdf.Stream(pdf, _to_unicode_cmap(use.glyphs))
    font.DescendantFonts = pikepdf.Array([pdf.make_indirect(descendant)])
    return pdf.make_indirect(font)


def _number(value: float):
    return int(value) if float(value).is_integer() else float(value)


def _width_array(widths: dict[int, float]) -> pikepdf.Array:
    """The CIDFont W array: ``first [w w …]`` for each run of consecutive glyph ids."""
    array: list = []
    for glyph in sorted(widths):
        if glyph - 1 not in widths:
            array.extend([glyph, []])
        array[-1].append(_number(widths[glyph]))
    return pikepdf.Array([pikepdf.Array(x) if isinstance(x, list) else x for x in array])


def _cid_set(widths: dict[int, float]) -> bytes:
    cids = sorted(widths)
    size = ceil((cids[-1] + 1) / 8)
    bits = 0
    for cid in cids:
        bits |= 1 << (size * 8 - 1 - cid)
    return bits.to_bytes(size, "big")


def _to_unicode_cmap(glyphs: dict[int, str]) -> bytes:
    """The ToUnicode CMap exactly as WeasyPrint writes it (bfchar batches of 100)."""
    lines = [
        b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
        b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0",
        b">> def", b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
        b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    items = tuple(glyphs.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        for glyph, text in batch:
            hex_text = "".join(letter.encode("utf-16-be").hex() for letter in text)
            lines.append(f"<{glyph:04x}> <{hex_text}>".encode())
        lines.append(b"endbfchar")
    lines += [
        b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)

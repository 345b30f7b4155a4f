"""Every raw WordprocessingML tweak of the DOCX writer, in one package.

python-docx has no API for fields (TOC, PAGEREF, PAGE, NUMPAGES), repeating header rows,
rows that do not split, East Asian fonts and language, bookmarks, internal hyperlinks, SVG
images or reproducible zips, and its ``add_row().cells`` is quadratic on big tables. So the
writer builds its body here, straight on lxml — the common shapes (a run, a styled
paragraph, a cell, a row) are copies of prototypes, four times faster than building them —
and python-docx keeps doing what it does well: the package, parts, relationships, properties.

By what it builds: ``text`` (runs, paragraphs, hyperlinks), ``tables``, ``fields``
(bookmarks, TOC, PAGEREF), ``drawing`` (pictures), ``page`` (sections), ``styles`` (fonts,
language, colours, numbering, theme) and ``package`` (the zip); ``elements`` holds the
namespaces and units they share. Units: twips (1/20 pt) for widths and indents, EMU
(1/914400 inch) for images.
"""

from .drawing import inline_image
from .elements import EMU_PER_PT, NS, TWIPS_PER_MM, qn
from .fields import add_bookmark, bookmark_name, complex_field, fill_field_results, toc_paragraphs
from .package import write_package
from .page import section_break, section_properties
from .styles import (
    Numbering,
    ensure_east_asian,
    font_table_xml,
    merge_missing_styles,
    recolour,
    set_fonts,
    set_language,
    theme_xml,
    tune_settings,
    update_fields_on_open,
)
from .tables import cell, row, table
from .text import clean, hyperlink, keep, paragraph, run, text_paragraph

__all__ = [
    "EMU_PER_PT", "NS", "TWIPS_PER_MM", "Numbering", "add_bookmark", "bookmark_name", "cell",
    "clean", "complex_field", "ensure_east_asian", "fill_field_results", "font_table_xml",
    "hyperlink", "inline_image", "keep", "merge_missing_styles", "paragraph", "qn", "recolour",
    "row", "run", "section_break", "section_properties", "set_fonts", "set_language", "table",
    "text_paragraph", "theme_xml", "toc_paragraphs", "tune_settings", "update_fields_on_open",
    "write_package",
]

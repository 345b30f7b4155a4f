"""The PDF writer: the HTML page printed by WeasyPrint, in parallel parts when it is big.

Everything that differs on paper (page size, running headers, page breaks, bookmarks, TOC
numbers) is print CSS in the page itself; ``write_pdf`` only prints it. A small page is
printed in one pass. A big one flows split → print → join:

1. ``split`` cuts the page into parts at the elements the template marks as starting a page;
2. ``parts`` prints them on every core (``printer`` runs the pool), without running headers;
3. the parts that show other parts' page numbers (TOC, index) are printed again once the
   numbers are known, while the running headers and footers print on empty pages;
4. ``join`` copies the pages into one PDF with pikepdf, draws the headers over them, keeps
   one copy of each font (``fonts``) and writes destinations, outline and metadata.

The result has the pages, text, links, bookmarks and metadata of the single pass. A PDF
variant (``variant="pdf/ua-1"``, ``"pdf/a-2u"``…) is WeasyPrint's own in every part; for a
tagged one the join also makes one structure tree of the parts' (``tags``).
"""

from .parts import RefusedResource
from .printer import write_pdf

__all__ = ["RefusedResource", "write_pdf"]

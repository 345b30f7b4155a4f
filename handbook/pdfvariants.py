"""The PDF variants WeasyPrint 70 writes, by its names, and what each one asks of the join.

Kept here as plain names so that the model, the brand and the command line can check a
variant without importing WeasyPrint (a second to import); a test holds the list to
WeasyPrint's own ``weasyprint.pdf.VARIANTS``.
"""

from __future__ import annotations

__all__ = ["PDF_VARIANTS", "is_tagged", "variant_problem"]

PDF_VARIANTS = (
    "pdf/a-1a", "pdf/a-1b", "pdf/a-2a", "pdf/a-2b", "pdf/a-2u", "pdf/a-3a", "pdf/a-3b",
    "pdf/a-3u", "pdf/a-4e", "pdf/a-4f", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2",
    "pdf/x-1a", "pdf/x-3", "pdf/x-4", "pdf/x-5g",
)
_TAGGED = {"pdf/a-1a", "pdf/a-2a", "pdf/a-3a", "pdf/ua-1", "pdf/ua-2"}


def is_tagged(variant: str | None) -> bool:
    """Whether WeasyPrint writes a structure tree for this variant."""
    return variant in _TAGGED


def variant_problem(value: object) -> str | None:
    """Why ``value`` is not a PDF variant, or None when it is one."""
    if isinstance(value, str) and value.strip().lower() in PDF_VARIANTS:
        return None
    return f"PDF variant `{value}` is not one of {', '.join(PDF_VARIANTS)}"

"""Cell safety for every spreadsheet elc writes (xlsx, csv): no formula injection.

A spreadsheet program treats text starting with ``=``, ``+``, ``-`` or ``@`` (and, in some, a
leading tab or carriage return) as a formula, so a participant's words such as
``=HYPERLINK("http://...")`` could run when a workshop opens the file. :func:`safe_cell`
prefixes such text with an apostrophe, which every spreadsheet shows as text; numbers, dates,
booleans and ``None`` pass through unchanged.
"""

from __future__ import annotations

import re

# Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection), plus the
# full-width forms some spreadsheet programs normalise to them.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# Characters XML 1.0 (and so xlsx/docx) cannot hold at all.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def safe_cell(value):
    """Return ``value`` safe to put in a spreadsheet cell.

    Strings starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are prefixed with
    ``'``; every other value (numbers included, negative ones too) is returned as it is.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def is_neutralised(value) -> bool:
    """True if ``value`` could not be read as a formula by a spreadsheet."""
    return not (isinstance(value, str) and value.startswith(FORMULA_PREFIXES))


def xml_text(value):
    """Drop the control characters XML cannot hold (openpyxl and python-docx refuse them)."""
    if isinstance(value, str) and _ILLEGAL_XML.search(value):
        return _ILLEGAL_XML.sub("", value)
    return value


def safe_xlsx_cell(value):
    """:func:`safe_cell` for an xlsx cell: neutralised, and without XML-illegal characters.

    Control characters are removed first so a string such as ``"\\x01=cmd"`` cannot become a
    formula once they are gone.
    """
    return safe_cell(xml_text(value))


__all__ = ["FORMULA_PREFIXES", "safe_cell", "safe_xlsx_cell", "is_neutralised", "xml_text"]

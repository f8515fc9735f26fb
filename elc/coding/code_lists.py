"""Reading code names out of spreadsheet cells, where names may themselves contain commas.

A code column holds one or several code names per cell. Real codebooks have names such as
"Cleanliness, tidiness & infection control", so a comma is a separator only when nothing says
otherwise:

* quoted lists (``"Cleanliness, tidiness & infection control"; Staff``) are read as CSV;
* a column that uses ``;`` or ``|`` anywhere splits on that one only (never on commas);
* a comma-only column is split on commas, but consecutive pieces that together name a known
  code (in the project, in the mapping file, or seen whole in another cell) stay together;
* a mapping file (two columns: value in the sheet, code name; an empty name drops the value)
  renames values and defines known names. Values may also be 0/1 column headers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from elc.errors import ImportFileError

SEPARATORS = (";", "|", ",")
TRUE = frozenset({"1", "1.0", "yes", "y", "x", "true", "t"})
FALSE = frozenset({"", "0", "0.0", "no", "n", "false", "f", "-"})


def read_code_map(path: str | Path) -> dict[str, str]:
    """``{value (lowercase): code name}`` from a two-column CSV (a header row is allowed)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFileError(path, "does not exist") from None
    except UnicodeDecodeError:
        raise ImportFileError(path, "is not UTF-8 text") from None
    out: dict[str, str] = {}
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) < 2:
            raise ImportFileError(path, f"line {n}: expected two columns (value in the sheet, code name)")
        value, name = row[0].strip(), row[1].strip()
        if n == 1 and value.lower() in ("value", "from", "label", "sheet") and name.lower() in ("code", "to", "name"):
            continue
        out[value.lower()] = name
    if not out:
        raise ImportFileError(path, "maps no values to codes")
    return out


def column_separator(cells: list[str], explicit: str | None = None) -> str:
    """The separator of a code column: ``explicit``, else ``;`` or ``|`` if any cell uses it
    (outside quotes), else ``,``."""
    if explicit:
        return explicit
    for sep in (";", "|"):
        if any(sep in _unquoted(c) for c in cells):
            return sep
    return ","


def _unquoted(cell: str) -> str:
    out, quoted = [], False
    for ch in cell:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            out.append(ch)
    return "".join(out)


def split_cell(cell: str, sep: str, known: set[str]) -> list[str]:
    """Code names in one cell (not yet mapped). ``known``: lowercase names that may hold commas."""
    cell = cell.strip()
    if not cell:
        return []
    if '"' in cell:
        pieces = next(csv.reader([cell], delimiter=sep, skipinitialspace=True), [])
        return [p.strip() for p in pieces if p.strip()]
    pieces = [p.strip() for p in cell.split(sep)]
    if sep != ",":
        return [p for p in pieces if p]
    out, i = [], 0
    while i < len(pieces):
        take = 1
        for j in range(len(pieces), i + 1, -1):  # longest run of pieces naming a known code
            if ", ".join(pieces[i:j]).lower() in known:
                take = j - i
                break
        name = ", ".join(pieces[i:i + take])
        if name:
            out.append(name)
        i += take
    return out


def is_flag_column(values: list[str]) -> bool:
    """Every non-empty value reads as 0/1 (yes/no, x, true/false) and at least one as 1."""
    low = [v.strip().lower() for v in values]
    return any(v in TRUE for v in low) and all(v in TRUE or v in FALSE for v in low)

"""The provider's monthly KPI returns: a CSV or XLSX, one row per measure per month.

Columns are found by name, leniently (a provider's own headers): the KPI ("kpi", "kpi id",
"measure", "indicator", "metric"), the month ("month", "period", "date", "reporting month") and
the value ("value", "actual", "result", "performance"). The KPI is its id or its exact measure
text; the month is YYYY-MM or a date. All or nothing: every bad row is one line naming
``file:row``; blank rows, and rows with no value (not returned), are reported; a month already
returned is replaced (a corrected return) and said so.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from elc.errors import ElcError
from elc.store import kpis as store

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
COLUMNS = {
    "kpi": ("kpi", "kpi id", "kpi_id", "id", "kpi number", "measure", "measure name", "kpi name", "indicator",
            "metric", "kpi measure"),
    "month": ("month", "period", "date", "reporting month", "reporting period", "month ending", "year month",
              "yyyy-mm", "month/year"),
    "value": ("value", "actual", "actuals", "result", "performance", "figure", "score", "outturn", "return"),
}
_MONTHS = {m.lower(): i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


class ReturnsError(ElcError):
    """A returns file is unreadable or has bad rows; nothing was imported."""


@dataclass(frozen=True)
class ReturnsImport:
    file: str
    added: int
    replaced: tuple[tuple[int, str], ...]  # (kpi id, YYYY-MM) returned before, now replaced
    blank_rows: int
    dropped: tuple[str, ...] = field(default_factory=tuple)  # "file:row: KPI 3 2026-04 has no value"


def _norm(text) -> str:
    return " ".join(re.sub(r"[_\-/]+", " ", str(text or "")).lower().split())


def _header_map(name: str, header: list) -> dict[str, int]:
    found: dict[str, int] = {}
    normed = [_norm(h) for h in header]
    for role, names in COLUMNS.items():
        for alias in names:
            if _norm(alias) in normed:
                found[role] = normed.index(_norm(alias))
                break
    missing = [r for r in COLUMNS if r not in found]
    if missing:
        raise ReturnsError(f"{name}:1: no {' or '.join(missing)} column (headers: "
                           f"{', '.join(str(h) for h in header if h not in (None, '')) or 'none'}); expected e.g. "
                           "kpi, month, value")
    return found


def _rows(path: Path) -> list[list]:
    if not path.is_file():
        raise ReturnsError(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise ReturnsError(f"{path.name}: larger than {MAX_BYTES // 1_048_576} MB; a monthly return is smaller")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, data_only=True, read_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise ReturnsError(f"{path.name}: not an .xlsx workbook ({type(exc).__name__})") from None
        try:
            return [list(r) for _, r in zip(range(MAX_ROWS + 2), wb.worksheets[0].iter_rows(values_only=True))]
        finally:
            wb.close()
    if path.suffix.lower() not in (".csv", ".txt"):
        raise ReturnsError(f"{path.name}: a returns file is .csv or .xlsx")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_bytes().decode("cp1252", errors="replace")
    return [row for _, row in zip(range(MAX_ROWS + 2), csv.reader(io.StringIO(text)))]


def parse_month(value) -> str:
    """YYYY-MM from 2026-04, 2026-04-30, 30/04/2026, Apr 2026, April-26 or a spreadsheet date."""
    if isinstance(value, (_dt.datetime, _dt.date)):
        return f"{value.year:04d}-{value.month:02d}"
    text = str(value or "").strip()
    if m := re.fullmatch(r"(\d{4})[-/](\d{1,2})(?:[-/]\d{1,2})?(?:[ T].*)?", text):
        y, mo = int(m[1]), int(m[2])
    elif m := re.fullmatch(r"\d{1,2}[-/.](\d{1,2})[-/.](\d{4})", text):
        y, mo = int(m[2]), int(m[1])
    elif m := re.fullmatch(r"([A-Za-z]{3})[A-Za-z]*[ \-']+(\d{2}|\d{4})", text):
        if m[1].lower() not in _MONTHS:
            raise ValueError(text)
        y, mo = int(m[2]) + (2000 if len(m[2]) == 2 else 0), _MONTHS[m[1].lower()]
    else:
        raise ValueError(text)
    if not 1 <= mo <= 12 or not 1990 <= y <= 2100:
        raise ValueError(text)
    return f"{y:04d}-{mo:02d}"


def _value(value) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return float(value)
    return float(str(value).strip().replace(",", "").rstrip("%").strip())


class _Kpis:
    def __init__(self, project) -> None:
        self.all = store.kpis(project)
        self.ids = {k.id for k in self.all}
        self.by_text: dict[str, list[int]] = {}
        for k in self.all:
            self.by_text.setdefault(" ".join(k.measure.split()).lower(), []).append(k.id)

    def resolve(self, value) -> int:
        text = str(value if not isinstance(value, float) or not value.is_integer() else int(value)).strip()
        if text.isdigit():
            if int(text) in self.ids:
                return int(text)
            raise ValueError(f"no KPI with id {text} (see 'elc kpi list PROJECT')")
        hits = self.by_text.get(" ".join(text.split()).lower(), [])
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise ValueError(f"'{text}' is the measure of KPIs {', '.join(map(str, hits))}; use the id")
        raise ValueError(f"'{text}' is not a KPI id or the exact text of a KPI's measure (see 'elc kpi list PROJECT')")


def read_returns(project, path: str | Path) -> tuple[list[tuple[int, str, float]], int, list[str]]:
    """Checked rows (kpi id, YYYY-MM, value), the blank-row count and the dropped rows; raises
    :class:`ReturnsError` with one line per bad row."""
    path = Path(path)
    rows = _rows(path)
    name = path.name
    if not rows:
        raise ReturnsError(f"{name}: the file is empty")
    if len(rows) > MAX_ROWS + 1:
        raise ReturnsError(f"{name}: more than {MAX_ROWS} rows; split the file")
    cols = _header_map(name, rows[0])
    kpis = _Kpis(project)
    out: list[tuple[int, str, float]] = []
    problems: list[str] = []
    dropped: list[str] = []
    seen: dict[tuple[int, str], int] = {}  # (kpi id, month) -> its row
    blank = 0
    for n, row in enumerate(rows[1:], 2):
        cells = {role: (row[i] if i < len(row) else None) for role, i in cols.items()}
        if all(v is None or str(v).strip() == "" for v in row):
            blank += 1
            continue
        try:
            kpi = kpis.resolve(cells["kpi"])
        except ValueError as exc:
            problems.append(f"{name}:{n}: {exc}")
            continue
        try:
            month = parse_month(cells["month"])
        except ValueError:
            problems.append(f"{name}:{n}: '{cells['month']}' is not a month (YYYY-MM or a date)")
            continue
        try:
            value = _value(cells["value"])
        except ValueError:
            problems.append(f"{name}:{n}: '{cells['value']}' is not a number")
            continue
        if value is None:
            dropped.append(f"{name}:{n}: KPI {kpi} {month} has no value (not returned)")
            continue
        if (kpi, month) in seen:
            problems.append(f"{name}:{n}: KPI {kpi} {month} is already on row {seen[(kpi, month)]}")
            continue
        seen[(kpi, month)] = n
        out.append((kpi, month, value))
    if problems:
        raise ReturnsError("\n".join([f"{name}: {len(problems)} bad row(s); nothing was imported", *problems]))
    return out, blank, dropped


def import_returns(project, path: str | Path, by: str = "") -> ReturnsImport:
    """Check and store a returns file (all or nothing); a month already returned is replaced."""
    path = Path(path)
    rows, blank, dropped = read_returns(project, path)
    if not rows:
        raise ReturnsError(f"{path.name}: no returns in the file ({blank} blank row(s), {len(dropped)} without a value)")
    before = {(r.kpi_id, r.period) for r in store.returns(project)}
    replaced = tuple(sorted({(k, m) for k, m, _ in rows} & before))
    added, _ = store.put_returns(project, rows, path.name, by)
    return ReturnsImport(path.name, added, replaced, blank, tuple(dropped))


__all__ = ["ReturnsError", "ReturnsImport", "read_returns", "import_returns", "parse_month", "COLUMNS"]

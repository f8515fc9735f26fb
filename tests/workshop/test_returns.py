"""Monthly KPI returns: CSV and XLSX, a provider's own headers, all or nothing with file:row lines."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from elc.cli import main
from elc.exchange.kpi_returns import ReturnsError, import_returns, parse_month
from elc.store.kpis import kpis, returns

from .conftest import dump


def _csv(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_ids_and_measure_text(sample, tmp_path):
    k1, k2 = kpis(sample)[:2]
    f = _csv(tmp_path / "april.csv", f"kpi,month,value\n{k1.id},2026-04,41.5\n\n\"{k2.measure}\",2026-04-30,12%\n"
                                     f"{k1.id},2026-05,,\n")
    r = import_returns(sample, f, "alice")
    assert (r.added, r.replaced, r.blank_rows) == (2, (), 1)
    assert r.dropped == (f"april.csv:5: KPI {k1.id} 2026-05 has no value (not returned)",)
    got = {(x.kpi_id, x.period): x.value for x in returns(sample)}
    assert got == {(k1.id, "2026-04"): 41.5, (k2.id, "2026-04"): 12.0}
    assert returns(sample)[0].source == "april.csv" and returns(sample)[0].imported_by == "alice"


def test_xlsx_with_provider_headers_and_a_corrected_month(sample, tmp_path):
    k1 = kpis(sample)[0]
    _csv(tmp_path / "first.csv", f"kpi,month,value\n{k1.id},2026-04,41.5\n")
    import_returns(sample, tmp_path / "first.csv")
    wb = Workbook()
    ws = wb.active
    ws.append(["Measure", "Reporting Period", "Actual"])
    ws.append([k1.id, dt.datetime(2026, 4, 30), 39])
    ws.append([k1.id, "May 2026", 37.25])
    wb.save(tmp_path / "provider.xlsx")
    r = import_returns(sample, tmp_path / "provider.xlsx")
    assert r.added == 1 and r.replaced == ((k1.id, "2026-04"),)
    assert [(x.period, x.value) for x in returns(sample, k1.id)] == [("2026-04", 39.0), ("2026-05", 37.25)]
    out = CliRunner().invoke(main, ["kpi", "returns", str(sample.location), str(tmp_path / "provider.xlsx")])
    assert f"replaced: KPI {k1.id} 2026-04 (a corrected return)" in out.output


def test_bad_rows_one_line_each_nothing_imported(sample, sample_path, tmp_path):
    k1 = kpis(sample)[0]
    f = _csv(tmp_path / "bad.csv", f"kpi,month,value\n{k1.id},2026-13,1\nNo such measure,2026-04,2\n"
                                   f"{k1.id},2026-04,3\n{k1.id},2026-04,4\n{k1.id},2026-06,lots\n99999,2026-04,5\n")
    before = dump(sample_path)
    with pytest.raises(ReturnsError) as exc:
        import_returns(sample, f)
    assert str(exc.value).splitlines() == [
        "bad.csv: 5 bad row(s); nothing was imported",
        "bad.csv:2: '2026-13' is not a month (YYYY-MM or a date)",
        "bad.csv:3: 'No such measure' is not a KPI id or the exact text of a KPI's measure (see 'elc kpi list PROJECT')",
        f"bad.csv:5: KPI {k1.id} 2026-04 is already on row 4",
        "bad.csv:6: 'lots' is not a number",
        "bad.csv:7: no KPI with id 99999 (see 'elc kpi list PROJECT')",
    ]
    assert dump(sample_path) == before
    with pytest.raises(ReturnsError, match=r"nohead.csv:1: no month or value column"):
        import_returns(sample, _csv(tmp_path / "nohead.csv", "kpi,when,how much\n1,2026-04,3\n"))


def test_months():
    assert parse_month("2026-04") == parse_month("30/04/2026") == parse_month("Apr-26") == "2026-04"
    assert parse_month(dt.date(2026, 4, 1)) == parse_month("April 2026") == "2026-04"
    for bad in ("2026-13", "Foo 2026", "soon", ""):
        with pytest.raises(ValueError):
            parse_month(bad)

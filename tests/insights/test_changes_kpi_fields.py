"""A changes file may give a measure's KPI record (baseline with source and date, threshold ...);
the specification then prints them instead of flagging them missing."""

import pytest

from elc.insights.changes import ChangesFileError, load_changes_file, read_changes_file
from elc.store.kpis import kpis_by_change

FILE = """changes:
  - title: Start reablement within two days
    measures:
      - Readmissions within 30 days
      - measure: Share of reablement started within 2 days of discharge
        unit: "%"
        better: higher
        baseline: 83
        baseline_source: LLR Home First dashboard
        baseline_date: 2020-01
        threshold: 90
        frequency: monthly
"""


def test_measure_mappings_fill_the_kpi_record(project, tmp_path):
    path = tmp_path / "changes.yaml"
    path.write_text(FILE, encoding="utf-8")
    (cid,) = load_changes_file(project, path)
    plain, rich = kpis_by_change(project)[cid]
    assert plain.measure == "Readmissions within 30 days" and plain.baseline is None
    assert rich.baseline == 83.0 and rich.threshold == 90.0 and rich.better == "higher" and rich.unit == "%"
    assert rich.baseline_source == "LLR Home First dashboard" and rich.baseline_date == "2020-01"
    assert rich.missing == ["data_source", "owner"]
    load_changes_file(project, path)  # loading again keeps one record per measure
    assert len(kpis_by_change(project)[cid]) == 2


@pytest.mark.parametrize("measure, message", [
    ("{measure: X, baseline: lots}", "'baseline' should be a number"),
    ("{measure: X, target: 3}", "unknown KPI field 'target'"),
    ("{baseline: 3}", "needs 'measure: TEXT'"),
    ("{measure: X, better: up}", "'better' is higher or lower"),
])
def test_bad_measure_mappings_name_the_file_and_the_problem(tmp_path, measure, message):
    path = tmp_path / "changes.yaml"
    path.write_text(f"changes:\n  - title: A\n    measures:\n      - {measure}\n", encoding="utf-8")
    with pytest.raises(ChangesFileError) as err:
        read_changes_file(path)
    assert message in str(err.value) and str(path) in str(err.value)

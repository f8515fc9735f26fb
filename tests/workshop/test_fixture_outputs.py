"""Done-when of the workshop issue: the shipped, filled capture sheet imports and changes the pack
and the specification (only what the workshop endorsed becomes a requirement)."""

import re

import elc
from elc.exchange.capture_sheet import import_sheet
from elc.export.html import write_html
from elc.export.spec import write_spec
from elc.insights.changes import changes

from .conftest import FIXTURE


def _requirement_titles(md: str) -> list[str]:
    return re.findall(r"^#### 3\.2\.\d+ (.+)$", md, flags=re.M)


def test_filled_capture_sheet_changes_the_spec_and_the_pack(sample_path, tmp_path):
    p = elc.open_project(sample_path)
    try:
        before = write_spec(p, tmp_path / "before.md").read_text(encoding="utf-8")
        assert _requirement_titles(before) == [] and "DRAFT awaiting the challenge workshop" in before
        import_sheet(p, FIXTURE, "alice")
        df = changes(p)
        taken = df[df.state.isin(["endorsed", "amended", "new"])]
        after = write_spec(p, tmp_path / "after.md").read_text(encoding="utf-8")
        write_html(p, tmp_path / "pack")
        pack = (tmp_path / "pack" / "index.html").read_text(encoding="utf-8")
    finally:
        p.close()
    # the specification: exactly the endorsed, amended and new changes, in order, numbered
    assert _requirement_titles(after) == list(taken.sort_values("position").title)
    for state in ("merged", "rejected"):
        title = df[df.state == state].title.iloc[0]
        assert title not in _requirement_titles(after) and f"| {state} |" in after
    assert "DRAFT awaiting the challenge workshop" not in after
    # A.6 "what difference": before the workshop no change is promised; after, only those taken forward
    a6_before = before.split("A.6 ")[1].split("### A.7")[0]
    assert "No change has been taken forward by a workshop yet" in a6_before
    a6 = after.split("A.6 ")[1].split("### A.7")[0]
    promised = re.findall(r"^- \*?\*?\d+\. (.+?): ", a6, flags=re.M)
    assert promised == list(taken.sort_values("position").title)
    for state in ("merged", "rejected"):
        assert df[df.state == state].title.iloc[0] not in a6
    merged = df[df.state == "merged"].iloc[0]
    target = df[df.id == merged.merged_into].title.iloc[0]
    section = after.split(f"3.2.{_requirement_titles(after).index(target) + 1} {target}")[1].split("####")[0]
    assert f"incorporates {merged.title}" in section
    # the pack shows each decision and the tally
    assert pack.count("endorsed at ") >= (df.state == "endorsed").sum()
    assert "7 endorsed, 1 merged, 1 amended, 1 rejected, 1 new" in pack

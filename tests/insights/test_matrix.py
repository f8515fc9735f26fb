"""The touchpoint x community matrix counts participants, not sentences."""

import pandas as pd
import pytest

from tests.insights import _pack


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    import elc

    p = elc.open_project(_pack.shared(tmp_path_factory))
    yield p
    p.close()


def _cell(m, touchpoint, community):
    hit = m[(m.touchpoint == touchpoint) & (m.community == community)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_known_cells(project):
    from elc.insights.matrix import insight_matrix

    m = insight_matrix(project)
    ready = _cell(m, "Getting ready for pick up", "patients")
    assert (ready.interviewed, ready.raised, ready.to_improve, ready.working_well) == (3, 3, 3, 1)
    assert ready.balance == pytest.approx(-0.5)
    assert ready.to_improve_share == pytest.approx(1.0)
    assert ready.working_well_share == pytest.approx(1 / 3, abs=1e-3)
    crew = _cell(m, "Relationship with crew (driver)", "patients")
    assert (crew.working_well, crew.to_improve, crew.balance) == (2, 0, 1.0)
    home_carers = _cell(m, "Journey home", "carers")
    assert (home_carers.interviewed, home_carers.to_improve, home_carers.balance) == (1, 1, -1.0)
    # a cell nobody spoke to has no balance; staff touchpoints are not asked of patients
    nothing = _cell(m, "The pick-up", "patients")
    assert nothing.raised == 0 and pd.isna(nothing.balance)
    assert not _cell(m, "Delays in pick ups", "patients").asked
    # nobody from NHS staff was interviewed: no share can be computed
    assert pd.isna(_cell(m, "Delays in pick ups", "nhs-staff").to_improve_share)


def test_quotes_are_spread_and_attributed(project):
    from elc.insights.matrix import insight_matrix

    m = insight_matrix(project, quotes_per_cell=3)
    quotes = _cell(m, "Getting ready for pick up", "patients").quotes
    assert len(quotes) == 3
    assert {q["participant"] for q in quotes} == {"P01", "P02", "P03"}  # one per participant first
    assert all(q["community"] == "patients" and q["valence"] == "to-improve" for q in quotes)
    assert all(8 <= q["words"] <= 60 for q in quotes)


def test_theme_matrix_and_wide_table(project):
    from elc.insights.matrix import insight_matrix, matrix_table, touchpoint_totals

    themes = insight_matrix(project, kind=("theme", "category"))
    rel = _cell(themes, "Driver-patient relationship", "drivers")
    assert rel.working_well == 1 and rel.asked
    m = insight_matrix(project)
    wide = matrix_table(m, "to_improve")
    assert wide.loc["Getting ready for pick up", "People who use non-emergency transport"] == 3
    assert list(wide.index)[0] == "Making the booking"  # journey order
    totals = touchpoint_totals(m).set_index("touchpoint")
    assert totals.loc["Journey home", "to_improve"] == 2


def test_heatmap_figure(project):
    from elc.insights.matrix import heatmap_figure, insight_matrix

    fig = heatmap_figure(insight_matrix(project))
    heat = fig.data[0]
    assert heat.type == "heatmap" and heat.zmin == -1 and heat.zmax == 1
    row = list(heat.y).index("Getting ready for pick up")
    assert heat.z[row][0] == pytest.approx(-0.5)


def test_quote_helpers():
    from elc.insights.quotes import clip, tidy

    assert tidy("P07: Well,\n  it was   late.", "P07") == "Well, it was late."
    assert tidy("pause] This is my big one", None) == "This is my big one"
    assert tidy(". Now I sit by the desk", "P05") == "Now I sit by the desk"
    assert clip("one two three", 2) == "one two …"


def test_theme_codes_inside_a_touchpoint_answer_do_not_count_as_it(project, tmp_path):
    """Issue 15: the matrix counted a theme coding inside a touchpoint's answer as that touchpoint."""
    from elc.coding import CodingSession
    from elc.insights.matrix import insight_matrix

    copy = _pack.copy_project(project, tmp_path)
    segs = copy.segments(role="participant")
    seg = segs[(segs.participant_id == "P03") & segs.text.str.contains("up at five")].iloc[0]
    # a working-well theme coding on P03's to-improve "Getting ready for pick up" sentence
    CodingSession(copy, "bob").apply(int(seg.source_id), int(seg.start), int(seg.end),
                                     copy.code_id("Driver-patient relationship"), "working-well")
    ready = _cell(insight_matrix(copy), "Getting ready for pick up", "patients")
    assert (ready.raised, ready.to_improve, ready.working_well, ready.both) == (3, 3, 1, 1)  # still only P02
    copy.close()


def test_uncoded_interviews_are_excluded_and_not_asked_is_not_zero(project, tmp_path):
    from elc.ingest import ImportOptions, import_files
    from elc.insights.evidence import coverage_notes
    from elc.insights.matrix import cell_label, insight_matrix, touchpoint_totals
    from elc.insights.units import interviewed

    copy = _pack.copy_project(project, tmp_path)
    path = tmp_path / "P04-new.txt"
    path.write_text("Interviewer: How was it?\nP04: Not coded yet, but I had plenty to say about the pick-up.\n")
    assert import_files(copy, [path], ImportOptions(community="patients"), deidentify=False).ok
    m = insight_matrix(copy)
    ready = _cell(m, "Getting ready for pick up", "patients")
    assert (ready.interviewed, ready.coded, ready.of, ready.to_improve) == (4, 3, 3, 3)
    assert ready.to_improve_share == 1.0 and cell_label(ready) == "ww 1, ti 3 of 3 asked"
    staff = _cell(m, "Delays in pick ups", "patients")
    assert not staff.asked and pd.isna(staff.of) and cell_label(staff) == "not asked"
    totals = touchpoint_totals(m).set_index("touchpoint")
    # only the patients and carers were asked about a people touchpoint: 3 + 1, not everyone interviewed
    assert totals.loc["Journey home", "of"] == 4 and totals.loc["Delays in pick ups", "of"] == 1
    notes = coverage_notes(interviewed(copy))
    assert notes and "P04 (People who use non-emergency transport)" in notes[0]
    copy.close()

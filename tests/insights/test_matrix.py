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

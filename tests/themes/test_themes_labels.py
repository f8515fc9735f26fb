"""Phrase labels, sub-themes, what is distinctive per community, the per-theme heat map."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from elc.themes.distinct import add_distinctiveness, log_odds_z
from elc.themes.model import merge_themes_to
from elc.themes.phrases import gerund, label_themes


def test_labels_are_phrases_people_read(corpus, fitted):
    label = dict(zip(fitted.themes_["theme_id"], fitted.themes_["label"]))
    of = {t: label[int(fitted.assignments_.loc[sid])] for t, sid in (("booking", "bo00"), ("waiting", "wa00"),
                                                                      ("driver", "dr00"))}
    for text in of.values():
        assert " / " not in text and text[:1].isupper()
    assert "booking" in of["booking"].lower()
    assert "waiting" in of["waiting"].lower() and ("home" in of["waiting"] or "hours" in of["waiting"])
    assert any(w in of["driver"].lower() for w in ("driver", "crew"))
    assert len(set(of.values())) == 3  # diversified: no two themes share a label
    for row in fitted.themes_.itertuples():
        assert 1 <= len(row.phrases) <= 3 and row.label.lower() == row.phrases[0].lower()


def test_surface_words_are_shown_not_lemmas():
    texts = ["The data about my transport was lost again.", "Nobody could find the data about transport.",
             "They lost the data for my booking.", "The driver was kind.", "Kind driver, lovely crew."]
    emb = np.eye(5, dtype=np.float32)[[0, 0, 0, 1, 1]]
    labels = label_themes(texts, np.array([0, 0, 0, 1, 1]), emb, None, n_rep=5)
    shown = " ".join(p for ps in labels.values() for p in ps)
    assert "data" in shown and "datum" not in shown


@pytest.mark.parametrize("lemma,expected", [("wait", "waiting"), ("take", "taking"), ("drop", "dropping"),
                                            ("die", "dying"), ("see", "seeing"), ("book", "booking")])
def test_gerund(lemma, expected):
    assert gerund(lemma) == expected


def test_fine_themes_merge_into_broad_ones_deterministically():
    rng = np.random.default_rng(0)
    a, b = np.array([1.0, 0, 0, 0]), np.array([0, 0, 1.0, 0])
    centres = [a, a + [0, 0.2, 0, 0], b, b + [0, 0, 0, 0.2], b + [0, 0, 0, -0.2]]
    X = np.vstack([c + rng.normal(0, 0.01, (10 + i, 4)) for i, c in enumerate(centres)])
    fine = np.repeat(np.arange(5), [10 + i for i in range(5)])
    fine[0] = -1
    broad, mapping = merge_themes_to(X, fine, 2)
    assert mapping == {0: 1, 1: 1, 2: 0, 3: 0, 4: 0}  # numbered by size: the three b-themes first
    assert broad[0] == -1 and set(broad[1:].tolist()) == {0, 1}
    again, _ = merge_themes_to(X, fine, 2)
    np.testing.assert_array_equal(broad, again)
    same, _ = merge_themes_to(X, fine, 6)
    np.testing.assert_array_equal(same, fine)


def test_log_odds_finds_the_over_represented_community():
    counts = pd.DataFrame({"carers": [40, 10, 10], "drivers": [5, 45, 10], "patients": [10, 10, 40]},
                          index=pd.Index([0, 1, 2], name="theme_id"))
    z = log_odds_z(counts)
    assert z.at[0, "carers"] > 1.96 and z.at[1, "drivers"] > 1.96 and z.at[2, "patients"] > 1.96
    assert z.at[0, "drivers"] < 0 and abs(z.at[1, "patients"] - z.at[1, "carers"]) < 1e-9
    even = log_odds_z(pd.DataFrame({"a": [10, 20], "b": [10, 20]}))
    assert np.allclose(even.to_numpy(), 0.0)
    # a small community's extreme share is shrunk by the prior: 2 of 2 is less sure than 40 of 60
    small = log_odds_z(pd.DataFrame({"big": [20, 40], "tiny": [2, 0]}, index=[0, 1]))
    big = log_odds_z(pd.DataFrame({"big": [200, 400], "other": [40, 20]}, index=[0, 1]))
    assert small.at[0, "tiny"] < big.at[0, "other"]


def test_distinctive_needs_two_participants():
    pc = pd.DataFrame({"theme_id": [0, 0, 1, 1], "community": ["a", "b", "a", "b"], "segments": [40, 2, 2, 40],
                       "participants": [1, 1, 5, 6]})
    out = add_distinctiveness(pc).set_index(["theme_id", "community"])
    assert out.at[(0, "a"), "log_odds_z"] > 1.96 and not out.at[(0, "a"), "distinctive"]  # one talkative person
    assert out.at[(1, "b"), "distinctive"]


def test_heat_map_is_normalised_per_theme(fitted):
    from elc.themes import heatmap_figure

    z = np.asarray(heatmap_figure(fitted).data[0].z)
    assert np.allclose(z.max(axis=1), 1.0) and (z >= 0).all()


def test_heat_map_colour_is_each_communitys_share_of_talk_recounted(corpus, fitted):
    """Recomputed from the input: a cell is the community's segments in the theme over its
    segments, divided by the row's largest such share; hover names participants n of N."""
    from elc.themes import heatmap_figure

    fig = heatmap_figure(fitted)
    trace = fig.data[0]
    comms = list(trace.x)
    by = corpus.assign(theme=fitted.assignments_.loc[corpus["segment_id"]].to_numpy())
    totals = by["community"].value_counts()
    themes = [int(t) for t in fitted.themes_["theme_id"] if t >= 0]
    for i, t in enumerate(themes):
        share = np.array([((by["theme"] == t) & (by["community"] == c)).sum() / totals[c] for c in comms])
        assert np.allclose(np.asarray(trace.z)[i], share / share.max(), atol=1e-3)
    assert "of the community's segments" in trace.customdata[0][0] and " participants" in trace.customdata[0][0]

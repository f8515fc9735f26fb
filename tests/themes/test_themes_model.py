"""ThemeModel on small corpora: sensible themes, k-means path, determinism, counts by community."""

from __future__ import annotations

import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from _themes_corpus import make_large_corpus

from elc.themes import ThemeModel, ThemesError, prepare_segments


def test_small_corpus_finds_the_three_obvious_themes(corpus, fitted):
    assert fitted.method_ == "bertopic-kmeans"
    assert fitted.info_["k"] == 3
    themes = fitted.themes_
    assert len(themes) == 3 and not themes["is_outlier"].any()
    # 29 of 30 on their true theme: MiniLM reads "crew ... helping her into the ambulance" as
    # close to waiting for the ambulance
    assert adjusted_rand_score(corpus["truth"], fitted.assignments_.loc[corpus["segment_id"]]) > 0.85
    # labels come from the top keywords and name the topic
    by_truth = {t: fitted.assignments_.loc[corpus.loc[corpus["truth"] == t, "segment_id"]].iloc[0]
                for t in ("booking", "driver", "waiting")}
    label = dict(zip(themes["theme_id"], themes["label"]))
    assert "booking" in label[by_truth["booking"]] or "hold" in label[by_truth["booking"]]
    assert any(w in label[by_truth["driver"]] for w in ("driver", "crew", "kind", "friendly"))
    assert any(w in label[by_truth["waiting"]] for w in ("wait", "hour", "home", "lounge"))
    for row in themes.itertuples():
        assert len(row.keywords) == 10
        assert 3 <= len(row.quotes) <= 5
        assert all(q in set(corpus["text"]) for q in row.quotes)
        assert sum(row.valence.values()) == row.size
        assert set(row.valence) == {"working-well", "to-improve", "neutral", "uncoded"}


def test_touchpoints_and_valence_counted_per_theme(corpus, fitted):
    booking = fitted.assignments_.loc["bo00"]
    row = fitted.themes_.set_index("theme_id").loc[booking]
    assert row["touchpoints"] == {"Making the booking": 5}
    assert row["valence"]["to-improve"] == 7 and row["valence"]["uncoded"] == 3


def test_twelve_segments_do_not_crash(corpus):
    small = corpus.iloc[[0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]]
    model = ThemeModel().fit(small)
    assert model.method_ == "bertopic-kmeans"
    assert 2 <= len(model.themes_) <= 4
    assert model.assignments_.index.tolist() == small["segment_id"].tolist()


def test_same_input_gives_same_themes(corpus):
    a = ThemeModel().fit(corpus)
    b = ThemeModel().fit(corpus.sample(frac=1.0, random_state=3))  # row order must not matter either
    c = ThemeModel().fit(corpus)
    pd.testing.assert_series_equal(a.assignments_, c.assignments_)
    assert a.themes_["label"].tolist() == c.themes_["label"].tolist()
    assert adjusted_rand_score(a.assignments_.sort_index(), b.assignments_.sort_index()) == pytest.approx(1.0)


def test_participants_not_segments_count_as_evidence():
    rows = [
        # P1 (patient) says the same thing three times; P2 (patient) once; D1 (driver) once.
        ("s1", "The booking line kept me on hold for forty minutes on the phone", "patients", "P1"),
        ("s2", "Again on hold on the booking phone line for ages", "patients", "P1"),
        ("s3", "Booking line phone hold music for an hour", "patients", "P1"),
        ("s4", "Phoning the booking line means a long hold", "patients", "P2"),
        ("s5", "Patients tell me the booking line phone hold is terrible", "drivers", "D1"),
        ("s6", "The driver was kind and friendly and helped me to the door", "patients", "P3"),
        ("s7", "Lovely friendly driver, kind crew who help at the door", "carers", "C1"),
        ("s8", "Our crew are kind friendly drivers and help with the door", "drivers", "D1"),
        ("s9", "A kind driver helped him through the door, friendly chat", "drivers", "D2"),
    ]
    df = pd.DataFrame(rows, columns=["segment_id", "text", "community", "participant_id"])
    model = ThemeModel(nr_topics=2).fit(df)
    assert model.assignments_.loc[["s1", "s2", "s3", "s4", "s5"]].nunique() == 1
    booking = int(model.assignments_.loc["s1"])
    pc = model.per_community_.set_index(["theme_id", "community"])
    assert pc.loc[(booking, "patients"), "segments"] == 4
    assert pc.loc[(booking, "patients"), "participants"] == 2          # P1 and P2, not 4
    assert pc.loc[(booking, "patients"), "community_participants"] == 3  # P1, P2, P3
    assert pc.loc[(booking, "patients"), "participant_share"] == pytest.approx(2 / 3)
    assert pc.loc[(booking, "patients"), "share"] == pytest.approx(4 / 5)
    assert pc.loc[(booking, "drivers"), "participants"] == 1
    assert pc.loc[(booking, "carers"), "participants"] == 0
    theme = model.theme(booking)
    assert theme["participants"] == 3 and theme["size"] == 5
    assert theme["community_participants"] == {"carers": 0, "drivers": 1, "patients": 2}
    # quotes come from different participants while others are available
    speakers = df.set_index("segment_id").loc[theme["quote_segment_ids"], "participant_id"].tolist()
    assert len(set(speakers[:3])) == 3


def test_guided_mode_uses_seed_topics(corpus):
    seeds = [["booking", "phone", "hold"], ["driver", "crew", "kind"], ["wait", "hours", "home"]]
    model = ThemeModel(seed_topics=seeds).fit(corpus)
    assert model.info_["guided"] is True
    assert model.topic_model_.seed_topic_list[0][:3] == ["booking", "book", "phone"]  # lemma form added
    assert adjusted_rand_score(corpus["truth"], model.assignments_.loc[corpus["segment_id"]]) > 0.8


def test_segments_without_words_are_unassigned(corpus):
    df = pd.concat([corpus, pd.DataFrame([{"segment_id": "empty", "text": "[laughs] Yeah. Um.",
                                           "community": "patients", "participant_id": "x"}])])
    model = ThemeModel().fit(df)
    assert model.assignments_.loc["empty"] == -1
    assert model.themes_.iloc[-1]["is_outlier"]


def test_bad_input_gives_clear_errors(corpus):
    with pytest.raises(ThemesError, match="segment_id"):
        ThemeModel().fit(corpus.drop(columns=["segment_id"]))
    with pytest.raises(ThemesError, match="more than once"):
        ThemeModel().fit(pd.concat([corpus, corpus.head(1)]))
    with pytest.raises(ThemesError, match="at least"):
        ThemeModel().fit(corpus.head(3))
    with pytest.raises(ThemesError, match="method"):
        ThemeModel(method="lda").fit(corpus)
    with pytest.raises(ThemesError, match="not fitted|fit"):
        ThemeModel().theme(0)


def test_prepare_segments_defaults_and_lemmas():
    df = pd.DataFrame({"segment_id": [1, 2], "text": ["Nothing to improve.", "[Driver 1] was lovely"],
                       "lemmas": ["improve", ""]})
    frame = prepare_segments(df)
    assert frame["community"].tolist() == ["(all)", "(all)"]
    assert frame["doc"].tolist() == ["nothing improve", "was lovely"]  # negation kept, tag dropped
    assert frame["usable"].tolist() == [True, True]


def test_large_corpus_path_uses_hdbscan_and_is_deterministic():
    big = make_large_corpus()  # 240 distinct segments: over the small-corpus threshold
    a = ThemeModel().fit(big)
    assert a.method_ == "bertopic-hdbscan"
    assert a.info_["min_cluster_size"] == 10 and a.info_["n_neighbors"] == 10
    assert adjusted_rand_score(big["truth"], a.assignments_.loc[big["segment_id"]]) > 0.8
    assert (a.assignments_ == -1).mean() < 0.05
    b = ThemeModel().fit(big)
    pd.testing.assert_series_equal(a.assignments_, b.assignments_)

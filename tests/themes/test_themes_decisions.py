"""Researcher decisions: plain JSON-able dicts, replayed after a re-run by keyword matching."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from elc.themes import (
    ThemeModel,
    ThemesError,
    apply_decisions,
    discard_theme,
    merge_themes,
    promote_theme,
    promote_to_code,
    rename_theme,
    split_theme,
    validate_decision,
)


MORE_WAITING = [
    "We waited four hours for the transport home after the scan and nobody could say why.",
    "After the clinic my husband waited in the lounge until seven for his transport home.",
    "The return transport home was so late that the discharge lounge closed around us.",
    "Waiting hours for transport home after treatment is exhausting for frail patients.",
    "She waited three hours after her appointment and missed her tablets at home.",
    "Transport home after dialysis is always hours late, we wait in the lounge.",
    "I waited in the discharge lounge for five hours to be collected and taken home.",
    "The ambulance home came hours after the clinic, he was cold and hungry waiting.",
    "Hours of waiting for the return journey home after a short appointment.",
    "Patients sit waiting for transport home for hours after the ward discharges them.",
]


def _theme_of(model, segment_id) -> int:
    return int(model.assignments_.loc[segment_id])


def test_rename_merge_discard_promote_round_trip_through_json(corpus, fitted):
    booking, driver, waiting = (_theme_of(fitted, s) for s in ("bo00", "dr00", "wa00"))
    decisions = [
        rename_theme(fitted, booking, "Getting through to book"),
        promote_theme(fitted, booking, name="Booking line on hold"),
        merge_themes(fitted, [driver, waiting], label="Crew and waiting"),
    ]
    decisions = json.loads(json.dumps(decisions))  # what the store persists
    result = apply_decisions(fitted, decisions)
    assert [d["status"] for d in result.decisions_] == ["applied", "applied", "applied"]
    labels = dict(zip(result.themes_["theme_id"], result.themes_["label"]))
    assert labels[booking] == "Getting through to book"
    merged = min(driver, waiting)
    assert labels[merged] == "Crew and waiting"
    assert len(result.themes_) == 2
    assert (result.assignments_.loc[corpus.loc[corpus["truth"] != "booking", "segment_id"]] == merged).all()
    # the fitted model itself is untouched
    assert len(fitted.themes_) == 3 and fitted.decisions_ == []
    # promote-to-code gives a codebook entry
    (code,) = result.codes_
    assert code["name"] == "Booking line on hold" and code["kind"] == "theme"
    assert "booking" in code["definition"] and len(code["examples"]) == 3
    assert all(q in set(corpus["text"]) for q in code["examples"])

    # a later decision may refer to the merged theme, and discard sends its segments to -1
    decisions.append(discard_theme(result, merged))
    again = apply_decisions(fitted, decisions)
    assert again.decisions_[-1]["status"] == "applied"
    assert (again.assignments_ == -1).sum() == 20
    assert again.themes_["is_outlier"].sum() == 1


def test_split_reclusters_one_theme(corpus, fitted):
    # merge two true themes, then split the merged theme back into two
    driver, waiting = _theme_of(fitted, "dr00"), _theme_of(fitted, "wa00")
    decisions = [merge_themes(fitted, [driver, waiting])]
    merged = apply_decisions(fitted, decisions)
    big = min(driver, waiting)
    assert merged.themes_.set_index("theme_id").loc[big, "size"] == 20
    decisions.append(split_theme(merged, big, k=2))
    result = apply_decisions(fitted, json.loads(json.dumps(decisions)))
    entry = result.decisions_[-1]
    assert entry["status"] == "applied" and entry["result"][0] == big
    new = entry["result"][1]
    assert new == max(fitted.themes_["theme_id"]) + 1  # new ids follow the highest id
    assert len(result.themes_) == 3 and not result.themes_["custom_label"].any()
    parts = result.assignments_[merged.assignments_ == big]
    truth = corpus.set_index("segment_id").loc[parts.index, "truth"]
    # MiniLM puts "The crew were kind ... helping her down the steps into the ambulance" near
    # the waiting-for-the-ambulance theme; every other segment splits back to its true theme
    assert sum(pd.crosstab(truth, parts).max(axis=1).tolist()) >= 19


def test_decisions_survive_a_rerun_with_new_ids(corpus):
    fitted = ThemeModel(embedder="tfidf-svd").fit(corpus)  # lexical: ids known to move on the re-run below
    booking, driver, waiting = (_theme_of(fitted, s) for s in ("bo00", "dr00", "wa00"))
    decisions = [rename_theme(fitted, driver, "Kind crews"), discard_theme(fitted, waiting),
                 promote_theme(fitted, booking)]
    # a re-run on more data numbers the themes differently: the waiting theme grows and is now
    # the largest (id 0), so the ids of the others move.
    extra = pd.DataFrame({"segment_id": [f"new{i}" for i in range(len(MORE_WAITING))], "text": MORE_WAITING,
                          "community": "patients", "participant_id": [f"new-{i}" for i in range(len(MORE_WAITING))]})
    rerun = ThemeModel(embedder="tfidf-svd").fit(pd.concat([extra, corpus], ignore_index=True))
    assert rerun.assignments_.loc[["wa00", "new0", "new5"]].nunique() == 1
    new_driver, new_waiting = _theme_of(rerun, "dr00"), _theme_of(rerun, "wa00")
    assert new_driver != driver or new_waiting != waiting
    result = apply_decisions(rerun, decisions)
    assert [d["status"] for d in result.decisions_] == ["applied", "applied", "applied"]
    assert result.decisions_[0]["resolved"] == new_driver
    assert dict(zip(result.themes_["theme_id"], result.themes_["label"]))[new_driver] == "Kind crews"
    assert (result.assignments_[rerun.assignments_ == new_waiting] == -1).all()
    assert result.codes_ and result.codes_[0]["source_theme"] == _theme_of(rerun, "bo00")


def test_unmatched_decision_is_reported_not_guessed(fitted):
    decision = {"action": "rename", "theme": 0, "keywords": ["oxygen", "cylinder", "delivery"], "label": "Oxygen"}
    result = apply_decisions(fitted, [decision])
    assert result.decisions_[0]["status"] == "unmatched"
    assert not result.themes_["custom_label"].any()


def test_decision_validation(fitted):
    with pytest.raises(ThemesError):
        validate_decision({"action": "explode", "theme": 1})
    with pytest.raises(ThemesError):
        validate_decision({"action": "merge", "themes": [1]})
    with pytest.raises(ThemesError):
        rename_theme(fitted, 0, "  ")
    with pytest.raises(ThemesError):
        merge_themes(fitted, [0, 0])
    with pytest.raises(ThemesError):
        discard_theme(fitted, 99)
    with pytest.raises(ThemesError):
        promote_to_code(fitted, 99)
    code = promote_to_code(fitted, 0)
    assert set(code) >= {"name", "kind", "definition", "keywords", "examples"}

"""The coded unit is the unit; evaluation beside the baseline on grouped folds; the programme's structure."""

import numpy as np
import pandas as pd
import pytest

from elc.coding import CodingSession
from elc.coding.coded_tables import import_coded_table
from elc.suggest import service
from elc.suggest.evaluate import fold_splits
from elc.suggest.units import coded_units, suggestion_targets


def test_a_response_is_one_unit_with_all_its_codes(project, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text('comment,codes\n"The booking line was engaged. Then the driver was late.",'
                     '"Making the booking; Waiting and delays"\n'
                     "The crew were kind.,Relationship with crew (driver)\n"
                     "Nothing else to say.,\n"
                     '"Waited an hour. The van was cold.",\n')
    import_coded_table(project, sheet, coder="old")
    X, Y, valence = service.training_data(project)
    assert list(X.unit) == ["response"] * 2  # rows without codes are not yet coded: not learned from
    assert X.text.iloc[0] == "The booking line was engaged. Then the driver was late."  # not 2 sentences
    row = Y.iloc[0]
    assert set(row[row == 1].index) == {"Making the booking", "Waiting and delays"}
    todo = suggestion_targets(project)  # suggestions are for the uncoded responses, whole
    assert list(todo.text) == ["Nothing else to say.", "Waited an hour. The van was cold."]
    assert list(todo.unit) == ["response", "response"]
    # the workbench shows sentences: a sentence of a response offers the response's suggestions,
    # and accepting one codes the whole response
    from elc.coding import suggestions as sg

    model, vmodel, _ = service.fit_models(project)
    service.write_suggestions(project, model, vmodel, min_probability=0.0)
    sents = project.segments(role="participant")
    cold = sents[sents.text == "The van was cold."].iloc[0]
    offered = sg.suggestions_for(project, int(cold.id), "bob")
    assert offered
    sg.accept(CodingSession(project, "bob"), cold, offered[0]["code_id"])
    assert project.codings(coder="bob").text.tolist() == ["Waited an hour. The van was cold."]
    assert sg.suggestions_for(project, int(cold.id), "bob", include_decided=False) == [
        x for x in sg.suggestions_for(project, int(cold.id), "bob") if x["code_id"] != offered[0]["code_id"]]
    # --apply-above codes whole responses too
    assert service.apply_above(project, "machine", 0.0) > 0
    assert set(project.codings(coder="machine").text) == {"Nothing else to say.", "Waited an hour. The van was cold."}


def test_sentence_and_passage_units(coded_project):
    p = coded_project
    segs = p.segments(role="participant").reset_index(drop=True)
    i = segs.index[segs.text.str.contains("booking line")][0]
    a, b = segs.iloc[i], segs.iloc[i + 1]
    CodingSession(p, "carol").apply(int(a.source_id), int(a.start), int(b.end), p.code_id("Journey home"))
    X, Y, _ = coded_units(p)
    passage = X[X.unit == "passage"]
    assert len(passage) == 1 and passage.text.iloc[0] == p.source_text(int(a.source_id))[a.start:b.end]
    assert Y.loc[passage.index[0], "Journey home"] == 1
    half = 2 * (a.end - a.start) >= (b.end - a.start)  # a code labels a unit it covers at least half of
    assert Y.loc[passage.index[0], "Making the booking"] == int(half)
    sentence = X[(X.unit == "sentence") & X.text.str.contains("booking line")].index[0]
    assert Y.loc[sentence, ["Making the booking", "Journey home"]].tolist() == [1, 1]  # inside the passage
    assert set(X.unit) == {"sentence", "passage"}


def test_grouped_folds_never_split_a_participant():
    groups = np.repeat([f"P{i}" for i in range(12)], [1, 5, 2, 8, 3, 3, 1, 6, 2, 2, 4, 3])
    for train, test in fold_splits(len(groups), 4, groups):
        assert not set(groups[train]) & set(groups[test])
    with pytest.raises(ValueError, match="too few"):
        fold_splits(5, 4, np.array(["a", "a", "b", "b", "c"], dtype=object))


def _survey(tmp_path, n=60, seed=0):
    rng = np.random.default_rng(seed)
    words = {"Making the booking": "rang booking line phone hold operator",
             "Journey home": "home evening dark house late journey",
             "Relationship with crew (driver)": "driver kind lovely chat friendly crew"}
    rows = []
    for i in range(n):
        codes = list(rng.choice(list(words), size=1 + (rng.random() < 0.3), replace=False))
        text = " ".join(w for c in codes for w in rng.choice(words[c].split(), 3)) + " it was fine"
        rows.append({"participant": f"P{i // 3:03d}", "comment": text.capitalize() + ".", "codes": "; ".join(codes)})
    rows.append({"participant": "P999", "comment": "My escort was refused once.", "codes": "Eligibility and escorts"})
    path = tmp_path / "survey.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_evaluate_reports_baseline_on_same_units_and_too_few(project, tmp_path):
    import_coded_table(project, _survey(tmp_path), coder="old", participant_column="participant",
                       community="patients")
    res = service.evaluate(project, k=3, curve_folds=1, sizes=[20, 40])
    assert res["units"] == {"response": 61} and res["participants"] == 21 and res["grouped_by"] == "participant"
    assert res["too_few_to_learn"] == {"Eligibility and escorts": 1}
    assert res["learnable_codes"] == 3
    assert 0 <= res["baseline"]["macro_f1"] <= 1 and "LinearSVC" in res["baseline"]["name"]
    assert res["macro_f1"] > 0.6  # the words give the codes away
    curve = res["learning_curve"]
    assert list(curve.n_coded) == [20, 40] and {"macro_f1", "baseline_macro_f1", "ratio"} <= set(curve.columns)
    assert not res["per_code"][res["per_code"].code == "Eligibility and escorts"].learnable.any()


def test_cold_start_respects_families_skips_interviewers_and_varies(coded_project):
    p = coded_project
    model, vmodel, n = service.fit_models(p, coder="nobody")  # no codings: descriptions only
    assert n == 0
    assert service.write_suggestions(p, model, vmodel, coder="nobody") > 0
    sug = pd.read_sql("select * from suggestions", p.engine)
    segs = p.segments(kind=None).set_index("id")
    codes = p.codes().set_index("id")
    fam = dict(zip(p.communities().key, p.communities().family))
    on = segs.loc[sug.segment_id]
    assert set(on.role) == {"participant"}  # never an interviewer's question
    code_family = codes.loc[sug.code_id, "family"].to_numpy()
    unit_family = on.community.map(fam).to_numpy()
    touch = pd.notna(code_family)
    assert touch.any() and (code_family[touch] == unit_family[touch]).all()
    top = sug.sort_values("probability", ascending=False).drop_duplicates("segment_id")
    assert top.probability.round(3).nunique() > len(top) // 2  # confidence varies with the evidence

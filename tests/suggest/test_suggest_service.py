"""Suggestions on a project: trained from its codings, stored, accepted into codings on request."""

from elc.suggest import service


def test_training_data_is_segments_by_codes(coded_project):
    X, Y, valence = service.training_data(coded_project, coder="alice")
    assert len(X) == 9 and Y.shape[0] == 9
    assert Y.sum().sum() == 9
    assert set(valence) <= {"working-well", "to-improve", "neutral"}
    assert "Making the booking" in Y.columns and "Timing and waiting" not in Y.columns  # no categories


def test_suggestions_written_for_uncoded_and_applied_above(coded_project):
    model, vmodel, n = service.fit_models(coded_project, coder="alice")
    assert n == 9
    written = service.write_suggestions(coded_project, model, vmodel, coder="alice")
    assert written > 0
    import pandas as pd
    sug = pd.read_sql("select * from suggestions", coded_project.engine)
    coded = set(coded_project.coded_segments(coder="alice").segment_id)
    assert not set(sug.segment_id) & coded
    assert sug.probability.between(0, 1).all()
    before = len(coded_project.codings())
    applied = service.apply_above(coded_project, "machine", 0.0)
    assert applied == written
    after = coded_project.codings()
    assert len(after) == before + applied
    assert set(after[after.coder == "machine"].origin) == {"suggestion"}

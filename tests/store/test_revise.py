from elc.coding import CodingSession
from elc.ingest import import_files
from elc.store.revise import replace_spans


def test_replace_spans_keeps_offsets_valid(project, transcript):
    import_files(project, [transcript], deidentify=False)
    text = project.source_text(1)
    segs = project.segments(kind=None)
    target = "Dev"
    a = text.index(target)
    # code the sentence holding "Dev" and a later sentence
    holding = segs[(segs.kind == "sentence") & (segs.start <= a) & (segs.end > a)].iloc[0]
    later = segs[(segs.kind == "sentence") & (segs.start > a)].iloc[0]
    s = CodingSession(project, "alice")
    s.apply(1, int(holding.start), int(holding.end), project.code_id("The pick-up"))
    s.apply(1, int(later.start), int(later.end), project.code_id("Journey home"))
    before = {r.id: r.text for r in project.segments(kind=None).itertuples()}
    with project.transaction() as conn:
        replace_spans(conn, 1, [(a, a + len(target), "[Driver 1]")])
    project._texts.clear()
    after = project.segments(kind=None)
    for r in after.itertuples():
        assert r.text == before[r.id].replace("Dev", "[Driver 1]")
    cods = project.codings().sort_values("start")
    assert cods.text.iloc[0] == holding.text.replace("Dev", "[Driver 1]")
    assert cods.text.iloc[1] == later.text

"""De-identification review: the originals sidecar, decisions in context, audit, re-application on
re-import, de-identifying raw sources afterwards, and the detector's known misses on the sample.

Projects here are imported with a blank spaCy pipeline (rules and name lists only), so they are
fast to build and the same every run.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from elc import new_project
from elc.coding import CodingSession
from elc.deid import Detector, Pseudonymiser, review
from elc.deid import originals as orig
from elc.deid.persons import NameList, hashed_name_entry
from elc.ingest import ImportOptions, import_files
from elc.store import schema as s
from tests.conftest import CODEBOOK, GUIDE

CALL = """Interviewer: Hello, is that Edna? Thanks for talking to me about the transport.
P11: Yes love. My daughter Zelda tried the booking line, 0116 496 0123, and waited forty minutes.
Interviewer: And where do you live now?
P11: At Kestrel Grange, the care home. The driver, Kev, is lovely. He speaks Gujarati with me.
Interviewer: Anything else, Edna?
P11: My NHS number is 943 476 5919. Zelda sends her love.
"""

SECOND = """Interviewer: Who helps you get ready for the transport?
P12: My neighbour Zelda does, and Kev drives on Tuesdays. The Gujarati leaflet was useful.
"""


@pytest.fixture(scope="module")
def blank():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _import(project, folder: Path, name: str, text: str, nlp, deidentify=True, community="patients"):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    report = import_files(project, [path], ImportOptions(community=community), deidentify=deidentify, nlp=nlp)
    assert report.ok and report.imported, (report.failed, report.skipped)
    return report


@pytest.fixture
def proj(tmp_path, blank):
    p = new_project(tmp_path / "review.elc", GUIDE, CODEBOOK)
    _import(p, tmp_path, "P11-call.txt", CALL, blank)
    yield p
    p.close()


def _row(project, detection_id):
    with project.engine.connect() as conn:
        return conn.execute(select(s.deid_detections).where(s.deid_detections.c.id == detection_id)).mappings().first()


def _audit(project):
    with project.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(s.deid_audit).order_by(s.deid_audit.c.id)).mappings()]


def _project_bytes(project) -> bytes:
    with project.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    data = Path(project.location).read_bytes()
    wal = Path(project.location + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def _by_original(project, surface):
    df = review.detections(project)
    hit = df[df.original == surface]
    assert len(hit), (surface, list(df.original))
    return [int(x) for x in hit.id]


# ------------------------------------------------------------------------------------ originals
def test_import_keeps_originals_beside_the_project_only(proj):
    side = orig.sidecar_path(proj)
    assert side == Path(proj.location + ".originals") and side.exists()
    assert stat.S_IMODE(os.stat(side).st_mode) == 0o600
    with sqlite3.connect(side) as db:
        kept = dict(db.execute("SELECT detection_id, original FROM originals").fetchall())
    with proj.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(select(s.deid_detections.c.id))]
    assert sorted(kept) == sorted(ids)
    assert {"Edna", "0116 496 0123", "Kestrel Grange", "Kev", "943 476 5919"} <= set(kept.values())
    text = proj.source_text(1)
    data = _project_bytes(proj)
    for original in set(kept.values()):
        assert original not in text
        assert original.encode() not in data, original
    # the pseudonym mapping in the project holds no names either
    assert b"edna" not in data.lower() and b"kev\"" not in data.lower()
    assert orig.status(proj)["originals"] == len(ids)


def test_no_sidecar_when_the_project_does_not_keep_originals(tmp_path, blank):
    p = new_project(tmp_path / "nokeep.elc", GUIDE, CODEBOOK)
    review.set_keep_originals(p, "alice", False)
    _import(p, tmp_path, "P11-call.txt", CALL, blank)
    assert not orig.sidecar_path(p).exists()
    (did,) = _ids_for_tag(p, "[phone]")
    with pytest.raises(orig.OriginalsError, match="does not keep originals"):
        review.reject(p, "alice", [did])
    p.close()


def _ids_for_tag(project, tag):
    df = review.detections(project)
    return [int(x) for x in df[df.replacement == tag].id]


def test_a_foreign_sidecar_is_refused_and_the_import_fails_cleanly(tmp_path, blank):
    a = new_project(tmp_path / "a.elc", GUIDE, CODEBOOK)
    _import(a, tmp_path, "P11-call.txt", CALL, blank)
    b = new_project(tmp_path / "b.elc", GUIDE, CODEBOOK)
    # another project's originals end up beside this one (a copied or replaced project file)
    Path(b.location + ".originals").write_bytes(orig.sidecar_path(a).read_bytes())
    (tmp_path / "P12-call.txt").write_text(SECOND, encoding="utf-8")
    report = import_files(b, [tmp_path / "P12-call.txt"], ImportOptions(community="patients"), nlp=blank)
    assert not report.imported and "different project" in report.failed[0][1]
    assert len(b.sources()) == 0
    with pytest.raises(orig.OriginalsError, match="different project"):
        orig.originals_for(b, [1])
    a.close()
    b.close()


def test_moving_a_project_moves_its_originals(proj, tmp_path):
    proj.close()
    target = tmp_path / "moved.elc"
    Path(proj.location).replace(target)
    assert orig.move_sidecar(proj.location, target) and not Path(proj.location + ".originals").exists()
    import elc

    with elc.open_project(target) as moved:
        assert "Kev" in orig.originals_for(moved, range(1, 20)).values()
    assert orig.remove_sidecar(target) and not orig.remove_sidecar(target)


# ------------------------------------------------------------------------------------ reading
def test_detections_in_context_grouped_by_entity(proj):
    df = review.detections(proj)
    assert list(df.columns[:7]) == ["id", "entity", "entity_key", "label", "replacement", "status", "n"]
    assert set(df.status) == {"auto"}
    for r in df.itertuples():
        assert r.sentence[r.tag_start:r.tag_end] == r.replacement
        assert r.source == "P11-call.txt" and r.participant_id == "P11" and r.community == "patients"
    edna = df[df.original == "Edna"]
    assert len(edna) == 2 and edna.entity.nunique() == 1 and set(edna.n) == {2}
    assert edna.entity.iat[0].startswith("[Person")
    assert "is that [Person" in edna.sentence.iat[0]
    # typed tags are grouped per original, so one place is not lumped with another
    org = df[df.label == "ORG"]
    assert org.entity.iat[0] == "[organisation] kestrel grange"
    ents = review.entities(proj)
    assert ents.set_index("entity").loc[edna.entity.iat[0], "n"] == 2


# ------------------------------------------------------------------------------------ decisions
def test_reject_restores_the_original_keeps_codings_aligned_and_allow_lists_the_term(proj, tmp_path, blank):
    segs = proj.segments()
    sentence = segs[segs.text.str.contains("Kestrel|organisation")].iloc[0]
    session = CodingSession(proj, "alice")
    session.apply(1, int(sentence.start), int(sentence.end), proj.code_id("The pick-up"))
    (kev,) = _by_original(proj, "Kev")
    out = review.reject(proj, "rita", [kev])
    assert "restored" in str(out)
    text = proj.source_text(1)
    row = _row(proj, kev)
    assert text[row["start"]:row["end"]] == "Kev"
    assert row["status"] == "rejected" and row["reviewer"] == "rita" and row["reviewed_at"]
    coding = proj.codings().iloc[0]
    seg_after = proj.segments(kind="sentence")
    assert coding.text == seg_after[seg_after.id == sentence.id].text.iat[0]
    last = _audit(proj)[-1]
    assert last["action"] == "reject" and last["detection_id"] == kev and last["reviewer"] == "rita"
    assert json.loads(last["payload"])["term"] == "Kev"
    assert "=Kev" in proj.meta_get("deid_allow_list")
    # the decision re-applies on re-import: Kev is no longer replaced, Zelda (missed) stays too
    _import(proj, tmp_path, "P12-call.txt", SECOND, blank)
    assert "Kev drives" in proj.source_text(2)


def test_accepting_a_rejected_detection_replaces_it_again(proj):
    (phone,) = _by_original(proj, "0116 496 0123")
    review.reject(proj, "rita", [phone])
    assert "0116 496 0123" in proj.source_text(1)
    assert "=0116 496 0123" in proj.meta_get("deid_allow_list")
    out = review.accept(proj, "sam", [phone])
    assert "replaced again" in str(out)
    assert "0116 496 0123" not in proj.source_text(1)
    row = _row(proj, phone)
    assert (row["status"], row["reviewer"]) == ("accepted", "sam")
    assert proj.source_text(1)[row["start"]:row["end"]] == "[phone]"
    assert "=0116 496 0123" not in (proj.meta_get("deid_allow_list") or [])
    assert [a["action"] for a in _audit(proj)] == ["reject", "accept"]


def test_accept_and_reject_are_all_or_nothing(proj):
    (kev,) = _by_original(proj, "Kev")
    before = proj.source_text(1)
    with pytest.raises(review.ReviewError, match="no detection with id 999"):
        review.reject(proj, "rita", [kev, 999])
    with pytest.raises(review.ReviewError, match="no detection with id 999"):
        review.accept(proj, "rita", [kev, 999])
    assert proj.source_text(1) == before and _row(proj, kev)["status"] == "auto" and _audit(proj) == []
    with pytest.raises(review.ReviewError, match="reviewer"):
        review.accept(proj, "  ", [kev])


def test_add_span_replaces_a_missed_identifier_with_a_pseudonym(proj):
    text = proj.source_text(1)
    a = text.index("Zelda")
    out = review.add_span(proj, "rita", 1, a, a + len("Zelda"), "PERSON")
    (did,) = out.detection_ids
    row = _row(proj, did)
    assert row["replacement"] == "[Daughter 1]" and row["status"] == "added" and row["detector"] == "review"
    new = proj.source_text(1)
    assert new[row["start"]:row["end"]] == "[Daughter 1]" and new.count("Zelda") == 1  # the later mention
    assert orig.originals_for(proj, [did]) == {did: "Zelda"}
    with pytest.raises(review.ReviewError, match="already replaced"):
        review.add_span(proj, "rita", 1, row["start"], row["end"], "PERSON")
    review.reject(proj, "rita", [did])
    assert proj.source_text(1) == text


def test_add_name_replaces_everywhere_keeps_only_a_hash_and_reapplies_on_import(proj, tmp_path, blank):
    _import(proj, tmp_path, "P12-call.txt", SECOND, blank)
    assert "Zelda" in proj.source_text(1) and "Zelda" in proj.source_text(2)
    out = review.add_name(proj, "rita", "Zelda")
    assert len(out.detection_ids) == 3 and out.sources == [1, 2]
    assert "Zelda" not in proj.source_text(1) + proj.source_text(2)
    rows = [_row(proj, i) for i in out.detection_ids]
    daughter = {r["replacement"] for r in rows if r["source_id"] == 1}
    neighbour = {r["replacement"] for r in rows if r["source_id"] == 2}
    # one person, one pseudonym; the daughter (call 1) and the neighbour (call 2) are two people
    assert len(daughter) == 1 and len(neighbour) == 1 and daughter != neighbour
    # derived copies are scrubbed too: lemmas and the interviewer question carried on segments
    segs = proj.segments(kind=None)
    assert not segs.lemmas.str.contains("zelda").any() and not segs.question.str.contains("Zelda").any()
    # the project keeps a keyed hash; the clear name is only in the sidecar
    entries = proj.meta_get("deid_extra_names")
    assert len(entries) == 1 and "hash" in entries[0] and "Zelda" not in json.dumps(entries)
    assert b"zelda" not in _project_bytes(proj).lower()
    assert [n["name"] for n in orig.kept_names(proj)] == ["Zelda"]
    assert _audit(proj)[-1]["action"] == "add_name"
    # a later import catches the name through the hashed entry
    _import(proj, tmp_path, "P13-call.txt", "Interviewer: Who came?\nP13: zelda came with me.\n", blank)
    assert "zelda" not in proj.source_text(3).lower()
    # and review.add_name again is harmless
    assert review.add_name(proj, "rita", "Zelda").detection_ids == []


def test_allow_restores_current_replacements_and_reapplies(proj, tmp_path, blank):
    out = review.allow(proj, "rita", "Kev")
    assert len(out.detection_ids) == 1 and "Kev" in proj.source_text(1)
    assert _row(proj, out.detection_ids[0])["status"] == "rejected"
    assert "Kev" in proj.meta_get("deid_allow_list")
    with proj.engine.connect() as conn:
        terms = conn.execute(select(s.deid_terms.c.term, s.deid_terms.c.kind)).fetchall()
    assert ("Kev", "allow") in terms
    _import(proj, tmp_path, "P12-call.txt", SECOND, blank)
    assert "Kev drives" in proj.source_text(2)


def test_a_later_decision_wins_between_names_and_the_allow_list(proj):
    review.add_name(proj, "rita", "Zelda")
    assert len(proj.meta_get("deid_extra_names")) == 1
    (first, _) = _by_original(proj, "Zelda")
    review.reject(proj, "sam", [first])
    assert proj.meta_get("deid_extra_names") == [] and "=Zelda" in proj.meta_get("deid_allow_list")
    review.add_name(proj, "rita", "Zelda")
    assert proj.meta_get("deid_allow_list") == [] and len(proj.meta_get("deid_extra_names")) == 1
    assert _row(proj, first)["status"] == "accepted"  # the rejected occurrence is replaced again
    assert "Zelda" not in proj.source_text(1)


def test_purge_deletes_originals_and_rejections_are_refused(proj):
    side = orig.sidecar_path(proj)
    out = review.purge_originals(proj, "rita")
    assert "deleted" in str(out) and not side.exists()
    assert proj.meta_get("deid_keep_originals") is False
    last = _audit(proj)[-1]
    assert last["action"] == "purge" and json.loads(last["payload"])["originals"] > 0
    assert review.detections(proj).original.isna().all()  # nothing to show once purged
    (phone,) = _ids_for_tag(proj, "[phone]")
    before = proj.source_text(1)
    with pytest.raises(orig.OriginalsError, match="purged on .* by rita"):
        review.reject(proj, "sam", [phone])
    assert proj.source_text(1) == before and _row(proj, phone)["status"] == "auto"
    assert review.report(proj)["originals"]["purged"]["reviewer"] == "rita"


# ------------------------------------------------------------------------------------ afterwards
def test_deidentify_pending_sources_keeps_codings_and_originals(tmp_path, blank):
    p = new_project(tmp_path / "raw.elc", GUIDE, CODEBOOK)
    _import(p, tmp_path, "P11-call.txt", CALL, blank, deidentify=False)
    assert [x["id"] for x in review.pending_sources(p)] == [1]
    segs = p.segments()
    target = segs[segs.text.str.contains("booking line")].iloc[0]
    CodingSession(p, "alice").apply(1, int(target.start), int(target.end), p.code_id("Making the booking"))
    out = review.deidentify_pending(p, "rita", nlp=blank)
    assert out.sources == [1] and len(out.detection_ids) >= 6
    text = p.source_text(1)
    for original in ("Edna", "0116 496 0123", "Kestrel Grange", "Kev", "943 476 5919"):
        assert original not in text
    assert "Gujarati" in text
    coding = p.codings().iloc[0]
    after = p.segments()
    assert coding.text == after[after.id == target.id].text.iat[0] and "[phone]" in coding.text
    assert p.sources().deidentified.tolist() == [1] and review.pending_sources(p) == []
    kept = orig.originals_for(p, out.detection_ids)
    assert set(kept) == set(out.detection_ids) and "Kev" in kept.values()
    all_segs = p.segments(kind=None)
    assert not all_segs.question.str.contains("Edna").any()
    assert not all_segs.lemmas.str.contains(r"\bedna\b|\bkev\b").any()
    assert _audit(p)[-1]["action"] == "deidentify"
    assert review.deidentify_pending(p, "rita", nlp=blank).sources == []
    p.close()


def test_report_counts_without_originals(proj):
    (kev,) = _by_original(proj, "Kev")
    review.reject(proj, "rita", [kev])
    rep = review.report(proj)
    assert rep["by_status"] == {"auto": rep["detections"] - 1, "rejected": 1}
    assert rep["by_label"]["PHONE"] == 1 and rep["pending_sources"] == []
    ents = {e["entity"]: e for e in rep["by_entity"]}
    assert ents["[phone]"]["n"] == 1
    dumped = json.dumps(rep)
    assert "Edna" not in dumped and "0116 496 0123" not in dumped


# ------------------------------------------------------------------------------------ stored state
def test_pseudonym_state_holds_no_names_and_upgrades_old_states():
    p = Pseudonymiser()
    tag = p.person_tag("Sharon Hughes")
    state = json.loads(json.dumps(p.to_dict()))
    assert "sharon" not in json.dumps(state).lower() and state["version"] == 2
    q = Pseudonymiser.from_dict(state)
    assert q.person_tag("Mrs Hughes") == tag and q.known("sharon hughes") == tag
    old = {"version": 1, "counters": {"Person": 1},
           "people": [{"tag": "[Person 1]", "role": "Person", "names": ["kev"], "titled": []}]}
    upgraded = Pseudonymiser.from_dict(old)
    assert upgraded.person_tag("Kev") == "[Person 1]"
    assert "kev" not in json.dumps(upgraded.to_dict())


def test_hashed_and_json_name_entries():
    names = NameList([hashed_name_entry("Kestrel Grange", "ORG", "salt"), ["Kev", "PERSON"],
                      {"name": "Zelda", "label": "CUSTOM"}])
    found = {(d.label, d.text) for d in names.find("zelda at kestrel  grange with KEV, Kestrel Grange's staff")}
    assert found == {("CUSTOM", "zelda"), ("ORG", "kestrel  grange"), ("PERSON", "KEV"), ("ORG", "Kestrel Grange")}


def test_exact_allow_terms_override_hard_labels_but_plain_ones_do_not():
    text = "ring 0116 496 0123 or 0116 496 0999"
    assert len(Detector(nlp=False, allow_list=["0116 496 0123"]).detect(text)) == 2
    found = Detector(nlp=False, allow_list=["=0116 496 0123"]).detect(text)
    assert [d.text for d in found] == ["0116 496 0999"]


# ------------------------------------------------------------------------------------ known misses
@pytest.mark.parametrize("text, dob", [
    ("Sixty, yeah. Date of birth third of September fifty-eight. 03/09/1958.", "03/09/1958"),
    ("Sixty, yeah. Date of birth third of September fifty-eight. 03/09/1958.", "third of September fifty-eight"),
    ("My date of birth? It's 03/09/1958.", "03/09/1958"),
    ("D.O.B. is, um, 3.9.58 I think", "3.9.58"),
    ("she was born in September 1958, same as me", "September 1958"),
    ("her date-of-birth, 14/02/1961, is on the letter", "14/02/1961"),
])
def test_dates_of_birth(rules_detector, text, dob):
    assert ("DOB", dob) in {(d.label, d.text) for d in rules_detector.detect(text)}


def test_recent_dates_are_not_birth_dates(rules_detector):
    assert rules_detector.detect("the new contract started on 01/04/2024") == []


def test_a_name_caught_once_is_replaced_wherever_it_recurs(rules_detector):
    turns = ["My carer is called Ottoline. It's about the transport.",
             "Ottoline was sat by the door from eight, bless her.",
             "so getting Ottoline up and dressed takes forty five minutes"]
    # rules alone miss the bare mentions; one confident mention carries to every turn
    assert [d.text for d in rules_detector.detect(turns[2])] == []
    per_turn = rules_detector.detect_docs(turns)
    assert [[d.text for d in dets] for dets in per_turn] == [["Ottoline"], ["Ottoline"], ["Ottoline"]]
    within = rules_detector.detect(" ".join(turns))
    assert [d.text for d in within] == ["Ottoline"] * 3


def test_edna_is_replaced_every_time(rules_detector):
    text = "Interviewer: So Edna, could you tell me? Staff: Your heart, Edna. Sorry Edna. Edna's niece offered."
    assert sum(d.text.startswith("Edna") for d in rules_detector.detect(text)) == 4


@pytest.mark.parametrize("text, name", [
    ("he's been in a nursing home in Anstey, Kestrel Grange, for about eighteen months", "Kestrel Grange"),
    ("I'm one of the senior carers here at Harcourt Meadows.", "Harcourt Meadows"),
    ("she moved into Birchwood View last spring", "Birchwood View"),
    ("the staff at Larkspur Lodge ring ahead", "Larkspur Lodge"),
])
def test_care_home_names(rules_detector, text, name):
    assert ("ORG", name) in {(d.label, d.text) for d in rules_detector.detect(text)}


@pytest.mark.parametrize("text", ['he\'ll ring and say "Kev I\'m five minutes, get your shoes on".',
                                  'he said "you\'re grey Kev, are you alright"', "Trev and Baz were on today"])
def test_nicknames(rules_detector, text):
    found = {d.text for d in rules_detector.detect(text) if d.label == "PERSON"}
    assert found & {"Kev", "Trev", "Baz"}


@pytest.mark.parametrize("text, email", [
    ("my email is j, o, dot, s, m, i, t, h at gmail dot com", "j, o, dot, s, m, i, t, h at gmail dot com"),
    ("it's J O S M I T H at hotmail dot co dot uk", "J O S M I T H at hotmail dot co dot uk"),
    ("write to a n n a at g m a i l dot com please", "a n n a at g m a i l dot com"),
])
def test_spelled_out_emails(rules_detector, text, email):
    assert ("EMAIL", email) in {(d.label, d.text) for d in rules_detector.detect(text)}


@pytest.mark.parametrize("text", ["[speaks Gujarati to mother]",
                                  "there's a nurse who speaks Gujarati, which is amazing",
                                  "a leaflet in Gujarati, in Punjabi, in Somali", "The Gujarati-speaking driver.",
                                  "She is Polish and her husband is Somali."])
def test_languages_and_nationalities_stay(detector, rules_detector, text):
    assert detector.detect(text) == [] and rules_detector.detect(text) == []

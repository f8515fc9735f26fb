"""The Detector with the trained pipeline and with the rule-based fallback."""

from elc.deid import DEFAULT_ALLOW_LIST, AllowList, Detection, Detector


def labels(dets):
    return {(d.label, d.text) for d in dets}


# ------------------------------------------------------------------ rule-based fallback
def test_fallback_is_announced():
    det = Detector(nlp=False)
    assert not det.uses_ner
    assert det.fallback_reason and "rules" in det.fallback_reason
    assert det.nlp is None


def test_missing_model_falls_back():
    det = Detector(model="no_such_spacy_pipeline_xyz")
    assert not det.uses_ner and "not installed" in det.fallback_reason
    assert labels(det.detect("ring 0116 496 0123")) == {("PHONE", "0116 496 0123")}


def test_fallback_person_rules(rules_detector):
    text = ("um, my daughter Sharon rang, then Dr Patel on ward 7 said a driver called dev "
            "would come, and mrs hughes next door waited with my carer Jo")
    found = labels(rules_detector.detect(text))
    for expected in ["Sharon", "Dr Patel", "dev", "mrs hughes", "Jo"]:
        assert ("PERSON", expected) in found, (expected, found)
    assert not any(t in ("ward 7", "7", "driver", "carer") for _, t in found)


def test_fallback_all_rules(rules_detector):
    text = ("NHS number 943 476 5919, phone 07700 900123, postcode LE2 7LX, "
            "email jo.smith@example.com, born on 3/4/51, at 27 Evington Road")
    found = {d.label for d in rules_detector.detect(text)}
    assert found >= {"NHS_NUMBER", "PHONE", "POSTCODE", "EMAIL", "DOB", "ADDRESS"}


def test_detections_are_well_formed(rules_detector):
    text = "my son Kiran Patel lives at 4 Mill Lane, LE2 7LX, 07700 900456"
    dets = rules_detector.detect(text)
    assert dets == sorted(dets, key=lambda d: d.start)
    for a, b in zip(dets, dets[1:]):
        assert a.end <= b.start  # merged: no overlaps
    for d in dets:
        assert isinstance(d, Detection) and text[d.start:d.end] == d.text
        assert d.source in ("ner", "rule", "list") and 0 <= d.score <= 1


def test_overlaps_merge_rules_over_names(rules_detector):
    dets = rules_detector.detect("send it to kiran.patel@example.com today")
    assert labels(dets) == {("EMAIL", "kiran.patel@example.com")}


def test_extra_names_case_insensitive_word_boundaries():
    det = Detector(nlp=False, extra_names=["Zbigniew", ("Sunnyside Farm", "ORG")])
    found = labels(det.detect("zbigniew took me past SUNNYSIDE  farm, not Zbigniewski"))
    assert ("CUSTOM", "zbigniew") in found
    assert ("ORG", "SUNNYSIDE  farm") in found
    assert not any("Zbigniewski" in t for _, t in found)


def test_allow_list_keeps_analysis_terms(rules_detector):
    text = "we went to the Leicester Royal Infirmary, then Glenfield, in Rutland, on Monday"
    assert rules_detector.detect(text) == []


def test_allow_list_is_extendable():
    base = Detector(nlp=False)
    assert labels(base.detect("she moved to Oadby")) == {("LOCATION", "Oadby")}
    wider = Detector(nlp=False, allow_list=AllowList(DEFAULT_ALLOW_LIST).extended(["Oadby"]))
    assert wider.detect("she moved to Oadby") == []
    assert Detector(nlp=False, allow_list=list(DEFAULT_ALLOW_LIST) + ["Oadby"]).detect(
        "she moved to Oadby") == []


def test_allow_list_never_hides_hard_identifiers():
    det = Detector(nlp=False, allow_list=["0116 496 0123", "Sharon"])
    found = labels(det.detect("ring 0116 496 0123"))
    assert found == {("PHONE", "0116 496 0123")}


def test_times_routes_and_wards_are_not_identifiers(rules_detector):
    for text in ["they came at half ten, the 14 bus was at 10:30",
                 "ward 22, bay 3, the X5 and route 125",
                 "I hope it will be sunny, mark my words, no joy"]:
        assert rules_detector.detect(text) == [], text


# ------------------------------------------------------------------ with the trained model
def test_ner_pipeline(detector):
    assert detector.uses_ner and detector.fallback_reason is None
    text = "Um, yeah, my daughter Sharon rang and Dr Patel said Dialysis was on Tuesday."
    found = labels(detector.detect(text))
    assert ("PERSON", "Sharon") in found and ("PERSON", "Dr Patel") in found
    assert not any(t in ("Dialysis", "Um", "Tuesday") for _, t in found)


def test_detect_doc_matches_detect(detector, nlp):
    text = "The driver, Dev, took me from Oadby to Rosewood Care Home, LE2 7LX."
    doc = nlp(text)
    assert detector.detect_doc(doc) == detector.detect(text)


def test_detect_many_uses_pipe(detector):
    texts = ["my son Anil drove me", "no names here at all", "call 07700 900123"]
    many = detector.detect_many(texts, batch_size=2)
    assert len(many) == 3 and many[1] == []
    assert many == [detector.detect(t) for t in texts]


def test_speaker_labels_are_not_people(detector):
    text = "INTERVIEWER: And who came with you?\nP1: Yeah, my granddaughter Kiran came."
    found = labels(detector.detect(text))
    assert ("PERSON", "Kiran") in found
    assert not any(t in ("INTERVIEWER", "P1", "Yeah") for _, t in found)


def test_ner_places_and_orgs(detector):
    found = labels(detector.detect("She lives over in Hathern and uses Castle Cars."))
    assert ("LOCATION", "Hathern") in found
    assert ("ORG", "Castle Cars") in found


def test_extra_names_with_model(detector):
    found = labels(detector.detect("I spoke to zbigniew about it"))
    assert ("CUSTOM", "zbigniew") in found

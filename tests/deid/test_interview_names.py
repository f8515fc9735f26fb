"""Streets and GP practices named in speech, names that are words used as names across one
interview, and the last checks on person detections (acronyms, possessives, towns in a list)."""

from __future__ import annotations

import pytest

from elc.deid import Detector, Pseudonymiser, apply
from elc.deid.interview import add_wordy_names, tidy_persons, wordy_names
from elc.deid.named_places import find_practices, find_residence_streets, find_streets
from elc.deid.types import Detection
from elc.deid.words import is_common


def spans(dets, label=None):
    return [d.text for d in dets if label is None or d.label == label]


@pytest.mark.parametrize("text, street", [
    ("She lives on her own in Lincoln, Monks Road, and I'm in Leeds.", "Monks Road"),
    ("a flat on Saffron Lane with no electricity on the meter", "Saffron Lane"),
    ("between Boston and Spalding, Fen Lane, it's arable", "Fen Lane"),
    ("her own bungalow in Sutton-in-Ashfield, Stoneyford Road, and I moved in", "Stoneyford Road"),
    ("a chap off Lombard Street who'd had the tubing", "Lombard Street"),
])
def test_a_street_without_a_house_number(text, street):
    assert street in spans(find_streets(text))


@pytest.mark.parametrize("text", [
    "The Road to recovery was long.", "It was Very Close to the wire.", "Yes Street parking is hard.",
    "I drove down the road and up the lane.",
])
def test_no_street_without_a_street_name(text):
    assert spans(find_streets(text)) == []


@pytest.mark.parametrize("text, street", [
    ("She lives on Glenfield Way with her daughter.", "Glenfield Way"),
    ("He's got a flat up Beacon Hill now.", "Beacon Hill"),
    ("They moved to Rosemary Park last year, the new estate.", "Rosemary Park"),
    ("Mum's house is in the Lowther View bit of town.", "Lowther View"),
    ("we stayed round Kingfisher Green for years", "Kingfisher Green"),
])
def test_a_park_hill_view_way_or_green_where_somebody_lives(text, street):
    assert spans(find_residence_streets(text)) == [street]


@pytest.mark.parametrize("text", [
    "We went for a walk in Abbey Park on Sunday.", "The view from Beacon Hill is lovely.",
    "They parked on the Green and walked in.", "He lives near the park, by the Green Man pub.",
    "It's just Way Out, the film.", "She lives in Leicester, by Victoria Park.",
])
def test_no_park_or_hill_without_somebody_living_on_it(text):
    assert spans(find_residence_streets(text)) == []


@pytest.mark.parametrize("text, practice", [
    ("Her GP is at the Minster surgery, they're very good.", "Minster surgery"),
    ("The GP, the Welland practice, they're good.", "Welland practice"),
    ("The GP surgery, the Church Street one, I don't think they know.", "Church Street one"),
    ("The doctor's, the Bulwell Riverside one, they're alright.", "Bulwell Riverside one"),
])
def test_a_gp_practice_named_in_speech(text, practice):
    assert spans(find_practices(text)) == [practice]


@pytest.mark.parametrize("text", [
    "I'll take the Red one.", "the GP practice rang", "the Monday surgery is busy",
    "He went to the Big one in town.",
])
def test_no_practice_without_a_name_or_a_gp(text):
    assert spans(find_practices(text)) == []


def test_detector_replaces_streets_and_practices(rules_detector):
    text = "She lives in Lincoln, Monks Road. Her GP is at the Minster surgery."
    got = {d.text: d.label for d in rules_detector.detect(text)}
    assert got["Monks Road"] == "LOCATION" and got["Minster surgery"] == "ORG"


def test_doubled_consonant_inflections_are_words():
    assert all(is_common(w) for w in ("flagged", "stopping", "bigger", "planned"))
    assert not is_common("Bennett")


def test_a_word_name_used_as_a_name_twice_is_a_name_everywhere_in_the_interview():
    turns = ["So then the surgery sends Jean a letter.", "How did Jean feel about that?",
             "Jean's seventy-six.", "Jean read it to me."]
    found = [[Detection(t.index("Jean"), t.index("Jean") + 4, "PERSON", "Jean", "rule", 0.75)]
             if i < 2 else [] for i, t in enumerate(turns)]
    assert wordy_names(turns, found) == {"Jean"}
    # a sentence start counts with a possessive; without a parse, a bare one does not
    assert spans(add_wordy_names(turns[2], [], {"Jean"})) == ["Jean"]
    assert spans(add_wordy_names(turns[3], [], {"Jean"})) == []


def test_a_word_name_also_used_as_a_word_is_not_spread():
    turns = ["How did Pat feel?", "Thanks, Pat.", "I gave the dog a pat."]
    found = [[Detection(8, 11, "PERSON", "Pat", "rule", 0.75)], [Detection(8, 11, "PERSON", "Pat", "rule", 0.75)], []]
    assert wordy_names(turns, found) == set()


def test_interview_spreads_word_names_with_the_parser(detector):
    turns = ["My neighbour Pat found the letter.", "Pat read it to me on the phone.",
             "It did the job, because Pat rang them.", "Hope it helps."]
    out = detector.detect_docs(list(detector.nlp.pipe(turns)))
    assert [spans(d, "PERSON") for d in out][:3] == [["Pat"], ["Pat"], ["Pat"]]
    assert spans(out[3], "PERSON") == []


def test_acronyms_are_never_people():
    text = "Don't tell IG. The PEP list and the ICB."
    dets = [Detection(10, 12, "PERSON", "IG", "rule", 0.75), Detection(18, 21, "PERSON", "PEP", "ner", 0.75)]
    assert tidy_persons(text, dets) == []


def test_possessive_stays_outside_the_tag(rules_detector):
    text = "When Dr Adeyemi's on the board round, it's brilliant."
    dets = rules_detector.detect(text)
    assert spans(dets, "PERSON") == ["Dr Adeyemi"]
    new, _ = apply(text, dets, Pseudonymiser())
    assert "'s on the board round" in new and "Adeyemi" not in new


def test_a_person_guess_listed_with_places_is_a_place():
    text = "I cover Newark, Kelham, up to Retford."
    dets = [Detection(8, 14, "LOCATION", "Newark", "rule", 0.8), Detection(16, 22, "PERSON", "Kelham", "ner", 0.75),
            Detection(32, 39, "LOCATION", "Retford", "rule", 0.8)]
    assert [d.label for d in tidy_persons(text, dets)] == ["LOCATION"] * 3


def test_towns_of_the_sample_programmes_are_places_not_people(rules_detector):
    for town in ("Southwell", "Ilkeston", "Hucknall", "Spalding"):
        dets = rules_detector.detect(f"I cover Newark, {town}, up to Retford.")
        assert town in spans(dets, "LOCATION")


def test_a_spelled_out_email_is_the_email(rules_detector):
    text = "Yeah, it's jess.okafor99@example.com. That's j-e-s-s dot okafor, o-k-a-f-o-r, nine nine."
    new, _ = apply(text, rules_detector.detect(text), Pseudonymiser())
    assert "okafor" not in new and "o-k-a-f-o-r" not in new


def test_detector_without_model_still_builds():
    assert Detector(nlp=False).detect_docs(["Roy's eighty-three.", "He talks to Roy about football."])

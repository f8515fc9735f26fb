"""Precision without losing recall (issue 14.1): ordinary words, brands, conditions, medicines,
wards and title case are never a person on their own; evidence-bearing names still are."""

from __future__ import annotations

import pytest

from elc.deid import Detector
from elc.deid.words import is_clinical, is_common, is_given_name, is_placeholder, is_wordy_name

ORDINARY = ["Pity", "Thankyou", "Cool", "Perfect", "behaviour", "error", "lunchtime", "stuck",
            "insulin", "mobility", "Unpaid", "Elderly", "bed", "Dementia", "walker", "Interesting",
            "metadata", "colleagues"]
BRANDS = ["Twitter", "Wikipedia", "Instagram", "API", "Python", "IRB"]


def people(det, text):
    return [d.text for d in det.detect(text) if d.label in ("PERSON", "CUSTOM")]


def test_word_knowledge():
    assert all(is_common(w) for w in ORDINARY + ["questions", "organised", "Physios", "dIed"])
    assert not any(is_common(w) for w in ("Natasha", "Faye", "Karen", "Dharmesh"))
    assert is_given_name("Natasha") and is_wordy_name("Grace") and is_wordy_name("Walker")
    assert is_clinical("Isocarboxazid") and is_clinical("Tendonitis") and not is_clinical("Natasha")
    assert is_placeholder("XXXX") and is_placeholder("*") and not is_placeholder("Xavier")


@pytest.mark.parametrize("word", ORDINARY + BRANDS)
def test_ordinary_words_and_brands_are_never_people(any_detector, word):
    for text in (f"{word}.", f"It was {word} again.", f"{word} is what they said, {word}!"):
        assert people(any_detector, text) == [], text


@pytest.mark.parametrize("text", [
    "We went to Stay, Sing and Sign on Tuesdays.",
    "Discharge before midday, \"Red to Green\", all the national stuff.",
    "I stayed on Kingsley ward and then Harvey 1.",
    "My brother attends Horizon Day Centre.",
    "Mrs XXXX is excellent and Mr X was kind.",
    "Walker could mean anything, a frame or a stick.",
    "The insulin and Diazepam helped, Tendonitis did not.",
])
def test_no_person_in_non_personal_text(any_detector, text):
    assert people(any_detector, text) == []


@pytest.mark.parametrize("text,name", [
    ("My CPN Darren is very knowledgeable.", "Darren"),
    ("Nurse Gabbitas is a real credit to the service.", "Nurse Gabbitas"),
    ("Dr P is very good at getting prescriptions out.", "Dr P"),
    ("Natasha listens to me and my wife.", "Natasha"),
    ("Sue has been a massive help.", "Sue"),
    ("especially Bridget and Phatima and Ashley.", "Phatima"),
    ("Thanks Dawn.", "Dawn"),
    ("Regards Anabela.", "Anabela"),
    ("Lisa the activities coordinator was lovely.", "Lisa"),
    ("Deal with Jen X each time.", "Jen"),
])
def test_names_with_evidence_are_found(any_detector, text, name):
    assert name in people(any_detector, text)


@pytest.fixture(params=["rules", "model"])
def any_detector(request, rules_detector):
    if request.param == "rules":
        return Detector(nlp=False)
    return request.getfixturevalue("detector")


def test_place_policy(rules_detector):
    text = "She lives in Oadby and goes to the Kestrel Grange care home, ward 3 at Glenfield."
    keep = Detector(nlp=False, places="keep").detect(text)
    tag = Detector(nlp=False, places="tag").detect(text)
    gen = Detector(nlp=False).detect(text)
    assert not [d for d in keep if d.label in ("LOCATION", "ORG")]
    assert {d.text for d in gen if d.label in ("LOCATION", "ORG")} >= {"Oadby", "Kestrel Grange"}
    assert len(tag) >= len(gen)
    with pytest.raises(ValueError):
        Detector(nlp=False, places="hide")

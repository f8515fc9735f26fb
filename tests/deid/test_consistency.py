"""Consistency rules for pseudonyms (issue 14.2): one person one pseudonym across a project, spans
that hold only the name, people who share a first name kept apart where the text allows, never a
tag inside a tag, and no sentence split inside a tag."""

from __future__ import annotations

import re

import pytest

from elc.deid import Detector, Pseudonymiser, apply

TAG_INSIDE_TAG = re.compile(r"\[[^\]\n]*\[")


@pytest.fixture(scope="module")
def det():
    return Detector(nlp=False)


def deid(det, pseudo, text):
    return apply(text, det.detect(text), pseudo)


def originals(reps):
    return [r.original for r in reps if r.label in ("PERSON", "CUSTOM")]


def test_greetings_punctuation_and_possessives_stay_outside_and_fold(det):
    pseudo = Pseudonymiser()
    a_text, a = deid(det, pseudo, "Dear Kath, thank you for the lift.")
    b_text, b = deid(det, pseudo, "My carer Kath's van broke down. Regards Anabela.")
    assert originals(a) == ["Kath"] and a_text.startswith("Dear [")
    assert originals(b) == ["Kath", "Anabela"]
    assert b_text.endswith("].") and "Regards [" in b_text  # the full stop and greeting are kept
    kath = a[0].replacement
    assert b[0].replacement == kath  # "Dear Kath" and "Kath's" are one person


def test_speaker_labels_and_timestamps_are_not_part_of_a_name():
    pseudo = Pseudonymiser()
    assert pseudo.person_tag("P11: Kath") == pseudo.person_tag("Kath")
    assert pseudo.person_tag("00:12:03 Kath") == pseudo.person_tag("kath")
    assert pseudo.person_tag("Hello Kath") == pseudo.person_tag("Kath")


def test_nicknames_join_the_one_full_name_they_fit():
    pseudo = Pseudonymiser()
    full = pseudo.person_tag("Kathleen Brown")
    assert pseudo.person_tag("Kath") == full
    other = Pseudonymiser()
    other.person_tag("Kathleen Brown")
    other.person_tag("Katherine Singh")
    assert other.person_tag("Kath") not in (other.person_tag("Kathleen Brown"),
                                             other.person_tag("Katherine Singh"))


def test_people_sharing_a_first_name_are_kept_apart(det):
    pseudo = Pseudonymiser()
    text = "My son John drives me. Dr John at the clinic was kind. John Smith and John Brown too."
    out, reps = deid(det, pseudo, text)
    by_original = {}
    for r in reps:
        by_original.setdefault((r.original, r.start), r.replacement)
    son = next(t for (o, s), t in by_original.items() if o == "John" and s == text.index("John"))
    doctor = next(t for (o, s), t in by_original.items() if o.startswith("Dr John"))
    smith = next(t for (o, s), t in by_original.items() if o == "John Smith")
    brown = next(t for (o, s), t in by_original.items() if o == "John Brown")
    assert son.startswith("[Son") and doctor.startswith("[Doctor")
    assert son != doctor and smith != brown and doctor not in (smith, brown)
    # and the same person keeps the tag across texts of the project
    _, again = deid(det, pseudo, "Later John Smith rang.")
    assert [r.replacement for r in again] == [smith]


def test_never_a_tag_inside_a_tag(det):
    pseudo = Pseudonymiser()
    text = ("We met on [Online Community 3] and [Person 20] said Sue Jones from [Organisation 2] "
            "would ring Mrs Hughes.")
    out, reps = deid(det, pseudo, text)
    assert not TAG_INSIDE_TAG.search(out)
    assert "[Online Community 3]" in out and "[Person 20]" in out and "[Organisation 2]" in out
    assert "Sue Jones" not in out and "Hughes" not in out
    # de-identifying de-identified text changes nothing more
    again, more = deid(det, pseudo, out)
    assert again == out and more == []


def test_no_sentence_split_inside_a_tag(det):
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    text = ("I spoke to Dr. Patel on Monday. Regards Anabela. My daughter Sharon rang 0116 496 0123. "
            "Thanks Mr. Hughes. Dear Kath, the driver was late.")
    out, reps = deid(det, Pseudonymiser(), text)
    assert {"Dr. Patel", "Anabela", "Sharon", "0116 496 0123", "Mr. Hughes", "Kath"} <= {
        r.original for r in reps}
    assert len(list(nlp(out).sents)) == len(list(nlp(text).sents))
    for sent in nlp(out).sents:
        assert sent.text.count("[") == sent.text.count("]")  # every tag whole inside one sentence
    for r in reps:
        assert "." not in r.replacement

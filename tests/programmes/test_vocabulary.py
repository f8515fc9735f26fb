"""Role vocabularies cover every programme's people and staff, not one service's."""

from __future__ import annotations

import pytest

from elc.deid.roles import infer_role
from elc.domain import Turn
from elc.ingest.roles import classify_roles, display_label, is_generic
from elc.insights.claims import unchecked_claims


@pytest.mark.parametrize("text, name, stem", [
    ("the engineer, Dave, came to service it", "Dave", "Engineer"),
    ("a clinician called Priya rang me", "Priya", "Clinician"),
    ("my social worker Janet said", "Janet", "Social worker"),
    ("our call handler Mo was kind", "Mo", "Call handler"),
    ("the reablement worker Sue came twice", "Sue", "Worker"),
    ("the commissioner, Alan, chaired it", "Alan", "Commissioner"),
    ("the driver called Dev", "Dev", "Driver"),
])
def test_a_persons_role_is_read_for_any_programmes_staff(text, name, stem):
    i = text.index(name)
    assert infer_role(text, i, i + len(name)) == stem


@pytest.mark.parametrize("label", ["Engineer", "Call handler", "Clinician", "Social worker", "Reablement worker",
                                   "Discharge coordinator", "Care home manager", "Volunteer", "Driver", "Carer"])
def test_role_labels_say_nothing_about_who_speaks(label):
    assert is_generic(label)


def test_a_role_labelled_speaker_is_the_participant_and_another_role_is_kept_as_a_role():
    turns = [Turn("Interviewer", "How do the visits go?"), Turn("Engineer", "Short ones. Access is the issue."),
             Turn("Interviewer", "And the office?"), Turn("Call handler", "I book them.")]
    roles = classify_roles(turns)
    assert roles["Interviewer"] == "interviewer"
    assert roles["Engineer"] == "participant" and roles["Call handler"] == "other"
    assert display_label("Call handler", "other", "S02", {}) == "Call handler"


def test_quantified_claims_about_any_programmes_people_are_flagged():
    text = ("Most service users want a call first; nearly all engineers agree; many social workers and "
            "every care home said so; most passengers too.")
    assert unchecked_claims(text) == ["Most service users", "nearly all engineers", "many social workers",
                                      "every care home", "most passengers"]

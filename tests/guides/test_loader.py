import pytest

from elc.errors import GuideError
from elc.guides import load_codebook, load_guide
from tests.conftest import CODEBOOK, GUIDE, REPO

PEOPLE = ["Making the booking", "Getting ready for pick up", "Carer/escort being ineligible for travel",
          "The pick-up", "Relationship with crew (driver)", "Journey to appointment", "Getting ready for home",
          "Pick up from appointment", "Impact of delays on life", "Journey home"]
STAFF = ["Getting information about pick ups", "Getting information about passengers (patients)",
         "Waiting to leave at pick up point", "Saying no to carers and escorts", "Journey to the appointment",
         "Relationship with passengers (patients)", "Supporting special needs",
         "Getting passenger from vehicle to clinic", "Delays in pick ups", "Dealing with delays"]


def test_llr_guide_matches_the_case_study():
    prog = load_guide(GUIDE)
    assert {c.key: c.target_n for c in prog.communities} == {
        "patients": 43, "carers": 11, "drivers": 18, "nhs-staff": 16, "provider-staff": 5}
    assert [t.name for t in prog.touchpoints if t.family == "people"] == PEOPLE
    assert [t.name for t in prog.touchpoints if t.family == "staff"] == STAFF
    assert "effective, safe, appropriate and timely" in prog.focus_question
    people_q = [q.text for q in prog.questions if q.family == "people"]
    assert people_q[-1] == "What is the one thing you would change?"
    assert len([q for q in prog.questions if q.family == "staff"]) == 4


@pytest.mark.parametrize("name", ["llr-nepts", "home-oxygen-pep", "home-first-discharge"])
def test_every_bundled_guide_loads(name):
    prog = load_guide(REPO / "interview_guides" / f"{name}.yaml")
    assert prog.touchpoints and prog.communities and prog.focus_question


def test_codebook_has_hierarchy():
    codes = load_codebook(CODEBOOK)
    by_name = {c.name: c for c in codes}
    assert by_name["Early morning pick-ups"].parent == "Timing and waiting"
    assert by_name["Timing and waiting"].kind == "category"


@pytest.mark.parametrize("body, message, line", [
    ("programme: x\nfocus_question: y\ncommunities:\n  - key: a\n    name: A\n    family: people\n    target_n: eleven\nguides: {people: {touchpoints: [T]}}\n",
     "target_n 'eleven' (expected a whole number)", 4),
    ("programme: x\nfocus_question: y\ncommunities:\n  - key: a\n    name: A\n    family: staf\nguides: {people: {touchpoints: [T]}}\n",
     "family 'staf'", 4),
    ("programme: x\ncommunities: []\n", "missing 'focus_question'", 1),
    ("programme: x\nfocus_question: y\ncommunities:\n  - {key: a, name: A, family: people}\nguides:\n  people:\n    touchpoints: [T, T]\n",
     "touchpoint 'T' appears twice", None),
    ("programme: [unclosed\n", "YAML syntax error", None),
    ("programme: x\nfocus_qestion: y\n", "unknown field 'focus_qestion'", 1),
])
def test_guide_errors_name_file_line_and_problem(tmp_path, body, message, line):
    path = tmp_path / "bad.yaml"
    path.write_text(body)
    with pytest.raises(GuideError) as err:
        load_guide(path)
    text = str(err.value)
    assert text.startswith(str(path))
    assert message in text
    if line:
        assert f"bad.yaml:{line}:" in text
    assert "\n" not in text


def test_missing_guide_file(tmp_path):
    with pytest.raises(GuideError, match="no such file"):
        load_guide(tmp_path / "nope.yaml")


def test_codebook_bad_colour(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text("codes:\n  - name: A\n    colour: red\n")
    with pytest.raises(GuideError, match=r"cb.yaml:2: code 'A' has colour 'red'"):
        load_codebook(path)

"""Consistent pseudonyms, role tags, linking, and state round trips."""

import json

from elc.deid import Detection, Pseudonymiser, apply, normalise_name


def person(text, start, end):
    return Detection(start, end, "PERSON", text[start:end], "rule", 0.9)


def tag_of(p, text, name, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(name, start + 1)
    return p.tag(person(text, start, start + len(name)), text)


def test_same_person_same_tag_across_calls():
    p = Pseudonymiser()
    a = p.person_tag("Sharon Hughes")
    assert p.person_tag("sharon hughes") == a
    assert p.person_tag("SHARON HUGHES'S") == a
    assert p.person_tag("Brenda") != a
    assert a == "[Person 1]" and p.person_tag("Brenda") == "[Person 2]"


def test_titles_and_surname_link():
    p = Pseudonymiser()
    full = p.person_tag("Sharon Hughes")
    assert p.person_tag("Mrs Hughes") == full
    assert p.person_tag("Sharon") == full


def test_surname_first_then_full_name():
    p = Pseudonymiser()
    first = p.person_tag("Mrs Hughes")
    assert p.person_tag("Sharon Hughes") == first


def test_ambiguous_short_names_are_not_linked():
    p = Pseudonymiser()
    a = p.person_tag("Sharon Hughes")
    b = p.person_tag("Sharon Patel")
    assert a != b
    assert p.person_tag("Sharon") not in (a, b)


def test_role_tags():
    p = Pseudonymiser()
    text = ("my daughter Sharon rang, a driver called Dev came, Dr Patel saw me, "
            "Sister Okafor was kind, my carer Jo helped, and my sister Jean, and Bill, the driver")
    assert tag_of(p, text, "Sharon") == "[Daughter 1]"
    assert tag_of(p, text, "Dev") == "[Driver 1]"
    assert p.tag(Detection(text.index("Dr Patel"), text.index("Dr Patel") + 8, "PERSON",
                           "Dr Patel"), text) == "[Doctor 1]"
    s = text.index("Sister Okafor")
    assert p.tag(Detection(s, s + 13, "PERSON", "Sister Okafor"), text) == "[Nurse 1]"
    assert tag_of(p, text, "Jo") == "[Carer 1]"
    assert tag_of(p, text, "Jean") == "[Sister 1]"
    assert tag_of(p, text, "Bill") == "[Driver 2]"


def test_first_mention_keeps_its_tag():
    p = Pseudonymiser()
    text = "my daughter Sharon came. Later Sharon rang."
    assert tag_of(p, text, "Sharon", 0) == "[Daughter 1]"
    assert tag_of(p, text, "Sharon", 1) == "[Daughter 1]"


def test_role_mention_registered_first_within_one_text():
    p = Pseudonymiser()
    text = "Sharon rang. My daughter Sharon always rings."
    dets = [person(text, 0, 6), person(text, text.rindex("Sharon"), text.rindex("Sharon") + 6)]
    new, _ = apply(text, dets, p)
    assert new == "[Daughter 1] rang. My daughter [Daughter 1] always rings."


def test_typed_tags():
    p = Pseudonymiser()
    for label, tag in [("NHS_NUMBER", "[NHS number]"), ("PHONE", "[phone]"),
                       ("POSTCODE", "[postcode]"), ("EMAIL", "[email]"),
                       ("DOB", "[date of birth]"), ("ADDRESS", "[address]"),
                       ("LOCATION", "[place]"), ("ORG", "[organisation]")]:
        assert p.tag(Detection(0, 1, label, "x")) == tag


def test_custom_shares_the_person_namespace():
    p = Pseudonymiser()
    a = p.tag(Detection(0, 8, "CUSTOM", "Zbigniew", "list"))
    assert a == "[Person 1]"
    assert p.tag(Detection(0, 8, "PERSON", "zbigniew", "ner")) == a


def test_state_round_trip_keeps_mapping_and_counters():
    p = Pseudonymiser()
    text = "my daughter Sharon Hughes and a driver called Dev"
    tag_of(p, text, "Sharon Hughes")
    tag_of(p, text, "Dev")
    p.person_tag("Brenda")
    state = json.loads(json.dumps(p.to_dict()))  # plain, JSON-ready dict
    q = Pseudonymiser.from_dict(state)
    assert q.person_tag("Sharon Hughes") == "[Daughter 1]"
    assert q.person_tag("Mrs Hughes") == "[Daughter 1]"
    assert q.person_tag("dev") == "[Driver 1]"
    assert q.person_tag("Brenda") == "[Person 1]"
    assert q.person_tag("Someone New") == "[Person 2]"
    assert q.to_dict()["counters"]["Person"] == 2
    assert len(Pseudonymiser.from_dict(None)) == 0


def test_normalise_name():
    assert normalise_name("Dr. Patel") == ("patel", True)
    assert normalise_name("Mrs  HUGHES’s") == ("hughes", True)
    assert normalise_name("Sharon") == ("sharon", False)

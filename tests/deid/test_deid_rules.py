"""Each pattern rule with positive and negative cases (no spaCy needed)."""

import pytest

from elc.deid.rules import (
    find_addresses,
    find_dobs,
    find_emails,
    find_nhs_numbers,
    find_orgs,
    find_phones,
    find_places,
    find_postcodes,
)


def texts(found):
    return [d.text for d in found]


@pytest.mark.parametrize("text,expected", [
    ("my NHS number is 943 476 5919 thanks", "943 476 5919"),
    ("it's 943-476-5919", "943-476-5919"),
    ("9434765919 is on the card", "9434765919"),
])
def test_nhs_positive(text, expected):
    found = list(find_nhs_numbers(text))
    assert texts(found) == [expected]
    assert found[0].label == "NHS_NUMBER"


@pytest.mark.parametrize("text", [
    "the reference was 1234567890",          # fails modulus 11
    "ring 0116 496 0123",                     # a phone number, 11 digits
    "943 476 59190",                          # too long
    "at 10:30 on the 14 bus",
])
def test_nhs_negative(text):
    assert list(find_nhs_numbers(text)) == []


@pytest.mark.parametrize("text,expected", [
    ("ring me on 0116 496 0123 please", "0116 496 0123"),
    ("mobile 07700 900123.", "07700 900123"),
    ("07700900456", "07700900456"),
    ("+44 (0)7700 900456 is mine", "+44 (0)7700 900456"),
    ("+44 116 496 0321", "+44 116 496 0321"),
    ("(0116) 4960789", "(0116) 4960789"),
    ("London 020 7946 0123", "020 7946 0123"),
    ("0044 7700 900111", "0044 7700 900111"),
    ("call 0116 496 0123 7 days a week", "0116 496 0123"),
])
def test_phone_positive(text, expected):
    assert texts(find_phones(text)) == [expected]


def test_phone_spelled_out():
    text = "it's oh one one six, four nine six, oh one two three, that's the house"
    found = list(find_phones(text))
    assert texts(found) == ["oh one one six, four nine six, oh one two three"]
    found = list(find_phones("seven seven double oh nine double oh one two three"))
    assert found and found[0].label == "PHONE"


@pytest.mark.parametrize("text", [
    "we waited from 10:30 till 12:45",
    "the 14 bus and the 158",
    "it cost 12.50 and took 45 minutes",
    "one of the two drivers had three patients",
    "I was born in 1945 and moved here in 1972",
    "the reference was 1234567890",
])
def test_phone_negative(text):
    assert list(find_phones(text)) == []


@pytest.mark.parametrize("text,expected", [
    ("we're at LE2 7LX now", "LE2 7LX"),
    ("postcode le27lx", "le27lx"),
    ("LE15 6RB is Oakham", "LE15 6RB"),
    ("EC1A 1BB", "EC1A 1BB"),
    ("W1A 0AX", "W1A 0AX"),
])
def test_postcode_positive(text, expected):
    assert texts(find_postcodes(text)) == [expected]


@pytest.mark.parametrize("text", ["the M1 at 3pm", "ward 22 bay 3", "LE2 alone", "B12 vitamins",
                                  "moved it10th of the month", "QQ1 1AA is no area"])
def test_postcode_negative(text):
    assert list(find_postcodes(text)) == []


def test_email():
    assert texts(find_emails("send it to sharon.hughes@example.co.uk please")) == [
        "sharon.hughes@example.co.uk"]
    spoken = texts(find_emails("it's jo dot smith at example dot co dot uk, all lower case"))
    assert spoken == ["jo dot smith at example dot co dot uk"]
    assert list(find_emails("I was at home, the dot on the letter")) == []


@pytest.mark.parametrize("text,expected", [
    ("my date of birth is 12/03/1945", "12/03/1945"),
    ("I was born on the 3rd of May 1938", "3rd of May 1938"),
    ("DOB 4.5.51, NHS number", "4.5.51"),
    ("her birthday's the twelfth of June nineteen forty-two", "twelfth of June nineteen forty-two"),
    ("the 4th of June is his birthday", "4th of June"),
])
def test_dob_positive(text, expected):
    assert texts(find_dobs(text)) == [expected]


@pytest.mark.parametrize("text", [
    "my appointment was on the 12th of March",
    "I was born in 1945",
    "it was 12/03/2019 when they cancelled",
    "the birth trauma started on 21st June 2015",
    "we married on 03/09/1958 in Leicester",
])
def test_dob_negative(text):
    assert list(find_dobs(text)) == []


@pytest.mark.parametrize("text,expected", [
    ("I live at 27 Evington Road, Oadby", "27 Evington Road"),
    ("Flat 3, 27 Evington Road", "Flat 3, 27 Evington Road"),
    ("it's 12a mill lane", "12a mill lane"),
    ("pick up from 5 The Crescent", "5 The Crescent"),
])
def test_address_positive(text, expected):
    assert texts(find_addresses(text)) == [expected]


@pytest.mark.parametrize("text", [
    "took 10 minutes down the road",
    "the 14 bus down London Road",
    "2 of us walked up the lane",
    "I waited 3 hours in the main lounge",
])
def test_address_negative(text):
    assert list(find_addresses(text)) == []


def test_orgs_and_wards():
    found = {(d.label, d.text) for d in find_orgs(
        "mum's at Rosewood Care Home, we rang Swift Cabs, she was on Bosworth Ward")}
    assert ("ORG", "Rosewood Care Home") in found
    assert ("ORG", "Swift Cabs") in found
    assert ("LOCATION", "Bosworth Ward") in found
    assert list(find_orgs("she's in the care home now, on the renal ward, in a taxi")) == []


def test_places_gazetteer():
    assert texts(find_places("she lives in Market Harborough, or oadby")) == [
        "Market Harborough", "oadby"]

"""Streets and GP practices named without the shape the address and organisation rules need.

:func:`elc.deid.rules.find_addresses` wants a house number ("22 Marwood Road") and
:func:`elc.deid.rules.find_orgs` a capitalised suffix ("Lime Tree Surgery"). People on the
telephone say neither: "she lives in Lincoln, Monks Road", "a flat on Saffron Lane", "her GP is
at the Minster surgery", "the doctor's, the Bulwell Riverside one". Both point at where somebody
lives, so both are replaced (a street as a place, a practice as an organisation).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .lexicon import COMMON_WORDS, FILLERS, ROLE_WORDS
from .types import Detection

# Street types that are hardly ever anything else when capitalised after a capitalised word.
_STREET_TYPES = ("Road|Street|Lane|Avenue|Close|Drive|Crescent|Grove|Gardens|Terrace|Mews|Rd|St")
_NAME_WORD = r"[A-Z][a-z'’]+(?:-[A-Za-z][a-z'’]+)*"
_STREET_TYPE = re.compile(_STREET_TYPES)
_STREET = re.compile(rf"(?<![\w'’-])((?:{_NAME_WORD}\s+){{1,3}})({_STREET_TYPES})\b(?![\w'’-])")
# Street types that name parks, hills and views as often as streets ("Abbey Park", "Beacon
# Hill"): a street only where somebody is said to live there ("she lives on Glenfield Way").
_AMBIGUOUS_TYPES = "Way|Park|Hill|View|Green|Walk|Rise|Row|Place|Court|Vale|Croft|Fields|Meadows|Chase|Parade"
_AMBIGUOUS = re.compile(rf"(?<![\w'’-])((?:{_NAME_WORD}\s+){{1,3}})({_AMBIGUOUS_TYPES})\b(?![\w'’-])")
_RESIDENCE_BEFORE = re.compile(
    r"\b(?:live|lives|lived|living|stay|stays|stayed|moved|move|flat|house|bungalow|home|address|round|"
    r"number\s+\d+)\b[^.?!\n]{0,25}?\b(?:on|in|off|at|to|up|down|round)\s+(?:the\s+)?$", re.IGNORECASE)
# Capitalised words that start a sentence or a phrase rather than a street's name.
_NOT_A_NAME = frozenset(
    """the a an my our his her their your this that these those and but or so then when if
    it's there's what which who where why how yes no not very too quite just only really
    monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december christmas easter""".split())
_SENT_START = re.compile(r"(?:^|[.?!:;\n\"“(\[])\s*$")

# "the Minster surgery", "the Welland practice", "the Church Street one" (for a GP).
_PRACTICE = re.compile(
    rf"(?<![\w'’-])the\s+((?:{_NAME_WORD}\s+){{1,3}})(surgery|practice|medical\s+centre|health\s+centre|one)\b")
_GP_BEFORE = re.compile(r"\b(?:gp|gps|doctor'?s|doctors|surgery|practice|medical\s+centre|health\s+centre)\b",
                        re.IGNORECASE)


def _name_words(text: str, start: int, words: list[str]) -> tuple[int, list[str]]:
    """Drop leading words that are no part of a name ("The", "Yes"); the new start and words."""
    while words and words[0].lower() in _NOT_A_NAME:
        start = text.index(words[1], start + len(words[0])) if len(words) > 1 else -1
        words = words[1:]
    return start, words


def _plain(word: str) -> bool:
    low = word.lower().strip("'’")
    return low in FILLERS or low in ROLE_WORDS or low in COMMON_WORDS


def find_streets(text: str) -> Iterator[Detection]:
    """"<Name> Road", "<Name> <Name> Lane" with no house number: a street, tagged as a place."""
    for m in _STREET.finditer(text):
        start, words = _name_words(text, m.start(), m.group(1).split())
        if not words or start < 0 or any(_plain(w) for w in words):
            continue
        yield Detection(start, m.end(), "LOCATION", text[start:m.end()], "rule", 0.8)


def find_residence_streets(text: str) -> Iterator[Detection]:
    """"<Name> Way|Park|Hill|View|Green..." right after somebody is said to live, stay or have
    moved there ("lives on Glenfield Way", "a flat up Beacon Hill"): a street, as a place."""
    for m in _AMBIGUOUS.finditer(text):
        start, words = _name_words(text, m.start(), m.group(1).split())
        if not words or start < 0 or any(_plain(w) for w in words):
            continue
        if not _RESIDENCE_BEFORE.search(text[max(0, start - 60):start]):
            continue
        yield Detection(start, m.end(), "LOCATION", text[start:m.end()], "rule", 0.8)


def find_practices(text: str) -> Iterator[Detection]:
    """"the <Name> surgery|practice|medical centre" and, where a GP is being talked about,
    "the <Name> one": a GP practice named in speech, as an organisation."""
    for m in _PRACTICE.finditer(text):
        words = m.group(1).split()
        if any(w.lower() in _NOT_A_NAME or w.isupper() or (_plain(w) and not _STREET_TYPE.fullmatch(w))
               for w in words):
            continue
        if m.group(2) == "one" and not _GP_BEFORE.search(text, max(0, m.start() - 60), m.start()):
            continue  # "the Red one": only a practice when a GP is being talked about
        start = m.start(1)
        yield Detection(start, m.end(), "ORG", text[start:m.end()], "rule", 0.8)


def named_place_detections(text: str) -> list[Detection]:
    """Every rule of this module, unmerged."""
    return [*find_streets(text), *find_residence_streets(text), *find_practices(text)]

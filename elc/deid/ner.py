"""Turn spaCy entities into detections, filtering the noise a small model makes on speech."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .lexicon import COMMON_WORDS, FILLERS, FIRST_NAMES, PLACES, ROLE_WORDS, SPEAKER_WORDS, TITLES
from .types import Detection

NER_LABELS = {"PERSON": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION",
              "ORG": "ORG"}
_EDGE_JUNK = FILLERS | frozenset({"the", "a", "an", "'s", "’s", "s", "and", "or", "but", "to",
                                  "from", "at", "in", "on", "of", "with", "by", "for"})
_NOISE = FILLERS | SPEAKER_WORDS | COMMON_WORDS | frozenset(ROLE_WORDS) | frozenset(
    """mate love darling dear sweetheart hun bless god jesus christ lord gosh christmas
    ramadan diwali eid easter mrs mr ms dr miss""".split()
)
_SPEAKER_LABEL = re.compile(r"^\s*[\w .'-]{1,30}:\s*$")
_ALPHA = re.compile(r"[A-Za-z]")
_LOCATIVE = frozenset("in near round around outside towards toward via through past beyond".split())
_MOTION = frozenset("""come came coming comes go went going goes drove drive driving drives moved
    move moving travel travelled travelling back way all up down over out taken took take
    bring brought get got sent send live lives lived living born""".split())
_HUMAN_VERBS = frozenset("""say tell ring phone call come take drive help book pick think know
    want have go bring ask sort text see visit stay live work look wait cry laugh""".split())
_ORG_WORDS = frozenset("""ltd limited plc group trust council services service centre surgery
    practice hospital cars taxis taxi cabs travel transport care home homes lodge house
    association society club church school college university partnership""".split())


def _locative(doc: Any, i: int) -> bool:
    """Is token ``i`` governed by a place preposition ("in X", "coming from X")?"""
    j = i - 1
    while j >= 0 and doc[j].lower_ in ("the", "all"):
        j -= 1
    if j < 0:
        return False
    prev = doc[j].lower_
    if prev in _LOCATIVE:
        return True
    if prev in ("from", "to", "at") and j > 0:
        k = j - 1
        while k >= 0 and doc[k].lower_ in ("me", "us", "him", "her", "them", "way", "all", "the"):
            if doc[k].lower_ == "way":
                return True
            k -= 1
        return k >= 0 and doc[k].lower_ in _MOTION
    return False


def _person_like(tok: Any) -> bool:
    """A conjunct/appositive of a role noun ("the carers ..., usually Shilpa or Ciaran")."""
    seen = 0
    while tok.dep_ == "conj" and seen < 4:
        tok = tok.head
        seen += 1
    if tok.dep_ == "appos" or tok.dep_ == "npadvmod":
        head = tok.head.lemma_.lower()
        return head in ROLE_WORDS or head.rstrip("s") in ROLE_WORDS
    return False


def _located_person(doc: Any, first: Any) -> bool:
    """A lone proper noun the model called a place that reads as a person in context."""
    head = first.head
    if first.dep_ == "nsubj" and head.lemma_.lower() in _HUMAN_VERBS:
        return True  # "Octavia had the car"
    if first.dep_ in ("attr", "appos") and any(
            c.dep_ == "nsubj" and (c.lower_ in ROLE_WORDS or c.lemma_.lower() in ROLE_WORDS)
            for c in head.children):
        return True  # "my carer's Wilhelmina"
    nxt = doc[first.i + 1:first.i + 3]
    return len(nxt) == 2 and nxt[0].text == "," and nxt[1].lower_ in ("she", "he")  # "Beatrix, she's my daughter"


def _relabel_one(doc: Any, first: Any, label: str) -> str:
    """The label of a one-token entity."""
    low = first.lower_
    if low in FIRST_NAMES and low not in PLACES:
        return "PERSON"
    if label != "PERSON" and _person_like(first):
        return "PERSON"
    if label == "LOCATION" and low not in PLACES and first.pos_ == "PROPN" and _located_person(doc, first):
        return "PERSON"
    if label == "ORG" and first.pos_ == "PROPN" and first.is_title and low not in PLACES:
        return "PERSON"  # a lone capitalised "organisation" in speech is nearly always a name
    return label


def _relabel(doc: Any, tokens: list[Any], label: str) -> str:
    """Correct the small model's usual label confusions on interview speech."""
    first = tokens[0]
    low = first.lower_
    words = {t.lower_ for t in tokens}
    if _locative(doc, first.i) and low not in FIRST_NAMES and not (words & _ORG_WORDS):
        return "LOCATION"
    if len(tokens) == 1:
        return _relabel_one(doc, first, label)
    return label


def _trim(tokens: list[Any]) -> list[Any]:
    while tokens and (tokens[0].is_punct or tokens[0].is_space or tokens[0].lower_ in _EDGE_JUNK):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space or tokens[-1].lower_ in _EDGE_JUNK):
        tokens = tokens[:-1]
    return tokens


def _speaker_label(text: str, start: int, end: int) -> bool:
    """An entity that is (part of) a line-initial 'Label:' speaker tag."""
    line_start = text.rfind("\n", 0, start) + 1
    colon = text.find(":", end, end + 3)
    if colon == -1:
        return False
    return bool(_SPEAKER_LABEL.match(text[line_start:colon + 1]))


def _not_an_identifier(text: str, tokens: list[Any], label: str, start: int, end: int, surface: str) -> bool:
    """Entities the model finds in speech that are not identifiers: no letters, fillers and
    titles only, lower-case places and organisations, persons without a noun, speaker labels,
    service acronyms."""
    if not _ALPHA.search(surface):
        return True
    words = [t.lower_ for t in tokens if not t.is_punct]
    if all(w in _NOISE or w in TITLES for w in words):
        return True
    if all(t.is_lower for t in tokens if t.is_alpha) and label != "PERSON":
        return True  # lower-case ORG/GPE guesses on speech are nearly always wrong
    if label == "PERSON" and all(t.pos_ not in ("PROPN", "NOUN", "ADJ", "X") for t in tokens):
        return True
    if _speaker_label(text, start, end):
        upper = surface.strip()
        if upper.lower() in SPEAKER_WORDS or re.fullmatch(r"[A-Z]{1,3}\d{0,3}", upper):
            return True
    # service acronyms (DOB, PTS, ICU ...), not organisations
    return len(tokens) == 1 and tokens[0].is_upper and len(tokens[0]) <= 4 and label == "ORG"


def ner_detections(doc: Any, text: str | None = None) -> Iterator[Detection]:
    """PERSON / GPE, LOC, FAC (LOCATION) / ORG entities, trimmed of fillers and filtered."""
    text = doc.text if text is None else text
    for ent in doc.ents:
        label = NER_LABELS.get(ent.label_)
        if label is None:
            continue
        tokens = _trim(list(ent))
        if not tokens:
            continue
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        surface = text[start:end]
        if _not_an_identifier(text, tokens, label, start, end, surface):
            continue
        label = _relabel(doc, tokens, label)
        score = 0.75 if label == "PERSON" else 0.65
        yield Detection(start, end, label, surface, "ner", score)

"""What one interview says about its own names, and the last checks on person detections.

A name that is also a word ("Jean", "Pat", "Iris", "Mark") is only taken with support: a cue,
a title, the model agreeing mid-sentence. Once an interview has used it as a name more than once
and never as a word (no lower-case "pat" anywhere in it), its other capitalised occurrences are
that person too -- at the start of a sentence ("Pat read it to me") and with a possessive
("Jean's seventy-six") -- unless the parser reads the word as something else there ("Hope it
helps", "Will you ring").

:func:`tidy_persons` runs after the evidence gate: an acronym is never a person ("IG", "PEP"),
a possessive stays outside the tag ("Dr Adeyemi's" -> "[Doctor 1]'s"), and a person guess listed
with places ("Newark, Southwell, up to Retford") is a place.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from .types import Detection
from .words import is_brand, is_clinical, is_given_name, is_wordy_name

_PERSON_LABELS = ("PERSON", "CUSTOM")
_SENT_START = re.compile(r"(?:^|[.?!:;\n\"“(\[]|\s[-–])\s*$")
_POSSESSIVE = re.compile(r"^['’]s\b")
_NAME_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "dobj", "pobj", "appos", "npadvmod", "conj", "compound"})
_MIN_USES = 2


def _word(d: Detection, text: str) -> str | None:
    """The one capitalised word a person detection covers, without a possessive; else None."""
    surface = text[d.start:d.end].replace("’", "'").removesuffix("'s")
    if not re.fullmatch(r"[A-Z][a-z]{2,}", surface):
        return None
    return surface


def wordy_names(texts: list[str], found: list[list[Detection]]) -> set[str]:
    """Names that are also words which this interview uses as names at least twice (confident
    person detections) and never writes in lower case."""
    uses: Counter[str] = Counter()
    for text, dets in zip(texts, found):
        for d in dets:
            if d.label in _PERSON_LABELS and (d.source == "list" or d.score >= 0.7):
                w = _word(d, text)
                if w and is_wordy_name(w):
                    uses[w] += 1
    if not uses:
        return set()
    lower = {m.group().casefold() for t in texts for m in re.finditer(r"\b[a-z]+\b", t)}
    return {w for w, n in uses.items()
            if n >= _MIN_USES and w.casefold() not in lower and not is_brand(w) and not is_clinical(w)}


def _token_is_name(doc: Any, start: int, end: int) -> bool:
    """The parser reads the word as a name (a proper noun, or a noun in a name's position)."""
    if doc is None or isinstance(doc, str):
        return False
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    tok = span[0]
    return tok.pos_ == "PROPN" or (tok.pos_ in ("NOUN", "PROPN") and tok.dep_ in _NAME_DEPS)


def add_wordy_names(doc: Any, dets: list[Detection], names: Iterable[str]) -> list[Detection]:
    """``dets`` plus the other capitalised occurrences of ``names`` in one turn: mid-sentence
    always, at a sentence start with a possessive or where the parser reads a name."""
    text = doc if isinstance(doc, str) else doc.text
    names = sorted(set(names), key=len, reverse=True)
    if not names:
        return dets
    pattern = re.compile(r"(?<![\w'’-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])")
    extra = []
    for m in pattern.finditer(text):
        if any(d.start < m.end() and m.start() < d.end for d in dets):
            continue
        initial = bool(_SENT_START.search(text[max(0, m.start() - 6):m.start()]))
        if initial and not (_POSSESSIVE.match(text[m.end():]) or _token_is_name(doc, m.start(), m.end())):
            continue  # "Hope it helps", "Will you ring": the word, not the person
        extra.append(Detection(m.start(), m.end(), "PERSON", m.group(), "rule", 0.7))
    if not extra:
        return dets
    return sorted(dets + extra, key=lambda d: d.start)


# ----------------------------------------------------------------------------- after the gate
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]+s?")
_TITLED = re.compile(r"^(?:dr|doctor|mr|mrs|ms|miss|mx|prof|professor|sister|nurse)\.?\s", re.IGNORECASE)
_LIST_GAP = re.compile(r"^\s*(?:,|,?\s*and|&|/)\s*(?:(?:up|down|out|over)\s+(?:to|as\s+far\s+as)\s+)?$",
                       re.IGNORECASE)


def _acronym(d: Detection) -> bool:
    """"IG", "PEP", "ICB", "D2A": an acronym, never a person (a project name list may say so)."""
    return d.source != "list" and bool(_ACRONYM.fullmatch(d.text)) and not is_given_name(d.text)


def _without_possessive(d: Detection) -> Detection:
    """"Dr Adeyemi's" -> "Dr Adeyemi": the possessive stays in the text, outside the tag."""
    for tail in ("'s", "’s"):
        if d.text.endswith(tail) and len(d.text) > len(tail) + 1:
            return Detection(d.start, d.end - len(tail), d.label, d.text[:-len(tail)], d.source, d.score)
    return d


def _listed_with_places(text: str, i: int, dets: list[Detection]) -> bool:
    """A model's person guess between places in a list ("Newark, Southwell, up to Retford")."""
    d = dets[i]
    if d.source != "ner" or _TITLED.match(d.text) or is_given_name(d.text.split()[0]):
        return False
    for j in (i - 1, i + 1):
        if 0 <= j < len(dets) and dets[j].label == "LOCATION":
            o = dets[j]
            gap = text[o.end:d.start] if j < i else text[d.end:o.start]
            if _LIST_GAP.match(gap):
                return True
    return False


def tidy_persons(text: str, dets: list[Detection]) -> list[Detection]:
    """Person detections without acronyms, with any possessive left outside, and those listed
    with places relabelled as places. Other labels pass unchanged."""
    out = []
    for i, d in enumerate(dets):
        if d.label not in _PERSON_LABELS:
            out.append(d)
        elif _acronym(d):
            continue
        elif d.label == "PERSON" and _listed_with_places(text, i, dets):
            out.append(Detection(d.start, d.end, "LOCATION", d.text, d.source, d.score))
        else:
            out.append(_without_possessive(d))
    return out


_SPELL_ITEM = r"(?:[a-z0-9](?:-[a-z0-9]){1,}|dot|at|underscore|hyphen|dash|[a-z]+)"
_SPELLED_AFTER = re.compile(
    rf"^[.,]?\s*(?i:so\s+)?(?i:that's|that\s+is|it's|it\s+is)\s+({_SPELL_ITEM}(?:,?\s+{_SPELL_ITEM}){{0,8}})")
_HYPHEN_SPELLED = re.compile(r"(?<![\w-])[a-z0-9](?:-[a-z0-9]){2,}(?![\w-])")


def spelled_emails(text: str, dets: list[Detection]) -> list[Detection]:
    """An address read out letter by letter right after it was given ("jo.okafor@example.com.
    That's j-o dot okafor, o-k-a-f-o-r"): the spelling is the address too."""
    extra = []
    for d in dets:
        if d.label != "EMAIL":
            continue
        m = _SPELLED_AFTER.match(text[d.end:d.end + 160])
        if m and _HYPHEN_SPELLED.search(m.group(1)):
            s, e = d.end + m.start(1), d.end + m.end(1)
            if not any(o.start < e and s < o.end for o in dets):
                extra.append(Detection(s, e, "EMAIL", text[s:e], "rule", 0.9))
    return sorted(dets + extra, key=lambda d: d.start) if extra else dets

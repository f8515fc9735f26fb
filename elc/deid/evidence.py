"""Evidence a person detection needs before it replaces anything.

The rules, the gazetteer and the statistical model together find nearly every name, and a good
deal that is not one: on real feedback the small model calls "Pity", "Thankyou", "Diazepam",
"Kingsley ward" and "Horticulture" people. :func:`gate_persons` keeps a person detection only
when something speaks for it:

* a title ("Dr Patel", "Nurse Gabbitas", "Dr P"), or the project's own name list;
* a role cue around it ("CPN Faye", "my nurse, Tina", "Lisa the activities coordinator",
  "Emma (physio)", "a lady called Jo", "thank you Sara");
* a known given name that is not also an ordinary word ("Natasha", "Faye");
* a name that is also a word ("Mark", "Sue", "Grace") only with a cue, mid-sentence with the
  model agreeing, or at the start of a sentence followed by what people do ("Sue rang me back");
* an unknown capitalised token ("Sharmar") only with a cue, or when the model calls it a person
  where it is not the first word of a sentence, not after a place preposition, not before a
  place word ("Kingsley ward", "Harvey 1") and not shaped like a medicine ("Isocarboxazid");
* a token listed with an accepted name ("Bridget and Phatima and Ashley").

Ordinary words ("Pity", "behaviour", "Perfect"), brands and technology ("Twitter", "Python"),
conditions and medicines, and placeholders somebody already put in ("XXXX", "Mr X", "*") are
never a person on their own, whatever the model says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .lexicon import ROLE_WORDS, TITLES
from .types import Detection
from .words import WORDY_NAMES, is_brand, is_clinical, is_common, is_given_name, is_placeholder, is_wordy_name

# Words that mark the person next to them without being a pseudonym role of their own.
CUE_WORDS = frozenset(ROLE_WORDS) | frozenset(
    """cpn hca ot slt psychologist psychiatrist psych counsellor councillor keyworker
    practitioner clinician specialist advisor adviser podiatrist hv lady gentleman man woman
    guy lad girl member staff student lead leader mentor tutor facilitator officer trainer
    instructor teacher dietician dietitian radiographer phlebotomist pwp therapist physio
    midwife sister nurse doctor consultant surgeon psychotherapist chap fella coordinator
    co-ordinator worker assistant manager receptionist""".split())
_CUE_ALT = "|".join(sorted((re.escape(w) for w in CUE_WORDS), key=len, reverse=True))
_TITLE_ALT = "|".join(sorted(TITLES, key=len, reverse=True))
_TITLE_SURFACE = re.compile(rf"^(?P<title>{_TITLE_ALT})(?:\.\s*|\s+)(?P<rest>\S.*)$", re.IGNORECASE | re.S)
_STRONG = frozenset({"dr", "doctor", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "rev",
                     "reverend", "sir", "dame", "nurse", "sister", "matron"})
_LEFT_CUE = re.compile(rf"(?<![\w-])(?:{_CUE_ALT})s?\s*[,:(]?\s*$", re.IGNORECASE)
_RIGHT_CUE = re.compile(
    r"^\s*(?:[,(:-]\s*)?(?:(?:who\s+is|who\s+was|who's|is|was|as)\s+)?"
    r"(?:(?:my|the|our|your|his|her|their|a|an|mum's|dad's|dads|mums)\s+)?"
    rf"(?:[A-Za-z'/-]+\s+){{0,3}}?(?:{_CUE_ALT})s?\b",
    re.IGNORECASE,
)
_CALLED = re.compile(
    r"(?:\bcalled|\bnamed|\bname\s+is|\bname\s+was|\bname's|\bknown\s+as|\bi'm|\bi\s+am|\bthis\s+is"
    r"|\bthank\s*-?\s*you|\bthankyou|\bthanks|\bcheers|\bdear|\bask\s+for|\basked\s+for"
    r"|\blady\s+was|\bman\s+was|\bit\s+was)\s*(?:to\s+)?,?\s*$",
    re.IGNORECASE,
)
_PAIR_AFTER = re.compile(r"^\s*(?:and|&)\s+(?:me|i|myself)\b", re.IGNORECASE)
_PLACE_AFTER = re.compile(
    r"^\s*(?:'s\s+)?(?:(?:mental|health|medical|community|nursing|care|day|district|general|"
    r"memorial|royal|city|county)\s+)*"
    r"(?:ward|wards|unit|house|centre|center|hospital|road|rd|street|st|lane|avenue|"
    r"team|clinic|building|wing|suite|court|lodge|hub|group|service|services|surgery|practice|"
    r"trust|park|grange|manor|close|hall|school|college|university|prison|hmp|village|town|"
    r"drive|crescent|gardens|square|site|campus|department|dept|wd)\b",
    re.IGNORECASE,
)
_NUMBER_AFTER = re.compile(r"^\s+\d{1,2}\b(?!\s*(?:years?|yrs?|months?|weeks?|days?|am|pm|%))")
_LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:at|in|on|from|near|via|into|outside|towards?|around|round|of)\s+(?:the\s+)?|\bto\s+the\s+)$",
    re.IGNORECASE)
_HUMAN_NEXT = re.compile(
    r"^\s*(?:['’]s\s+|,\s*)?(?:is|was|has|had|have|helped|helps|listened|listens|explained|explains|"
    r"made|makes|gave|gives|took|takes|came|comes|rang|rings|phoned|called|visited|visits|went|"
    r"did|does|always|really|never|also|showed|shows|provided|provides|supported|supports|"
    r"understood|understands|treated|sorted|proved|deserves?|were|are|will|would|could|"
    r"got|get|gets|kept|keeps|spoke|speaks|told|tells|said|says|saw|sees|asked|asks|"
    r"worked|works|looked|looks|cared|cares|used|uses|tried|tries|knew|knows|seemed|seems|"
    r"actually|absolutely|definitely|certainly|truly|especially|still|went|goes|brought|"
    r"encouraged|reassured|assessed|arranged|referred|answered|responded|managed|offered)\b",
    re.IGNORECASE,
)
_MONTHS = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())
_DATE_AFTER = re.compile(r"^\s*(?:\d{1,2}(?:st|nd|rd|th)?\b|'?\d{2}\b|\d{4}\b)")
_SHE_NEXT = re.compile(r"^\s*,\s*(?:she|he)(?:['’]s|\s+(?:is|was|has|had|does|did|gets|got|uses|can))\b",
                       re.IGNORECASE)
_DOING_NEXT = re.compile(
    r"^\s*(?:helped|helps|listened|listens|explained|explains|rang|rings|phoned|visited|visits|"
    r"supported|supports|understood|understands|treated|reassured|encouraged|assessed|arranged|"
    r"referred|answered|responded|spoke|speaks|cared|cares|sorted|showed|shows|gave|gives)\b",
    re.IGNORECASE,
)
_LIST_SEP = re.compile(r"^\s*(?:,|&|and|/|\+|or)\s*(?:,|&|and)?\s*$", re.IGNORECASE)
_SENT_START = re.compile(r"(?:^|[.?!:;\n\"“(\[]|\s[-–]|\.\.\.)\s*$")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_GREETINGS = frozenset("dear hi hello hiya hey thanks cheers regards love".split())
_KIN_TITLES = frozenset("uncle auntie aunty aunt nan nana nanna grandma grandad granny grandpa".split())


def _title_split(surface: str) -> tuple[str | None, str, bool]:
    """(title, the rest, whether the title alone is evidence)."""
    m = _TITLE_SURFACE.match(surface)
    if not m:
        return None, surface, False
    title = m.group("title")
    strong = title.lower() in _STRONG and (
        title[0].isupper() or title.lower() in ("dr", "mr", "mrs", "ms", "prof"))
    return title, m.group("rest"), strong


def _sentence_initial(text: str, start: int) -> bool:
    return bool(_SENT_START.search(text[max(0, start - 6):start]))


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


class _Doc:
    """What the gate needs from a spaCy ``Doc``: the model's PERSON spans and proper nouns."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.persons: list[tuple[int, int]] = []
        if doc is not None:
            self.persons = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]

    def ner_person(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.persons)

    def propn(self, start: int, end: int) -> bool:
        if self.doc is None:
            return False
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return bool(span is not None and len(span) and span[0].pos_ == "PROPN")


_SMALL = r"(?:\s+(?:to|and|of|the|&|in|on|for|a)\b)*\s*[,:;]?\s*"
_PREV_WORD = re.compile(r"([A-Z][a-z]+)" + _SMALL + r"[\"“'‘]?$")
_NEXT_WORD = re.compile(r"^[\"”'’]?" + _SMALL + r"([A-Z][a-z]+)")


def _title_phrase(text: str, start: int, end: int) -> bool:
    """Is the span part of a title-case phrase of ordinary words ("Red to Green")?"""
    base = max(0, start - 30)
    prev = _PREV_WORD.search(text[base:start])
    if prev and _sentence_initial(text, base + prev.start(1)) and \
            text[max(0, base + prev.start(1) - 1):base + prev.start(1)] not in ('"', "“", "'", "‘"):
        prev = None  # "When Amber phoned", "Especially Mark": a first word's capital says nothing
    for m in (prev, _NEXT_WORD.match(text[end:end + 30])):
        if m:
            w = m.group(1)
            if is_common(w) and not is_wordy_name(w) and not is_given_name(w) \
                    and w.lower() not in _GREETINGS and w.lower() not in CUE_WORDS \
                    and w.lower() not in ("thank", "thanks", "dear", "and", "the"):
                return True
    return False


def has_cue(text: str, start: int, end: int) -> bool:
    """A role, title-like or naming cue right before or after the span."""
    before = text[max(0, start - 40):start]
    after = text[end:end + 60]
    if _LEFT_CUE.search(before) or _CALLED.search(before) or _PAIR_AFTER.match(after):
        return True
    m = _RIGHT_CUE.match(after)
    return m is not None and "." not in m.group() and "\n" not in m.group()


def _verdict(text: str, d: Detection, doc: _Doc) -> tuple[str, int, int]:
    """(``"yes"``, ``"no"`` or ``"maybe"`` -- kept only if listed with an accepted name, and the
    span of the name itself: the title kept, role words and placeholders trimmed)."""
    return _verdict_of(text, d, doc)


def _trim_words(rest: str, title: str | None) -> tuple[list[re.Match], str | None]:
    """The words of ``rest`` that can be the name: a greeting or speaker label, role cue words and
    trailing placeholders trimmed; the title becomes ``"cue"`` when a cue word marks the name."""
    words = list(_WORD.finditer(rest))
    while len(words) > 1 and (words[0].group().lower().strip(".,") in _GREETINGS
                              or rest[words[0].end():words[0].end() + 1] == ":"):
        words = words[1:]  # "Dear Kath", "P11: Kath": the greeting or speaker label is not the name
    cues = [i for i, w in enumerate(words) if w.group().lower().strip(".,") in CUE_WORDS]
    if cues and cues[-1] < len(words) - 1:
        words = words[cues[-1] + 1:]  # "My CPN Darren", "District Nurse Sharon": after the cue
        title = title or "cue"
    elif cues and cues[0] > 0:
        words = words[:cues[0]]  # "Lynda CPN"
        title = title or "cue"
    while words and is_placeholder(words[-1].group()) and len(words) > 1:
        words = words[:-1]  # "Jen X": the surname was taken out already
    return words, title


def _capitalised_run(words: list[re.Match]) -> list[re.Match]:
    """"Mark rang" -> "Mark": a capitalised name stops at a lower-case word."""
    if _is_cap(words[0].group()):
        k = 1
        while k < len(words) and _is_cap(words[k].group()):
            k += 1
        words = words[:k]
    return words


def _is_kin(title: str | None, first: str) -> bool:
    """"Uncle Mo", "Auntie Pat": what people are called."""
    return bool(title and title[0].isupper() and title.lower() in _KIN_TITLES and _is_cap(first)
                and not is_brand(first) and not is_clinical(first))


def _verdict_of(text: str, d: Detection, doc: _Doc) -> tuple[str, int, int]:
    if d.source == "list":
        return "yes", d.start, d.end
    title, rest, strong = _title_split(d.text)
    offset = d.end - len(rest)
    words, title = _trim_words(rest, title)
    if not words:
        return "no", d.start, d.end
    first = words[0].group().strip(".")
    if is_placeholder(first):
        return "no", d.start, d.end  # "Mrs XXXX", "Mr X", "XXXX"
    words = _capitalised_run(words)
    tokens = [w.group() for w in words]
    head = tokens[0]
    start = offset + words[0].start()
    last = words[-1].group()
    end = offset + words[-1].end() - (len(last) - len(last.rstrip(".-'’")))  # "Anabela." -> "Anabela"
    tokens[-1] = last.rstrip(".-'’") or last
    if strong:
        return ("no" if is_common(first) and not _is_cap(first) else "yes"), d.start, end
    if _is_kin(title, first):
        return "yes", d.start, end
    if not _is_cap(head):
        return _lower_case_verdict(text, d, head, tokens, start, end), start, end
    return _capitalised_verdict(text, d, doc, title, head, tokens, start, end), start, end


def _lower_case_verdict(text: str, d: Detection, head: str, tokens: list[str], start: int, end: int) -> str:
    """Lower-case names happen in transcribed speech ("me and dawn", "kulsum from the transport
    office"): only from a rule that read a naming context, never a plain word."""
    if d.source == "ner":
        return "no"
    if any(is_common(t) and not is_wordy_name(t) for t in tokens):
        return "no"
    paired = bool(re.search(r"\b(?:and|&|or)\s*$", text[max(0, start - 6):start])
                  or re.match(r"\s*(?:and|&|or)\s+[a-z]", text[end:end + 8]))
    if d.score < 0.7 and not (is_given_name(head) and (paired or has_cue(text, start, end)
                                                       or _DOING_NEXT.match(text[end:end + 30]))):
        return "no"  # a lone lower-case gazetteer hit ("a hugh thankyou")
    if not is_given_name(head) and not is_wordy_name(head) and d.score < 0.85 and re.search(
            r"\b(?:the|a|an|my|our|his|her|their|this|that)\s+(?:[a-z]+\s+)?$",
            text[max(0, start - 25):start], re.IGNORECASE):
        return "no"  # "the discharge sumary": a word in a noun phrase, not a name
    if is_wordy_name(head) and head.lower() not in WORDY_NAMES:
        return "no"  # "walker", "green": a lower-case word, not a surname
    if is_wordy_name(head) and not (d.score >= 0.75 and (
            _LEFT_CUE.search(text[max(0, start - 40):start]) or _DOING_NEXT.match(text[end:end + 30])
            or re.search(r"\b(?:and|&)\s*$", text[max(0, start - 6):start]))):
        return "no"
    return "yes"


def _not_a_person(text: str, head: str, tokens: list[str], start: int, end: int) -> bool:
    """A capitalised span shaped like something other than a person: a brand or medicine, a
    place named after someone, a date, an acronym or a typing slip."""
    if any(is_brand(t) or is_clinical(t) for t in tokens):
        return True
    after = text[end:end + 40]
    possessive = tokens[-1].lower().endswith(("'s", "’s")) or after[:2] in ("'s", "’s")
    if not possessive and (_PLACE_AFTER.match(after) or _NUMBER_AFTER.match(after)):
        return True  # "Kingsley ward", "Harvey 1", "Stonebridge Centre": places named after people
    if head.lower().strip(".") in _MONTHS and _DATE_AFTER.match(after):
        return True  # "Jan 2021", "Jan 13th"
    if len(head) > 2 and head.isupper() and not is_given_name(head):
        return True  # acronyms and shouting ("HFLC", "DISGUSTED")
    return bool(any(c.isupper() for c in head[1:]) and not head.isupper() and not re.match(
        r"(?:Mc|Mac|O['’]|D['’])[A-Z]|[A-Z][a-z]+-[A-Z]", head))  # "DTi", "NottIngham"


def _capitalised_verdict(text: str, d: Detection, doc: _Doc, title: str | None, head: str, tokens: list[str],
                         start: int, end: int) -> str:
    if _not_a_person(text, head, tokens, start, end):
        return "no"
    before = text[max(0, start - 25):start]
    cue = title is not None or has_cue(text, start, end)
    initial = _sentence_initial(text, start)
    if len(tokens) > 1 and any(is_given_name(t) for t in tokens) and not any(
            is_common(t) and not is_given_name(t) for t in tokens):
        return "yes"  # "Jen Thompson", "Angus Morrison", "Ludmila Patel"
    if is_given_name(head):
        return "yes"
    model = doc.ner_person(start, end)
    if is_wordy_name(head):
        return _wordy_verdict(text, doc, head, tokens, start, end, cue, initial, model)
    if any(is_common(t) for t in tokens):
        return "yes" if re.search(r"\b(?:called|named)\s*$", before, re.I) else "no"
    # an unknown capitalised word
    if _LOCATIVE_BEFORE.search(before):
        return "no"
    if cue or d.source == "rule" and d.score >= 0.7:
        return "yes"  # a naming context ("Bhupinder from the transport office")
    if not initial and model:
        return "yes"
    if model and _HUMAN_NEXT.match(text[end:end + 30]):
        return "yes"
    if doc.propn(start, end) and _DOING_NEXT.match(text[end:end + 30]):
        return "yes"  # "Trisa helps my partner": what people do
    return "maybe"


def _wordy_verdict(text: str, doc: _Doc, head: str, tokens: list[str], start: int, end: int, cue: bool,
                   initial: bool, model: bool) -> str:
    """A capitalised name that is also a word ("Mark", "Grace", "Hope")."""
    if not cue and _title_phrase(text, start, end):
        return "no"  # "Red to Green", "Hope and Glory": a title, not a name
    if cue or (not initial and (model or doc.doc is None or doc.propn(start, start + len(head)))):
        return "yes"
    nxt = text[start + len(head):start + len(head) + 30]
    if head.lower() in WORDY_NAMES and (_HUMAN_NEXT.match(nxt) or _SHE_NEXT.match(nxt)):
        return "yes" if len(tokens) == 1 else "maybe"  # "I said Iris is ninety-three"
    return "maybe"


def _listed_with(text: str, d: Detection, accepted: list[Detection]) -> bool:
    for a in accepted:
        gap = text[a.end:d.start] if a.end <= d.start else text[d.end:a.start] if d.end <= a.start else None
        if gap is not None and len(gap) <= 7 and _LIST_SEP.match(gap):
            return True
    return False


def gate_persons(text: str, detections: Iterable[Detection], doc: Any = None) -> list[Detection]:
    """``detections`` without the person detections that lack evidence (other labels pass);
    kept person spans are narrowed to the name ("My CPN Darren" -> "Darren", "Jen X" -> "Jen")."""
    dets = list(detections)
    info = _Doc(doc)
    verdicts: dict[int, tuple[str, int, int]] = {}
    for i, d in enumerate(dets):
        if d.label == "PERSON":
            verdicts[i] = _verdict(text, d, info)
    accepted = [d for i, d in enumerate(dets) if verdicts.get(i, ("",))[0] == "yes"]
    changed = True
    while changed:  # "Bridget and Phatima and Ashley": a list grows from its accepted names
        changed = False
        for i, d in enumerate(dets):
            v = verdicts.get(i)
            if v and v[0] == "maybe" and _listed_with(text, d, accepted):
                verdicts[i] = ("yes", v[1], v[2])
                accepted.append(d)
                changed = True
    extra = _doers(text, dets) + _signed(text, dets)
    extra += _list_partners(text, accepted + extra, dets + extra)
    out = []
    for i, d in enumerate(dets):
        v = verdicts.get(i)
        if v is None:
            out.append(d)
        elif v[0] == "yes":
            s, e = v[1], v[2]
            out.append(d if (s, e) == (d.start, d.end) else
                       Detection(s, e, d.label, text[s:e], d.source, d.score))
    if extra:  # a model guess ("Phatima and Ashley" as an organisation) gives way to the list
        out = [d for d in out if not any(d.start < x.end and x.start < d.end for x in extra)]
        out = sorted(out + extra, key=lambda d: d.start)
    return out


_DOER = re.compile(r"(?<![\w'’-])([A-Z][a-z]{2,})(?=\s+(?:helped|helps|listened|listens|explained|explains|"
                   r"rang|rings|phoned|visited|visits|supported|supports|reassured|encouraged|"
                   r"cared|understood|understands)\b)")


def _doers(text: str, dets: list[Detection]) -> list[Detection]:
    """Capitalised words nobody proposed that do what people do ("Trisa helps my partner")."""
    taken = [(d.start, d.end) for d in dets if d.label == "PERSON" or d.source != "ner"]
    out = []
    for m in _DOER.finditer(text):
        s, e, w = m.start(1), m.end(1), m.group(1)
        if any(ts < e and s < te for ts, te in taken) or not _partner_ok(text, s, e, w):
            continue
        out.append(Detection(s, e, "PERSON", w, "rule", 0.7))
    return out


_SIGNED = re.compile(
    r"\b(?:regards|kind\s+regards|best\s+wishes|many\s+thanks|thanks|thank\s*-?\s*you|thankyou|"
    r"dear|cheers|love\s+from|signed)\s*,?\s+(?:to\s+)?([A-Z][a-z'’-]{1,})(?![\w-])",
    re.IGNORECASE)


def _signed(text: str, dets: list[Detection]) -> list[Detection]:
    """Names in a greeting or a sign-off nobody proposed ("Regards Anabela.", "Thanks Dawn")."""
    taken = [(d.start, d.end) for d in dets if d.label == "PERSON" or d.source != "ner"]
    out = []
    for m in _SIGNED.finditer(text):
        s, e = m.start(1), m.end(1)
        w = m.group(1)
        if w.lower().endswith(("'s", "’s")):
            e -= 2
            w = w[:-2]
        if not w[:1].isupper() or any(ts < e and s < te for ts, te in taken):
            continue
        if not _partner_ok(text, s, e, w) and not (is_wordy_name(w) and is_given_name(w)):
            continue
        out.append(Detection(s, e, "PERSON", w, "rule", 0.75))
    return out


_PARTNER_AFTER = re.compile(r"\s*(?:,|&|\band\b|/)\s*(?:and\s+|&\s*)?([A-Z][a-z'’-]+)\b")
_PARTNER_BEFORE = re.compile(r"\b([A-Z][a-z'’-]+)\s*(?:,|&|\band|/)\s*$")


def _partner_ok(text: str, start: int, end: int, word: str) -> bool:
    if is_common(word) or is_placeholder(word) or is_clinical(word) or is_brand(word):
        return False
    after = text[end:end + 40]
    return not (_PLACE_AFTER.match(after) or _NUMBER_AFTER.match(after))


def _list_partners(text: str, accepted: list[Detection], dets: list[Detection]) -> list[Detection]:
    """Capitalised words listed with an accepted name that no detector proposed
    ("Bridget and Phatima", "Elizabeth, Suze, Shirly"): the list itself is the evidence."""
    taken = [(d.start, d.end) for d in dets if d.label == "PERSON" or d.source != "ner"]
    out: list[Detection] = []
    queue = list(accepted)
    while queue:
        a = queue.pop()
        found = []
        m = _PARTNER_AFTER.match(text, a.end)
        if m:
            found.append((m.start(1), m.end(1), m.group(1)))
        m = _PARTNER_BEFORE.search(text[max(0, a.start - 30):a.start])
        if m:
            base = max(0, a.start - 30)
            found.append((base + m.start(1), base + m.end(1), m.group(1)))
        for s, e, w in found:
            if any(ts < e and s < te for ts, te in taken) or not _partner_ok(text, s, e, w):
                continue
            d = Detection(s, e, "PERSON", w, "rule", 0.7)
            taken.append((s, e))
            out.append(d)
            queue.append(d)
    return out


def person_evidence(text: str, d: Detection, doc: Any = None) -> bool:
    """Whether one person detection would pass :func:`gate_persons` on its own."""
    return _verdict(text, d, _Doc(doc))[0] == "yes"

"""Rule-based person detection: titles ("Dr Patel"), role phrases ("my daughter Sharon",
"a driver called Dev"), a first-name gazetteer, and the project's own list of names."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from .lexicon import (
    AMBIGUOUS_NAMES,
    COMMON_WORDS,
    FILLERS,
    FIRST_NAMES,
    PLACES,
    ROLE_WORDS,
    SPEAKER_WORDS,
    STRONG_TITLES,
    SURNAMES,
    TITLES,
)
from .types import Detection

_NAME_TOKEN = r"[A-Za-z][A-Za-z'’-]*"
_WORD = re.compile(_NAME_TOKEN)
_POSSESSIVES = frozenset("my our his her their your me mi").union({"me"})
_NOT_NAME = COMMON_WORDS | FILLERS | frozenset(ROLE_WORDS) | SPEAKER_WORDS | frozenset(TITLES) | \
    frozenset("""round ahead twice once later earlier sooner straight anyone someone everyone
    nobody somebody help police emas control ambulance uber taxi reception switchboard
    transport booking bookings hospital clinic surgery yesterday monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august
    september october november december christmas""".split())
# Surnames that are also ordinary words: not taken alone without a title.
_WORDY_SURNAMES = frozenset(
    """ward hill wood green brown white hall king baker cook bell young hunt long day west cole
    ball page marsh berry stone bird cross lane dean sharp hardy potter gill grant mason fox
    ford wells hart moss price reed booth shepherd porter fisher butler marshall wheeler
    freeman carter turner parker walker cooper hunter james george thomas oliver jordan owen
    lewis martin scott rose kang rai lad kara dave bibi may singh kaur khan ali shah li lee
    long perry payne riley burns rogers ross spencer newton newman howard francis gordon
    graham russell kelly page bishop dawson holland west""".split()
)
_SENT_START = re.compile(r"(?:^|[.?!:;\n\"“(]|\b(?:um|erm|er|uh|oh|so|well|yeah)[,]?)\s*$", re.I)
# Words that, right after a candidate, suggest it is the subject of a clause ("hamish rang").
_NEXT_VERBS = frozenset(
    """is was 's has had will would can could did does do usually always never rang rings
    ring came comes come took takes take drove drives drive lives lived said says told helps
    helped phoned phones brings brought picks picked works worked sorted sorts knows knew went
    goes gets got stays stayed looks looked who and or""".split()
)
_KIN_OR_CARE = frozenset(w for w, r in ROLE_WORDS.items() if r in {
    "Daughter", "Son", "Wife", "Husband", "Mother", "Father", "Sister", "Brother", "Partner",
    "Friend", "Neighbour", "Granddaughter", "Grandson", "Grandchild", "Niece", "Nephew",
    "Cousin", "Aunt", "Uncle", "Grandmother", "Grandfather", "Stepdaughter", "Stepson",
    "Daughter-in-law", "Son-in-law", "Sister-in-law", "Brother-in-law", "Mother-in-law",
    "Father-in-law", "Carer"})
_OWNER = re.compile(r"(?:my|our|his|her|their|your|me|mi)\s+(?:[a-z]+\s+)?$", re.IGNORECASE)
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|near|from|round|around|outside|via|to|at)\s+$", re.I)
_NEXT_WORD = re.compile(r"\s*([,.;:!?]|[A-Za-z']+)")

_TITLE_RE = re.compile(
    r"(?<![\w'])(?P<title>"
    + "|".join(sorted(TITLES, key=len, reverse=True))
    + r")(?:\.\s*|\s+)(?P<name>" + _NAME_TOKEN + r")(?:[ -](?P<second>" + _NAME_TOKEN + r"))?",
    re.IGNORECASE,
)
_ROLE_ALT = "|".join(sorted((re.escape(r) for r in ROLE_WORDS), key=len, reverse=True))
_ROLE_RE = re.compile(
    rf"(?<![\w'-])(?P<role>{_ROLE_ALT})(?:s)?(?:\s*,\s*|\s+)"
    r"(?:(?P<verb>called|named|name\s+(?:was|is)|name's|known\s+as|by\s+the\s+name\s+of)\s+)?"
    rf"(?P<name>{_NAME_TOKEN})",
    re.IGNORECASE,
)
_CALLED_RE = re.compile(
    r"(?<![\w'-])(?P<intro>called|named|name\s+(?:was|is)|name's|known\s+as|by\s+the\s+name\s+of"
    r"|this\s+is|i'm|i\s+am|it's|it\s+was|ask\s+for|asked\s+for|spoke\s+to|speak\s+to|talked\s+to"
    r"|talk\s+to|said\s+to|says\s+to|me\s+and|and\s+me|with|ring|rang|phone|phoned|text|texted"
    r"|tell|told|ask|asked|thanked|thank)\s+"
    rf"(?P<name>{_NAME_TOKEN})",
    re.IGNORECASE,
)
_FROM_THE_RE = re.compile(
    rf"(?<![\w'-])(?P<name>{_NAME_TOKEN})\s+(?:from|at|on)\s+(?:the|our|my)\s+(?:[a-z]+\s+)?"
    r"(?:office|desk|unit|ward|team|council|transport|hospital|surgery|booking|bookings|control"
    r"|centre|firm|company|home|charity|church|clinic|department|line|reception|switchboard"
    r"|service|project|group|practice)\b",
)
# introducer -> how strong it is (weak ones need a gazetteer name or a capital)
_STRONG_INTRO = re.compile(r"^(?:called|named|name|known|by)", re.IGNORECASE)
_AFTER_ROLE_RE = re.compile(
    rf"^\s*,?\s*(?:who\s+is\s+|who's\s+|is\s+|was\s+)?(?:my|our|his|her|their|the|a)\s+"
    rf"(?:[a-z]+\s+)?(?:{_ROLE_ALT})\b",
    re.IGNORECASE,
)


def _pos_at(doc: Any, start: int, end: int) -> str | None:
    if doc is None:
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    return span[0].pos_ or None  # "" when the pipeline has no tagger


def _is_cap(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 2 and word.isupper())


def _sentence_initial(text: str, start: int) -> bool:
    return bool(_SENT_START.search(text, max(0, start - 12), start))


def _plausible_name(word: str, *, lower_ok: bool, gazetteer_only: bool = False,
                    doc: Any = None, start: int = 0, cap_ambiguous: bool = True) -> bool:
    """Is ``word`` plausibly a given name or surname in this position?"""
    low = word.lower().strip("'’-")
    if _is_cap(word) and low in AMBIGUOUS_NAMES and cap_ambiguous:
        return True  # "my daughter May", "a driver called Will"
    if len(low) < 2 or low in _NOT_NAME or low.endswith(("'s", "’s")) and low[:-2] in _NOT_NAME:
        return False
    known = low in FIRST_NAMES or low in SURNAMES or low in AMBIGUOUS_NAMES
    if _is_cap(word):
        return known or not gazetteer_only or _pos_at(doc, start, start + len(word)) == "PROPN"
    if not lower_ok:
        return False
    if known:
        return True
    if gazetteer_only:
        return _pos_at(doc, start, start + len(word)) == "PROPN"
    pos = _pos_at(doc, start, start + len(word))
    return pos is None or pos in ("PROPN", "NOUN", "ADJ", "X", "INTJ")


def _extend_surname(text: str, end: int, doc: Any = None) -> int:
    """Extend a name ending at ``end`` over one following surname-like word."""
    m = re.compile(r"[ ](" + _NAME_TOKEN + ")").match(text, end)
    if not m:
        return end
    w = m.group(1)
    low = w.lower()
    if low in _NOT_NAME or low in PLACES:
        return end
    if _is_cap(w) or (low in SURNAMES and low not in _WORDY_SURNAMES):
        return m.end()
    return end


_TITLED_INITIAL = re.compile(r"(?<![\w'])(?:Dr|Mr|Mrs|Ms|Miss|Prof)\.?\s*(?<![A-Za-z])([A-WYZ])(?![\w])(?!\.\w)")


def find_titled_names(text: str, doc: Any = None) -> Iterator[Detection]:
    """"Dr Patel", "Mrs Hughes", "Sister Okafor", "mr singh", "Nurse Kay", "Dr P"."""
    for m in _TITLED_INITIAL.finditer(text):
        yield Detection(m.start(), m.end(), "PERSON", m.group(), "rule", 0.85)
    for m in _TITLE_RE.finditer(text):
        title = m.group("title").lower()
        name = m.group("name")
        strong = title in STRONG_TITLES
        before = text[max(0, m.start() - 12):m.start()].lower().split()
        kin_use = bool(before) and before[-1] in _POSSESSIVES | {"the", "a", "an", "this"}
        if kin_use and title in ROLE_WORDS:
            continue  # "my sister Jean" is a role phrase, handled by find_role_names
        if not m.group("title")[0].isupper() and not strong:
            ok = _plausible_name(name, lower_ok=True, gazetteer_only=True, doc=doc, start=m.start("name"))
            ok = ok and name.lower() not in AMBIGUOUS_NAMES
        else:
            ok = _plausible_name(name, lower_ok=strong, doc=doc, start=m.start("name"))
        if not ok:
            continue
        end = m.end("name")
        second = m.group("second")
        if second and (_is_cap(second) or second.lower() in SURNAMES) and second.lower() not in _NOT_NAME:
            end = m.end("second")
        yield Detection(m.start(), end, "PERSON", text[m.start():end], "rule", 0.9)


def _clause_subject(text: str, end: int, doc: Any) -> bool:
    """Does the word ending at ``end`` look like the subject of what follows ("... rang")?"""
    m = _NEXT_WORD.match(text, end)
    if not m:
        return True
    nxt = m.group(1).lower()
    if nxt in ",.;:!?" or nxt in _NEXT_VERBS:
        return True
    if doc is not None:
        return _pos_at(doc, m.start(1), m.end(1)) in ("VERB", "AUX", "CCONJ", "PUNCT", "ADV")
    return nxt.endswith("ed") and len(nxt) > 4


def _lower_unknown_ok(text: str, start: int, end: int, doc: Any, subject: bool = True) -> bool:
    """A lower-case word that no list knows: accept when the tagger (if any) does not call it a
    verb/function word and it reads as the subject of the clause that follows."""
    word = text[start:end]
    low = word.lower()
    if low in _NOT_NAME or len(low) < 3 or low.endswith(("ing", "ly")) or not low.isalpha():
        return False
    pos = _pos_at(doc, start, end)
    if pos is not None and pos not in ("PROPN", "NOUN", "ADJ", "X", "INTJ"):
        return False
    return not subject or _clause_subject(text, end, doc)


def _role_name_ok(text: str, m: re.Match, doc: Any) -> bool:
    """"my daughter Sharon", "the carer, jo,": a role word then a plausible name."""
    name = m.group("name")
    s = m.start("name")
    if m.group("verb"):
        return _plausible_name(name, lower_ok=True, doc=doc, start=s)
    ok = _plausible_name(name, lower_ok=True, gazetteer_only=True, doc=doc, start=s)
    if ok and not _is_cap(name) and name.lower() in AMBIGUOUS_NAMES:
        ok = False
    if not ok and not _is_cap(name):
        role = m.group("role").lower()
        apposition = "," in text[m.end("role"):s]
        owned = bool(_OWNER.search(text, max(0, m.start() - 20), m.start()))
        if apposition or (owned and role in _KIN_OR_CARE):
            ok = _lower_unknown_ok(text, s, m.end("name"), doc)
    return ok


_TELLING = ("to", "ring", "rang", "tell", "told", "ask", "asked")


def _called_name_ok(text: str, m: re.Match, doc: Any) -> tuple[bool, bool]:
    """"a driver called Dev", "me and dawn": (a plausible name, introduced strongly)."""
    name = m.group("name")
    intro = m.group("intro").lower()
    s = m.start("name")
    strong = bool(_STRONG_INTRO.match(intro))
    pair = intro.startswith(("me", "and me"))
    ok = _plausible_name(name, lower_ok=True, gazetteer_only=not strong, doc=doc, start=s,
                         cap_ambiguous=strong)
    if ok and not strong and name.lower() in AMBIGUOUS_NAMES and not _is_cap(name) and not pair:
        ok = False
    if not ok and not _is_cap(name) and (pair or intro.split()[-1] in _TELLING):
        ok = _lower_unknown_ok(text, s, m.end("name"), doc) and (
            pair or bool(re.match(r"\s*[,.;!?]", text[m.end("name"):])))
    return ok, strong


def _from_the_name_ok(text: str, m: re.Match, doc: Any) -> bool:
    """"Dev from the transport office"."""
    name = m.group("name")
    s, e = m.start("name"), m.end("name")
    if _is_cap(name):
        ok = _plausible_name(name, lower_ok=False, doc=doc, start=s, cap_ambiguous=False)
    else:
        ok = _plausible_name(name, lower_ok=True, gazetteer_only=True, doc=doc, start=s) or (
            _lower_unknown_ok(text, s, e, doc, subject=False))
    return bool(ok) and name.lower() not in AMBIGUOUS_NAMES


def find_role_names(text: str, doc: Any = None) -> Iterator[Detection]:
    """"my daughter Sharon", "a driver called Dev", "the carer, jo,", "Dev, the driver"."""
    for m in _ROLE_RE.finditer(text):
        if _role_name_ok(text, m, doc):
            s, e = m.start("name"), _extend_surname(text, m.end("name"), doc)
            yield Detection(s, e, "PERSON", text[s:e], "rule", 0.85)
    for m in _CALLED_RE.finditer(text):
        ok, strong = _called_name_ok(text, m, doc)
        if ok:
            s, e = m.start("name"), _extend_surname(text, m.end("name"), doc)
            yield Detection(s, e, "PERSON", text[s:e], "rule", 0.85 if strong else 0.75)
    for m in _FROM_THE_RE.finditer(text):
        if _from_the_name_ok(text, m, doc):
            s, e = m.start("name"), m.end("name")
            yield Detection(s, e, "PERSON", text[s:e], "rule", 0.7)


def find_gazetteer_names(text: str, doc: Any = None) -> Iterator[Detection]:
    """Known first names (and distinctive surnames) wherever they occur, with a following surname."""
    for m in _WORD.finditer(text):
        w = m.group()
        if w.lower().endswith(("'s", "’s")) and len(w) > 3:
            w = w[:-2]  # "Kath's van": the name without its possessive
        low = w.lower()
        if low in AMBIGUOUS_NAMES:
            if not _is_cap(w):
                continue
            # the evidence gate decides ("Sue rang me back", "Ash and Alex"; not "Will you")
            score = 0.6 if not _sentence_initial(text, m.start()) else 0.55
        elif low in FIRST_NAMES:
            if not _is_cap(w) and (low in COMMON_WORDS):
                continue
            score = 0.7 if _is_cap(w) else 0.6
        elif low in SURNAMES and low not in _WORDY_SURNAMES and _is_cap(w) \
                and not _LOCATIVE_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            if _sentence_initial(text, m.start()) and doc is not None \
                    and _pos_at(doc, m.start(), m.end()) != "PROPN":
                continue
            score = 0.6
        else:
            continue
        e = _extend_surname(text, m.end(), doc) if len(w) == len(m.group()) else m.start() + len(w)
        yield Detection(m.start(), e, "PERSON", text[m.start():e], "rule", score)


def _role_apposition(tok: Any) -> bool:
    seen = 0
    while tok.dep_ == "conj" and seen < 4:
        tok = tok.head
        seen += 1
    if tok.dep_ in ("appos", "npadvmod"):
        head = tok.head.lower_
        return head in ROLE_WORDS or (head.endswith("s") and head[:-1] in ROLE_WORDS)
    return False


def _propn_indices(doc: Any) -> list[int]:
    """Indices of title-case proper-noun tokens, found without building Token objects."""
    from spacy.attrs import IS_TITLE, POS  # spaCy is already imported when a Doc exists
    from spacy.parts_of_speech import PROPN

    arr = doc.to_array([POS, IS_TITLE])
    return [int(i) for i in ((arr[:, 0] == PROPN) & (arr[:, 1] == 1)).nonzero()[0]]


def find_appositive_names(doc: Any, text: str | None = None, propn: list[int] | None = None
                          ) -> Iterator[Detection]:
    """Capitalised proper nouns in apposition to a role noun, and their conjuncts
    ("the carers ..., usually Dharmesh or Ines")."""
    if doc is None:
        return
    text = doc.text if text is None else text
    for i in (_propn_indices(doc) if propn is None else propn):
        tok = doc[i]
        if tok.dep_ not in ("appos", "conj") or tok.lower_ in _NOT_NAME or not _role_apposition(tok):
            continue
        s, e = tok.idx, tok.idx + len(tok.text)
        yield Detection(s, e, "PERSON", text[s:e], "rule", 0.7)


_BEFORE_ROLE_RE = re.compile(
    rf"(?<![\w'-])(?P<name>{_NAME_TOKEN})(?P<gap>\s*,\s*|\s+(?:is|was|'s)\s+|\s+)"
    rf"(?:(?:is|was)\s+)?(?:my|our|his|her|their|the|a|an)\s+(?:[a-z]+\s+)?(?:{_ROLE_ALT})s?\b",
    re.IGNORECASE,
)
_POSS_ROLE_RE = re.compile(
    rf"(?<![\w'-])(?P<name>[A-Za-z][a-z-]+)['’]s\s+(?:my|our|his|her|their|the)\s+(?:[a-z]+\s+)?"
    rf"(?:{_ROLE_ALT})\b",
    re.IGNORECASE,
)
_TOPIC_RE = re.compile(
    rf"(?:^|[.?!,]\s*|\b(?:oh|um|erm|er|yeah|well|so|and|but)\s*,?\s+)(?P<name>{_NAME_TOKEN})\s*[,!?]\s+"
    r"(?:she|he)(?:['’]s|\s+is|\s+was|\s+does|\s+did|\s+has|\s+had)\b",
    re.IGNORECASE,
)
_HERE_RE = re.compile(
    rf"\b(?:it['’]s|this\s+is|i['’]m)\s+(?P<name>{_NAME_TOKEN})\s+(?:here|speaking)\b",
    re.IGNORECASE,
)
_PAIR_RE = re.compile(rf"(?<![\w'-])(?P<name>{_NAME_TOKEN})\s+and\s+(?:me|i|myself)\b", re.IGNORECASE)
_IT_WAS_RE = re.compile(rf"\bit\s+was\s+(?P<name>{_NAME_TOKEN})\s+(?:who|that)\b", re.IGNORECASE)
_NOT_PERSON = frozenset(
    """queen king god lord jesus christ allah mum mam dad nan nanna grandad grandma mummy daddy
    sir madam ma'am love duck one two three four five six seven eight nine ten eleven twelve
    thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty
    seventy eighty ninety hundred thousand""".split()
)
_PROPN_SKIP_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "QUANTITY",
                              "PERCENT", "NORP", "LANGUAGE", "LAW", "EVENT"})


def find_context_names(text: str, doc: Any = None) -> Iterator[Detection]:
    """"Bill, the driver", "sunny was the driver", "cressida and me", "it was gwilym who"."""
    for m in _BEFORE_ROLE_RE.finditer(text):
        name, s, e = m.group("name"), m.start("name"), m.end("name")
        low = name.lower()
        gap = m.group("gap")
        linked = "," in gap or gap.strip() in ("is", "was", "'s")
        if low in _NOT_NAME and not (linked and low in AMBIGUOUS_NAMES) or len(low) < 2:
            continue
        if _is_cap(name):
            ok = linked or not _sentence_initial(text, s) or low in FIRST_NAMES
        elif low in FIRST_NAMES or (linked and low in AMBIGUOUS_NAMES):
            ok = linked or low in FIRST_NAMES
        else:
            ok = linked and _lower_unknown_ok(text, s, e, doc, subject=False) and \
                not low.endswith(("ed", "s"))
        if ok:
            yield Detection(s, e, "PERSON", text[s:e], "rule", 0.8)
    for rx in (_PAIR_RE, _IT_WAS_RE, _POSS_ROLE_RE, _TOPIC_RE, _HERE_RE):
        for m in rx.finditer(text):
            name, s, e = m.group("name"), m.start("name"), m.end("name")
            low = name.lower()
            if low in _NOT_NAME and low not in AMBIGUOUS_NAMES:
                continue
            if low in FIRST_NAMES or low in AMBIGUOUS_NAMES or _lower_unknown_ok(text, s, e, doc, subject=False):
                yield Detection(s, e, "PERSON", text[s:e], "rule", 0.75)


def find_proper_nouns(doc: Any, text: str | None = None, propn: list[int] | None = None
                      ) -> Iterator[Detection]:
    """Runs of capitalised words the tagger calls proper nouns that nothing else explains:
    names by default, places after a place preposition. Low score; the allow-list and
    merging prune them."""
    if doc is None:
        return
    from .ner import _locative  # local: keeps the module graph acyclic

    text = doc.text if text is None else text
    runs: list[list[Any]] = []
    for i in (_propn_indices(doc) if propn is None else propn):
        tok = doc[i]
        low = tok.lower_
        if not tok.is_alpha or len(low) < 2 or low in _NOT_NAME or low in _NOT_PERSON:
            continue
        if tok.ent_type_ in _PROPN_SKIP_ENTS or (low in AMBIGUOUS_NAMES and tok.is_sent_start):
            continue
        if runs and runs[-1][-1].i == i - 1:
            runs[-1].append(tok)
        elif i > 0 and doc[i - 1].lower_ == "the":
            continue
        else:
            runs.append([tok])
    for run in runs:
        s, e = run[0].idx, run[-1].idx + len(run[-1].text)
        label = "LOCATION" if _locative(doc, run[0].i) else "PERSON"
        yield Detection(s, e, label, text[s:e], "ner", 0.5)


def extend_with_title(text: str, det: Detection) -> Detection:
    """Grow a PERSON span leftwards over a title ("Patel" -> "Dr Patel"), not over "my sister"."""
    m = re.search(r"(?<![\w'])(" + "|".join(TITLES) + r")\.?\s+$", text[max(0, det.start - 14):det.start],
                  re.IGNORECASE)
    if not m:
        return det
    title = m.group(1).lower()
    start = det.start - (len(text[max(0, det.start - 14):det.start]) - m.start())
    before = text[max(0, start - 12):start].lower().split()
    if title in ROLE_WORDS and before and before[-1] in _POSSESSIVES | {"the", "a", "an", "this"}:
        return det
    if title not in STRONG_TITLES and not m.group(1)[0].isupper():
        return det
    return Detection(start, det.end, det.label, text[start:det.end], det.source, det.score)


def role_phrase_follows(text: str, end: int) -> bool:
    """True if "..., the driver" / "is my daughter" follows position ``end``."""
    return bool(_AFTER_ROLE_RE.match(text[end:end + 40]))


def _norm_name(name: str) -> str:
    return " ".join(str(name).replace("’", "'").casefold().split())


def name_hash(name: str, salt: str) -> str:
    """Keyed hash of a project name (case and spacing folded), as stored in the project file."""
    import hashlib
    import hmac

    return hmac.new(salt.encode("utf-8"), _norm_name(name).encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def hashed_name_entry(name: str, label: str, salt: str) -> dict:
    """A project name in the form kept in the project file: ``{"hash", "salt", "words", "label"}``.

    ``NameList`` matches such entries by hashing the word runs of a text, so the name itself
    need not be written anywhere the analysis data goes."""
    return {"hash": name_hash(name, salt), "salt": salt, "words": len(_norm_name(name).split()),
            "label": label}


_HASH_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


class NameList:
    """The project's own names, matched case-insensitively on word boundaries.

    Entries are names (``CUSTOM``), ``(name, label)`` pairs (tuples, or two-item lists as they come
    back from JSON), ``{"name": ..., "label": ...}`` dicts, or hashed entries made by
    :func:`hashed_name_entry`.
    """

    def __init__(self, names: Iterable = ()):
        entries: dict[str, str] = {}
        hashed: dict[str, dict[str, str]] = {}  # salt -> hash -> label
        sizes: set[int] = set()
        for item in names:
            label = "CUSTOM"
            if isinstance(item, dict):
                if "hash" in item:
                    hashed.setdefault(str(item.get("salt", "")), {})[str(item["hash"])] = \
                        str(item.get("label") or "CUSTOM")
                    sizes.add(max(1, int(item.get("words", 1) or 1)))
                    continue
                name, label = item.get("name", ""), item.get("label") or "CUSTOM"
            elif isinstance(item, (tuple, list)):
                name, label = (item[0], item[1]) if len(item) > 1 else (item[0] if item else "", "CUSTOM")
            else:
                name = item
            name = " ".join(str(name).split())
            if name:
                entries[name.casefold()] = str(label)
        self.entries = entries
        self.hashed = hashed
        self._sizes = sorted(sizes, reverse=True)
        if entries:
            body = "|".join(
                r"\s+".join(map(re.escape, n.split()))
                for n in sorted(entries, key=len, reverse=True)
            )
            self._pattern: re.Pattern[str] | None = re.compile(rf"(?<![\w'-])(?:{body})(?![\w-])", re.IGNORECASE)
        else:
            self._pattern = None

    def __bool__(self) -> bool:
        return bool(self.entries) or bool(self.hashed)

    def find(self, text: str) -> Iterator[Detection]:
        if self._pattern is not None:
            for m in self._pattern.finditer(text):
                label = self.entries.get(" ".join(m.group().casefold().split()), "CUSTOM")
                yield Detection(m.start(), m.end(), label, m.group(), "list", 0.95)
        if self.hashed:
            yield from self._find_hashed(text)

    def _find_hashed(self, text: str) -> Iterator[Detection]:
        tokens = list(_HASH_TOKEN.finditer(text))
        taken_until = 0
        for i, first in enumerate(tokens):
            if first.start() < taken_until:
                continue
            hit = None
            for n in self._sizes:
                if i + n > len(tokens):
                    continue
                run = tokens[i:i + n]
                if any(not text[a.end():b.start()].isspace() for a, b in zip(run, run[1:])):
                    continue
                key = " ".join(t.group() for t in run)
                candidates = [(key, run[-1].end())]
                low = key.casefold().replace("’", "'")
                if low.endswith("'s"):
                    candidates.append((key[:-2], run[-1].end() - 2))
                for cand, end in candidates:
                    for salt, table in self.hashed.items():
                        label = table.get(name_hash(cand, salt))
                        if label is not None:
                            hit = (end, label)
                            break
                    if hit:
                        break
                if hit:
                    break
            if hit:
                end, label = hit
                taken_until = end
                yield Detection(first.start(), end, label, text[first.start():end], "list", 0.95)


def person_rule_detections(text: str, doc: Any = None, gazetteer: bool = True) -> list[Detection]:
    out = list(find_titled_names(text, doc))
    out.extend(find_role_names(text, doc))
    out.extend(find_context_names(text, doc))
    if doc is not None:
        propn = _propn_indices(doc)
        out.extend(find_appositive_names(doc, text, propn))
        out.extend(find_proper_nouns(doc, text, propn))
    if gazetteer:
        out.extend(find_gazetteer_names(text, doc))
    return out

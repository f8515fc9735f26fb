"""Terms the analysis needs, which are never replaced even when a detector flags them."""

from __future__ import annotations

import re
from collections.abc import Iterable

DEFAULT_ALLOW_LIST: tuple[str, ...] = (
    # hospitals and NHS sites in LLR
    "Leicester Royal Infirmary", "Royal Infirmary", "the Royal", "LRI", "Glenfield Hospital",
    "Glenfield", "Leicester General Hospital", "Leicester General", "the General", "LGH",
    "Loughborough Hospital", "Loughborough Community Hospital", "Hinckley Community Hospital",
    "Hinckley and Bosworth Community Hospital", "Melton Mowbray Hospital",
    "Melton Hospital", "Rutland Memorial Hospital", "St Luke's Hospital",
    "Coalville Community Hospital", "Feilding Palmer Hospital", "Bradgate Unit",
    "Leicester Diabetes Centre", "Kensington Building", "Osborne Building",
    "Windsor Building", "Balmoral Building", "Jarvis Building", "Brandon Unit",
    "Leicester Hospitals", "University Hospitals of Leicester", "UHL",
    # county-level places and above
    "Leicester", "Leicestershire", "Rutland", "LLR", "Leicester City", "City", "County",
    "East Midlands", "Midlands", "England", "UK", "United Kingdom", "Britain",
    "Great Britain",
    # NHS bodies, services and providers at system level
    "NHS", "NHS England", "ICB", "CCG", "Integrated Care Board", "EMAS",
    "East Midlands Ambulance Service", "PTS", "NEPTS", "Patient Transport Service",
    "Patient Transport", "Non-Emergency Patient Transport", "PALS", "111", "NHS 111", "999",
    "GP", "A&E", "A and E", "ED", "Emergency Department", "Healthwatch", "DVLA", "Blue Badge",
    "Age UK", "Arriva", "Arriva Transport Solutions", "TASL", "Thames Ambulance Service",
    "Thames Ambulance", "Royal Voluntary Service", "Red Cross", "British Red Cross",
    "Marie Curie", "Marie Currie", "Macmillan", "Samaritans", "Mind", "Citizens Advice",
    # acronyms and national brands that carry no identifying value
    "DOB", "D.O.B", "ICU", "ITU", "HDU", "CCU", "MRI", "CT", "ECG", "OT", "A and E", "DNA",
    "Covid", "Covid-19", "Uber", "Tesco", "Asda", "Sainsbury's", "Morrisons", "Aldi", "Lidl",
    "Boots", "Specsavers", "Amazon", "Google", "Facebook", "WhatsApp", "BT", "Post Office",
    "Motability", "Zimmer", "Zimmer frame", "Parkinson's", "Alzheimer's", "Crohn's",
    # roles
    "driver", "drivers", "nurse", "nurses", "carer", "carers", "escort", "escorts", "patient",
    "patients", "crew", "crews", "controller", "controllers", "doctor", "consultant",
    "paramedic", "receptionist", "call handler", "porter", "volunteer",
    # days, months and times of day
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Christmas", "Easter", "Bank Holiday",
    # touchpoints and clinical services
    "booking", "eligibility", "eligibility check", "pick-up", "pickup", "collection",
    "journey", "arrival", "discharge", "discharge lounge", "transport lounge", "outpatients",
    "dialysis", "renal", "renal unit", "oncology", "chemo", "chemotherapy", "radiotherapy",
    "cardiology", "physio", "physiotherapy", "fracture clinic", "eye clinic", "x-ray",
    "day case", "day surgery", "main reception", "ward", "wheelchair", "stretcher",
    "ambulance", "taxi", "minibus", "volunteer car", "hospital", "the hospital",
    # speaker labels and transcription marks
    "Interviewer", "Interviewee", "Participant", "Respondent", "Speaker", "Facilitator",
    "Inaudible", "Crosstalk", "Laughs", "Laughter",
)

_WORD = r"[\w'&-]"


def _norm(term: str) -> str:
    return " ".join(term.casefold().split())


class AllowList:
    """A case-insensitive phrase list; ``protected_spans`` finds its occurrences in a text.

    A term written with a leading ``=`` ("=0116 496 0123") is also an *exact* term: a detection
    whose whole text is that term is dropped whatever its label. Reviewers' rejections are
    recorded this way, so a decision on one string re-applies on re-import without letting a
    plain allow-list phrase hide a phone number or NHS number that merely contains it.
    """

    def __init__(self, terms: Iterable[str] = DEFAULT_ALLOW_LIST):
        plain: set[str] = set()
        exact: set[str] = set()
        for t in terms:
            if not t or not str(t).strip():
                continue
            t = str(t).strip()
            if t.startswith("="):
                t = _norm(t[1:])
                if t:
                    exact.add(t)
                    plain.add(t)
            else:
                plain.add(_norm(t))
        self.terms: frozenset[str] = frozenset(plain)
        self.exact: frozenset[str] = frozenset(exact)
        ordered = sorted(self.terms, key=len, reverse=True)
        if ordered:
            body = "|".join(r"\s+".join(map(re.escape, t.split())) for t in ordered)
            # a possessive belongs to the term ("the Glenfield's usually good")
            self._pattern: re.Pattern[str] | None = re.compile(rf"(?<!{_WORD})(?:{body})(?:['’]s)?(?!{_WORD})", re.IGNORECASE)
        else:
            self._pattern = None

    def extended(self, terms: Iterable[str]) -> "AllowList":
        """A new allow-list with ``terms`` added."""
        return AllowList([*self.terms, *(f"={t}" for t in self.exact), *terms])

    def __contains__(self, term: str) -> bool:
        return _norm(_strip_article(term)) in self.terms or _norm(term) in self.terms

    def __len__(self) -> int:
        return len(self.terms)

    def protected_spans(self, text: str) -> list[tuple[int, int]]:
        """Non-overlapping (start, end) spans of allow-listed phrases, longest match first."""
        if self._pattern is None:
            return []
        return [(m.start(), m.end()) for m in self._pattern.finditer(text)]


def _strip_article(term: str) -> str:
    t = term.strip()
    low = t.lower()
    for art in ("the ", "a ", "an "):
        if low.startswith(art):
            return t[len(art):]
    return t


def as_allow_list(value: "AllowList | Iterable[str] | None") -> AllowList:
    """Accept an ``AllowList``, any iterable of terms, or ``None`` (empty)."""
    if isinstance(value, AllowList):
        return value
    if value is None:
        return AllowList(())
    if isinstance(value, str):
        return AllowList((value,))
    return AllowList(value)

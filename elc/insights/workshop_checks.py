"""Checks for what a challenge workshop records: roles normalised, names refused, findings resolved.

The workshop record goes to the committee, so people in the room are counted by role and
community, never named: text that looks like a person's name ("Jane Smith", "Dr Patel") is
refused where a role or a "raised by" is expected.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from elc.errors import ElcError

#: Canonical roles and the words people write for them (lower case).
ROLE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "commissioner": ("commissioners", "commissioning", "icb", "ccg", "contract manager", "contract managers",
                     "commissioning manager"),
    "provider": ("providers", "transport provider", "provider staff", "provider manager", "the provider"),
    "trust": ("nhs trust", "hospital", "hospital trust", "trust staff", "acute trust"),
    "partner": ("partners", "council", "local authority", "voluntary sector", "healthwatch", "partner organisation"),
    "person who uses the service": ("patient", "patients", "passenger", "passengers", "service user",
                                    "service users", "people who use the service", "person with lived experience",
                                    "lived experience", "people who use the services"),
    "carer": ("carers", "family carer", "family carers", "escort", "escorts"),
    "staff": ("nhs staff", "staff member"),
    "driver": ("drivers", "crew", "crews"),
}
ROLES = tuple(ROLE_SYNONYMS)
_ROLE_INDEX = {alias: role for role, aliases in ROLE_SYNONYMS.items() for alias in (role, *aliases)}

# Words that make a capitalised phrase a role or a team rather than a person ("Contract Manager").
_NOT_NAME = set(" ".join(_ROLE_INDEX).split()) | {
    "team", "manager", "managers", "lead", "nurse", "nurses", "officer", "director", "service", "services",
    "transport", "care", "home", "homes", "group", "board", "health", "people", "user", "users", "the", "of", "and",
    "for", "with", "control", "room", "ward", "unit", "clinic", "renal", "discharge", "lounge", "planning", "quality",
    "operations", "community", "sector", "city", "county", "ambulance", "liaison", "experience", "person", "family",
    "patient", "nhs", "estates", "receptionist", "coordinator", "clerk", "bed", "flow", "day", "outpatient",
    "outpatients", "member", "members", "representative", "rep", "chair", "committee", "scrutiny", "public",
    "engagement", "volunteer", "volunteers", "contract", "contracts", "finance", "clinical", "trust", "council",
}
_TITLE = r"(?:mr|mrs|ms|miss|mx|dr|prof|sister|nurse)\.?"
_WORD = r"[A-Z][a-z'’\-]+"


class WorkshopError(ElcError):
    """A workshop record is invalid: one line per problem; nothing was recorded."""

    def __init__(self, problems: list[str], header: str = ""):
        self.problems = list(problems)
        lines = ([header] if header else []) + self.problems
        super().__init__("\n".join(lines))


def normalise_role(text: str) -> str:
    """Lower case, single spaces, a known synonym mapped to its role ("Commissioners" -> "commissioner")."""
    low = " ".join(str(text or "").split()).strip(" .;:,").lower()
    return _ROLE_INDEX.get(low, low)


def looks_like_name(text: str) -> bool:
    """True for "Jane Smith", "Dr Patel", "mrs jones": a title and a word, or two or three capitalised
    words none of which is a role/team word."""
    t = " ".join(str(text or "").split())
    if not t:
        return False
    if re.fullmatch(rf"{_TITLE}\s+[A-Za-z'’\-]+(?:\s+[A-Za-z'’\-]+)?", t, flags=re.IGNORECASE):
        return True
    if not re.fullmatch(rf"{_WORD}(?:\s+{_WORD}){{1,2}}", t):
        return False
    return not any(w.lower().strip("'’-") in _NOT_NAME for w in t.split())


def no_name(text: str, what: str) -> str | None:
    """A problem sentence when ``text`` looks like a person's name, else None."""
    if looks_like_name(text):
        return f"{what} '{text}' looks like a person's name; record roles and communities, never names"
    return None


def check_date(value) -> str:
    """An ISO date (YYYY-MM-DD) from text or a date; "" stays ""."""
    if value in (None, ""):
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[ T][\d:.]*)?", text):
            raise ValueError(text)
        return _dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise ElcError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def check_count(value, what: str, minimum: int) -> int | None:
    """A whole number >= ``minimum`` from an int/float/text; None for blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ElcError(f"{what} '{value}' is not a whole number")
    try:
        f = float(str(value).strip())
    except ValueError:
        raise ElcError(f"{what} '{value}' is not a whole number") from None
    if f != int(f):
        raise ElcError(f"{what} '{value}' is not a whole number")
    if int(f) < minimum:
        raise ElcError(f"{what} must be at least {minimum} (not {int(f)})")
    return int(f)


# ---------------------------------------------------------------------------- findings
@dataclass(frozen=True)
class Finding:
    """A finding discussed in the room, in its stored form (see schema ``workshop_challenges``)."""

    kind: str  # change | cell | theme | note
    key: str  # "change:3", "cell:Journey home|carers", "theme:waiting", "note:..."
    label: str  # for people: "change 3: Make sure ...", "Journey home × Family carers and escorts"


class FindingResolver:
    """Resolves what people write for a finding against the project (programme, changes, themes)."""

    def __init__(self, programme, changes_df, theme_labels: list[str]):
        self.communities = {c.key.lower(): c for c in programme.communities}
        self.communities.update({c.name.lower(): c for c in programme.communities})
        self.touchpoints = {t.name.lower(): t for t in programme.touchpoints}
        self.changes = {int(i): t for i, t in zip(changes_df.id, changes_df.title)}
        self.by_title = {t.lower(): int(i) for i, t in zip(changes_df.id, changes_df.title)}
        self.themes = {str(t).lower(): str(t) for t in theme_labels}

    def change(self, ref) -> int:
        text = str(ref).strip()
        if text.isdigit() and int(text) in self.changes:
            return int(text)
        if text.lower() in self.by_title:
            return self.by_title[text.lower()]
        raise ElcError(f"no change '{text}' (an id or exact title)")

    def cell(self, touchpoint: str, community: str) -> Finding:
        tp = self.touchpoints.get(" ".join(str(touchpoint).split()).lower())
        if tp is None:
            raise ElcError(f"'{touchpoint}' is not a touchpoint of this programme")
        comm = self.communities.get(" ".join(str(community).split()).lower())
        if comm is None:
            raise ElcError(f"'{community}' is not a community of this programme")
        if tp.family != comm.family:
            raise ElcError(f"'{tp.name}' was not asked of {comm.name} (a {tp.family} touchpoint)")
        return Finding("cell", f"cell:{tp.name}|{comm.key}", f"{tp.name} × {comm.name}")

    def resolve(self, text: str) -> Finding:
        """``change:ID|TITLE``, ``cell:TOUCHPOINT|COMMUNITY``, ``theme:LABEL`` or ``note:TEXT``."""
        kind, _, rest = str(text or "").partition(":")
        kind, rest = kind.strip().lower(), rest.strip()
        if not rest:
            raise ElcError(f"'{text}' is not a finding (change:ID, cell:TOUCHPOINT|COMMUNITY, theme:LABEL or note:TEXT)")
        if kind == "change":
            cid = self.change(rest)
            return Finding("change", f"change:{cid}", f"change {cid}: {self.changes[cid]}")
        if kind == "cell":
            tp, sep, comm = rest.partition("|")
            if not sep:
                raise ElcError(f"a cell is written cell:TOUCHPOINT|COMMUNITY (not '{text}')")
            return self.cell(tp, comm)
        if kind == "theme":
            if not self.themes:
                raise ElcError("there is no theme run to challenge a theme of (run 'elc themes PROJECT')")
            label = self.themes.get(rest.lower())
            if label is None:
                raise ElcError(f"'{rest}' is not a theme of the latest theme run")
            return Finding("theme", f"theme:{label}", f"theme: {label}")
        if kind == "note":
            return Finding("note", f"note:{' '.join(rest.split())}", f"note: {' '.join(rest.split())}")
        raise ElcError(f"'{text}' is not a finding (change:ID, cell:TOUCHPOINT|COMMUNITY, theme:LABEL or note:TEXT)")

    def label(self, key: str) -> str:
        """A stored finding key as people read it (kept readable if the change has since gone)."""
        try:
            return self.resolve(key).label
        except ElcError:
            return key


__all__ = ["ROLES", "ROLE_SYNONYMS", "WorkshopError", "normalise_role", "looks_like_name", "no_name",
           "check_date", "check_count", "Finding", "FindingResolver"]

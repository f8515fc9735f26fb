"""Speaker roles: who is the interviewer, who the participant, and the labels stored for them.

Speaker labels from a file can be real names ("Jane Doe  0:03"). They are replaced by role
labels (``Interviewer``, the participant id, ``Wife``, ``Speaker 3``) before anything is
de-identified or stored, so one person always gets one label and no name is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from elc.domain import Turn

INTERVIEWER = re.compile(r"^(interviewer|int|i|q|question|researcher|facilitator|moderator|r\d{0,2}|res)\.?$", re.I)
PARTICIPANT_ID = re.compile(r"^[A-Z]{1,3}\d{1,4}$")
# Speaker labels that name a role, not a person, for any programme: service users and their
# families, and transport, clinical, supplier, hospital, social care and voluntary staff.
SERVICE_ROLES = {"patient", "service user", "user", "resident", "client", "carer", "family carer", "driver", "nurse",
                 "crew", "staff", "escort", "controller", "planner", "manager", "engineer", "technician",
                 "call handler", "clinician", "doctor", "gp", "consultant", "physio", "physiotherapist", "therapist",
                 "occupational therapist", "pharmacist", "social worker", "reablement worker", "support worker",
                 "care worker", "discharge coordinator", "coordinator", "care home manager", "ward manager",
                 "volunteer", "commissioner", "contract manager", "provider"}
PARTICIPANT_WORDS = {"participant", "p", "respondent", "interviewee", "a", "answer"} | SERVICE_ROLES
ROLE_WORDS = {"wife", "husband", "daughter", "son", "mum", "mother", "dad", "father", "partner", "friend",
              "sister", "brother", "neighbour", "colleague", "interpreter", "grandson", "granddaughter", "relative",
              "family member", "advocate", "speaker", "unknown", "other", "background"} | SERVICE_ROLES
GENERIC = re.compile(r"^(speaker|spk|person|voice|unknown|guest)\s*\d*$", re.I)


def normalise(name: str | None) -> str:
    return " ".join((name or "").casefold().split())


def is_generic(label: str | None) -> bool:
    """Labels that say nothing about who speaks ("Speaker 1", "P07", "Wife", "Interviewer")."""
    text = (label or "").strip()
    low = text.lower()
    return (not text or bool(GENERIC.match(text) or PARTICIPANT_ID.match(text) or INTERVIEWER.match(low))
            or low in ROLE_WORDS or low in PARTICIPANT_WORDS)


def classify_roles(turns: list[Turn], interviewer_hint: str | None = None,
                   participant_hint: str | None = None,
                   interviewers: Iterable[str] = ()) -> dict[str | None, str]:
    """Map each speaker label to interviewer / participant / other. ``interviewers`` are labels
    known (given, remembered or detected) to be the interviewer."""
    words: dict[str | None, int] = {}
    for t in turns:
        words[t.speaker] = words.get(t.speaker, 0) + len(t.text.split())
    known = {normalise(n) for n in interviewers if n}
    if interviewer_hint:
        known.add(normalise(interviewer_hint))
    roles: dict[str | None, str] = {}
    if participant_hint and participant_hint in words:
        roles[participant_hint] = "participant"
    for label in words:
        if label in roles:
            continue
        low = (label or "").strip().lower()
        if label and (INTERVIEWER.match(low) or normalise(label) in known):
            roles[label] = "interviewer"
    candidates = [lb for lb in words if lb not in roles]
    if candidates and "participant" not in roles.values():
        def score(lb):
            text = (lb or "").strip()
            strong = PARTICIPANT_ID.match(text) or text.lower() in PARTICIPANT_WORDS
            return (1 if strong else 0, words[lb])
        main = max(candidates, key=score)
        roles[main] = "participant"
    for lb in candidates:
        roles.setdefault(lb, "other")
    return roles


def display_label(label: str | None, role: str, participant: str | None, others: dict[str, str]) -> str:
    """Speaker label as stored: interviewer/participant normalised, names never kept."""
    if role == "interviewer":
        return "Interviewer"
    if role == "participant":
        return participant or "Participant"
    text = (label or "").strip()
    if text.lower() in ROLE_WORDS or PARTICIPANT_ID.match(text):
        return text.capitalize() if text.islower() else text
    return others.setdefault(text, f"Speaker {len(others) + 2}")


def stored_labels(turns: list[Turn], roles: dict[str | None, str], participant: str | None) -> dict[str | None, str]:
    """Speaker label in the file -> label stored, in order of first appearance."""
    others: dict[str, str] = {}
    out: dict[str | None, str] = {}
    for t in turns:
        if t.speaker not in out:
            out[t.speaker] = display_label(t.speaker, roles.get(t.speaker, "other"), participant, others)
    return out


def speaker_names(turns: list[Turn]) -> list[str]:
    """Speaker labels that are people's names ("Jane Doe"), not roles or ids: de-identification
    looks for them in the text too ("thanks, Jane")."""
    from elc.ingest.layouts.speaker_line import _name_ok

    seen = dict.fromkeys(t.speaker.strip() for t in turns if t.speaker)
    return [s for s in seen if not is_generic(s) and _name_ok(s) and s.lower() not in NOT_NAMES]


NOT_NAMES = {"question", "answer", "note", "notes", "summary"}

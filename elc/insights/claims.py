"""Claims in a change's rationale: which are the programme team's judgement, which are computed.

A rationale is written in advance by people, so by default it reads as the programme team's
judgement. It *cites evidence* only through placeholders the evidence fills in when the output is
made, so no number in it is typed:

    rationale: "{to_improve} of {of} participants asked about it said pick-up windows need to improve."

Placeholders: ``{participants}`` (who raised it), ``{of}`` (coded participants asked),
``{to_improve}``, ``{working_well}``, ``{both}``. Typed counts ("8 of 16", "60%") and
quantified claims about people ("most passengers", "the single thing ... asked for") are
reported as unchecked claims.
"""

from __future__ import annotations

import re

PLACEHOLDERS = ("participants", "of", "to_improve", "working_well", "both")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
# Groups a claim can quantify ("most passengers", "every service user"): any programme's people and staff.
_GROUPS = ("participant", "respondent", "interviewee", "patient", "(?:service )?user", "resident", "client", "carer",
           "relative", "parent", "colleague", "passenger", "driver", "crew", "nurse", "doctor", "gp", "clinician",
           "consultant", "therapist", "engineer", "technician", "call handler", "social worker",
           "(?:reablement |support |care )?worker", "coordinator", "manager", "provider", "care home", "volunteer",
           "commissioner", "practice", "team")
_PEOPLE = r"(?:people|staff|famil(?:y|ies)|(?:" + "|".join(_GROUPS) + r")s?)"
_CLAIMS = [
    re.compile(r"\b\d+(?:\.\d+)?\s*(?:%|per ?cent)", re.I),
    re.compile(r"\b\d+\s+(?:of|in|out of)\s+(?:the\s+)?\d+\b", re.I),
    re.compile(r"\b(?:most|the majority of|almost all|nearly all|all|every|everyone|nobody|no one|half of|"
               r"many|few)\s+(?:(?:of the|of|the|our|frail|regular|frequent|older)\s+)?" + _PEOPLE + r"\b", re.I),
    re.compile(r"\bthe (?:single|one|main|biggest|top) thing\b[^.;]*", re.I),
]


def cites_evidence(text: str) -> bool:
    """Whether the rationale draws any figure from the evidence (has a placeholder)."""
    return bool(_PLACEHOLDER.search(text or ""))


def unchecked_claims(text: str) -> list[str]:
    """Typed numbers and quantified claims about people in ``text`` (placeholders excluded)."""
    body = _PLACEHOLDER.sub("", text or "")
    spans = [(m.start(), m.end()) for pattern in _CLAIMS for m in pattern.finditer(body)]
    keep = [(a, b) for a, b in spans if not any(c <= a and b <= d and (c, d) != (a, b) for c, d in spans)]
    return [" ".join(body[a:b].split()) for a, b in sorted(set(keep))]


def render_rationale(text: str, n: int, of: int, ti: int, ww: int, both: int) -> str:
    """The rationale with its placeholders filled from the evidence."""
    values = {"participants": n, "of": of, "to_improve": ti, "working_well": ww, "both": both}
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text or "")


__all__ = ["PLACEHOLDERS", "cites_evidence", "unchecked_claims", "render_rationale"]

"""Read a person's role from the words around a mention ("my daughter Sharon" -> Daughter)."""

from __future__ import annotations

import re

from .lexicon import ROLE_WORDS, TITLES

_ROLE_ALT = "|".join(sorted((re.escape(r) for r in ROLE_WORDS), key=len, reverse=True))
_LEFT = re.compile(
    rf"(?<![\w'-])(?P<role>{_ROLE_ALT})s?\s*,?\s*"
    r"(?:(?:who\s+is|who's|was|is)\s+)?"
    r"(?:(?:called|named|name\s+was|name\s+is|name's|known\s+as|by\s+the\s+name\s+of)\s+)?$",
    re.IGNORECASE,
)
_RIGHT = re.compile(
    r"^\s*,?\s*(?:(?:who\s+is|who's|who\s+was|is|was)\s+)?(?:my|our|his|her|their|the|a|an)\s+"
    rf"(?:[a-z]+\s+)?(?P<role>{_ROLE_ALT})s?\b",
    re.IGNORECASE,
)
_TITLE = re.compile(r"^(?P<title>" + "|".join(sorted(TITLES, key=len, reverse=True)) + r")\.?\s",
                    re.IGNORECASE)
_POSSESSIVE_BEFORE = re.compile(r"(?:my|our|his|her|their|your|the|a|an|this)\s+$", re.IGNORECASE)


def _stem(word: str) -> str | None:
    low = word.lower()
    return ROLE_WORDS.get(low) or ROLE_WORDS.get(low.rstrip("s"))


def infer_role(text: str, start: int, end: int) -> str | None:
    """The role stem ("Daughter", "Driver", "Doctor", "Nurse" ...) for the mention, if any."""
    surface = text[start:end]
    t = _TITLE.match(surface + " ")
    if t:
        title = t.group("title").lower()
        if not (title in ROLE_WORDS and _POSSESSIVE_BEFORE.search(text[max(0, start - 12):start])):
            role = TITLES[title]
            if role:
                return role
    left = _LEFT.search(text[max(0, start - 60):start])
    if left:
        word = left.group("role")
        # "my sister Jean" is kin, "Sister Okafor" (no determiner) is a ward sister
        if word.lower() == "sister" and word[0].isupper():
            before = text[max(0, start - 60):start][: left.start()]
            if not _POSSESSIVE_BEFORE.search(before):
                return "Nurse"
        return _stem(word)
    right = _RIGHT.match(text[end:end + 50])
    if right:
        return _stem(right.group("role"))
    return None

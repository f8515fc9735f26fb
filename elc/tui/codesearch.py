"""Ranking codes for the picker: what the researcher typed decides, fuzzy matching only helps.

A picker that highlights a weak fuzzy match applies the wrong code on Enter ("Language and
interpreting" -> "Transport logistics and planning" because both contain "and"). So matches are
ranked in tiers (exact name, name prefix, every typed word starting a word of the name, substring,
every typed word a near-typo of a word of the name, every typed word in the definition or keywords,
then loose fuzzy matches on the name and the definition), and only a *strong* match may be
highlighted for Enter; anything else needs an explicit choice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

TIERS = ("exact", "prefix", "words", "substring", "typo", "keywords", "fuzzy", "definition")
STRONG_FUZZY = 90.0  # a name this close is a typo of it ("waitng and delays")
WORD_TYPO = 80.0  # every typed word this close to a word of the name: "escrot ineligble"
WORD_KEYWORD = 90.0  # every typed word (near-)exactly in the definition or keywords: "chase phone"
MIN_SCORE = 60.0


class _Code(Protocol):
    """What ranking reads of a code (read-only, so any code record with these fields fits)."""

    @property
    def name(self) -> str: ...

    @property
    def definition(self) -> str: ...

    @property
    def keywords(self) -> Sequence[str]: ...


C = TypeVar("C", bound=_Code)


@dataclass(frozen=True)
class CodeMatch(Generic[C]):
    code: C
    score: float  # 0-100, within the tier
    how: str  # one of TIERS

    @property
    def tier(self) -> int:
        return TIERS.index(self.how)

    @property
    def strong(self) -> bool:
        """Safe to pre-select for Enter: the typed text names this code, or is a near-certain typo of it."""
        return self.tier <= TIERS.index("keywords") or (self.how == "fuzzy" and self.score >= STRONG_FUZZY)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9][a-z0-9']*", text.lower())


def _content_words(text: str) -> list[str]:
    return [w for w in _words(text) if len(w) > 2]


def match_code(code: _Code, query: str) -> CodeMatch | None:
    """How (and how well) ``query`` names ``code``; None when it does not match at all."""
    from rapidfuzz import fuzz, process, utils

    q = " ".join(query.split())
    low, name = q.lower(), " ".join(code.name.split()).lower()
    if not low:
        return CodeMatch(code, 100.0, "exact")
    if name == low:
        return CodeMatch(code, 100.0, "exact")
    if name.startswith(low):
        return CodeMatch(code, 100.0 * len(low) / len(name), "prefix")
    typed, name_words = _words(low), _words(name)
    if typed and all(any(w.startswith(t) for w in name_words) for t in typed):
        return CodeMatch(code, 100.0 * len(typed) / max(1, len(name_words)), "words")
    if low in name:
        return CodeMatch(code, 100.0 * len(low) / len(name), "substring")
    terms = _content_words(low) or [low]
    content = _content_words(name)
    if content:
        best = [process.extractOne(t, content, scorer=fuzz.ratio)[1] for t in terms]
        if min(best) >= WORD_TYPO:
            return CodeMatch(code, sum(best) / len(best), "typo")
    vocab = _content_words(" ".join((code.definition or "", " ".join(code.keywords or ()))))
    defn = 0.0
    if vocab:
        best = [process.extractOne(t, vocab, scorer=fuzz.ratio)[1] for t in terms]
        if min(best) >= WORD_KEYWORD:
            return CodeMatch(code, sum(best) / len(best), "keywords")
        defn = 0.85 * sum(best) / len(best)
    fuzzy = fuzz.WRatio(q, code.name, processor=utils.default_process)
    if fuzzy >= MIN_SCORE and fuzzy >= defn:
        return CodeMatch(code, float(fuzzy), "fuzzy")
    if defn >= MIN_SCORE:
        return CodeMatch(code, float(defn), "definition")
    return None


def rank_codes(codes: Iterable[C], query: str, limit: int = 60) -> list[CodeMatch[C]]:
    """Codes matching ``query``, best first: by tier, then score, then the codebook's own order."""
    codes = list(codes)
    if not query.strip():
        return [CodeMatch(c, 100.0, "exact") for c in codes][:limit]
    found = [(i, m) for i, c in enumerate(codes) if (m := match_code(c, query)) is not None]
    found.sort(key=lambda im: (im[1].tier, -im[1].score, im[0]))
    return [m for _, m in found][:limit]

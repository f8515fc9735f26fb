"""Who is the interviewer in each transcript of a batch, and how that was decided.

In order: a label that says so (``Interviewer``, ``INT``, ``R1``...); a name given with
``--interviewer``, remembered by the project, or named in the manifest; a named speaker present
in every multi-speaker file of the batch; the speaker asking clearly the most questions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from elc.domain import RawTranscript
from elc.ingest.roles import INTERVIEWER, PARTICIPANT_ID, PARTICIPANT_WORDS, ROLE_WORDS, is_generic, normalise
from elc.store.interviewers import is_remembered

MIN_QUESTIONS = 2
QUESTION_MARGIN = 1.5  # the top asker must ask this many times more questions than the next


@dataclass
class Choice:
    labels: tuple[str, ...]  # speaker labels (as in the file) taken for the interviewer
    how: str  # "label", "given", "project list", "manifest", "in every file", "most questions",
    #           "none found", "none: one speaker", "none: typed notes"


def _speakers(tr: RawTranscript) -> list[str]:
    seen: dict[str, None] = {}
    for t in tr.turns:
        if t.speaker:
            seen.setdefault(t.speaker, None)
    return list(seen)


def common_speakers(transcripts: list[RawTranscript]) -> set[str]:
    """Named (non-generic) speakers present in every multi-speaker transcript of the batch."""
    sets = [{normalise(s) for s in _speakers(tr) if not is_generic(s)}
            for tr in transcripts if len(_speakers(tr)) >= 2]
    if len(sets) < 2:
        return set()
    return set.intersection(*sets)


def _questions(tr: RawTranscript, exclude: set[str]) -> Counter:
    asked: Counter = Counter()
    for t in tr.turns:
        if t.speaker and t.speaker not in exclude:
            asked[t.speaker] += t.text.count("?")
    return asked


def choose(tr: RawTranscript, participant: str | None, given: set[str], salt: str | None,
           keys: Iterable[str], manifest_hint: str | None, common: set[str]) -> Choice:
    speakers = _speakers(tr)
    by_label = tuple(s for s in speakers if INTERVIEWER.match(s.strip().lower()))
    if by_label:
        return Choice(by_label, "label")
    for how, test in (("given", lambda s: normalise(s) in given),
                      ("project list", lambda s: is_remembered(salt, keys, s)),
                      ("manifest", lambda s: bool(manifest_hint) and normalise(s) == normalise(manifest_hint))):
        found = tuple(s for s in speakers if test(s))
        if found:
            return Choice(found, how)
    if len(speakers) < 2:
        return Choice((), "none: typed notes" if tr.metadata.get("method") == "notes" else "none: one speaker")
    shared = tuple(s for s in speakers if normalise(s) in common)
    if len(shared) == 1:
        return Choice(shared, "in every file")
    exclude = {s for s in speakers if s == participant or PARTICIPANT_ID.match(s.strip())
               or s.strip().lower() in ROLE_WORDS or s.strip().lower() in PARTICIPANT_WORDS}
    ranked = _questions(tr, exclude).most_common(2)
    if ranked and ranked[0][1] >= MIN_QUESTIONS and (len(ranked) == 1 or ranked[0][1] >= QUESTION_MARGIN * ranked[1][1]):
        return Choice((ranked[0][0],), "most questions")
    return Choice((), "none found")

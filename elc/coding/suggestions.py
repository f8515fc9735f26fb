"""Stored code suggestions for a segment, and a coder's decisions on them.

The suggestion model (``elc.suggest``) writes rows to the ``suggestions`` table; this module
reads them for one segment and records what a coder did with them:

- :func:`suggestions_for` lists the suggestions for a segment, best first, hiding the ones this
  coder already decided (accepted or rejected) and codes they already applied to the segment;
- :func:`accept` applies the suggested code through :class:`~elc.coding.CodingSession`
  (``origin="suggestion"``, so it is logged and undoable like any coding) and records an
  ``accepted`` decision with the model's probability;
- :func:`reject` records a ``rejected`` decision: negative evidence for the next refit, and the
  suggestion stays hidden for that coder.

Pure functions over the project; no UI.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from elc.errors import CodingError
from elc.store import suggestions as stored
from elc.store.suggestions import ACCEPTED, REJECTED, decisions, segments_with_suggestions


def _field(row: Any, name: str):
    if isinstance(row, Mapping):
        return row[name]
    try:
        return row[name]  # pandas Series
    except (TypeError, KeyError, IndexError):
        return getattr(row, name)


def suggestions_for(project, segment_id: int, coder: str | None = None, *, include_decided: bool = False,
                    min_probability: float = 0.0) -> list[dict]:
    """Suggestions stored for one segment, most probable first.

    Each item: ``code_id, code, colour, probability, valence, valence_probability, model_version``.
    With a ``coder``, suggestions that coder accepted or rejected, and codes they already applied
    over this segment, are left out (unless ``include_decided``).
    """
    return stored.suggestions_for(project, segment_id, coder, include_decided, min_probability)


def accept(session, segment_row, code_id: int, valence: str | None = None, memo: str = "",
           span: tuple[int, int] | None = None) -> int:
    """Apply a suggested code to the whole unit and record the acceptance; returns the coding id.

    The unit is the segment, or the response a sentence belongs to when the suggestion was
    made for the response.

    ``segment_row`` is anything with ``id, source_id, start, end`` (a dict, a pandas row, a record).
    Without ``valence``, the suggestion's own valence is used when the model gave one. ``span``
    (start, end) codes a wider selection the researcher made around the unit instead.
    """
    project = session.project
    home, probability, suggested_valence = stored.suggestion_of(project, int(_field(segment_row, "id")), int(code_id))
    segment_id = int(home.id)
    chosen = valence or suggested_valence or "neutral"
    start, end = span if span is not None else (int(home.start), int(home.end))
    coding_id = session.apply(int(home.source_id), int(start), int(end), int(code_id), chosen,
                              memo, origin="suggestion")
    stored.record_acceptance(project, segment_id, int(code_id), session.coder, probability, coding_id)
    return coding_id


def reject(project, coder: str, segment_id: int, code_id: int) -> int:
    """Record that ``coder`` rejected suggesting ``code_id`` for ``segment_id``; returns the decision id."""
    if not coder or not coder.strip():
        raise CodingError("a coder name is needed to reject a suggestion")
    return stored.record_rejection(project, coder.strip(), int(segment_id), int(code_id))


__all__ = ["suggestions_for", "accept", "reject", "decisions", "segments_with_suggestions", "ACCEPTED", "REJECTED"]

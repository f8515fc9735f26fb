"""Coding actions: apply, remove, resize, valence, memo, undo/redo, suggestions accepted or
rejected, and adopting another coder's coding; each commits at once through
:class:`elc.coding.CodingSession` and tells the listeners (:class:`CodingEvent`)."""

from __future__ import annotations

from collections.abc import Callable

from elc.coding import CodingSession
from elc.coding import suggestions as suggest
from elc.errors import ElcError
from elc.store import workbench_reads
from elc.tui.controllers.codebook import CodebookController
from elc.tui.controllers.codes import CodesController
from elc.tui.controllers.records import VALENCE_LABEL, CodingEvent, CodingView, Sentence
from elc.tui.controllers.sources import SourcesController
from elc.tui.controllers.state import WorkbenchState


class CodingController:
    """One coder's coding actions on the project."""

    def __init__(self, state: WorkbenchState, session: CodingSession, sources: SourcesController,
                 codes: CodesController, edits: CodebookController):
        self.state = state
        self.project = state.project
        self.coder = state.coder
        self.session = session
        self.codebook = edits.codebook
        self.sources = sources
        self.codes = codes
        self.edits = edits
        self.listeners: list[Callable[[CodingEvent], None]] = []

    def _emit(self, event: CodingEvent) -> None:
        for fn in list(self.listeners):
            fn(event)

    def _changed(self, source_id: int | None) -> None:
        self.state.codings_changed()
        if source_id is not None:
            self.sources.source_codings(source_id)
            self.sources.refresh_progress(source_id)

    def apply(self, source_id: int, start: int, end: int, code_id: int, valence: str = "neutral",
              memo: str = "", origin: str = "manual") -> int:
        cid = self.session.apply(source_id, start, end, code_id, valence, memo, origin)
        self._changed(source_id)
        self._emit(CodingEvent("apply", self.coder, cid, source_id, code_id))
        return cid

    def _coding_source(self, coding_id: int) -> tuple[int, int, int, int] | None:
        return workbench_reads.coding_location(self.project, coding_id)

    def coding_location(self, coding_id: int) -> tuple[int, int, int, int] | None:
        """(source_id, start, end, code_id) of a coding, active or not."""
        return self._coding_source(coding_id)

    def remove(self, coding: CodingView) -> None:
        self.session.remove(coding.id)
        self._changed(coding.source_id)
        self._emit(CodingEvent("remove", self.coder, coding.id, coding.source_id, coding.code_id))

    def set_valence(self, coding: CodingView, valence: str) -> None:
        self.session.set_valence(coding.id, valence)
        self._changed(coding.source_id)
        self._emit(CodingEvent("valence", self.coder, coding.id, coding.source_id, coding.code_id))

    def set_memo(self, coding: CodingView, memo: str) -> None:
        self.session.set_memo(coding.id, memo)
        self._changed(coding.source_id)
        self._emit(CodingEvent("memo", self.coder, coding.id, coding.source_id, coding.code_id))

    def memo_on(self, kind: str, target: str) -> str:
        """This coder's memo on the project, a source, a participant or a code."""
        from elc.store.memos import MemoTarget, get_memo

        return get_memo(self.project, MemoTarget(kind, target), self.coder)

    def set_memo_on(self, kind: str, target: str, text: str) -> None:
        from elc.store.memos import MemoTarget, set_memo

        set_memo(self.project, MemoTarget(kind, target), self.coder, text)

    def resize(self, coding: CodingView, start: int, end: int) -> None:
        self.session.resize(coding.id, start, end)
        self._changed(coding.source_id)
        self._emit(CodingEvent("resize", self.coder, coding.id, coding.source_id, coding.code_id))

    def _undo_redo(self, which: str) -> dict | None:
        result = self.session.undo() if which == "undo" else self.session.redo()
        if result is None:
            return None
        loc = self._coding_source(result["coding_id"]) if result.get("coding_id") else None
        if loc:
            self._changed(loc[0])
            result = {**result, "source_id": loc[0], "start": loc[1], "end": loc[2], "code_id": loc[3]}
        self._emit(CodingEvent(which, self.coder, result.get("coding_id"), result.get("source_id"),
                               result.get("code_id")))
        return result

    def undo(self) -> dict | None:
        """Undo this coder's last coding action."""
        return self._undo_redo("undo")

    def undo_latest(self) -> dict | None:
        """Undo this coder's latest action: a coding action or a codebook edit, whichever came last
        (what `u` does in the workbench)."""
        edit = self.codebook.last_edit()
        if edit is not None:
            last_coding = self.session.last_undoable_ts()
            if last_coding is None or edit[1] >= last_coding:
                result = self.edits.undo_codebook_edit()
                assert result is not None  # last_edit() said there is one
                code = self.codes.code(result["code_id"])
                self._emit(CodingEvent("undo", self.coder, None, None, result["code_id"]))
                return {"action": f"codebook {result['action']}", "code_id": result["code_id"], "codebook": True,
                        "name": code.name if code else ""}
        return self._undo_redo("undo")

    def redo(self) -> dict | None:
        return self._undo_redo("redo")

    # ------------------------------------------------------------- suggestions
    def suggestions(self, sentence: Sentence) -> list[dict]:
        return suggest.suggestions_for(self.project, sentence.id, self.coder)

    def accept(self, source_id: int, sentence: Sentence, code_id: int, valence: str | None = None,
               span: tuple[int, int] | None = None) -> int:
        """Accept a suggestion made for ``sentence``, coding ``span`` (the whole selection) when given."""
        row = {"id": sentence.id, "source_id": source_id, "start": sentence.start, "end": sentence.end}
        cid = suggest.accept(self.session, row, code_id, valence, span=span)
        self._changed(source_id)
        self._emit(CodingEvent("accept", self.coder, cid, source_id, code_id, sentence.id))
        return cid

    def reject(self, source_id: int, sentence: Sentence, code_id: int) -> None:
        suggest.reject(self.project, self.coder, sentence.id, code_id)
        self._emit(CodingEvent("reject", self.coder, None, source_id, code_id, sentence.id))

    def codings_on(self, segment: dict, code_id: int, coder: str | None = None) -> list[CodingView]:
        """Codings of ``code_id`` overlapping a segment, by ``coder`` (default: this coder)."""
        coder = coder or self.coder
        return [c for c in self.sources.source_codings(segment["source_id"])
                if c.coder == coder and c.code_id == code_id and c.start < segment["end"] and segment["start"] < c.end]

    def own_codings_on(self, segment: dict, code_id: int) -> list[CodingView]:
        return self.codings_on(segment, code_id)

    def coder_valence(self, segment: dict, code: str, coder: str) -> str | None:
        """The valence ``coder`` gave ``code`` on ``segment`` (None if they did not apply it)."""
        code_id = self.project.code_id(code)
        found = self.codings_on(segment, code_id, coder) if code_id is not None else []
        return found[0].valence if found else None

    def adopt(self, segment: dict, code: str, applied: bool, valence: str | None, other: str | None = None) -> str:
        """Make this coder's coding of ``code`` on ``segment`` match the other coder's
        (``applied``/``valence`` are the other coder's); committed at once."""
        code_id = self.project.code_id(code)
        if code_id is None:
            raise ElcError(f"the code '{code}' no longer exists")
        if applied and valence not in VALENCE_LABEL and other:
            valence = self.coder_valence(segment, code, other)
        mine = self.own_codings_on(segment, code_id)
        if not applied:
            for c in mine:
                self.remove(c)
            return f"removed {len(mine)} coding{'s' if len(mine) != 1 else ''}"
        valence = valence if valence in VALENCE_LABEL else "neutral"
        if mine:
            for c in mine:
                if c.valence != valence:
                    self.set_valence(c, valence)
            return f"valence set to {VALENCE_LABEL[valence]}"
        self.apply(segment["source_id"], segment["start"], segment["end"], code_id, valence)
        return f"applied ({VALENCE_LABEL[valence]})"

    def drop_own(self, segment: dict, code: str) -> int:
        """Remove this coder's codings of ``code`` on ``segment``; returns how many."""
        code_id = self.project.code_id(code)
        mine = self.own_codings_on(segment, code_id) if code_id is not None else []
        for c in mine:
            self.remove(c)
        return len(mine)



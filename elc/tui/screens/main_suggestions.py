"""Suggestions on the coding screen: accept, choose, reject."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from elc.tui.controller import VALENCE_GLYPH, VALENCE_LABEL
from elc.tui.screens.dialogs import ChoiceScreen
from elc.tui.screens.main_view import MainView, guarded
from elc.tui.widgets.panes import add_swatch

if TYPE_CHECKING:
    _Base = MainView
else:
    _Base = object


class SuggestionActions(_Base):
    """Accepting and rejecting the suggested codes for the current sentence."""

    # ------------------------------------------------------------------ suggestions
    def current_suggestions(self) -> list[dict]:
        """Suggestions for the cursor sentence, read now (never a stale list from the last repaint)."""
        s = self.transcript.sentence
        return self.wb.suggestions(s) if s is not None else []

    @guarded
    def _accept(self, code_id: int) -> None:
        s = self.transcript.sentence
        sug = next((x for x in self.current_suggestions() if x["code_id"] == code_id), None)
        valence = None if sug and sug.get("valence") else self.default_valence
        i, j = self.transcript.selection_range()
        # a selection the researcher made (several sentences, or words) is what gets coded; else the unit
        span = self.transcript.selection_span() if (j > i or self.transcript.word_mode) else None
        if self.doc is None:
            return
        cid = self.wb.accept(self.doc.id, s, code_id, valence, span=span)
        self.target(cid)
        code = self.wb.code(code_id)
        i, j = self.transcript.selection_range()
        extent = f" on {j - i + 1} sentences" if j > i else (" on the selected words" if self.transcript.word_mode
                                                                else "")
        self.say("accepted ", ("  ", f"on {code.colour}"), " ", (code.name, "bold"), extent)
        self.after_coding()
        self.refresh_detail()

    def action_accept_suggestion(self) -> None:
        sugs = self.current_suggestions()
        if not sugs:
            self.app.notify("No suggestions for this sentence.", title="Suggestions")
            return
        self._accept(sugs[0]["code_id"])

    def action_choose_suggestion(self) -> None:
        sugs = self.current_suggestions()
        if not sugs:
            self.app.notify("No suggestions for this sentence.", title="Suggestions")
            return
        choices = []
        for sg in sugs:
            t = Text()
            t.append(f"{sg['probability']:.0%} ".rjust(5), style="bold")
            add_swatch(t, sg.get("colour"))
            t.append(sg["code"])
            if sg.get("valence"):
                t.append(f"  {VALENCE_GLYPH.get(sg['valence'], '')} {VALENCE_LABEL.get(sg['valence'], '')}",
                         style="dim")
            choices.append((str(sg["code_id"]), t))

        def chosen(code_id) -> None:
            if code_id:
                self._accept(int(code_id))

        self.app.push_screen(ChoiceScreen("Accept a suggestion", choices), chosen)

    @guarded
    def action_reject_suggestion(self) -> None:
        sugs = self.current_suggestions()
        if not sugs:
            self.app.notify("No suggestions for this sentence.", title="Suggestions")
            return
        top = sugs[0]
        if self.doc is None:
            return
        self.wb.reject(self.doc.id, self.transcript.sentence, top["code_id"])
        self.say("rejected suggestion ", (top["code"], "bold"))
        self.refresh_detail()
        self.refresh_status()


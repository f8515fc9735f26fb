"""The workbench controller: a thin adapter from the UI to ``elc.store`` and ``elc.coding``.

:class:`Workbench` composes the per-feature controllers of :mod:`elc.tui.controllers` (sources and
navigation, the code tree, codebook edits, coding actions, analysis reads, de-identification review,
the team watch) over one shared state, and keeps the single public API the screens and tests use:
``wb.apply(...)``, ``wb.codes(...)``, ``wb.search(...)``... each forwarded to the controller that owns
it. No Textual import here, so this module is testable and reusable without a terminal.
"""

from __future__ import annotations

from typing import Any

from elc.coding import Codebook, CodingSession
from elc.tui.controllers.analysis import AnalysisController
from elc.tui.controllers.codebook import CodebookController
from elc.tui.controllers.codes import CodesController
from elc.tui.controllers.coding import CodingController
from elc.tui.controllers.deid import DeidController
from elc.tui.controllers.records import (  # noqa: F401  (re-exported: the screens import them from here)
    OTHER_GLYPH, PROGRESS, PROGRESS_GLYPH, VALENCE_GLYPH, VALENCE_LABEL, WORD, CodeView, CodingEvent, CodingView,
    Passage, SearchHit, Sentence, SourceDoc, SourceRow, Turn, fuzzy_codes,
)
from elc.tui.controllers.sources import SourcesController
from elc.tui.controllers.state import WorkbenchState
from elc.tui.controllers.team import TeamController


class _Via:
    """``Workbench.name`` is ``Workbench.<part>.name``: one line per forwarded method or attribute."""

    def __init__(self, part: str):
        self.part = part
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return getattr(getattr(obj, self.part), self.name)


class Workbench:
    """One coder's view of a project: the state the UI reads and the actions it calls."""

    def __init__(self, project, coder: str, show_others: bool = False):
        self.project = project
        self.session = CodingSession(project, coder)
        self.coder = self.session.coder
        self.codebook = Codebook(project, self.coder)
        self.state = WorkbenchState(project, self.coder, show_others)
        self.sources = SourcesController(self.state)
        self.tree = CodesController(self.state, self.sources)
        self.edits = CodebookController(self.state, self.codebook)
        self.coding = CodingController(self.state, self.session, self.sources, self.tree, self.edits)
        self.analysis = AnalysisController(self.state, self.sources, self.tree)
        self.deid = DeidController(self.state, self.sources)
        self.team = TeamController(self.state)

    @property
    def show_others(self) -> bool:
        return self.state.show_others

    @show_others.setter
    def show_others(self, value: bool) -> None:
        self.state.show_others = value

    # sources and navigation
    communities = _Via("sources")
    source_order = _Via("sources")
    has_source = _Via("sources")
    source_info = _Via("sources")
    source_row = _Via("sources")
    source_rows = _Via("sources")
    load = _Via("sources")
    codings = _Via("sources")
    invalidate = _Via("sources")
    uncoded = _Via("sources")
    next_uncoded = _Via("sources")
    search = _Via("sources")
    # the code tree
    counts = _Via("tree")
    code = _Via("tree")
    codes = _Via("tree")
    all_codes = _Via("tree")
    code_map = _Via("tree")
    descendants = _Via("tree")
    # codebook edits
    add_code = _Via("edits")
    rename_code = _Via("edits")
    recolour_code = _Via("edits")
    define_code = _Via("edits")
    move_code = _Via("edits")
    merge_code = _Via("edits")
    undo_codebook_edit = _Via("edits")
    archive_code = _Via("edits")
    # coding actions
    listeners = _Via("coding")
    apply = _Via("coding")
    coding_location = _Via("coding")
    remove = _Via("coding")
    set_valence = _Via("coding")
    set_memo = _Via("coding")
    memo_on = _Via("coding")
    set_memo_on = _Via("coding")
    resize = _Via("coding")
    undo = _Via("coding")
    undo_latest = _Via("coding")
    redo = _Via("coding")
    suggestions = _Via("coding")
    accept = _Via("coding")
    reject = _Via("coding")
    codings_on = _Via("coding")
    own_codings_on = _Via("coding")
    coder_valence = _Via("coding")
    adopt = _Via("coding")
    drop_own = _Via("coding")
    # analysis reads
    retrieve = _Via("analysis")
    segment_rows = _Via("analysis")
    theme_run = _Via("analysis")
    run_themes = _Via("analysis")
    theme_decision = _Via("analysis")
    insight_matrix = _Via("analysis")
    evidence = _Via("analysis")
    change_codes = _Via("analysis")
    link_code = _Via("analysis")
    unlink_code = _Via("analysis")
    other_coders = _Via("analysis")
    agreement = _Via("analysis")
    # de-identification review
    reload_texts = _Via("deid")
    # the team watch
    start_team_watch = _Via("team")
    poll_team = _Via("team")
    close = _Via("team")

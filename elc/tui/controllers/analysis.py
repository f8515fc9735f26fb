"""Analysis reads for the screens beyond the transcript: retrieval by code, segments, theme runs
and decisions, the insight matrix, change evidence and links, and agreement between coders."""

from __future__ import annotations

from collections.abc import Iterable

from elc.tui.controllers.codes import CodesController
from elc.tui.controllers.records import Passage, _none, _one_per_span
from elc.tui.controllers.sources import SourcesController
from elc.tui.controllers.state import WorkbenchState


class AnalysisController:
    """What the retrieve, themes, matrix, changes and compare screens read."""

    def __init__(self, state: WorkbenchState, sources: SourcesController, codes: CodesController):
        self.state = state
        self.project = state.project
        self.coder = state.coder
        self.sources = sources
        self.codes = codes

    def retrieve(self, code_id: int, include_children: bool = True) -> list[tuple[str | None, str, list[Passage]]]:
        """Every passage coded ``code_id`` (and its sub-codes), grouped by community in programme order."""
        ids = self.codes.descendants(code_id) if include_children else {code_id}
        frames = [self.project.codings(code_id=i, coder=None if self.state.show_others else self.coder) for i in ids]
        rows = [r for df in frames for r in df.itertuples()]
        names: dict[str | None, str] = {key: name for key, name, _ in self.sources.communities}
        order: dict[str | None, int] = {key: i for i, (key, _, _) in enumerate(self.sources.communities)}
        groups: dict[str | None, list[Passage]] = {}
        for r in rows:
            community = _none(r.community)
            info = self.sources._sources.get(int(r.source_id), {})
            pid = _none(r.participant_id)
            groups.setdefault(community, []).append(Passage(
                int(r.id), int(r.source_id), pid, pid or info.get("name", str(r.source_id)), community,
                int(r.start), int(r.end), int(r.code_id), r.code, r.valence, r.coder, r.memo or "", r.text))
        out = []
        for key in sorted(groups, key=lambda k: order.get(k, len(order))):
            passages = sorted(groups[key], key=lambda p: (p.label, p.source_id, p.start, p.coder != self.coder,
                                                         p.coder))
            out.append((key, names.get(key, key or "No community"), _one_per_span(passages)))
        return out

    def segment_rows(self, ids: Iterable[int] | None = None) -> dict[int, dict]:
        """Sentence segments by id: source_id, start, end, text, participant_id, community."""
        df = self.project.segments(kind="sentence")
        if ids is not None:
            df = df[df.id.isin({int(i) for i in ids})]
        cols = ["source_id", "start", "end", "text", "participant_id", "community"]
        out = {}
        for r in df[["id", *cols]].to_dict("records"):
            row = {c: _none(r[c]) for c in cols}
            row.update(id=int(r["id"]), source_id=int(r["source_id"]), start=int(r["start"]), end=int(r["end"]))
            out[row["id"]] = row
        return out

    def theme_run(self) -> dict | None:
        """The latest stored theme run (``table``, ``assignments``, ``method``, ``params``) or None."""
        from elc.themes.service import latest_run

        return latest_run(self.project)

    def run_themes(self) -> str:
        """Fit themes again (slow: call from a worker thread; uses its own connection). Returns the method."""
        from elc import open_project
        from elc.themes.service import run_themes

        project = open_project(self.project.target)
        try:
            return str(run_themes(project).method_)
        finally:
            project.close()

    def theme_decision(self, action: str, themes: list[int], label: str | None = None) -> dict:
        """rename / merge / split / discard / promote (a theme becomes a code); applies on every re-run."""
        from elc.themes.service import add_decision

        decision = add_decision(self.project, self.coder, action, [int(t) for t in themes], label)
        if action == "promote":
            self.state.codebook_changed()
        return decision

    def insight_matrix(self):
        """The touchpoint x community matrix: this coder's codings only while blind, everyone's when others show."""
        from elc.insights.matrix import insight_matrix

        return insight_matrix(self.project, coder=None if self.state.show_others else self.coder)

    def evidence(self) -> list[dict]:
        """Every high-impact change with its evidence (strength, flags, communities, quotes)."""
        from elc.insights.evidence import all_evidence

        return all_evidence(self.project, quotes=5)

    def change_codes(self, change_id: int) -> list[int]:
        from elc.insights.changes import get_change

        return list(get_change(self.project, change_id)["code_ids"])

    def link_code(self, change_id: int, code_id: int) -> int:
        from elc.insights.changes import link_change

        return link_change(self.project, change_id, codes=[code_id])

    def unlink_code(self, change_id: int, code_id: int) -> int:
        from elc.insights.changes import unlink_change

        return unlink_change(self.project, change_id, codes=[code_id])

    def other_coders(self) -> list[str]:
        return [c for c in self.project.coders() if c != self.coder]

    def agreement(self, other: str) -> dict:
        """Agreement between this coder (A) and ``other`` (B), with the disagreements."""
        from elc.coding.compare import project_agreement

        return project_agreement(self.project, self.coder, other)


"""The code tree as the panes show it: touchpoints per family in journey order, theme codes as a
tree, with counts and the 1-9 shortcuts; built once per codebook change."""

from __future__ import annotations

from elc.store import workbench_reads
from elc.tui.controllers.records import CodeView, _none, _replace
from elc.tui.controllers.sources import SourcesController
from elc.tui.controllers.state import WorkbenchState


class CodesController:
    """Reads of the codebook (the edits are in :mod:`elc.tui.controllers.codebook`)."""

    def __init__(self, state: WorkbenchState, sources: SourcesController):
        self.state = state
        self.project = state.project
        self.coder = state.coder
        self.sources = sources

    def _all_codes(self) -> list[CodeView]:
        if self.state.codes is None:
            df = self.project.codes()
            self.state.codes = [CodeView(int(r.id), r.name, r.kind, _none(r.family),
                                    int(r.parent_id) if _none(r.parent_id) is not None else None,
                                    int(r.position), r.colour, r.definition or "", tuple(r.keywords or ()))
                           for r in df.itertuples()]
        return self.state.codes

    def counts(self) -> dict[int, int]:
        if self.state.counts is None:
            self.state.counts = workbench_reads.code_counts(self.project, None if self.state.show_others else self.coder)
        return self.state.counts

    def code(self, code_id: int) -> CodeView | None:
        return self.code_map().get(code_id)

    def _tree(self, roots: list[CodeView], by_parent: dict, visible: set[int], seen: set[int]) -> list[CodeView]:
        counts = self.counts()
        out: list[CodeView] = []

        def walk(c: CodeView, depth: int):
            if c.id in seen:  # never loop, whatever the parent links say
                return
            seen.add(c.id)
            out.append(_replace(c, depth=depth, count=counts.get(c.id, 0)))
            for child in by_parent.get(c.id, ()):
                if child.id in visible:
                    walk(child, depth + 1)

        for r in roots:
            walk(r, 0)
        return out

    def _sections(self, family: str | None) -> tuple[list[CodeView], list[CodeView]]:
        codes = self._all_codes()
        visible = {c.id for c in codes if c.kind != "touchpoint" or family is None or c.family in (None, family)}
        by_parent: dict[int, list[CodeView]] = {}
        for c in sorted(codes, key=lambda c: c.position):
            if c.parent_id is not None:
                by_parent.setdefault(c.parent_id, []).append(c)
        ids = {c.id for c in codes}
        roots = [c for c in codes if c.id in visible and (c.parent_id is None or c.parent_id not in ids)]
        seen: set[int] = set()
        tps = self._tree(sorted([c for c in roots if c.kind == "touchpoint"], key=lambda c: c.position),
                         by_parent, visible, seen)
        themes = self._tree(sorted([c for c in roots if c.kind != "touchpoint"], key=lambda c: c.position),
                            by_parent, visible, seen)
        # codes caught in a parent loop (never reached from a root) are shown at the top level
        stray = [c for c in sorted(codes, key=lambda c: c.position) if c.id in visible and c.id not in seen]
        themes += self._tree(stray, by_parent, visible, seen)
        return tps, themes

    def codes(self, family: str | None = None) -> list[CodeView]:
        """Codes for the codebook pane: the family's touchpoints in journey order, then theme codes
        as a tree; the first nine carry the number-key shortcut."""
        key = ("pane", family)
        if key not in self.state.views:
            tps, themes = self._sections(family)
            self.state.views[key] = [_replace(c, number=i + 1) if i < 9 else c for i, c in enumerate(tps + themes)]
        return self.state.views[key]

    def all_codes(self) -> list[CodeView]:
        """Every code: each family's touchpoints in journey order, then the theme codes as a tree."""
        if "all" not in self.state.views:
            self.state.views["all"] = self._all_codes_tree()
        return self.state.views["all"]

    def code_map(self) -> dict[int, CodeView]:
        """Code id -> CodeView (names, colours, tree depth); kept until the codebook changes, so its
        ``count`` fields may lag behind: read counts from :meth:`counts`."""
        if self.state.code_map is None:
            self.state.code_map = {c.id: c for c in self.all_codes()}
        return self.state.code_map

    def _all_codes_tree(self) -> list[CodeView]:
        families = [f for f in dict.fromkeys(
            [fam for _, _, fam in self.sources.communities] + [c.family for c in self._all_codes() if c.kind == "touchpoint"])
            if f]
        out: list[CodeView] = []
        seen: set[int] = set()
        for fam in families:
            for c in self._sections(fam)[0]:
                if c.id not in seen and (c.kind != "touchpoint" or c.family == fam or c.family is None):
                    out.append(c)
                    seen.add(c.id)
        tps, themes = self._sections(None)
        for c in tps + themes:
            if c.id not in seen:
                out.append(c)
                seen.add(c.id)
        return out

    def descendants(self, code_id: int) -> set[int]:
        out = {code_id}
        changed = True
        while changed:
            changed = False
            for c in self._all_codes():
                if c.parent_id in out and c.id not in out:
                    out.add(c.id)
                    changed = True
        return out


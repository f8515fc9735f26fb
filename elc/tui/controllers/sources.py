"""Sources and moving between them: the programme order, per-source progress, one source's
segments and codings, the next uncoded sentence, and phrase search across every transcript."""

from __future__ import annotations

import bisect

from elc.errors import ElcError
from elc.store import workbench_reads
from elc.tui.controllers.records import (
    CodingView, SearchHit, Sentence, SourceDoc, SourceRow, Turn, _none, _overlapping,
)
from elc.tui.controllers.state import WorkbenchState


class SourcesController:
    """The sources this coder works through and what they have coded in each."""

    def __init__(self, state: WorkbenchState):
        self.state = state
        self.project = state.project
        self.coder = state.coder
        self._sent_index: dict[int, tuple[list[int], list[tuple[int, int, str]]]] | None = None
        self.load_sources()

    def load_sources(self) -> None:
        comms = self.project.communities()
        self.communities: list[tuple[str, str, str]] = [(r.key, r.name, r.family) for r in comms.itertuples()]
        self._family = {k: f for k, _, f in self.communities}
        order = {k: i for i, (k, _, _) in enumerate(self.communities)}
        src = self.project.sources()
        self._sources: dict[int, dict] = {}
        for r in src.itertuples():
            community = _none(r.community)
            pid = _none(r.participant_id)
            self._sources[int(r.id)] = {"id": int(r.id), "name": r.name, "participant_id": pid,
                                        "community": community, "family": self._family.get(community)}
        self.source_order = sorted(self._sources, key=lambda i: (
            order.get(self._sources[i]["community"], len(order)),
            self._sources[i]["participant_id"] or "~", self._sources[i]["name"], i))
        # participant sentences (the unit of progress) and this coder's codings: two lean queries
        segs, own = workbench_reads.progress_spans(self.project, self.coder)
        self._psegs: dict[int, list[tuple[int, int, int]]] = {i: [] for i in self._sources}
        for sid, a, b, gid in segs:
            self._psegs.setdefault(sid, []).append((a, b, gid))
        spans: dict[int, list[tuple[int, int]]] = {}
        for sid, a, b in own:
            spans.setdefault(sid, []).append((a, b))
        self._coded: dict[int, set[int]] = {i: set() for i in self._sources}
        for sid, items in spans.items():
            self._coded[sid] = _overlapping(self._psegs.get(sid, []), items)

    def has_source(self, source_id: int) -> bool:
        return source_id in self._sources

    def source_info(self, source_id: int) -> dict:
        return self._sources[source_id]

    def source_row(self, source_id: int) -> SourceRow:
        info = self._sources[source_id]
        return SourceRow(info["id"], info["name"], info["participant_id"] or info["name"], info["participant_id"],
                         info["community"], info["family"], len(self._psegs.get(source_id, ())),
                         len(self._coded.get(source_id, ())))

    def source_rows(self, community: str | None = None, progress: str | None = None) -> list[SourceRow]:
        rows = [self.source_row(i) for i in self.source_order]
        if community:
            rows = [r for r in rows if r.community == community]
        if progress and progress != "all":
            rows = [r for r in rows if r.status == progress]
        return rows

    def refresh_progress(self, source_id: int) -> None:
        codings = self.state.codings.get(source_id)
        if codings is None:
            codings = self.source_codings(source_id)
        own = [(c.start, c.end) for c in codings if c.own]
        self._coded[source_id] = _overlapping(self._psegs.get(source_id, []), own)

    # ------------------------------------------------------------- one source
    def load(self, source_id: int) -> SourceDoc:
        if source_id in self.state.docs:
            return self.state.docs[source_id]
        if source_id not in self._sources:
            raise ElcError(f"no source with id {source_id} in {self.project.location}")
        info = self._sources[source_id]
        text = self.project.source_text(source_id)
        rows = workbench_reads.source_segments(self.project, source_id)
        turns: list[Turn] = []
        sentences: list[Sentence] = []
        turn_rows: list[tuple] = []
        sent_rows: list[tuple] = []
        for r in rows:
            (turn_rows if r[1] == "turn" else sent_rows).append(tuple(r))
        turn_rows.sort(key=lambda r: r[2])
        sent_rows.sort(key=lambda r: r[2])
        turn_index: dict[int, int] = {}
        si = 0
        for ti, (gid, _, a, b, speaker, role, _q, ts, _p) in enumerate(turn_rows):
            first = si
            while si < len(sent_rows) and sent_rows[si][2] < b:
                si += 1
            speaker = speaker or ""
            body = a + len(speaker) + 2 if text.startswith(f"{speaker}: ", a) else a
            turns.append(Turn(int(gid), ti, int(a), int(b), body, speaker, role, first, si, _none(ts)))
            turn_index[int(gid)] = ti
        for i, (gid, _, a, b, speaker, role, q, _ts, parent) in enumerate(sent_rows):
            parent = _none(parent)
            owner = turn_index.get(int(parent)) if parent is not None else None
            if owner is None:
                owner = max(0, bisect.bisect_right([t.start for t in turns], int(a)) - 1)
            sentences.append(Sentence(int(gid), i, owner, int(a), int(b), speaker or "", role, q or ""))
        doc = SourceDoc(source_id, info["name"], info["participant_id"], info["community"], info["family"],
                        text, turns, sentences)
        if len(self.state.docs) > 8:
            self.state.docs.pop(next(iter(self.state.docs)))
        self.state.docs[source_id] = doc
        return doc

    def source_codings(self, source_id: int) -> list[CodingView]:
        rows = workbench_reads.source_codings(self.project, source_id)
        out = [CodingView(r.id, source_id, r.start, r.end, r.code_id, r.valence, r.coder, r.memo, r.origin,
                          r.coder == self.coder) for r in rows]
        out.sort(key=lambda c: (not c.own, c.start, c.id))
        self.state.codings[source_id] = out
        return out

    def codings(self, source_id: int, refresh: bool = False) -> list[CodingView]:
        """Codings of a source this coder may see: their own, plus others' when ``show_others``."""
        allc = self.state.codings.get(source_id) if not refresh else None
        if allc is None:
            allc = self.source_codings(source_id)
        return allc if self.state.show_others else [c for c in allc if c.own]

    def invalidate(self, source_id: int | None = None) -> None:
        self.state.codings_changed()
        if source_id is None:
            self.state.codings.clear()
        else:
            self.state.codings.pop(source_id, None)
            self.refresh_progress(source_id)

    def uncoded(self, source_id: int, skip_backchannel: bool = False) -> list[tuple[int, int, int]]:
        coded = self._coded.get(source_id, set())
        todo = [x for x in self._psegs.get(source_id, ()) if x[2] not in coded]
        if skip_backchannel and todo:
            from elc.coding.backchannel import is_backchannel

            text = self.project.source_text(source_id)
            todo = [x for x in todo if not is_backchannel(text[x[0]:x[1]])]
        return todo

    def next_uncoded(self, source_id: int | None, offset: int, backwards: bool = False,
                     order: list[int] | None = None) -> tuple[int, int] | None:
        """(source_id, start) of the next participant sentence this coder has not coded, after
        ``offset`` in ``source_id`` then in the following sources (wrapping round); sentences with
        nothing to code ("[laughs]", "Yes, I can hear you.") are passed over."""
        order = list(order or self.source_order)
        if source_id not in order:
            order.insert(0, source_id) if source_id is not None else None
        if not order:
            return None
        i = order.index(source_id) if source_id in order else 0
        seq = order[i:] + order[:i] + [order[i]]
        if backwards:
            seq = [order[i]] + list(reversed(order[:i])) + list(reversed(order[i + 1:])) + [order[i]]
        for n, sid in enumerate(seq):
            todo = self.uncoded(sid, skip_backchannel=True)
            if not todo:
                continue
            if n == 0:
                todo = [x for x in todo if (x[0] < offset if backwards else x[0] > offset)]
            elif n == len(seq) - 1:
                todo = [x for x in todo if (x[0] > offset if backwards else x[0] < offset)] or todo
            if todo:
                pick = todo[-1] if backwards else todo[0]
                return sid, pick[0]
        return None

    def _sentences_index(self) -> dict[int, tuple[list[int], list[tuple[int, int, str]]]]:
        if self._sent_index is None:
            df = self.project.segments(kind="sentence", with_text=False)
            idx: dict[int, tuple[list[int], list]] = {}
            for sid, a, b, speaker in zip(df.source_id, df.start, df.end, df.speaker):
                starts, rows = idx.setdefault(int(sid), ([], []))
                starts.append(int(a))
                rows.append((int(a), int(b), speaker or ""))
            self._sent_index = idx
        return self._sent_index

    def search(self, query: str, limit: int = 500, context: int = 60) -> list[SearchHit]:
        """Case-insensitive phrase search over every transcript, in source order."""
        q = query.strip().lower()
        if not q:
            return []
        index = self._sentences_index()
        hits: list[SearchHit] = []
        for sid in self.source_order:
            text = self.project.source_text(sid)
            low = text.lower()
            info = self._sources[sid]
            starts, rows = index.get(sid, ([], []))
            pos = low.find(q)
            while pos != -1:
                end = pos + len(q)
                i = bisect.bisect_right(starts, pos) - 1
                if i >= 0 and rows[i][0] <= pos < rows[i][1]:
                    a, b, speaker = rows[i]
                else:
                    a, b = max(0, pos - context), min(len(text), end + context)
                    speaker = ""
                lo = max(a, pos - context)
                hi = min(b, end + context)
                hits.append(SearchHit(sid, info["participant_id"] or info["name"], info["community"], speaker,
                                      pos, end, a, b, ("…" if lo > a else "") + text[lo:pos], text[pos:end],
                                      text[end:hi] + ("…" if hi < b else "")))
                if len(hits) >= limit:
                    return hits
                pos = low.find(q, end)
        return hits


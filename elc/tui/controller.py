"""The workbench controller: a thin adapter from the UI to ``elc.store`` and ``elc.coding``.

It turns DataFrames into small immutable records the widgets can render quickly, keeps the few
caches that make moving around instant (the open source's segments and codings, per-source
progress), and forwards every change to :class:`~elc.coding.CodingSession` /
:class:`~elc.coding.Codebook` / :mod:`elc.coding.suggestions`, which commit at once.
No Textual import here, so this module is testable and reusable without a terminal.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


from elc.coding import Codebook, CodingSession
from elc.coding import suggestions as suggest
from elc.errors import ElcError
from elc.store import workbench_reads

VALENCE_GLYPH = {"working-well": "▲", "to-improve": "▼", "neutral": "●"}
OTHER_GLYPH = {"working-well": "△", "to-improve": "▽", "neutral": "○"}
VALENCE_LABEL = {"working-well": "working well", "to-improve": "to improve", "neutral": "neutral"}
PROGRESS = ("all", "uncoded", "in progress", "done")
PROGRESS_GLYPH = {"uncoded": "○", "in progress": "◐", "done": "●"}
WORD = re.compile(r"\S+")


# --------------------------------------------------------------------------- records
@dataclass(frozen=True, slots=True)
class Turn:
    id: int
    index: int
    start: int
    end: int
    body_start: int  # after "Speaker: "
    speaker: str
    role: str
    first: int  # index of its first sentence in SourceDoc.sentences
    last: int  # one past its last sentence
    ts_start: float | None


@dataclass(frozen=True, slots=True)
class Sentence:
    id: int
    index: int
    turn: int  # index into SourceDoc.turns
    start: int
    end: int
    speaker: str
    role: str
    question: str


@dataclass
class SourceDoc:
    id: int
    name: str
    participant_id: str | None
    community: str | None
    family: str | None
    text: str
    turns: list[Turn]
    sentences: list[Sentence]
    starts: list[int] = field(default_factory=list)

    def __post_init__(self):
        self.starts = [x.start for x in self.sentences]

    @property
    def label(self) -> str:
        return self.participant_id or self.name

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence containing (or nearest before) a character offset."""
        if not self.sentences:
            return 0
        i = bisect.bisect_right(self.starts, offset) - 1
        return max(0, min(i, len(self.sentences) - 1))

    def words(self, start: int, end: int) -> list[tuple[int, int]]:
        """Word spans (non-space runs) within [start, end)."""
        return [(m.start(), m.end()) for m in WORD.finditer(self.text, start, end)]


@dataclass(frozen=True, slots=True)
class CodingView:
    id: int
    source_id: int
    start: int
    end: int
    code_id: int
    valence: str
    coder: str
    memo: str
    origin: str
    own: bool

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True, slots=True)
class CodeView:
    id: int
    name: str
    kind: str
    family: str | None
    parent_id: int | None
    position: int
    colour: str
    definition: str
    keywords: tuple[str, ...]
    depth: int = 0
    count: int = 0
    number: int | None = None  # 1-9 shortcut in the codebook pane


@dataclass(frozen=True, slots=True)
class SourceRow:
    id: int
    name: str
    label: str
    participant_id: str | None
    community: str | None
    family: str | None
    n_segments: int
    n_coded: int

    @property
    def share(self) -> float:
        return self.n_coded / self.n_segments if self.n_segments else 0.0

    @property
    def status(self) -> str:
        if not self.n_segments or not self.n_coded:
            return "uncoded"
        return "done" if self.n_coded >= self.n_segments else "in progress"


@dataclass(frozen=True, slots=True)
class SearchHit:
    source_id: int
    label: str
    community: str | None
    speaker: str
    start: int  # the match
    end: int
    seg_start: int  # the sentence around it
    seg_end: int
    before: str
    match: str
    after: str


@dataclass(frozen=True, slots=True)
class Passage:
    coding_id: int
    source_id: int
    participant_id: str | None
    label: str
    community: str | None
    start: int
    end: int
    code_id: int
    code: str
    valence: str
    coder: str
    memo: str
    text: str


@dataclass(frozen=True)
class CodingEvent:
    """What the app tells the ``on_coding`` hook after every committed change."""

    action: str  # apply remove valence memo resize undo redo accept reject
    coder: str
    coding_id: int | None = None
    source_id: int | None = None
    code_id: int | None = None
    segment_id: int | None = None


def _none(x):
    try:
        import pandas as pd

        return None if pd.isna(x) else x
    except (TypeError, ValueError):
        return x


# --------------------------------------------------------------------------- the controller
class Workbench:
    """One coder's view of a project: the state the UI reads and the actions it calls."""

    def __init__(self, project, coder: str, show_others: bool = False):
        self.project = project
        self.session = CodingSession(project, coder)
        self.coder = self.session.coder
        self.codebook = Codebook(project, self.coder)
        self.show_others = show_others
        self.listeners: list[Callable[[CodingEvent], None]] = []
        self._docs: dict[int, SourceDoc] = {}
        self._codes: list[CodeView] | None = None
        self._counts: dict[int, int] | None = None
        self._views: dict = {}
        self._code_map: dict[int, CodeView] | None = None
        self._codings: dict[int, list[CodingView]] = {}
        self._watch = None  # elc.store.watch.TeamWatch: start_team_watch() (the app, at start) or first poll
        self._load_sources()

    # ------------------------------------------------------------- programme and sources
    def _load_sources(self) -> None:
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

    def _refresh_progress(self, source_id: int) -> None:
        codings = self._codings.get(source_id)
        if codings is None:
            codings = self._source_codings(source_id)
        own = [(c.start, c.end) for c in codings if c.own]
        self._coded[source_id] = _overlapping(self._psegs.get(source_id, []), own)

    # ------------------------------------------------------------- one source
    def load(self, source_id: int) -> SourceDoc:
        if source_id in self._docs:
            return self._docs[source_id]
        if source_id not in self._sources:
            raise ElcError(f"no source with id {source_id} in {self.project.location}")
        info = self._sources[source_id]
        text = self.project.source_text(source_id)
        rows = workbench_reads.source_segments(self.project, source_id)
        turns: list[Turn] = []
        sentences: list[Sentence] = []
        turn_rows = []
        sent_rows = []
        for r in rows:
            (turn_rows if r[1] == "turn" else sent_rows).append(tuple(r))
        turn_rows.sort(key=lambda r: r[2])
        sent_rows.sort(key=lambda r: r[2])
        turn_index = {}
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
            ti = turn_index.get(int(parent)) if parent is not None else None
            if ti is None:
                ti = max(0, bisect.bisect_right([t.start for t in turns], int(a)) - 1)
            sentences.append(Sentence(int(gid), i, ti, int(a), int(b), speaker or "", role, q or ""))
        doc = SourceDoc(source_id, info["name"], info["participant_id"], info["community"], info["family"],
                        text, turns, sentences)
        if len(self._docs) > 8:
            self._docs.pop(next(iter(self._docs)))
        self._docs[source_id] = doc
        return doc

    def _source_codings(self, source_id: int) -> list[CodingView]:
        rows = workbench_reads.source_codings(self.project, source_id)
        out = [CodingView(r.id, source_id, r.start, r.end, r.code_id, r.valence, r.coder, r.memo, r.origin,
                          r.coder == self.coder) for r in rows]
        out.sort(key=lambda c: (not c.own, c.start, c.id))
        self._codings[source_id] = out
        return out

    def codings(self, source_id: int, refresh: bool = False) -> list[CodingView]:
        """Codings of a source this coder may see: their own, plus others' when ``show_others``."""
        allc = self._codings.get(source_id) if not refresh else None
        if allc is None:
            allc = self._source_codings(source_id)
        return allc if self.show_others else [c for c in allc if c.own]

    def invalidate(self, source_id: int | None = None) -> None:
        self._counts = None
        self._views.clear()
        if source_id is None:
            self._codings.clear()
        else:
            self._codings.pop(source_id, None)
            self._refresh_progress(source_id)

    # ------------------------------------------------------------- codes
    def _all_codes(self) -> list[CodeView]:
        if self._codes is None:
            df = self.project.codes()
            self._codes = [CodeView(int(r.id), r.name, r.kind, _none(r.family),
                                    int(r.parent_id) if _none(r.parent_id) is not None else None,
                                    int(r.position), r.colour, r.definition or "", tuple(r.keywords or ()))
                           for r in df.itertuples()]
        return self._codes

    def counts(self) -> dict[int, int]:
        if self._counts is None:
            self._counts = workbench_reads.code_counts(self.project, None if self.show_others else self.coder)
        return self._counts

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
        if key not in self._views:
            tps, themes = self._sections(family)
            self._views[key] = [_replace(c, number=i + 1) if i < 9 else c for i, c in enumerate(tps + themes)]
        return self._views[key]

    def all_codes(self) -> list[CodeView]:
        """Every code: each family's touchpoints in journey order, then the theme codes as a tree."""
        if "all" not in self._views:
            self._views["all"] = self._all_codes_tree()
        return self._views["all"]

    def code_map(self) -> dict[int, CodeView]:
        """Code id -> CodeView (names, colours, tree depth); kept until the codebook changes, so its
        ``count`` fields may lag behind: read counts from :meth:`counts`."""
        if self._code_map is None:
            self._code_map = {c.id: c for c in self.all_codes()}
        return self._code_map

    def _all_codes_tree(self) -> list[CodeView]:
        families = [f for f in dict.fromkeys(
            [fam for _, _, fam in self.communities] + [c.family for c in self._all_codes() if c.kind == "touchpoint"])
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

    # ------------------------------------------------------------- coding actions
    def _emit(self, event: CodingEvent) -> None:
        for fn in list(self.listeners):
            fn(event)

    def _changed(self, source_id: int | None) -> None:
        self._counts = None
        self._views.clear()
        if source_id is not None:
            self._source_codings(source_id)
            self._refresh_progress(source_id)

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
                result = self.undo_codebook_edit()
                code = self.code(result["code_id"])
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

    # ------------------------------------------------------------- navigation across sources
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

    # ------------------------------------------------------------- search and retrieve
    def _sentences_index(self) -> dict[int, tuple[list[int], list[tuple[int, int, str]]]]:
        if not hasattr(self, "_sent_index"):
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

    def retrieve(self, code_id: int, include_children: bool = True) -> list[tuple[str | None, str, list[Passage]]]:
        """Every passage coded ``code_id`` (and its sub-codes), grouped by community in programme order."""
        ids = self.descendants(code_id) if include_children else {code_id}
        frames = [self.project.codings(code_id=i, coder=None if self.show_others else self.coder) for i in ids]
        rows = [r for df in frames for r in df.itertuples()]
        names = {key: name for key, name, _ in self.communities}
        order = {key: i for i, (key, _, _) in enumerate(self.communities)}
        groups: dict[str | None, list[Passage]] = {}
        for r in rows:
            community = _none(r.community)
            info = self._sources.get(int(r.source_id), {})
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

    # ------------------------------------------------------------- codebook edits
    def _codebook_changed(self) -> None:
        self._codes = None
        self._code_map = None
        self._counts = None
        self._views.clear()

    def add_code(self, name: str, kind: str = "theme", parent_id: int | None = None, definition: str = "",
                 colour: str | None = None) -> int:
        cid = self.codebook.add(name, kind, definition, colour, parent_id)
        self._codebook_changed()
        return cid

    def rename_code(self, code_id: int, name: str) -> None:
        self.codebook.rename(code_id, name)
        self._codebook_changed()

    def recolour_code(self, code_id: int, colour: str) -> None:
        self.codebook.recolour(code_id, colour)
        self._codebook_changed()

    def define_code(self, code_id: int, definition: str) -> None:
        self.codebook.define(code_id, definition)
        self._codebook_changed()

    def move_code(self, code_id: int, parent_id: int | None) -> None:
        self.codebook.move(code_id, parent_id)
        self._codebook_changed()

    def merge_code(self, code_id: int, into_id: int) -> int:
        """Merge ``code_id`` into ``into_id`` (into one of its own sub-codes too: the library lifts it)."""
        n = self.codebook.merge(code_id, into_id)
        self._codebook_changed()
        self._codings.clear()
        return n

    def undo_codebook_edit(self) -> dict | None:
        result = self.codebook.undo()
        self._codebook_changed()
        self._codings.clear()
        return result

    def archive_code(self, code_id: int) -> None:
        self.codebook.archive(code_id)
        self._codebook_changed()

    # ------------------------------------------------------------- analysis: themes, matrix, changes, agreement
    def reload_texts(self) -> None:
        """Stored text changed (de-identification review): forget the loaded documents and codings."""
        self._docs.clear()
        self.invalidate()

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
            self._codebook_changed()
        return decision

    def insight_matrix(self):
        """The touchpoint x community matrix: this coder's codings only while blind, everyone's when others show."""
        from elc.insights.matrix import insight_matrix

        return insight_matrix(self.project, coder=None if self.show_others else self.coder)

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

    def start_team_watch(self) -> None:
        """Take "now" as the point other coders' commits are noticed from (the app does this as soon as
        the workbench has loaded, so nothing committed before its first poll is missed)."""
        from elc.store.watch import TeamWatch

        if self._watch is None:
            self._watch = TeamWatch(self.project.engine, self.coder)

    def poll_team(self):
        """Other coders' commits since the last call (:class:`elc.store.watch.TeamChanges`, falsy
        when none); the caches they affect are dropped. Own codings and progress are unaffected,
        and in blind mode nothing of theirs is shown."""
        self.start_team_watch()
        changes = self._watch.poll()
        if changes.codebook:
            self._codebook_changed()
        if changes.coders:
            self._counts = None
            self._views.clear()
            self._codings.clear()
        return changes

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    def other_coders(self) -> list[str]:
        return [c for c in self.project.coders() if c != self.coder]

    def agreement(self, other: str) -> dict:
        """Agreement between this coder (A) and ``other`` (B), with the disagreements."""
        from elc.coding.compare import project_agreement

        return project_agreement(self.project, self.coder, other)

    def codings_on(self, segment: dict, code_id: int, coder: str | None = None) -> list[CodingView]:
        """Codings of ``code_id`` overlapping a segment, by ``coder`` (default: this coder)."""
        coder = coder or self.coder
        return [c for c in self._source_codings(segment["source_id"])
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


def _overlapping(segments: list[tuple[int, int, int]], spans: list[tuple[int, int]]) -> set[int]:
    """Ids of the (start, end, id) segments, sorted by start, that overlap any of the spans."""
    out: set[int] = set()
    if not segments or not spans:
        return out
    starts = [a for a, _, _ in segments]
    for a, b in spans:
        i = max(0, bisect.bisect_right(starts, a) - 1)
        while i < len(segments) and segments[i][0] < b:
            if segments[i][1] > a:
                out.add(segments[i][2])
            i += 1
    return out


def _one_per_span(passages: list[Passage]) -> list[Passage]:
    """One passage per coded span and code, naming every coder who coded it (the first one's valence
    and memo, the viewer's own first): double coding must not show a sentence twice."""
    out: list[Passage] = []
    seen: dict[tuple[int, int, int, int], int] = {}
    for p in passages:
        key = (p.source_id, p.start, p.end, p.code_id)
        if key in seen:
            i = seen[key]
            out[i] = _replace(out[i], coder=f"{out[i].coder} + {p.coder}")
        else:
            seen[key] = len(out)
            out.append(p)
    return out


def _replace(obj, **changes):
    from dataclasses import replace

    return replace(obj, **changes)


def fuzzy_codes(codes: Iterable[CodeView], query: str, limit: int = 60) -> list[tuple[CodeView, float]]:
    """Codes for a picker query, best first (see :mod:`elc.tui.codesearch` for the tiers)."""
    from elc.tui.codesearch import rank_codes

    return [(m.code, m.score) for m in rank_codes(codes, query, limit)]


"""Reading de-identification review: detections in context grouped by entity or surface form,
how risky each is, how far the review has got, and the report (which holds no original text).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from elc.store import deid_review as sql

from . import originals as orig
from .review_terms import STATUSES, _allow_terms, _entity, _name_entries, _norm, _tag_sort_key


def risk_of(label: str, detector: str, original: str | None) -> float:
    """How likely a detection is to be wrong, in [0, 1]; the review shows the riskiest first.

    Pattern matches on numbers, e-mails and postcodes are nearly always right; the project's own
    names too; a person or place found by the statistical model alone is the least certain, and
    more so when its surface is also an ordinary word ("Grace", "Walker")."""
    from .words import is_common, is_wordy_name

    if detector == "list" or label in ("NHS_NUMBER", "PHONE", "EMAIL", "POSTCODE"):
        base = 0.05
    elif label in ("DOB", "ADDRESS"):
        base = 0.15
    elif detector == "ner":
        base = 0.6
    elif label in ("LOCATION", "ORG"):
        base = 0.4
    else:
        base = 0.3
    if original and label in ("PERSON", "CUSTOM", "LOCATION", "ORG"):
        words = original.split()
        if len(words) == 1 and (is_common(words[0]) or is_wordy_name(words[0])):
            base += 0.3
    return round(min(base, 1.0), 2)


def _surface(label: str, original: str | None, replacement: str) -> str:
    if not original:
        return f"{label} {replacement}"
    from .pseudonymiser import normalise_name

    key = normalise_name(original)[0] if label in ("PERSON", "CUSTOM") else _norm(original)
    return f"{label} {key or _norm(original)}"


def detections(project, status: str | Iterable[str] | None = None, source_id: int | None = None,
               entity: str | None = None, with_originals: bool = True, order_by: str = "entity"):
    """Detections with context, one row each, sorted by entity group then position.

    Columns: ``id, entity, entity_key, label, replacement, status, n`` (occurrences in the entity
    group), ``source_id, source, participant_id, community, start, end, detector, reviewer,
    reviewed_at, sentence`` (the de-identified sentence around it), ``tag_start, tag_end`` (the
    detection's span within ``sentence``) and ``original`` (from the sidecar when kept, else
    ``None``). ``entity`` is the tag for people and tag + original for typed tags. ``risk``
    (see :func:`risk_of`) and ``surface`` (label + the normalised original: one decision covers
    every occurrence of one surface form) help a reviewer finish. ``order_by="risk"`` puts the
    groups holding the riskiest unreviewed detection first.
    """
    import pandas as pd

    wanted = None if status is None else [status] if isinstance(status, str) else list(status)
    columns = ["id", "entity", "entity_key", "label", "replacement", "status", "n", "source_id", "source",
               "participant_id", "community", "start", "end", "detector", "reviewer", "reviewed_at", "sentence",
               "tag_start", "tag_end", "original", "risk", "surface"]
    ctx = sql.detection_context(project, wanted, source_id, with_originals)
    rows, texts, segs, turns, kept = ctx.rows, ctx.texts, ctx.sentences, ctx.turns, ctx.originals
    if not rows:
        return pd.DataFrame(columns=columns)
    for r in rows:
        text = texts[r["source_id"]]
        a, b = _context(segs[r["source_id"]], r["start"], r["end"]) or \
            _context(turns[r["source_id"]], r["start"], r["end"]) or \
            (max(0, r["start"] - 80), min(len(text), r["end"] + 80))
        a, b = min(a, r["start"]), max(b, r["end"])
        r["sentence"] = text[a:b]
        r["tag_start"], r["tag_end"] = r["start"] - a, r["end"] - a
        r["original"] = kept.get(r["id"])
        if r["status"] == "rejected" and r["original"] is None:
            r["original"] = text[r["start"]:r["end"]]  # restored: the text holds it again
        r["entity"] = _entity(r["entity_key"] or r["replacement"], r["original"])
        r["risk"] = risk_of(r["label"], r["detector"], r["original"])
        r["surface"] = _surface(r["label"], r["original"], r["replacement"])
    df = pd.DataFrame(rows)
    for col in ("participant_id", "community", "reviewer", "reviewed_at", "original"):
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    df["n"] = df.groupby("entity")["id"].transform("size")
    order = sorted(range(len(df)), key=lambda i: (df.label.iat[i] not in ("PERSON", "CUSTOM"),
                                                  _tag_sort_key(df.entity_key.iat[i]), df.entity.iat[i],
                                                  df.source_id.iat[i], df.start.iat[i]))
    df = df.iloc[order].reset_index(drop=True)
    if order_by == "risk":
        open_risk = df.risk.where(df.status == "auto", -1.0).groupby(df.entity).transform("max")
        df = df.assign(_r=open_risk, _k=range(len(df))).sort_values(
            ["_r", "_k"], ascending=[False, True], kind="stable").drop(columns=["_r", "_k"])
        df = df.reset_index(drop=True)
    if entity is not None:
        df = df[df.entity == entity].reset_index(drop=True)
    return df[columns]


def _context(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    if not spans:
        return None
    i = bisect_right([a for a, _ in spans], start) - 1
    while i >= 0:
        a, b = spans[i]
        if a <= start < b or (a <= start and end <= b):
            return a, b
        if b <= start:
            break
        i -= 1
    return None


def entities(project):
    """One row per entity group: ``entity, entity_key, label, n`` and counts per status."""
    import pandas as pd

    df = detections(project)
    cols = ["entity", "entity_key", "label", "n", *STATUSES]
    if not len(df):
        return pd.DataFrame(columns=cols)
    out = []
    for ent, g in df.groupby("entity", sort=False):
        counts = Counter(g.status)
        out.append({"entity": ent, "entity_key": g.entity_key.iat[0], "label": g.label.iat[0], "n": len(g),
                    **{st: counts.get(st, 0) for st in STATUSES}})
    return pd.DataFrame(out, columns=cols)


# ---------------------------------------------------------------------------- review progress
@dataclass(frozen=True)
class SourceReview:
    """One source's review state: reviewed when none of its detections is still ``auto``."""

    source_id: int
    name: str
    participant_id: str | None
    detections: int
    unreviewed: int

    @property
    def reviewed(self) -> bool:
        return self.unreviewed == 0


@dataclass(frozen=True)
class ReviewSummary:
    """How far the project's de-identification review has got (every number recomputable from
    ``deid_detections``): ``unreviewed`` counts detections in status ``auto``."""

    total: int
    unreviewed: int
    accepted: int
    rejected: int
    added: int
    sources: tuple[SourceReview, ...]

    @property
    def reviewed(self) -> int:
        return self.total - self.unreviewed

    @property
    def reviewed_sources(self) -> tuple[SourceReview, ...]:
        """Sources with detections, all of them reviewed."""
        return tuple(x for x in self.sources if x.detections and x.reviewed)

    @property
    def unreviewed_sources(self) -> tuple[SourceReview, ...]:
        return tuple(x for x in self.sources if not x.reviewed)

    @property
    def complete(self) -> bool:
        return self.unreviewed == 0

    def line(self) -> str:
        """One line for an output's footer: "de-identification: 12 of 380 detections not yet
        reviewed (3 of 46 sources reviewed)"."""
        with_dets = [x for x in self.sources if x.detections]
        if not self.total:
            return "de-identification: no detections"
        if self.complete:
            return f"de-identification: all {self.total} detections reviewed"
        return (f"de-identification: {self.unreviewed} of {self.total} detections not yet reviewed "
                f"({len(self.reviewed_sources)} of {len(with_dets)} sources reviewed)")


def review_summary(project) -> ReviewSummary:
    """The review state of ``project`` for writers and reports (see :class:`ReviewSummary`)."""
    from elc.store.deid_progress import status_counts_by_source

    with project.engine.connect() as conn:
        rows = status_counts_by_source(conn)
    sources = tuple(SourceReview(r["source_id"], r["name"], r["participant_id"],
                                 r["auto"] + r["accepted"] + r["rejected"] + r["added"], r["auto"])
                    for r in rows)
    return ReviewSummary(total=sum(x.detections for x in sources),
                         unreviewed=sum(x.unreviewed for x in sources),
                         accepted=sum(r["accepted"] for r in rows), rejected=sum(r["rejected"] for r in rows),
                         added=sum(r["added"] for r in rows), sources=sources)


def surface_groups(project, status: str | Iterable[str] | None = "auto"):
    """One row per surface form (``surface, label, n, ids, risk, statuses``), riskiest first:
    a reviewer decides once per group with :func:`accept` or :func:`reject` on its ``ids``."""
    import pandas as pd

    df = detections(project, status=status)
    cols = ["surface", "label", "n", "ids", "risk", "statuses"]
    if not len(df):
        return pd.DataFrame(columns=cols)
    out = []
    for surface, g in df.groupby("surface", sort=False):
        out.append({"surface": surface, "label": g.label.iat[0], "n": len(g), "ids": [int(i) for i in g.id],
                    "risk": float(g.risk.max()), "statuses": dict(Counter(g.status))})
    return pd.DataFrame(out, columns=cols).sort_values(["risk", "n"], ascending=[False, False],
                                                       kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------- report
def report(project) -> dict:
    """Counts per label, per entity (tag), per status; sources not yet de-identified; the state of
    the originals, names and allow-list. Holds no original text (typed tags are counted per tag)."""
    with project.engine.connect() as conn:
        rows = sql.detection_labels(conn)
        names = _name_entries(conn)
        allow_terms = _allow_terms(conn)
        audit = sql.audit_actions(conn)
    by_label = Counter(r.label for r in rows)
    by_status = Counter(r.status for r in rows)
    ents: dict[str, dict] = {}
    for r in rows:
        key = r.entity_key or r.replacement
        e = ents.setdefault(key, {"entity": key, "label": r.label, "n": 0, **{st: 0 for st in STATUSES}})
        e["n"] += 1
        e[r.status] = e.get(r.status, 0) + 1
    info = orig.status(project)
    return {
        "detections": len(rows),
        "by_label": dict(sorted(by_label.items())),
        "by_status": {st: by_status.get(st, 0) for st in STATUSES if by_status.get(st, 0)},
        "by_entity": sorted(ents.values(), key=lambda e: (e["label"] not in ("PERSON", "CUSTOM"),
                                                          _tag_sort_key(e["entity"]))),
        "pending_sources": [{"id": int(p["id"]), "name": p["name"], "participant": p["participant_id"]}
                            for p in sql.pending_sources(project)],
        "originals": {k: info.get(k) for k in ("keep", "path", "exists", "originals", "purged", "error")
                      if k in info},
        "names": len(names),
        "allow_list": [t.removeprefix("=") for t in allow_terms],
        "decisions": dict(Counter(audit)),
        "unreviewed": by_status.get("auto", 0),
        "sources_reviewed": _sources_reviewed(project),
    }


def _sources_reviewed(project) -> dict:
    summary = review_summary(project)
    with_dets = [x for x in summary.sources if x.detections]
    return {"reviewed": len(summary.reviewed_sources), "with_detections": len(with_dets),
            "unreviewed": [{"id": x.source_id, "name": x.name, "unreviewed": x.unreviewed}
                           for x in summary.unreviewed_sources]}

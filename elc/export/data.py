"""Everything a workshop pack shows, read once from a project: :func:`collect`.

The workbook, the HTML report and the specification draft all render the same
:class:`ReportData`, so they cannot disagree. Only stored (de-identified) text is read; source
file names and participant attributes are left out because they were never de-identified.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from elc.export.record import Record, read_record
from elc.insights.breakdown import changes_by
from elc.insights.evidence import all_evidence, coverage_notes, evidence_context, latest_theme_run
from elc.insights.matrix import insight_matrix, touchpoint_totals
from elc.insights.open_questions import open_answers
from elc.insights.programme_fields import programme_fields
from elc.insights.quotes import pick_quotes
from elc.insights.risks import coder_agreement, evidence_risks
from elc.insights.units import coded_units, interviewed, participant_sentences
from elc.store.attributes import ATTRIBUTES, participant_attributes
from elc.store.evidence_reads import detection_review_counts, participant_coding

VALENCE_ORDER = {"to-improve": 0, "working-well": 1, "neutral": 2}


@dataclass
class ReportData:
    programme: str
    focus_question: str
    phases: list[dict]
    project: str
    generated: str
    coder: str | None
    communities: pd.DataFrame          # key name family target_n participants interviewed interviews segments coded_segments coded_share
    totals: dict
    methods: list[dict]                # method, interviews, first, last
    deidentification: dict             # sources, deidentified, statement
    matrix: pd.DataFrame               # insight_matrix()
    touchpoints: pd.DataFrame          # touchpoint_totals()
    quotes: pd.DataFrame               # one row per coding: participant community touchpoint valence code ...
    changes: list[dict]                # all_evidence()
    codebook: pd.DataFrame
    theme_run: dict | None
    community_names: dict = field(default_factory=dict)
    deid_review: dict = field(default_factory=dict)     # detections, unreviewed, sources_unreviewed
    coverage: list[str] = field(default_factory=list)   # what the counts leave out (uncoded, unreviewed)
    open_answers: list[dict] = field(default_factory=list)  # open_questions.open_answers()
    agreement: list[dict] = field(default_factory=list)  # risks.coder_agreement()
    risks: list[str] = field(default_factory=list)        # risks.evidence_risks()
    programme_fields: dict = field(default_factory=dict)
    breakdowns: dict = field(default_factory=dict)         # attribute -> breakdown.Breakdown of the changes
    unreviewed_quotes: int = 0                             # quotes shown that contain unreviewed de-identification
    record: Record = field(default_factory=Record)         # the workshop's decisions, co-design, KPIs, returns
    community_pages: list[CommunityPage] = field(default_factory=list)
    duplicate_quotes: int = 0                              # codings of a span another coder already coded


@dataclass
class CommunityPage:
    """What we heard from one community: its touchpoints either way, open answers and three quotes."""
    key: str
    name: str
    interviewed: int
    coded: int
    working_well: list[dict]   # touchpoint, n, of (participants of N asked), strongest first
    to_improve: list[dict]
    not_asked: list[str]
    answers: list[dict]        # question, answered, of, quotes
    quotes: list[dict]


def community_pages(comms: pd.DataFrame, matrix: pd.DataFrame, answers: list[dict],
                    units: pd.DataFrame) -> list[CommunityPage]:
    """One page per community, from the matrix cells and open answers already computed."""
    pages = []
    for c in comms.itertuples():
        cells = matrix[matrix.community == c.key] if len(matrix) else matrix
        asked = cells[cells.asked] if len(cells) else cells

        def side(col: str) -> list[dict]:
            hit = asked[asked[col] > 0].sort_values(col, ascending=False, kind="stable") if len(asked) else asked
            return [{"touchpoint": r.touchpoint, "n": int(getattr(r, col)), "of": int(r.of)} for r in hit.itertuples()]

        mine = [{"question": rec["question"], **b} for rec in answers for b in rec["by_community"]
                if b.get("community") == c.key or b.get("name") == c.name]
        own = units[(units.community == c.key) & (units.code_kind == "touchpoint")] if len(units) else units
        pages.append(CommunityPage(
            key=c.key, name=c.name, interviewed=int(c.interviewed), coded=int(getattr(c, "coded", c.interviewed)),
            working_well=side("working_well"), to_improve=side("to_improve"),
            not_asked=[r.touchpoint for r in cells.itertuples() if not r.asked] if len(cells) else [],
            answers=mine,
            quotes=pick_quotes(own, 3, spread=("touchpoint", "participant_id")) if len(own) else []))
    return pages


def _coded_share(segs: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Participant sentences per community and how many overlap at least one coding."""
    if not len(segs):
        return pd.DataFrame(columns=["community", "segments", "coded_segments"])
    segs = segs[["source_id", "start", "end", "community"]].copy()
    segs["coded"] = False
    if len(units):
        spans = units[["source_id", "start", "end"]].drop_duplicates().sort_values(["source_id", "start"])
        by_source = {sid: (g.start.to_numpy(), np.maximum.accumulate(g.end.to_numpy()))
                     for sid, g in spans.groupby("source_id")}
        coded = np.zeros(len(segs), dtype=bool)
        for sid, idx in segs.groupby("source_id").indices.items():
            if sid not in by_source:
                continue
            starts, max_end = by_source[sid]
            s_start = segs.start.to_numpy()[idx]
            s_end = segs.end.to_numpy()[idx]
            # codings starting before the sentence ends; the furthest any of them reaches
            k = np.searchsorted(starts, s_end, side="left")
            reach = np.where(k > 0, max_end[np.maximum(k - 1, 0)], -1)
            coded[idx] = reach > s_start
        segs["coded"] = coded
    out = segs.groupby("community", dropna=False).agg(segments=("coded", "size"), coded_segments=("coded", "sum"))
    return out.reset_index()


def _quotes_table(units: pd.DataFrame, codes: pd.DataFrame, comms: pd.DataFrame) -> pd.DataFrame:
    cols = ["participant", "community", "community_name", "touchpoint", "valence", "code", "code_kind",
            "words", "quote", "coder", "source_id", "coding_id"]
    if not len(units):
        return pd.DataFrame(columns=cols)
    tp_order = {n: i for i, n in enumerate(codes[codes.kind == "touchpoint"].name)}
    comm_order = {k: i for i, k in enumerate(comms.key)}
    names = dict(zip(comms.key, comms.name))
    def col(name):
        return units[name].to_numpy(dtype=object)

    community = col("community")
    q = pd.DataFrame({
        "participant": col("participant_id"), "community": community,
        "community_name": [names.get(c, c) for c in community], "touchpoint": col("touchpoint"),
        "valence": col("valence"), "code": col("code"), "code_kind": col("code_kind"),
        "words": units.words.to_numpy(), "quote": col("quote"), "coder": col("coder"),
        "source_id": units.source_id.to_numpy(), "coding_id": units.id.to_numpy(),
        "start": units.start.to_numpy(), "end": units.end.to_numpy(),
    })
    q = q[q.words > 0]
    q = dedupe_quotes(q)
    order = pd.DataFrame({
        "t": q.touchpoint.map(tp_order).fillna(len(tp_order)), "c": q.community.map(comm_order).fillna(99),
        "v": q.valence.map(VALENCE_ORDER).fillna(3), "s": q.source_id, "i": q.coding_id})
    q = q.loc[order.sort_values(["t", "c", "v", "s", "i"], kind="stable").index]
    return q.drop(columns=["start", "end"]).reset_index(drop=True)


def dedupe_quotes(q: pd.DataFrame) -> pd.DataFrame:
    """One row per coded span and code: the same words coded by two coders are one quote (coders joined)."""
    if not len(q):
        return q
    key = ["source_id", "start", "end", "code"]
    coders = q.groupby(key, sort=False).coder.agg(lambda s: ", ".join(sorted(set(s.dropna().astype(str)))))
    first = q.drop_duplicates(key, keep="first").set_index(key)
    first["coder"] = coders
    return first.reset_index()[list(q.columns)]


def _codebook(codes: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    parents = dict(zip(codes.id, codes.name))
    df = codes[["id", "name", "kind", "family", "parent_id", "colour", "definition", "keywords", "n_codings"]].copy()
    df["parent"] = df.parent_id.map(lambda x: parents.get(int(x)) if pd.notna(x) else None)
    if len(units):
        g = units.groupby("code_id", observed=True)
        part = g.participant_id.nunique()
        comm = g.community.nunique()
        ww = units[units.valence == "working-well"].groupby("code_id", observed=True).participant_id.nunique()
        ti = units[units.valence == "to-improve"].groupby("code_id", observed=True).participant_id.nunique()
    else:
        part = comm = ww = ti = pd.Series(dtype=int)
    df["participants"] = df.id.map(part).fillna(0).astype(int)
    df["communities"] = df.id.map(comm).fillna(0).astype(int)
    df["working_well"] = df.id.map(ww).fillna(0).astype(int)
    df["to_improve"] = df.id.map(ti).fillna(0).astype(int)
    return df.reset_index(drop=True)


def _methods(sources: pd.DataFrame) -> list[dict]:
    if not len(sources):
        return []
    out = []
    src = sources.assign(method=sources.method.fillna("not recorded").replace("", "not recorded"))
    for method, g in src.groupby("method", sort=False):
        dates = sorted(d for d in g.interview_date.dropna().astype(str) if d)
        out.append({"method": method, "interviews": int(len(g)),
                    "first": dates[0][:10] if dates else None, "last": dates[-1][:10] if dates else None,
                    "communities": sorted(set(g.community.dropna()))})
    return out


def review_statement(review: dict | None) -> str:
    """How much of the de-identification a person has reviewed (status ``auto`` = not reviewed)."""
    if not review or not review.get("detections"):
        return ""
    if not review.get("unreviewed"):
        return f" All {review['detections']} de-identification detections have been reviewed by a person."
    return (f" {review['unreviewed']} of {review['detections']} de-identification detections have not been "
            "reviewed by a person yet: a quote may hide an ordinary word or keep an identifier.")


def deidentification_statement(n_sources: int, n_deid: int) -> str:
    base = ("Quotes are the stored, de-identified interview text: names, telephone and NHS numbers, "
            "addresses and other identifiers were replaced on import with consistent pseudonyms such as "
            "[Daughter 1], [Person 2] or [phone], and participants appear only under pseudonymous ids (e.g. P07). "
            "Source file names and participant attributes are not exported.")
    if n_sources == 0:
        return "No interviews have been imported yet. " + base
    if n_deid == n_sources:
        return f"All {n_sources} interviews were de-identified on import. " + base
    return (f"WARNING: {n_sources - n_deid} of {n_sources} interviews were imported WITHOUT automatic "
            "de-identification (already de-identified at source, or --no-deidentify): check them "
            "before this pack is shared. " + base)


def collect(project, coder: str | None = None, quotes_per_cell: int = 3, quotes_per_change: int = 3,
            now: _dt.datetime | None = None) -> ReportData:
    """Read everything the workshop pack shows (one pass over the codings)."""
    prog = project.programme
    comms = interviewed(project, coder)
    units = coded_units(project, coder)
    codes = project.codes()
    sources = project.sources()
    sentences = participant_sentences(project)
    share = _coded_share(sentences, units)
    share_by = share.set_index("community") if len(share) else None
    comms["segments"] = [int(share_by.segments.get(k, 0)) if share_by is not None else 0 for k in comms.key]
    comms["coded_segments"] = [int(share_by.coded_segments.get(k, 0)) if share_by is not None else 0
                               for k in comms.key]
    comms["coded_share"] = [round(c / s, 3) if s else 0.0 for c, s in zip(comms.coded_segments, comms.segments)]
    comms["achieved_share"] = [round(i / t, 3) if t and not pd.isna(t) else None
                               for i, t in zip(comms.interviewed, comms.target_n)]
    matrix = insight_matrix(project, units=units, communities=comms, quotes_per_cell=quotes_per_cell)
    theme_run = latest_theme_run(project)
    ctx = evidence_context(project, coder, units=units, communities=comms, segments=sentences, theme_run=theme_run)
    evidence = all_evidence(project, quotes_per_change, context=ctx)
    n_deid = int(sources.deidentified.sum()) if len(sources) else 0
    deid_review = detection_review_counts(project)
    answers = open_answers(project, comms, units, ctx.changes.to_dict("records"))
    agreement = coder_agreement(project)
    coding = participant_coding(project, coder)
    coded_p = coding[coding.codings > 0]
    single = (int((coded_p.coders == 1).sum()), int(len(coded_p)))
    unrev = _unreviewed_quotes(evidence, matrix, ctx.unreviewed)
    quotes = _quotes_table(units, codes, comms)
    breakdowns = {}
    attrs = participant_attributes(project)
    for key in ATTRIBUTES:
        if attrs[key].notna().any() and attrs[key].dropna().nunique() >= 2:
            breakdowns[key] = changes_by(project, key, coder)
    total_segments = int(share.segments.sum()) if len(share) else 0
    coded_segments = int(share.coded_segments.sum()) if len(share) else 0
    now = now or _dt.datetime.now().astimezone()
    return ReportData(
        programme=prog.name, focus_question=prog.focus_question, phases=list(prog.phases),
        project=Path(str(project.location)).name if "://" not in str(project.location) else "database",
        generated=now.strftime("%Y-%m-%d %H:%M"), coder=coder, communities=comms,
        totals={"participants": int(comms.interviewed.sum()) if len(comms) else 0,
                "target": int(comms.target_n.fillna(0).sum()) if len(comms) else 0,
                "interviews": int(len(sources)), "segments": total_segments, "coded_segments": coded_segments,
                "coded_share": round(coded_segments / total_segments, 3) if total_segments else 0.0,
                "codings": int(len(units)), "coders": sorted(set(units.coder.dropna())) if len(units) else [],
                "changes": len(evidence)},
        methods=_methods(sources),
        deidentification={"sources": int(len(sources)), "deidentified": n_deid,
                          "statement": deidentification_statement(int(len(sources)), n_deid)
                          + review_statement(deid_review)},
        matrix=matrix, touchpoints=touchpoint_totals(matrix),
        quotes=quotes, changes=evidence,
        codebook=_codebook(codes, units), theme_run=theme_run,
        community_names=dict(zip(comms.key, comms.name)),
        deid_review=deid_review, coverage=coverage_notes(comms, deid_review), open_answers=answers,
        agreement=agreement, risks=evidence_risks(evidence, comms, deid_review, agreement, single, unrev),
        programme_fields=programme_fields(project), breakdowns=breakdowns, unreviewed_quotes=unrev,
        record=read_record(project), community_pages=community_pages(comms, matrix, answers, units),
        duplicate_quotes=int((units.words > 0).sum() - len(quotes)) if len(units) else 0,
    )


def _unreviewed_quotes(evidence: list[dict], matrix: pd.DataFrame, unreviewed: pd.DataFrame) -> int:
    """Distinct quotes the outputs show (changes and matrix cells) that overlap an unreviewed detection."""
    seen = {}
    for ev in evidence:
        for q in ev["quotes"]:
            seen[(q["source_id"], q["text"])] = bool(q.get("unreviewed"))
    cells = [q for qs in (matrix.quotes if len(matrix) else []) for q in qs]
    todo = [q for q in cells if (q["source_id"], q["text"]) not in seen and q.get("coding_id") is not None]
    for q in todo:
        seen[(q["source_id"], q["text"])] = False
    if todo and len(unreviewed):
        from elc.insights.quotes import overlaps_any

        src = np.array([q["source_id"] for q in todo])
        starts = np.array([q.get("start", -1) for q in todo])
        ends = np.array([q.get("end", -1) for q in todo])
        hit = overlaps_any(src, starts, ends, unreviewed)
        for q, h in zip(todo, hit):
            q["unreviewed"] = bool(h)
            seen[(q["source_id"], q["text"])] = bool(h)
    return int(sum(seen.values()))


def theme_rows(run: dict | None) -> tuple[list[str], list[list]]:
    """The latest theme run's themes table as header + rows of plain values (lists joined)."""
    if not run or not len(run["themes"]):
        return [], []
    df = run["themes"]
    cols = list(df.columns)
    front = [c for c in ("community", "theme_id", "label", "share", "participants", "keywords", "quotes") if c in cols]
    cols = front + [c for c in cols if c not in front]
    rows = []
    for rec in df[cols].itertuples(index=False):
        rows.append([plain(v) for v in rec])
    return cols, rows


def plain(value):
    """A cell-friendly value: lists joined, dicts as ``k: v``, NaN as None."""
    if isinstance(value, (list, tuple)):
        return "\n".join(str(plain(v)) for v in value)
    if isinstance(value, dict):
        if "text" in value:
            who = value.get("participant") or value.get("participant_id")
            return f"{value['text']} ({who})" if who else str(value["text"])
        return "; ".join(f"{k}: {plain(v)}" for k, v in value.items())
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    if value is None or value is pd.NA:
        return None
    return value

"""The evidence behind each high-impact change, and how strong it is.

A change's evidence is every participant whose words are coded with one of its linked codes
(or, for a linked theme, whose sentences the latest theme run assigned to that theme). Counts are
"n of N asked": N is a community's participants whose interview is coded, when its guide asks
about any linked code (a touchpoint of its family, or a cross-cutting theme); a community whose
guide never asks is "not asked", which is not the same as "nobody raised it". Interviews not yet
coded are left out and reported (:func:`coverage_notes`). Working well and to improve are counted
per participant, separately: someone who said both counts on both sides (and in ``both``);
nobody is reduced to a majority view.

From them: participants per community, the touchpoints they spoke about, quotes chosen for
relevance to the change (its statement and linked codes; the participant's own words; avoiding
unreviewed de-identification and quotes another change already uses, marked when reused), and a
strength rating built from three plain ingredients:

* breadth: how many of the communities asked raised it;
* volume: how many participants raised it;
* consistency: of those who said it was working well or needed to improve, the share who said
  only the more common side.

The rating is ``none`` (nobody), ``thin`` (fewer than :data:`THIN_PARTICIPANTS` participants, or
one community when more were asked), ``strong`` (at least :data:`STRONG_PARTICIPANTS`
participants from :data:`STRONG_COMMUNITIES` communities with consistency of at least
:data:`CONSISTENT`) and ``moderate`` otherwise. Flags say why in words: missing voices (asked, none
raised it), communities not asked, thin evidence, mixed views, a single coder, unchecked claims in
the rationale (the rationale is the programme team's judgement unless it cites the evidence through
placeholders, see :mod:`elc.insights.claims`) and quotes with unreviewed de-identification.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from elc.insights.changes import changes as list_changes, resolve_change
from elc.insights.claims import cites_evidence, render_rationale, unchecked_claims
from elc.insights.quotes import add_quote_columns, clip, overlaps_any, pick_quotes, relevance
from elc.insights.units import (QUOTE_COLUMNS, asks, coded_units, interviewed, mend_brackets, participant_counts,
                                participant_sentences, source_texts)
from elc.store.insight_reads import latest_theme_run_row
from elc.store.evidence_reads import unreviewed_detections, voice_spans

THIN_PARTICIPANTS = 3
STRONG_PARTICIPANTS = 8
STRONG_COMMUNITIES = 3
CONSISTENT = 0.7
MIXED = 0.6
VOLUME_SATURATION = 12


# ---------------------------------------------------------------------------- theme runs
def latest_theme_run(project) -> dict | None:
    """The latest theme run: id, ts, method, params, ``themes`` (DataFrame), ``assignments`` (dict), or None."""
    row = latest_theme_run_row(project)
    if row is None:
        return None

    def _load(text, default):
        try:
            return json.loads(text) if text else default
        except (TypeError, ValueError):
            return default

    records = _load(row["themes"], [])
    themes = pd.DataFrame(records) if isinstance(records, list) else pd.DataFrame()
    params = _load(row["params"], {})
    assignments = _load(row["assignments"], {})
    return {"id": int(row["id"]), "ts": row["ts"], "method": row["method"], "params": params,
            "themes": themes, "assignments": assignments if isinstance(assignments, dict) else {}}


def _theme_keys(value) -> set[str]:
    """The identifiers an assignment value can carry (a theme id, a label, or a record of them)."""
    if isinstance(value, dict):
        return {str(value[k]).strip().lower() for k in ("theme_id", "theme", "label", "id") if value.get(k) is not None}
    if isinstance(value, list):
        return set().union(*(_theme_keys(v) for v in value)) if value else set()
    return {str(value).strip().lower()} if value is not None else set()


# ---------------------------------------------------------------------------- context
@dataclass
class EvidenceContext:
    """Everything evidence needs, read once and shared by every change."""

    communities: pd.DataFrame
    units: pd.DataFrame
    theme_run: dict | None
    changes: pd.DataFrame
    codes: pd.DataFrame
    voices: pd.DataFrame                # sentences not spoken by the participant
    unreviewed: pd.DataFrame            # de-identification detections nobody reviewed
    used_quotes: dict = field(default_factory=dict)  # quote text -> change numbers using it
    _segments: pd.DataFrame | None = field(default=None, repr=False)
    _slim: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def theme_method(self) -> str | None:
        return self.theme_run["method"] if self.theme_run else None


def evidence_context(project, coder: str | None = None, units: pd.DataFrame | None = None,
                     communities: pd.DataFrame | None = None, segments: pd.DataFrame | None = None,
                     theme_run: dict | None | Literal[False] = False) -> EvidenceContext:
    """Read once what every change's evidence needs (pass frames already read to reuse them)."""
    return EvidenceContext(
        communities=interviewed(project, coder) if communities is None else communities,
        units=coded_units(project, coder) if units is None else units,
        theme_run=latest_theme_run(project) if theme_run is False else theme_run,
        changes=list_changes(project), codes=project.codes(), voices=voice_spans(project),
        unreviewed=unreviewed_detections(project), _segments=segments)


def _theme_units(project, ctx: EvidenceContext, labels: list[str]) -> pd.DataFrame:
    """Sentences the latest theme run put in one of ``labels``, shaped like coded units."""
    run = ctx.theme_run
    if not labels or not run or not run["assignments"]:
        return ctx.units.iloc[0:0]
    wanted = {label.strip().lower() for label in labels}
    themes = run["themes"]
    if len(themes) and "label" in themes.columns:
        for col in ("theme_id", "theme", "id"):
            if col in themes.columns:
                hit = themes[themes["label"].astype(str).str.strip().str.lower().isin(wanted)]
                wanted |= {str(v).strip().lower() for v in hit[col]}
    seg_ids, seg_theme = [], {}
    for key, value in run["assignments"].items():
        keys = _theme_keys(value)
        if keys & wanted:
            try:
                seg_ids.append(int(key))
            except (TypeError, ValueError):
                continue
            seg_theme[int(key)] = next(iter(keys & wanted))
    if not seg_ids:
        return ctx.units.iloc[0:0]
    if ctx._segments is None:
        ctx._segments = participant_sentences(project)
    segs = ctx._segments[ctx._segments.id.isin(seg_ids) & ctx._segments.participant_id.notna()]
    if not len(segs):
        return ctx.units.iloc[0:0]
    label_of = {}
    if len(themes) and "label" in themes.columns:
        for col in ("theme_id", "theme", "id"):
            if col in themes.columns:
                label_of.update({str(k).strip().lower(): str(v) for k, v in zip(themes[col], themes["label"])})
    df = pd.DataFrame({
        "id": None, "source_id": segs.source_id.values, "participant_id": segs.participant_id.values,
        "community": segs.community.values, "start": segs.start.values, "end": segs.end.values,
        "code_id": None, "code": [f"theme: {label_of.get(seg_theme[i], seg_theme[i])}" for i in segs.id],
        "code_kind": "theme-run", "valence": "neutral", "coder": run["method"],
        "text": mend_brackets(source_texts(project, segs.source_id.unique()), segs.source_id, segs.start, segs.end),
        "touchpoint_id": None, "touchpoint": None,
    })
    return add_quote_columns(df)


# ---------------------------------------------------------------------------- evidence
def _rating(n: int, heard: int, asked_comms: int, consistency: float | None) -> tuple[str, float]:
    if n == 0:
        return "none", 0.0
    volume = min(1.0, n / VOLUME_SATURATION)
    breadth = min(1.0, heard / asked_comms) if asked_comms else 0.0
    cons = consistency if consistency is not None else 0.5
    score = round(0.4 * volume + 0.35 * breadth + 0.25 * cons, 2)
    if n < THIN_PARTICIPANTS or (heard <= 1 and asked_comms > 1):
        return "thin", score
    if n >= STRONG_PARTICIPANTS and heard >= STRONG_COMMUNITIES and (consistency or 0) >= CONSISTENT:
        return "strong", score
    return "moderate", score


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _quote_query(change: dict, codes: pd.DataFrame) -> str:
    """What a quote for this change should speak to: its statement and its linked codes."""
    parts = [change["title"], *change["requirements"]]
    if len(codes):
        mine = codes[codes.id.isin(change["code_ids"])]
        for r in mine.itertuples():
            parts += [r.name, r.definition or "", " ".join(r.keywords or [])]
    parts += list(change["themes"])
    return " ".join(p for p in parts if p)


def _change_units(project, ctx: EvidenceContext, change: dict) -> pd.DataFrame:
    """The coded units behind a change: codings of its linked codes and of its themes, of
    participants in a community."""
    if ctx._slim is None:
        ctx._slim = ctx.units[QUOTE_COLUMNS + ["coder"]]
    units = ctx._slim
    code_ids = set(change["code_ids"])
    if code_ids and len(units):
        ev = units[np.isin(ctx.units.code_id.to_numpy(dtype=float), list(code_ids))]
    else:
        ev = units.iloc[0:0]
    theme_ev = _theme_units(project, ctx, change["themes"])
    if len(theme_ev):
        theme_ev = theme_ev[QUOTE_COLUMNS + ["coder"]]
        ev = pd.concat([ev, theme_ev], ignore_index=True) if len(ev) else theme_ev
    return ev[ev.community.notna()] if len(ev) else ev


def _by_community(ctx: EvidenceContext, ev: pd.DataFrame, change: dict) -> list[dict]:
    """Per community in programme order: whether its guide asks about the change's codes, how many
    were interviewed and coded, and how many participants raised it (by valence)."""
    codes = ctx.codes
    fam = dict(zip(codes.id.astype(int), codes.family)) if len(codes) else {}
    families = [fam.get(int(i)) for i in set(change["code_ids"])] + [None] * bool(change["themes"])
    counts = participant_counts(ev, "community")
    by_comm = []
    for c in ctx.communities.itertuples():
        got = counts.loc[c.key] if c.key in counts.index else None
        n = int(got.participants) if got is not None else 0
        asked = any(asks(f, c.family) for f in families)
        of = int(c.coded) if asked else None
        by_comm.append({
            "community": c.key, "name": c.name, "family": c.family,
            "target_n": None if pd.isna(c.target_n) else int(c.target_n),
            "interviewed": int(c.interviewed), "coded": int(c.coded), "asked": asked, "of": of,
            "participants": n, "share": round(n / of, 3) if of else None,
            "to_improve": int(got.to_improve) if got is not None else 0,
            "working_well": int(got.working_well) if got is not None else 0,
            "both": int(got.both) if got is not None else 0,
        })
    return by_comm


def _evidence_flags(change: dict, n: int, heard: list, asked_comms: list, consistency: float | None,
                    ti: set, ww: set) -> list[dict]:
    """Flags on the evidence as a whole: no links or no evidence, thin evidence, mixed views."""
    flags = []
    if not change["code_ids"] and not change["themes"]:
        flags.append({"flag": "no-links", "message": "not linked to any code or theme yet"})
    elif n == 0:
        flags.append({"flag": "no-evidence", "message": "no participant's words are coded with its linked codes yet"})
    if 0 < n < THIN_PARTICIPANTS:
        flags.append({"flag": "thin-evidence",
                      "message": f"thin evidence: only {n} participant{'s' if n != 1 else ''}"})
    if n and len(heard) == 1 and len(asked_comms) > 1:
        flags.append({"flag": "thin-evidence", "message": f"thin evidence: only one community ({heard[0]['name']})"})
    if consistency is not None and consistency < MIXED:
        flags.append({"flag": "mixed-views",
                      "message": f"mixed views: {len(ti)} said to improve, {len(ww)} working well "
                                 f"({len(ti & ww)} of them both)"})
    return flags


def _community_flag(b: dict, linked: list[str], has_links: bool) -> dict | None:
    """The flag of one community that was not asked, or asked and did not raise it (else None)."""
    if not b["asked"]:
        if b["interviewed"] and has_links:
            extra = f"; {b['participants']} raised it unprompted" if b["participants"] else ""
            return {"flag": "not-asked", "community": b["community"],
                    "message": f"not asked: the guide for {b['name']} has no question on "
                               f"{_names(linked)}, so their view is unknown, not absent{extra}"}
        return None
    if b["participants"]:
        return None
    if b["coded"]:
        return {"flag": "missing-voice", "community": b["community"],
                "message": f"missing voice: {b['name']} (0 of {b['of']} asked raised it)"}
    if b["interviewed"]:
        return {"flag": "not-coded", "community": b["community"],
                "message": f"not coded yet: {b['name']} ({b['interviewed']} interviewed, none coded)"}
    target = f"; target {b['target_n']}" if b["target_n"] else ""
    return {"flag": "not-interviewed", "community": b["community"],
            "message": f"missing voice: {b['name']} (nobody interviewed yet{target})"}


def _touchpoints(ev: pd.DataFrame) -> list[dict]:
    """Participants per touchpoint among the change's units, most first."""
    if not len(ev):
        return []
    tcounts = participant_counts(ev[ev.touchpoint.notna()], "touchpoint")
    tps = [{"touchpoint": tp, "participants": int(r.participants), "to_improve": int(r.to_improve),
            "working_well": int(r.working_well), "both": int(r.both)} for tp, r in tcounts.iterrows()]
    tps.sort(key=lambda t: -t["participants"])
    return tps


def _unreviewed_flag(picked: list[dict]) -> list[dict]:
    unreviewed_quotes = sum(1 for q in picked if q.get("unreviewed"))
    if not unreviewed_quotes:
        return []
    return [{"flag": "unreviewed-quote",
             "message": f"{unreviewed_quotes} quote{'s' if unreviewed_quotes != 1 else ''} shown "
                        "contain{} de-identification nobody has reviewed yet".format(
                            "" if unreviewed_quotes != 1 else "s")}]


def _participants_by_valence(ev: pd.DataFrame) -> tuple[int, set, set]:
    """Participants behind the units, and those who said to improve / working well."""
    if not len(ev):
        return 0, set(), set()
    return (int(ev.participant_id.nunique()), set(ev.participant_id[ev.valence == "to-improve"]),
            set(ev.participant_id[ev.valence == "working-well"]))


def _consistency(ti: set, ww: set) -> tuple[float | None, str | None]:
    """(share of valenced participants on one side only, the side most said), or Nones."""
    only_ti, only_ww, valenced = len(ti - ww), len(ww - ti), len(ti | ww)
    consistency = round(max(only_ti, only_ww) / valenced, 3) if valenced else None
    direction = None if not (ti or ww) else ("to-improve" if len(ti) >= len(ww) else "working-well")
    return consistency, direction


def _coders(ctx: EvidenceContext, ev: pd.DataFrame) -> list[str]:
    """Coders behind the units (the theme method, which codes nothing itself, left out)."""
    if not len(ev):
        return []
    return sorted({str(c) for c in ev.coder.dropna()} - {c for c in {ctx.theme_method} if c})


def _community_lists(by_comm: list[dict]) -> dict:
    return {"communities_heard": [b["community"] for b in by_comm if b["participants"]],
            "missing_communities": [b["community"] for b in by_comm if b["asked"] and not b["participants"]],
            "not_asked": [b["community"] for b in by_comm if not b["asked"]]}


def _evidence(project, ctx: EvidenceContext, change: dict, quotes: int) -> dict:
    ev = _change_units(project, ctx, change)
    names = dict(zip(ctx.communities.key, ctx.communities.name))
    by_comm = _by_community(ctx, ev, change)
    n, ti, ww = _participants_by_valence(ev)
    both, valenced = len(ti & ww), len(ti | ww)
    consistency, direction = _consistency(ti, ww)
    heard = [b for b in by_comm if b["participants"] and b["asked"]]
    asked_comms = [b for b in by_comm if b["asked"] and b["coded"]]
    strength, score = _rating(n, len(heard), len(asked_comms), consistency)
    flags = _evidence_flags(change, n, heard, asked_comms, consistency, ti, ww)
    linked = list(change["codes"]) + [f"theme '{t}'" for t in change["themes"]]
    has_links = bool(set(change["code_ids"]) or change["themes"])
    flags += [f for f in (_community_flag(b, linked, has_links) for b in by_comm) if f is not None]
    coders = _coders(ctx, ev)
    if n and len(coders) == 1:
        flags.append({"flag": "single-coder",
                      "message": f"single coder: every coding behind it is by {coders[0]} (not checked by a second coder)"})
    claims = unchecked_claims(change["rationale"])
    basis = "evidence" if cites_evidence(change["rationale"]) else "judgement"
    rationale = render_rationale(change["rationale"], n=n, of=sum(b["of"] or 0 for b in by_comm),
                                 ti=len(ti), ww=len(ww), both=both)
    for claim in claims:
        flags.append({"flag": "unchecked-claim",
                      "message": f"unchecked claim in the rationale: “{claim}” is the programme team's "
                                 "judgement, not computed from the evidence"})
    tps = _touchpoints(ev)
    picked = _pick_change_quotes(ctx, ev, change, quotes, direction,
                                 mixed=consistency is not None and consistency < MIXED)
    for q in picked:
        q["community_name"] = names.get(q["community"], q["community"])
    flags += _unreviewed_flag(picked)
    return {
        "id": int(change["id"]), "position": int(change["position"]), "title": change["title"],
        "rationale": rationale, "rationale_basis": basis, "owner": change["owner"],
        "measures": list(change["measures"]),
        "requirements": list(change["requirements"]), "codes": list(change["codes"]),
        "themes": list(change["themes"]), "participants": n,
        "interviewed": int(sum(b["interviewed"] for b in by_comm)),
        "of": int(sum(b["of"] or 0 for b in by_comm)),
        **_community_lists(by_comm),
        "by_community": by_comm, "touchpoints": tps,
        "valence": {"to-improve": len(ti), "working-well": len(ww), "both": both,
                    "neutral": int(n - valenced)},
        "direction": direction, "consistency": consistency,
        "strength": strength, "score": score, "flags": flags, "coders": coders,
        "codings": int(len(ev)), "quotes": picked,
    }


def _pick_change_quotes(ctx: EvidenceContext, ev: pd.DataFrame, change: dict, k: int,
                        direction: str | None, mixed: bool = False) -> list[dict]:
    """Quotes that speak to the change: relevance to its statement and linked codes first, only the
    participant's own words, avoiding unreviewed de-identification and quotes another change uses."""
    if not len(ev) or k <= 0:
        return []
    cand = ev[ev["words"].to_numpy() > 0]
    if not len(cand):
        return []
    src, a, b = (cand.source_id.to_numpy(dtype=np.int64), cand.start.to_numpy(dtype=np.int64),
                 cand.end.to_numpy(dtype=np.int64))
    others = overlaps_any(src, a, b, ctx.voices)
    cand = cand[~others]
    if not len(cand):
        return []
    src, a, b = src[~others], a[~others], b[~others]
    unreviewed = overlaps_any(src, a, b, ctx.unreviewed)
    rel = relevance(cand["quote"].tolist(), _quote_query(change, ctx.codes))
    texts = cand["quote"].to_numpy(dtype=object)
    used = np.array([t in ctx.used_quotes for t in texts], dtype=bool)
    words = cand["words"].to_numpy(dtype=float)
    extra = 60.0 * rel - 40.0 * unreviewed - 80.0 * used - 25.0 * (words < 12)
    cand = cand.assign(_unreviewed=unreviewed)
    if mixed and k >= 2:
        # mixed views are shown, not netted: quotes from both sides
        first = pick_quotes(cand, (k + 1) // 2, prefer=direction, spread=("community", "participant_id"),
                            extra=extra - 1000.0 * (cand.valence.to_numpy(dtype=object) != direction))
        other = "working-well" if direction == "to-improve" else "to-improve"
        taken = {q["text"] for q in first}
        rest = pick_quotes(cand, k // 2 + len(first), prefer=other, spread=("community", "participant_id"),
                           extra=extra - 1000.0 * (cand.valence.to_numpy(dtype=object) != other))
        picked = first + [q for q in rest if q["text"] not in taken][:k - len(first)]
    else:
        picked = pick_quotes(cand, k, prefer=direction, spread=("community", "participant_id"), extra=extra)
    flags = dict(zip(cand["quote"], cand["_unreviewed"]))
    for q in picked:
        full = next((t for t in texts if clip(t) == q["text"]), None)
        q["unreviewed"] = bool(flags.get(full, False)) if full is not None else False
        earlier = ctx.used_quotes.get(full, [])
        q["also_for"] = list(earlier)
        if full is not None:
            ctx.used_quotes.setdefault(full, []).append(int(change["position"]) + 1)
    return picked


def change_evidence(project, change_id, quotes: int = 3, context: EvidenceContext | None = None) -> dict:
    """The evidence for one change (by id or title): participants per community, touchpoints,
    quotes (pseudonym + community), strength and flags. See the module docstring."""
    ctx = context or evidence_context(project)
    cid = resolve_change(project, change_id)
    row = ctx.changes[ctx.changes.id == cid]
    if not len(row):  # changed since the context was read
        ctx.changes = list_changes(project)
        row = ctx.changes[ctx.changes.id == cid]
    return _evidence(project, ctx, row.iloc[0].to_dict(), quotes)


def all_evidence(project, quotes: int = 3, context: EvidenceContext | None = None,
                 coder: str | None = None) -> list[dict]:
    """Evidence for every change, in order."""
    ctx = context or evidence_context(project, coder)
    return [_evidence(project, ctx, ch, quotes) for ch in ctx.changes.to_dict("records")]


def strength_label(ev: dict) -> str:
    """``moderate evidence (score 0.55)``, or ``no evidence yet``."""
    if ev["strength"] == "none":
        return "no evidence yet"
    return f"{ev['strength']} evidence (score {ev['score']:.2f})"


def n_of_n(b: dict) -> str:
    """``8 of 11 asked`` for one community entry of ``by_community`` (``not asked`` if its guide did not ask)."""
    if not b["asked"]:
        return f"not asked ({b['participants']} raised it unprompted)" if b["participants"] else "not asked"
    return f"{b['participants']} of {b['of']} asked"


def coverage_notes(communities: pd.DataFrame, deid: dict | None = None) -> list[str]:
    """Lines every output prints about what its counts leave out: interviews not coded yet, and
    de-identification detections nobody has reviewed."""
    out = []
    uncoded = [(pid, c.name) for c in communities.itertuples() for pid in (c.uncoded_ids or [])]
    if uncoded:
        out.append(f"{len(uncoded)} interview{'s' if len(uncoded) != 1 else ''} not coded yet, excluded from every "
                   "count: " + "; ".join(f"{pid} ({name})" for pid, name in uncoded))
    if deid and deid.get("unreviewed"):
        out.append(f"{deid['unreviewed']} of {deid['detections']} de-identification detections not reviewed yet "
                   f"(in {deid['sources_unreviewed']} interviews): review them with 'elc deidentify' or the workbench (D)")
    return out


def sides_sentence(ev: dict) -> str:
    """``20 to improve, 5 working well (3 of them both), 1 neutral only`` (participants)."""
    v = ev["valence"]
    text = f"{v['to-improve']} to improve, {v['working-well']} working well"
    if v.get("both"):
        text += f" ({v['both']} of them both)"
    if v.get("neutral"):
        text += f", {v['neutral']} neutral only"
    return text


def evidence_sentence(ev: dict) -> str:
    """One line: ``9 participants: People who use ... 8 of 11 asked; Family carers ... 1 of 1 asked``."""
    heard = [f"{b['name']} {n_of_n(b)}" for b in ev["by_community"] if b["participants"]]
    if not heard:
        return "no participant evidence yet"
    return f"{ev['participants']} participant{'s' if ev['participants'] != 1 else ''}: " + "; ".join(heard)


__all__ = ["EvidenceContext", "evidence_context", "latest_theme_run", "change_evidence", "all_evidence",
           "n_of_n", "evidence_sentence", "sides_sentence", "coverage_notes", "strength_label", "THIN_PARTICIPANTS",
           "STRONG_PARTICIPANTS", "STRONG_COMMUNITIES", "CONSISTENT"]

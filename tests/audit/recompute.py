"""An independent recomputation of every count elc prints, straight from the tables.

Written separately from ``elc.insights``: plain SQL over a read-only sqlite3 connection and
Python sets, no elc code. The rules it encodes are the documented ones:

* a participant counts when one of their interviews has an active coding ("coded");
* a community is *asked* about a code when the code has no family (a cross-cutting theme) or the
  code's family is the community's family; the denominator is its coded participants, else none;
* a participant raised a code when one of their active codings carries it; working well and to
  improve are counted per participant, separately (a participant can be on both sides);
* a change is asked of a community when any of its linked codes is.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field


def connect(path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


@dataclass
class Tables:
    communities: list[dict]                      # key, name, family, target_n (programme order)
    family_of: dict[str, str]                    # community -> family
    community_of: dict[str, str]                 # participant -> community
    interviewed: dict[str, set]                  # community -> participants with an interview
    coded: dict[str, set]                        # community -> participants with an active coding
    codes: dict[int, dict]                       # id -> name, kind, family
    hits: dict[int, dict[str, set]] = field(default_factory=dict)  # code -> valence -> participants
    changes: list[dict] = field(default_factory=list)             # title, code_ids (position order)
    attributes: dict[str, dict] = field(default_factory=dict)     # participant -> attributes
    coders_of: dict[str, set] = field(default_factory=dict)       # participant -> coders
    unreviewed: int = 0
    detections: int = 0


def load(path) -> Tables:
    con = connect(path)
    try:
        comms = [dict(zip(("id", "key", "name", "family", "target_n"), r)) for r in con.execute(
            "SELECT id, key, name, family, target_n FROM communities ORDER BY position")]
        key_of_id = {c["id"]: c["key"] for c in comms}
        community_of, attributes = {}, {}
        for pid, cid, attrs in con.execute("SELECT id, community_id, attributes FROM participants"):
            if cid in key_of_id:
                community_of[pid] = key_of_id[cid]
            attributes[pid] = json.loads(attrs or "{}")
        interviewed, coded = defaultdict(set), defaultdict(set)
        for (pid,) in con.execute("SELECT DISTINCT participant_id FROM sources WHERE participant_id IS NOT NULL"):
            if pid in community_of:
                interviewed[community_of[pid]].add(pid)
        hits: dict[int, dict[str, set]] = defaultdict(lambda: defaultdict(set))
        coders_of = defaultdict(set)
        for pid, code_id, valence, coder in con.execute(
                "SELECT s.participant_id, k.code_id, k.valence, k.coder FROM codings k "
                "JOIN sources s ON s.id = k.source_id WHERE k.active = 1 AND s.participant_id IS NOT NULL"):
            if pid not in community_of:
                continue
            coded[community_of[pid]].add(pid)
            hits[code_id][valence].add(pid)
            hits[code_id]["any"].add(pid)
            coders_of[pid].add(coder)
        codes = {i: {"name": n, "kind": k, "family": f} for i, n, k, f in con.execute(
            "SELECT id, name, kind, family FROM codes WHERE archived = 0")}
        changes = []
        for cid, title in con.execute("SELECT id, title FROM changes ORDER BY position, id"):
            ids = [int(r[0]) for r in con.execute(
                "SELECT ref FROM change_links WHERE change_id = ? AND kind = 'code' ORDER BY id", (cid,))
                   if int(r[0]) in codes]
            changes.append({"id": cid, "title": title, "code_ids": ids})
        detections = con.execute("SELECT COUNT(*) FROM deid_detections").fetchone()[0]
        unreviewed = con.execute("SELECT COUNT(*) FROM deid_detections WHERE status = 'auto'").fetchone()[0]
    finally:
        con.close()
    return Tables(communities=comms, family_of={c["key"]: c["family"] for c in comms}, community_of=community_of,
                  interviewed=interviewed, coded=coded, codes=codes, hits=hits, changes=changes,
                  attributes=attributes, coders_of=coders_of, unreviewed=unreviewed, detections=detections)


def asked(code_family, community_family) -> bool:
    return code_family is None or code_family == community_family


def counts(t: Tables, code_ids, community: str) -> dict:
    """Participants of ``community`` with any of ``code_ids``: raised, to_improve, working_well, both."""
    members = t.coded[community]
    ti, ww, raised = set(), set(), set()
    for c in code_ids:
        h = t.hits.get(c, {})
        raised |= h.get("any", set()) & members
        ti |= h.get("to-improve", set()) & members
        ww |= h.get("working-well", set()) & members
    return {"raised": len(raised), "to_improve": len(ti), "working_well": len(ww), "both": len(ti & ww),
            "_raised": raised, "_ti": ti, "_ww": ww}


def matrix(t: Tables, kind=("touchpoint",)) -> dict:
    """(code name, community) -> asked, interviewed, coded, of, raised, working_well, to_improve, both."""
    out = {}
    for cid, code in t.codes.items():
        if code["kind"] not in kind:
            continue
        for c in t.communities:
            k = c["key"]
            a = asked(code["family"], c["family"])
            got = counts(t, [cid], k)
            out[(code["name"], k)] = {"asked": a, "interviewed": len(t.interviewed[k]), "coded": len(t.coded[k]),
                                      "of": len(t.coded[k]) if a else None, "raised": got["raised"],
                                      "working_well": got["working_well"], "to_improve": got["to_improve"],
                                      "both": got["both"]}
    return out


def touchpoint_totals(t: Tables) -> dict:
    """touchpoint -> of, raised, working_well, to_improve over the communities asked."""
    out = {}
    for (tp, _k), cell in matrix(t).items():
        tot = out.setdefault(tp, {"of": 0, "raised": 0, "working_well": 0, "to_improve": 0})
        if cell["asked"]:
            for col in tot:
                tot[col] += cell[col]
    return out


def change_evidence(t: Tables) -> list[dict]:
    """Per change (position order): participants, valence sides, and per community asked/of/counts."""
    out = []
    for ch in t.changes:
        fams = [t.codes[c]["family"] for c in ch["code_ids"]]
        by, all_r, all_ti, all_ww = {}, set(), set(), set()
        for c in t.communities:
            k = c["key"]
            a = any(asked(f, c["family"]) for f in fams)
            got = counts(t, ch["code_ids"], k)
            by[k] = {"asked": a, "of": len(t.coded[k]) if a else None, "participants": got["raised"],
                     "to_improve": got["to_improve"], "working_well": got["working_well"], "both": got["both"],
                     "interviewed": len(t.interviewed[k])}
            all_r |= got["_raised"]
            all_ti |= got["_ti"]
            all_ww |= got["_ww"]
        out.append({"title": ch["title"], "participants": len(all_r), "to_improve": len(all_ti),
                    "working_well": len(all_ww), "both": len(all_ti & all_ww),
                    "of": sum(b["of"] or 0 for b in by.values()), "by_community": by})
    return out


def by_attribute(t: Tables, attribute: str, code_ids, families) -> dict:
    """group -> of, to_improve, working_well for participants asked (coded, family asked)."""
    out = defaultdict(lambda: {"of": 0, "to_improve": 0, "working_well": 0})
    for c in t.communities:
        if not any(asked(f, c["family"]) for f in families):
            continue
        got = counts(t, code_ids, c["key"])
        for pid in t.coded[c["key"]]:
            g = t.attributes.get(pid, {}).get(attribute) or "not recorded"
            out[g]["of"] += 1
            out[g]["to_improve"] += pid in got["_ti"]
            out[g]["working_well"] += pid in got["_ww"]
    return dict(out)


def suppress(values: list[int], below: int = 5) -> list[str]:
    """Small-number suppression as documented: 1..below-1 hidden; if exactly one is hidden and the
    row total is shown, the smallest other cell is withheld too, marked "c" (never "<5": it is not small)."""
    small = [0 < v < below for v in values]
    withheld = set()
    if small.count(True) == 1 and len(values) > 1:
        rest = sorted((v, i) for i, v in enumerate(values) if not small[i])
        withheld.add(rest[0][1])
    return [f"<{below}" if s else "c" if i in withheld else str(v) for i, (v, s) in enumerate(zip(values, small))]


def _words(text: str) -> str:
    import re

    return " ".join(re.findall(r"[a-z0-9]+", str(text or "").lower().replace("’", "").replace("'", "")))


def open_answers(path) -> dict:
    """(question, community) -> participants with a sentence answering it, and interviewed."""
    con = connect(path)
    try:
        qs = list(con.execute("SELECT text, family FROM questions ORDER BY position"))
        rows = list(con.execute(
            "SELECT s.participant_id, c.key, c.family, g.question FROM segments g JOIN sources s ON s.id = g.source_id "
            "JOIN participants p ON p.id = s.participant_id JOIN communities c ON c.id = p.community_id "
            "WHERE g.kind = 'sentence' AND g.role = 'participant' AND g.question != ''"))
    finally:
        con.close()
    out = defaultdict(set)
    for text, family in qs:
        key = _words(text)
        for pid, comm, fam, question in rows:
            if fam == family and key in _words(question):
                out[(text, comm)].add(pid)
    return {k: len(v) for k, v in out.items()}


# ---------------------------------------------------------------------------- the workshop record
def decisions(path) -> dict[int, dict]:
    """Each change's latest decision (append-only table: the highest id wins); absent = candidate."""
    con = connect(path)
    try:
        out = {}
        for cid, decision, votes, priority, merged in con.execute(
                "SELECT change_id, decision, votes, priority, merged_into FROM change_decisions ORDER BY id"):
            out[cid] = {"decision": decision, "votes": votes, "priority": priority, "merged_into": merged}
        return out
    finally:
        con.close()


def states(path) -> dict[str, int]:
    """How many changes are in each state (candidate when never decided)."""
    con = connect(path)
    try:
        ids = [r[0] for r in con.execute("SELECT id FROM changes")]
    finally:
        con.close()
    latest = decisions(path)
    out: dict[str, int] = defaultdict(int)
    for cid in ids:
        out[latest[cid]["decision"] if cid in latest else "candidate"] += 1
    return dict(out)


def attendees_total(path) -> int:
    con = connect(path)
    try:
        return int(con.execute("SELECT COALESCE(SUM(n), 0) FROM workshop_attendees").fetchone()[0])
    finally:
        con.close()


def kpi_latest(path) -> dict[int, dict]:
    """Each KPI with returns: its latest month and value, the number of months, baseline and threshold."""
    con = connect(path)
    try:
        out = {}
        for kid, period, value in con.execute("SELECT kpi_id, period, value FROM kpi_returns ORDER BY kpi_id, period"):
            rec = out.setdefault(kid, {"n": 0})
            rec.update(period=period, value=value)
            rec["n"] += 1
        for kid, baseline, threshold in con.execute("SELECT id, baseline, threshold FROM kpis"):
            if kid in out:
                out[kid].update(baseline=baseline, threshold=threshold)
        return out
    finally:
        con.close()

"""Merge coders' copies of one programme into one project (offline team coding).

As NVivo and ATLAS.ti teams do: each coder codes their own copy, then the copies are merged.
Sources are matched by content hash (the same interview text, so every offset holds); codes by
path ("Parent/Child", case-insensitive), with a rename map for a code that means something
else in one copy; codings (with their memos) and theme decisions are united per coder. Nothing
in the target is overwritten: a coding that exists already is a duplicate, one on the same span
and code by the same coder with another valence or memo is a conflict (the target's stays).
Everything is written in one transaction; the report says what merged and what did not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import Engine, and_, func, select

from elc.store import database, schema as s


@dataclass
class MergeReport:
    sources_matched: int = 0
    sources_missing: list[str] = field(default_factory=list)  # "copy: source name" not in the target
    codes_matched: int = 0
    codes_added: list[str] = field(default_factory=list)
    code_conflicts: list[str] = field(default_factory=list)
    codings_added: int = 0
    codings_duplicate: int = 0
    codings_conflict: int = 0
    codings_skipped: int = 0  # on a source or code that could not be matched
    decisions_added: int = 0
    decisions_duplicate: int = 0
    per_coder: dict[str, int] = field(default_factory=dict)  # codings added per coder
    conflicts: list[str] = field(default_factory=list)  # one line each, for the report

    @property
    def ok(self) -> bool:
        return not (self.code_conflicts or self.codings_conflict or self.codings_skipped or self.sources_missing)


def _paths(rows) -> dict[int, str]:
    by_id = {int(r["id"]): r for r in rows}
    out: dict[int, str] = {}

    def path(i: int, depth: int = 0) -> str:
        if i in out:
            return out[i]
        r = by_id[i]
        parent = r["parent_id"]
        name = str(r["name"]).strip()
        p = name if parent is None or parent not in by_id or depth > 50 else f"{path(int(parent), depth + 1)}/{name}"
        out[i] = p
        return p

    for i in by_id:
        path(i)
    return out


def _key(path: str) -> str:
    return "/".join(part.strip().casefold() for part in path.split("/"))


def merge_into(target_engine, copies: list[tuple[str, Engine]], rename: dict[str, str] | None = None) -> MergeReport:
    """Merge each ``(label, engine)`` copy into ``target_engine`` in one transaction.

    ``rename`` maps a code path in the copies to the name it should have in the target (a new
    code next to the same parent), for codes whose path clashes with a different code."""
    rename = {_key(k): v for k, v in (rename or {}).items()}
    report = MergeReport()
    with target_engine.begin() as conn:
        ts = database.now()
        for label, engine in copies:
            with engine.connect() as src:
                _merge_one(conn, src, label, rename, report, ts)
    return report


def _merge_one(conn, src, label: str, rename: dict[str, str], report: MergeReport, ts: str) -> None:
    # sources by content hash
    mine = {h: int(i) for i, h in conn.execute(select(s.sources.c.id, s.sources.c.content_hash))}
    source_map: dict[int, int] = {}
    for sid, name, h in src.execute(select(s.sources.c.id, s.sources.c.name, s.sources.c.content_hash)):
        if h in mine:
            source_map[int(sid)] = mine[h]
            report.sources_matched += 1
        else:
            report.sources_missing.append(f"{label}: {name}")

    # codes by path
    code_cols = [s.codes.c.id, s.codes.c.name, s.codes.c.kind, s.codes.c.family, s.codes.c.parent_id,
                 s.codes.c.colour, s.codes.c.definition, s.codes.c.keywords, s.codes.c.archived,
                 s.codes.c.merged_into]
    theirs = [dict(r) for r in src.execute(select(*code_cols)).mappings()]
    target = [dict(r) for r in conn.execute(select(*code_cols)).mappings()]
    target_paths = _paths(target)
    by_path = {}
    for r in target:
        if not r["archived"]:
            by_path[_key(target_paths[int(r["id"])])] = r
    their_paths = _paths(theirs)
    code_map: dict[int, int | None] = {}
    position = conn.execute(select(func.max(s.codes.c.position))).scalar() or 0

    def target_code(r) -> int | None:
        cid = int(r["id"])
        if cid in code_map:
            return code_map[cid]
        path = their_paths[cid]
        if r["archived"] and r["merged_into"] is not None:  # merged in the copy: follow it
            nxt = next((x for x in theirs if int(x["id"]) == int(r["merged_into"])), None)
            code_map[cid] = target_code(nxt) if nxt is not None else None
            return code_map[cid]
        new_name = rename.get(_key(path))
        parent = None
        if r["parent_id"] is not None:
            up = next((x for x in theirs if int(x["id"]) == int(r["parent_id"])), None)
            parent = target_code(up) if up is not None else None
        if new_name:
            parent_path = target_paths.get(parent) if parent is not None else None
            path = f"{parent_path}/{new_name}" if parent_path else new_name
        hit = by_path.get(_key(path))
        if hit is not None:
            if hit["kind"] != r["kind"]:
                report.code_conflicts.append(f"{label}: code '{path}' is a {r['kind']} here but a {hit['kind']} in "
                                             f"the target (pass --rename '{their_paths[cid]}=NEW NAME')")
                code_map[cid] = None
                return None
            report.codes_matched += 1
            code_map[cid] = int(hit["id"])
            return code_map[cid]
        nonlocal position
        position += 1
        new_id = conn.execute(s.codes.insert().values(
            name=new_name or r["name"], kind=r["kind"], family=r["family"], parent_id=parent, position=position,
            colour=r["colour"], definition=r["definition"] or "", keywords=r["keywords"] or "[]", created_at=ts,
            archived=1 if r["archived"] else 0)).inserted_primary_key[0]
        conn.execute(s.codebook_log.insert().values(ts=ts, coder="elc merge", action="add", code_id=new_id,
                                                    payload=json.dumps({"name": new_name or r["name"],
                                                                        "from": label})))
        row = {**r, "id": new_id, "name": new_name or r["name"], "parent_id": parent}
        target.append(row)
        target_paths[int(new_id)] = path
        if not r["archived"]:
            by_path[_key(path)] = row
        report.codes_added.append(path)
        code_map[cid] = int(new_id)
        return code_map[cid]

    for r in theirs:
        target_code(r)

    # codings: active ones, united per coder
    k = s.codings
    for r in src.execute(select(k).where(k.c.active == 1).order_by(k.c.id)).mappings():
        sid, cid = source_map.get(int(r["source_id"])), code_map.get(int(r["code_id"]))
        if sid is None or cid is None:
            report.codings_skipped += 1
            continue
        same = conn.execute(select(k.c.id, k.c.valence, k.c.memo).where(and_(
            k.c.source_id == sid, k.c.start == r["start"], k.c.end == r["end"], k.c.code_id == cid,
            k.c.coder == r["coder"], k.c.active == 1))).first()
        if same is not None:
            if (same.valence, same.memo) == (r["valence"], r["memo"]):
                report.codings_duplicate += 1
            else:
                report.codings_conflict += 1
                report.conflicts.append(
                    f"{label}: {r['coder']}'s coding {r['id']} ({r['valence']}) differs from the target's "
                    f"coding {same.id} ({same.valence}) on the same span and code; the target's was kept")
            continue
        new_id = conn.execute(k.insert().values(
            source_id=sid, start=r["start"], end=r["end"], code_id=cid, valence=r["valence"], coder=r["coder"],
            memo=r["memo"], origin=r["origin"], created_at=r["created_at"], updated_at=r["updated_at"],
            active=1)).inserted_primary_key[0]
        conn.execute(s.coding_actions.insert().values(
            ts=ts, coder=r["coder"], action="merge", coding_id=new_id, before="{}",
            after=json.dumps({"from": label, "coding": int(r["id"])})))
        report.codings_added += 1
        report.per_coder[r["coder"]] = report.per_coder.get(r["coder"], 0) + 1

    # theme decisions: united, duplicates (same coder and decision) skipped
    t = s.theme_decisions
    have = {(c, d) for c, d in conn.execute(select(t.c.coder, t.c.decision))}
    for r in src.execute(select(t).order_by(t.c.id)).mappings():
        if (r["coder"], r["decision"]) in have:
            report.decisions_duplicate += 1
            continue
        conn.execute(t.insert().values(ts=r["ts"], coder=r["coder"], decision=r["decision"]))
        have.add((r["coder"], r["decision"]))
        report.decisions_added += 1


def merge_projects(into, copies, rename: dict[str, str] | None = None) -> MergeReport:
    """Merge the project files (or URLs) ``copies`` into ``into`` (a path, URL or open Project)."""
    from elc.errors import ProjectError
    from elc.store import engines
    from elc.store.project import Project

    target = into if isinstance(into, Project) else Project.open(into)
    opened = []
    try:
        for c in copies:
            if engines.key_for(c) == engines.key_for(target.target):
                raise ProjectError(f"{c}: is the project being merged into; name the coders' copies")
            opened.append(Project.open(c))
        report = merge_into(target.engine, [(str(p.location), p.engine) for p in opened], rename)
        target._texts.clear()
        return report
    finally:
        for p in opened:
            p.close()
        if target is not into:
            target.close()

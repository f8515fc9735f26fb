"""Loading read REFI-QDA records into an elc project."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from elc.errors import ElcError, ProjectError
from elc.exchange.refi import xmlutil as rx
from elc.exchange.refi.mapping import CASE_FIELDS, SOURCE_FIELDS
from elc.exchange.refi.read import ParsedCode, QdpxData, read_qdc, read_qdpx
from elc.exchange.refi.segment import segments as _segments

@dataclass
class CodeImport:
    ids: dict[str, int]  # code guid -> elc code id (ordinary codes only)
    valence: dict[str, str]  # code guid -> valence (valence codes only)
    added: list[str]
    matched: list[str]
    renamed: list[tuple[str, str]]


def insert_codes(conn, parsed: list[ParsedCode], kinds: dict, coder: str, origin: str) -> CodeImport:
    """Add parsed codes to a project inside ``conn``'s transaction; existing names are reused.

    Positions follow the tree level by level, so sibling order is kept; a code whose name is
    already in the project is not added again (its codings go to the existing code).
    """
    from sqlalchemy import func, select

    from elc.domain import PALETTE
    from elc.store import database, schema as s

    result = CodeImport({}, {}, [], [], [])
    existing = {str(n).lower(): int(i) for i, n in conn.execute(
        select(s.codes.c.id, s.codes.c.name).where(s.codes.c.archived == 0))}
    position = conn.execute(select(func.max(s.codes.c.position))).scalar()
    position = -1 if position is None else int(position)
    by_guid = {c.guid: c for c in parsed}
    used_in_file: set[str] = set()
    parents = {c.parent_guid for c in parsed if c.parent_guid}
    ts = database.now()
    names: dict[str, str] = {}
    for code in parsed:  # in document order: the first code with a name keeps it
        if code.valence:
            continue
        name = code.name
        if name.lower() in used_in_file:
            parent = by_guid.get(code.parent_guid)
            base = f"{name} ({parent.name})" if parent is not None else name
            candidate, n = base, 2
            while candidate.lower() in used_in_file:
                candidate, n = f"{base} {n}", n + 1
            result.renamed.append((name, candidate))
            name = candidate
        used_in_file.add(name.lower())
        names[code.guid] = name
    for code in sorted(parsed, key=lambda c: c.depth):  # level by level: parents first, siblings in order
        if code.valence:
            if code.valence != "root":
                result.valence[code.guid] = code.valence
            continue
        name = names[code.guid]
        if name.lower() in existing:
            result.ids[code.guid] = existing[name.lower()]
            result.matched.append(name)
            continue
        parent = by_guid.get(code.parent_guid)
        parent_id = result.ids.get(code.parent_guid) if parent is not None and not parent.valence else None
        has_children = code.guid in parents
        kind, family = kinds.get(code.guid, ("category" if not code.codable and has_children else "theme", None))
        position += 1
        cid = conn.execute(s.codes.insert().values(
            name=name, kind=kind, family=family, parent_id=parent_id, position=position,
            colour=code.colour or PALETTE[position % len(PALETTE)], definition=code.definition,
            keywords=json.dumps(code.keywords), created_at=ts, archived=0)).inserted_primary_key[0]
        conn.execute(s.codebook_log.insert().values(ts=ts, coder=coder, action="import", code_id=cid,
                                                    payload=json.dumps({"name": name, "kind": kind, "from": origin})))
        existing[name.lower()] = int(cid)
        result.ids[code.guid] = int(cid)
        result.added.append(name)
    return result



@dataclass
class QdpxImport:
    project: str
    sources: int = 0
    participants: int = 0
    codes_added: int = 0
    codes_matched: int = 0
    codings: int = 0
    communities_added: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(value: str) -> str:
    return _SLUG.sub("-", value.lower()).strip("-")[:64] or "community"


def _programme_text(data: QdpxData) -> tuple[str, str]:
    name, focus = "", ""
    lines = data.description.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("Programme:") and not name:
            name = line[len("Programme:"):].strip()
        elif line.startswith("Focus question:"):
            focus = "\n".join([line[len("Focus question:"):]] + lines[i + 1:]).strip()
            break
    return name or data.name or data.path.stem, focus


def _programme_note(data: QdpxData) -> dict:
    for guid in data.project_notes + list(data.notes):
        note = data.notes.get(guid)
        if note and note[2].get("role") == "programme":
            try:
                payload = json.loads(note[1])
            except ValueError:
                data.warnings.append("the elc programme note is not valid JSON; phases, questions and changes skipped")
                return {}
            return payload if isinstance(payload, dict) else {}
    return {}


def _variable_role(data: QdpxData, guid: str, context: str) -> tuple[str, str]:
    """('variable'|'attribute'|'source', key) of a variable used on a case or a source.

    elc's own variables say what they are in a marker; other tools' are recognised by name
    ("community" on a case, "interviewer" etc. on a source) and are otherwise attributes.
    """
    name, _, marker = data.variables.get(guid, ("", "Text", {}))
    for role in ("variable", "attribute", "source"):
        if isinstance(marker.get(role), str):
            return role, marker[role]
    low = name.lower()
    if context == "case" and low in CASE_FIELDS:
        return "variable", low
    if context == "source":
        for col, (vname, _) in SOURCE_FIELDS.items():
            if low == vname:
                return "source", col
    return "attribute", name or guid


def _typed(data: QdpxData, guid: str, text: str):
    typ = data.variables.get(guid, ("", "Text", {}))[1]
    try:
        if typ == "Boolean":
            return text.strip().lower() in ("true", "1")
        if typ == "Integer":
            return int(text.strip())
        if typ == "Float":
            return float(text.strip())
    except ValueError:
        return text
    return text


def _communities(data: QdpxData, base: list) -> tuple[list, dict[str, str], list[str]]:
    """Communities (elc's from Sets, extra ones named by cases) and each case's community key."""
    from elc.domain import FAMILIES, Community

    communities = list(base)
    if not communities:
        for st in data.sets:
            m = st.marker
            if isinstance(m.get("community"), str) and m["community"].strip():
                key = m["community"].strip()[:64]
                if any(c.key == key for c in communities):
                    continue
                family = m.get("family") if m.get("family") in FAMILIES else "people"
                target = m.get("target_n") if isinstance(m.get("target_n"), int) and not isinstance(
                    m.get("target_n"), bool) else None
                communities.append(Community(key, st.name or key, family, target, st.description))
    lookup = {c.key.lower(): c.key for c in communities}
    lookup.update({c.name.lower(): c.key for c in communities})
    set_of_source: dict[str, str] = {}
    for st in data.sets:
        key = st.marker.get("community") if isinstance(st.marker.get("community"), str) else None
        if key and key.lower() in lookup:
            for sg in st.sources:
                set_of_source.setdefault(sg, lookup[key.lower()])
    added: list[str] = []
    case_community: dict[str, str] = {}
    for case in data.cases:
        value, family = None, None
        for guid, text in case.values.items():
            role, key = _variable_role(data, guid, "case")
            if role == "variable" and key == "community" and text.strip():
                value = text.strip()
            elif role == "variable" and key == "family" and text.strip() in FAMILIES:
                family = text.strip()
        if value is None:
            value = next((set_of_source[sg] for sg in case.sources if sg in set_of_source), None)
        if value is None:
            continue
        if value.lower() not in lookup:
            key = _slug(value)
            while key.lower() in lookup:
                key = f"{key}-x"
            communities.append(Community(key, value, family or "people", None, ""))
            lookup[key.lower()] = key
            lookup[value.lower()] = key
            added.append(key)
        case_community[case.guid] = lookup[value.lower()]
    return communities, case_community, added


def _build(project, data: QdpxData, result: QdpxImport, case_community: dict[str, str], with_guide: bool,
           nlp) -> None:
    from sqlalchemy import select

    from elc.domain import VALENCES
    from elc.store import database, schema as s

    ts = database.now()
    comm_ids = {r.key: int(r.id) for r in project.communities().itertuples()}
    # participants: one per case name; a source belongs to the first case that lists it
    participant_of_source: dict[str, str] = {}
    participants: dict[str, dict] = {}
    for case in data.cases:
        pid = case.name[:64]
        entry = participants.setdefault(pid, {"community": None, "attributes": {}})
        if entry["community"] is None and case.guid in case_community:
            entry["community"] = case_community[case.guid]
        for guid, text in case.values.items():
            role, key = _variable_role(data, guid, "case")
            if role == "attribute":
                entry["attributes"].setdefault(key, _typed(data, guid, text))
        for sg in case.sources:
            participant_of_source.setdefault(sg, pid)

    known = {src.guid for src in data.sources} | data.skipped_sources
    dangling = sum(1 for case in data.cases for sg in case.sources if sg not in known)
    if dangling:
        result.warnings.append(f"{dangling} case link(s) to sources not in the archive were ignored")
    sources = []
    for src in data.sources:
        if not src.text.strip():
            result.warnings.append(f"source '{src.name}' skipped: it has no text")
            continue
        sources.append(src)
    hashes: dict[str, str] = {}
    for src in sources:
        digest = hashlib.sha256(src.text.encode("utf-8")).hexdigest()
        if digest in hashes:
            raise ElcError(f"{data.path}: sources '{hashes[digest]}' and '{src.name}' have the same text; "
                           f"elc keeps each text once (remove one and export again)")
        hashes[digest] = src.name
    segments = _segments([(src.text, participant_of_source.get(src.guid)) for src in sources], nlp) if sources else []

    file_hash = hashlib.sha256()
    with open(data.path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            file_hash.update(chunk)
    payload = _programme_note(data) if not with_guide else {}
    with project.engine.begin() as conn:
        codes = insert_codes(conn, data.codes, data.kinds, "elc", data.path.name)
        result.codes_added, result.codes_matched = len(codes.added), len(codes.matched)
        result.warnings.extend(f"code '{a}' renamed '{b}' (code names must be unique)" for a, b in codes.renamed)
        for pid, entry in participants.items():
            conn.execute(s.participants.insert().values(
                id=pid, community_id=comm_ids.get(entry["community"]) if entry["community"] else None,
                attributes=json.dumps(entry["attributes"], default=str), created_at=ts))
        result.participants = len(participants)
        imp_id = conn.execute(s.imports.insert().values(
            file_name=data.path.name, file_hash=file_hash.hexdigest(), format="qdpx", imported_at=ts,
            n_sources=len(sources))).inserted_primary_key[0]
        valence_orphans = 0
        for src, segs in zip(sources, segments):
            fields: dict = {}
            others: dict = {}
            for guid, text in src.values.items():
                role, key = _variable_role(data, guid, "source")
                if role == "source" and key in SOURCE_FIELDS:
                    fields[key] = _typed(data, guid, text)
                elif role == "attribute":
                    others[key] = _typed(data, guid, text)
            metadata = {"qdpx_guid": src.guid, **({"variables": others} if others else {})}
            source_id = conn.execute(s.sources.insert().values(
                import_id=imp_id, name=src.name[:500], participant_id=participant_of_source.get(src.guid),
                content_hash=hashlib.sha256(src.text.encode("utf-8")).hexdigest(), text=src.text,
                format=str(fields.get("format") or "qdpx")[:16],
                interview_date=None if fields.get("interview_date") is None else str(fields["interview_date"]),
                method=None if fields.get("method") is None else str(fields["method"]),
                interviewer=None if fields.get("interviewer") is None else str(fields["interviewer"]),
                imported_at=src.created or ts, metadata=json.dumps(metadata, default=str),
                deidentified=1 if fields.get("deidentified") is True else 0)).inserted_primary_key[0]
            result.sources += 1
            for turn in segs:
                sentences = turn.pop("_sentences")
                turn_id = conn.execute(s.segments.insert().values(source_id=source_id, **turn)).inserted_primary_key[0]
                if sentences:
                    conn.execute(s.segments.insert(), [{**x, "source_id": source_id, "parent_id": turn_id}
                                                       for x in sentences])
            seen: set[tuple] = set()
            for sel in src.selections:
                valences = [(user, codes.valence[code]) for code, user, _, _ in sel.codings if code in codes.valence]
                content = [c for c in sel.codings if c[0] in codes.ids]
                if valences and not content:
                    valence_orphans += 1
                memo_parts = [data.notes[n][1] for n in sel.notes if n in data.notes]
                for code_guid, user, created, note_refs in content:
                    uid = user or sel.user
                    coder = (data.users.get(uid or "") or "").strip() or (f"user-{uid[:8]}" if uid else "imported")
                    mine = [v for u, v in valences if (u or sel.user) == uid] or [v for _, v in valences]
                    valence = mine[0] if mine and mine[0] in VALENCES else "neutral"
                    memo = "\n\n".join(memo_parts + [data.notes[n][1] for n in note_refs if n in data.notes])
                    key = (sel.start, sel.end, codes.ids[code_guid], coder)
                    if key in seen:
                        continue
                    seen.add(key)
                    created_at = created or sel.created or ts
                    cid = conn.execute(s.codings.insert().values(
                        source_id=source_id, start=sel.start, end=sel.end, code_id=codes.ids[code_guid],
                        valence=valence, coder=coder[:200], memo=memo, origin=sel.origin or "manual",
                        created_at=created_at, updated_at=sel.modified or created_at, active=1)).inserted_primary_key[0]
                    conn.execute(s.coding_actions.insert().values(
                        ts=ts, coder=coder[:200], action="import", coding_id=cid, before=json.dumps({"active": 0}),
                        after=json.dumps({"active": 1, "valence": valence, "memo": memo,
                                          "code_id": codes.ids[code_guid], "origin": sel.origin or "manual",
                                          "from": data.path.name})))
                    result.codings += 1
        if valence_orphans:
            result.warnings.append(f"{valence_orphans} selection(s) coded only with a valence code were skipped")
        # the programme's changes, linked to the imported codes
        changes = payload.get("changes") if isinstance(payload.get("changes"), list) else []
        for i, ch in enumerate(c for c in changes if isinstance(c, dict) and isinstance(c.get("title"), str)):
            measures = ch.get("measures") if isinstance(ch.get("measures"), list) else []
            change_id = conn.execute(s.changes.insert().values(
                position=i, title=ch["title"], rationale=str(ch.get("rationale") or ""),
                owner=str(ch.get("owner") or ""), measures=json.dumps([str(m) for m in measures]),
                created_at=ts)).inserted_primary_key[0]
            for guid in ch.get("codes") or []:
                code_id = codes.ids.get(rx.norm_guid(str(guid)) or "")
                if code_id is not None:
                    conn.execute(s.change_links.insert().values(change_id=change_id, kind="code", ref=str(code_id)))
            for theme in ch.get("themes") or []:
                if isinstance(theme, str):
                    conn.execute(s.change_links.insert().values(change_id=change_id, kind="theme", ref=theme))
        existing = conn.execute(select(s.meta.c.value).where(s.meta.c.key == "imported_from")).first()
        if existing is None:
            project.meta_set("imported_from", {"file": data.path.name, "format": "qdpx", "at": ts}, conn)
    project._texts.clear()


@rx.one_line_errors
def import_qdpx(path: str | Path, project_path: str | Path, guide: str | Path | None = None,
                force: bool = False, nlp=None) -> QdpxImport:
    """Create a new elc project at ``project_path`` from the .qdpx at ``path``.

    With ``guide`` (an interview-guide YAML) the programme, communities and touchpoints come from
    the guide and the archive's codes are merged into it by name; without, everything comes from
    the archive. The project is built in a temporary file and moved into place only when complete.
    """
    from elc.domain import OpenQuestion, Programme
    from elc.store import database
    from elc.store.project import Project

    path, target = Path(path), Path(project_path)
    if database.is_url(str(project_path)):
        raise ProjectError(f"{project_path}: import-qdpx creates a project file, not a database URL")
    if target.exists() and not force:
        raise ProjectError(f"{target}: already exists (choose another name or pass --force)")
    if target.is_dir():
        raise ProjectError(f"{target}: is a folder, not an elc project file")
    data = read_qdpx(path)
    result = QdpxImport(project=str(target), warnings=list(data.warnings))
    if guide is not None:
        from elc.guides import load_guide

        programme = load_guide(guide)
    else:
        name, focus = _programme_text(data)
        payload = _programme_note(data)
        phases = payload.get("phases") if isinstance(payload.get("phases"), list) else []
        questions = [OpenQuestion(str(q["text"]), str(q.get("family") or "people"))
                     for q in (payload.get("questions") or []) if isinstance(q, dict) and isinstance(q.get("text"), str)]
        programme = Programme(name=name, focus_question=focus, communities=[], touchpoints=[],
                              questions=questions, phases=[p for p in phases if isinstance(p, dict)],
                              source_path=str(path))
    programme.communities, case_community, result.communities_added = _communities(data, programme.communities)
    if data.sources and nlp is None:
        from elc.nlp import load_nlp

        nlp = load_nlp()

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".importing", dir=target.parent)
    os.close(fd)
    os.unlink(tmp)
    project = None
    try:
        project = Project.create(tmp, programme, None, overwrite=True)
        _build(project, data, result, case_community, guide is not None, nlp)
        with project.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        project.close()
        project = None
        for extra in ("-wal", "-shm"):
            Path(tmp + extra).unlink(missing_ok=True)
            if force:
                Path(str(target) + extra).unlink(missing_ok=True)
        os.replace(tmp, target)
    finally:
        if project is not None:
            project.close()
        for extra in ("", "-wal", "-shm"):
            Path(tmp + extra).unlink(missing_ok=True)
    return result



@dataclass
class QdcImport:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)




def import_qdc(path: str | Path, project, coder: str = "elc") -> QdcImport:
    """Add the codes of a .qdc file to ``project`` (an open Project), skipping existing names."""
    parsed, kinds = read_qdc(path)
    with project.engine.begin() as conn:
        result = insert_codes(conn, parsed, kinds, coder, Path(path).name)
    return QdcImport(added=result.added, skipped=result.matched, renamed=result.renamed)


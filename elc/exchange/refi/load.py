"""Loading read REFI-QDA records into a new elc project (or, for a codebook, an open one).

Sources stream from the archive through the same segmentation an ingest uses (turns, then spaCy
sentences and lemmas over ``nlp.pipe``), one text in flight at a time; the project is built in a
temporary file moved into place only when complete. What the other tool had is kept: every
source (empty ones too), every user (those without codings too), each code's GUID and place in
the tree, and valence from content and valence codings on the same span and coder.
"""

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
from elc.exchange.refi.load_codes import CodeImport, insert_codes
from elc.exchange.refi.mapping import CASE_FIELDS, CASE_MEMO, SOURCE_FIELDS, as_dict, as_list
from elc.exchange.refi.read import QdpxData, QSelection, QSource, iter_texts, read_qdc, read_qdpx
from elc.exchange.refi.segment import segment_stream
from elc.store import refi as refi_store


@dataclass
class QdpxImport:
    project: str
    sources: int = 0
    participants: int = 0
    codes_added: int = 0
    codes_matched: int = 0
    codings: int = 0
    users: int = 0
    communities_added: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)  # paths of code names that repeat in the tree
    warnings: list[str] = field(default_factory=list)


@dataclass
class QdcImport:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)


def _apply_extension(data: QdpxData) -> None:
    """Attach the sidecar's machine data to the records it describes (sets, variables)."""
    sets = as_dict(data.extension.get("sets"))
    for st in data.sets:
        if isinstance(sets.get(st.guid), dict):
            st.marker = sets[st.guid]
    roles = as_dict(data.extension.get("variables"))
    for guid, (name, typ, marker) in list(data.variables.items()):
        info = roles.get(guid)
        if isinstance(info, dict) and info.get("role") in ("variable", "attribute", "source"):
            data.variables[guid] = (name, typ, {info["role"]: str(info.get("key") or name)})


_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(value: str) -> str:
    return _SLUG.sub("-", value.lower()).strip("-")[:64] or "community"


def _programme_text(data: QdpxData) -> tuple[str, str, str]:
    """(programme name, focus question, project memo) from Project/Description: elc writes
    "Programme: ..." and "Focus question: ..." lines, then a blank line and any project memo;
    another tool's description is all memo."""
    name, focus = "", ""
    lines = data.description.split("\n")
    if not lines or not lines[0].startswith("Programme:"):
        return data.name or data.path.stem, "", data.description.strip()
    name = lines[0][len("Programme:"):].strip()
    rest = lines[1:]
    if rest and rest[0].startswith("Focus question:"):
        end = rest.index("") if "" in rest else len(rest)
        focus = "\n".join([rest[0][len("Focus question:"):]] + rest[1:end]).strip()
        rest = rest[end:]
    return name or data.name or data.path.stem, focus, "\n".join(rest).strip()


def _programme_note(data: QdpxData) -> dict:
    """Phases, questions and changes: from the sidecar, or from an older elc's programme note."""
    if isinstance(data.extension.get("programme"), dict):
        return data.extension["programme"]
    for guid in data.project_notes + list(data.notes):
        note = data.notes.get(guid)
        if note and note.marker.get("role") == "programme":
            try:
                payload = json.loads(note.text)
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


def _set_communities(data: QdpxData) -> list:
    """elc's communities, from the source Sets it wrote (one per community)."""
    from elc.domain import FAMILIES, Community

    out: list = []
    for st in data.sets:
        m = st.marker
        community = m.get("community")
        key = community.strip()[:64] if isinstance(community, str) else ""
        if not key or any(c.key == key for c in out):
            continue
        family = m["family"] if m.get("family") in FAMILIES else "people"
        target = m.get("target_n") if isinstance(m.get("target_n"), int) and not isinstance(m.get("target_n"), bool) \
            else None
        out.append(Community(key, st.name or key, family, target, st.description))
    return out


def _case_community(data: QdpxData, case, set_of_source: dict[str, str]) -> tuple[str | None, str | None]:
    """(community named by the case's variables or its sources' Sets, family) of one case."""
    from elc.domain import FAMILIES

    value, family = None, None
    for guid, text in case.values.items():
        role, key = _variable_role(data, guid, "case")
        if role == "variable" and key == "community" and text.strip():
            value = text.strip()
        elif role == "variable" and key == "family" and text.strip() in FAMILIES:
            family = text.strip()
    if value is None:
        value = next((set_of_source[sg] for sg in case.sources if sg in set_of_source), None)
    return value, family


def _communities(data: QdpxData, base: list) -> tuple[list, dict[str, str], list[str]]:
    """Communities (elc's from Sets, extra ones named by cases) and each case's community key."""
    from elc.domain import Community

    communities = list(base) or _set_communities(data)
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
        value, family = _case_community(data, case, set_of_source)
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


def _participants(data: QdpxData, case_community: dict[str, str], case_codes: set[str]
                  ) -> tuple[dict[str, dict], dict[str, str]]:
    """Participants (one per case name) and the participant of each source: from a case's
    SourceRef (the standard; NVivo) or from a coding of the source with a code that has the case's
    GUID (how QualCoder reads case links); a source belongs to the first case that claims it."""
    participants: dict[str, dict] = {}
    of_source: dict[str, str] = {}
    name_of_case = {}
    for case in data.cases:
        pid = case.name[:64]
        name_of_case[case.guid] = pid
        entry = participants.setdefault(pid, {"community": None, "attributes": {}})
        if entry["community"] is None and case.guid in case_community:
            entry["community"] = case_community[case.guid]
        for guid, text in case.values.items():
            role, key = _variable_role(data, guid, "case")
            if role == "attribute":
                entry["attributes"].setdefault(key, _typed(data, guid, text))
        if case.description.strip():
            entry["attributes"].setdefault(CASE_MEMO, case.description.strip())
        for sg in case.sources:
            of_source.setdefault(sg, pid)
    for src in data.sources:
        for coding in src.whole + [c for sel in src.selections for c in sel.codings]:
            if coding.code in case_codes and coding.code in name_of_case:
                of_source.setdefault(src.guid, name_of_case[coding.code])
    return participants, of_source


def _coder_name(data: QdpxData, uid: str | None) -> str:
    name = (data.users.get(uid or "") or "").strip()
    return (name or (f"user-{uid[:8]}" if uid else "imported"))[:200]


@dataclass
class _Span:
    content: list[dict] = field(default_factory=list)
    valences: list[tuple[str, str]] = field(default_factory=list)  # (valence, coding guid)


@dataclass
class _Counts:
    orphans: int = 0  # spans with only a valence coding
    ambiguous: int = 0  # spans whose coder applied both valence codes
    empty: int = 0  # zero-length coded selections


def _memos(data: QdpxData, sel: QSelection) -> tuple[bool, str]:
    """(per-coding notes?, the memo every coding of ``sel`` shares)."""
    per_coding = any(c.notes for c in sel.codings)
    parts = [sel.description] + [data.notes[n].text for n in sel.notes if n in data.notes]
    return per_coding, "\n\n".join(p for p in parts if p.strip())


def _spans(data: QdpxData, src: QSource, length: int, codes: CodeImport, counts: _Counts) -> dict[tuple, _Span]:
    """Codings grouped by span and coder; valence codings kept apart to rate the content codings."""
    ext = as_dict(data.extension.get("codings"))
    spans: dict[tuple, _Span] = {}
    whole = [QSelection(f"{src.guid}-whole", 0, length, None, None, None, "", None, src.whole, [])] if src.whole else []
    for sel in whole + src.selections:
        if sel.start == sel.end:
            counts.empty += bool(sel.codings)
            continue
        per_coding, shared = _memos(data, sel)
        for c in sel.codings:
            span = spans.setdefault((sel.start, sel.end, _coder_name(data, c.user or sel.user)), _Span())
            if c.code in codes.valence:
                span.valences.append((codes.valence[c.code], c.guid))
            elif c.code in codes.ids:
                info = as_dict(ext.get(c.guid))
                memo = "\n\n".join(data.notes[n].text for n in c.notes if n in data.notes) if per_coding else shared
                span.content.append({"code_id": codes.ids[c.code], "memo": memo, "guid": c.guid,
                                     "origin": str(info.get("origin") or sel.origin or "manual")[:16],
                                     "valence": info.get("valence"), "created": c.created or sel.created,
                                     "modified": rx.parse_datetime(info.get("modified")) or sel.modified})
    return spans


def _codings(data: QdpxData, src: QSource, length: int, codes: CodeImport, counts: _Counts) -> list[dict]:
    """One row per (span, code, coder), with the valence its coder gave that span."""
    from elc.domain import VALENCES

    rows, seen = [], set()
    for (start, end, coder), span in _spans(data, src, length, codes, counts).items():
        distinct = list(dict.fromkeys(v for v, _ in span.valences))
        if distinct and not span.content:
            counts.orphans += 1
        if len(distinct) > 1 and any(not c["valence"] for c in span.content):
            counts.ambiguous += 1
        for c in span.content:
            key = (start, end, c["code_id"], coder)
            if key in seen:
                continue
            seen.add(key)
            valence = c["valence"] or (distinct[0] if len(distinct) == 1 else "neutral")
            rows.append({"start": start, "end": end, "code_id": c["code_id"], "coder": coder, "memo": c["memo"],
                         "origin": c["origin"], "valence": valence if valence in VALENCES else "neutral",
                         "created": c["created"], "modified": c["modified"]})
    return rows


def _source_values(data: QdpxData, src: QSource) -> tuple[dict, dict]:
    fields: dict = {}
    others: dict = {}
    for guid, text in src.values.items():
        role, key = _variable_role(data, guid, "source")
        if role == "source" and key in SOURCE_FIELDS:
            fields[key] = _typed(data, guid, text)
        elif role == "attribute":
            others[key] = _typed(data, guid, text)
    return fields, others


def _insert_source(conn, data: QdpxData, src: QSource, text: str, participant: str | None, imp_id: int,
                   ts: str) -> int:
    fields, others = _source_values(data, src)
    metadata = {"qdpx_guid": src.guid, **({"variables": others} if others else {}),
                **({"memo": src.description} if src.description.strip() else {})}
    # content_hash is unique per project: empty sources (kept, as the other tool had them) hash their guid
    digest = hashlib.sha256(text.encode("utf-8") if text else f"empty:{src.guid}".encode()).hexdigest()
    text_or_none = {k: (None if fields.get(k) is None else str(fields[k])) for k in ("interview_date", "method",
                                                                                     "interviewer")}
    return refi_store.add_source(
        conn, import_id=imp_id, name=src.name[:500], participant_id=participant, content_hash=digest, text=text,
        format=str(fields.get("format") or "qdpx")[:16], imported_at=src.created or ts,
        metadata=json.dumps(metadata, default=str), deidentified=1 if fields.get("deidentified") is True else 0,
        **text_or_none)


def _changes(conn, payload: dict, codes: CodeImport, ts: str) -> None:
    """The programme's changes, linked to the imported codes."""
    changes = as_list(payload.get("changes"))
    for i, ch in enumerate(c for c in changes if isinstance(c, dict) and isinstance(c.get("title"), str)):
        measures = as_list(ch.get("measures"))
        links = [("code", str(codes.ids[g])) for g in (rx.norm_guid(str(x)) for x in ch.get("codes") or [])
                 if g in codes.ids]
        links += [("theme", t) for t in ch.get("themes") or [] if isinstance(t, str)]
        refi_store.add_change(conn, i, ch["title"], str(ch.get("rationale") or ""), str(ch.get("owner") or ""),
                              [str(m) for m in measures], ts, links)


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stream_sources(conn, data: QdpxData, of_source: dict[str, str], codes: CodeImport, imp_id: int, ts: str,
                    nlp, result: QdpxImport) -> _Counts:
    counts = _Counts()
    hashes: dict[str, str] = {}
    items = ((src, text, of_source.get(src.guid)) for src, text in iter_texts(data))
    for src, text, turns in segment_stream(items, nlp):
        if text:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if digest in hashes:
                raise ElcError(f"{data.path}: sources '{hashes[digest]}' and '{src.name}' have the same text; "
                               f"elc keeps each text once (remove one and export again)")
            hashes[digest] = src.name
        source_id = _insert_source(conn, data, src, text, of_source.get(src.guid), imp_id, ts)
        refi_store.add_segments(conn, source_id, turns)
        for row in _codings(data, src, len(text), codes, counts):
            created = row.pop("created") or ts
            modified = row.pop("modified") or created
            refi_store.add_coding(conn, ts, data.path.name, source_id=source_id, created_at=created,
                                  updated_at=modified, **row)
            result.codings += 1
        result.sources += 1
    return counts


def _warn_counts(result: QdpxImport, counts: _Counts) -> None:
    if counts.orphans:
        result.warnings.append(f"{counts.orphans} span(s) carry a valence code but no other code from the same "
                               f"coder; their valence had nothing to rate and was not imported")
    if counts.ambiguous:
        result.warnings.append(f"{counts.ambiguous} span(s) carry both valence codes from one coder; their "
                               f"codings were imported as neutral")
    if counts.empty:
        result.warnings.append(f"{counts.empty} zero-length coded selection(s) skipped")


def _warn_unused_notes(data: QdpxData, result: QdpxImport) -> None:
    """Journals and other notes no selection refers to have no place in elc: say so."""
    used = {n for src in data.sources for sel in src.selections for n in sel.notes + [x for c in sel.codings
                                                                                    for x in c.notes]}
    used |= {n for src in data.sources for c in src.whole for n in c.notes}
    unused = [note.name or guid for guid, note in data.notes.items()
              if guid not in used and note.marker.get("role") != "programme"
              and not (data.extension and guid in data.project_notes)]  # elc's own programme journal
    if unused:
        result.warnings.append(f"{len(unused)} note(s) not imported (elc keeps memos on codings only): "
                               + ", ".join(f"'{n}'" for n in unused[:10]) + (" ..." if len(unused) > 10 else ""))


def _load(project, data: QdpxData, result: QdpxImport, case_community: dict[str, str], with_guide: bool,
          nlp) -> None:
    from elc.store import database

    ts = database.now()
    comm_ids = {r.key: int(r.id) for r in project.communities().itertuples()}
    case_guids = {c.guid for c in data.cases}
    known = {src.guid for src in data.sources} | data.skipped_sources
    dangling = sum(1 for case in data.cases for sg in case.sources if sg not in known)
    if dangling:
        result.warnings.append(f"{dangling} case link(s) to sources not in the archive were ignored")
    payload = _programme_note(data) if not with_guide else {}
    _warn_unused_notes(data, result)
    with project.engine.begin() as conn:
        codes = insert_codes(conn, data.codes, data.kinds, "elc", data.path.name, case_guids, data.extension)
        result.codes_added, result.codes_matched, result.repeated = len(codes.added), len(codes.matched), codes.repeated
        result.warnings.extend(f"code '{a}' added as '{b}' (a sibling has the same name)" for a, b in codes.renamed)
        participants, of_source = _participants(data, case_community, codes.cases)
        for pid, entry in participants.items():
            refi_store.add_participant(conn, pid, comm_ids.get(entry["community"]) if entry["community"] else None,
                                       entry["attributes"], ts)
        result.participants = len(participants)
        imp_id = refi_store.add_import(conn, data.path.name, _file_hash(data.path), "qdpx", ts, len(data.sources))
        _warn_counts(result, _stream_sources(conn, data, of_source, codes, imp_id, ts, nlp, result))
        _changes(conn, payload, codes, ts)
        users = [n for n in dict.fromkeys(_coder_name(data, g) for g in data.users)]
        result.users = len(users)
        project.meta_set("users", users, conn)
        project.meta_set("code_guids", {str(k): v for k, v in codes.guids.items()}, conn)
        memo = _programme_text(data)[2]
        if memo:
            project.meta_set("project_memo", memo, conn)
        if not refi_store.meta_exists(conn, "imported_from"):
            project.meta_set("imported_from", {"file": data.path.name, "format": "qdpx", "at": ts}, conn)
    project._texts.clear()


def _programme(data: QdpxData, path: Path, guide):
    from elc.domain import OpenQuestion, Programme

    if guide is not None:
        from elc.guides import load_guide

        return load_guide(guide)
    name, focus, _ = _programme_text(data)
    payload = _programme_note(data)
    phases = as_list(payload.get("phases"))
    questions = [OpenQuestion(str(q["text"]), str(q.get("family") or "people"))
                 for q in (payload.get("questions") or []) if isinstance(q, dict) and isinstance(q.get("text"), str)]
    return Programme(name=name, focus_question=focus, communities=[], touchpoints=[], questions=questions,
                     phases=[p for p in phases if isinstance(p, dict)], source_path=str(path))


def _check_target(project_path, target: Path, force: bool) -> None:
    from elc.store import database

    if database.is_url(str(project_path)):
        raise ProjectError(f"{project_path}: import-qdpx creates a project file, not a database URL")
    if target.exists() and not force:
        raise ProjectError(f"{target}: already exists (choose another name or pass --force)")
    if target.is_dir():
        raise ProjectError(f"{target}: is a folder, not an elc project file")


@rx.one_line_errors
def import_qdpx(path: str | Path, project_path: str | Path, guide: str | Path | None = None,
                force: bool = False, nlp=None) -> QdpxImport:
    """Create a new elc project at ``project_path`` from the .qdpx at ``path``.

    With ``guide`` (an interview-guide YAML) the programme, communities and touchpoints come from
    the guide and the archive's codes are merged into it; without, everything comes from the
    archive. The project is built in a temporary file and moved into place only when complete.
    """
    from elc.store.project import Project

    path, target = Path(path), Path(project_path)
    _check_target(project_path, target, force)
    data = read_qdpx(path)
    _apply_extension(data)
    result = QdpxImport(project=str(target), warnings=list(data.warnings))
    programme = _programme(data, path, guide)
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
        _load(project, data, result, case_community, guide is not None, nlp)
        refi_store.checkpoint(project.engine)
        project.close()
        project = None
        for extra in ("-wal", "-shm"):
            Path(tmp + extra).unlink(missing_ok=True)
            if force:
                Path(str(target) + extra).unlink(missing_ok=True)
        os.replace(tmp, target)
        from elc.deid.originals import move_sidecar, remove_sidecar

        remove_sidecar(target)  # the replaced project's originals and pseudonym key go with it
        move_sidecar(tmp, target)
    finally:
        if project is not None:
            project.close()
        for extra in ("", "-wal", "-shm"):
            Path(tmp + extra).unlink(missing_ok=True)
        from elc.deid.originals import remove_sidecar

        remove_sidecar(tmp)
    return result


def import_qdc(path: str | Path, project, coder: str = "elc") -> QdcImport:
    """Add the codes of a .qdc file to ``project`` (an open Project); a code already there (same
    name under the same parent, or a name unique on both sides) is reused."""
    parsed, kinds = read_qdc(path)
    with project.engine.begin() as conn:
        result = insert_codes(conn, parsed, kinds, coder, Path(path).name)
        if result.guids:
            known = {str(k): v for k, v in refi_store.code_guids(project.engine).items()}
            project.meta_set("code_guids", {**known, **{str(k): v for k, v in result.guids.items()}}, conn)
    return QdcImport(added=result.added, skipped=result.matched, renamed=result.renamed, repeated=result.repeated)


__all__ = ["import_qdpx", "import_qdc", "QdpxImport", "QdcImport"]

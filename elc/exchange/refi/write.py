"""Writing REFI-QDA: an elc project as a ``.qdpx`` archive, its codebook as ``.qdc``.

One function per element, in the order Project.xsd requires (Users, CodeBook, Variables, Cases,
Sources, Notes, Sets, Description, NoteRef). The rules other tools' importers rely on are listed
in :mod:`elc.exchange.refi.mapping`.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from elc.exchange.refi import archive as ar, mapping as mp, xmlutil as rx
from elc.exchange.refi.mapping import (
    CASE_MEMO, QDE, SOURCE_FIELDS, VALUE_TAGS, ExportCode, isna, normalise_newlines,
)
from elc.exchange.refi.xmlutil import xml_str, xsd_datetime
from elc.store import refi as refi_store

if TYPE_CHECKING:
    import pandas as pd

    from elc.store.project import Project


def project_namespace(project) -> uuid.UUID:
    """The GUID namespace of ``project``: stable across exports, unique to the project."""
    name = (project.meta_get("programme", {}) or {}).get("name", "")
    return rx.project_namespace(refi_store.meta_raw(project.engine, "created_at"), name)


@dataclass
class _Doc:
    """Element construction in one namespace, with GUIDs minted in the project's namespace."""

    uri: str
    namespace: uuid.UUID

    def tag(self, name: str) -> str:
        return f"{{{self.uri}}}{name}"

    def sub(self, parent, name: str, attrs: dict | None = None, text: str | None = None):
        from lxml import etree

        el = etree.SubElement(parent, self.tag(name), {k: v for k, v in (attrs or {}).items() if v is not None})
        if text is not None:
            el.text = text
        return el

    def guid(self, kind: str, key) -> str:
        return rx.make_guid(self.namespace, kind, key)


@dataclass
class _Export:
    doc: _Doc
    project: Project
    book: mp.ExportCodebook
    codings: pd.DataFrame  # live codings on exported codes
    sources: pd.DataFrame
    participants: pd.DataFrame
    users: dict[str, str]  # name -> guid
    var_guid: dict[tuple[str, str], str] = field(default_factory=dict)
    attr_types: dict[str, str] = field(default_factory=dict)
    case_guid: dict[str, str] = field(default_factory=dict)
    source_guid: dict[int, str] = field(default_factory=dict)
    source_memo: dict[int, str] = field(default_factory=dict)
    notes: dict[tuple[str, str], str] = field(default_factory=dict)  # researchers' memos: (kind, target) -> text
    linked_cases: set[str] = field(default_factory=set)  # participants with a non-empty interview
    entries: list[tuple[str, bytes]] = field(default_factory=list)
    memo_notes: list[dict] = field(default_factory=list)
    sidecar: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------- codebook (shared with .qdc)
def _code(doc: _Doc, parent, code: ExportCode, description: str) -> object:
    attrs = {"guid": code.guid, "name": xml_str(code.name), "isCodable": "true" if code.codable else "false",
             "color": code.colour}
    el = doc.sub(parent, "Code", attrs)
    if description:
        doc.sub(el, "Description", text=xml_str(description))
    return el


def _code_tree(doc: _Doc, parent, codes: list[ExportCode], with_keywords: bool) -> None:
    stack = [(parent, c) for c in reversed(codes)]
    while stack:
        into, code = stack.pop()
        text = mp.with_keywords(code.definition, code.keywords) if with_keywords else code.definition
        el = _code(doc, into, code, text)
        stack.extend((el, child) for child in reversed(code.children))


def _valence_codes(doc: _Doc, parent) -> None:
    root = doc.sub(parent, "Code", {"guid": mp.VALENCE_ROOT_GUID, "name": mp.VALENCE_ROOT_NAME,
                                    "isCodable": "false", "color": "#7F7F7F"})
    doc.sub(root, "Description", text=(
        "How the participant rated this part of the service. A coding rated 'working well' or 'to improve' "
        "also carries that code on the same selection; neutral codings carry neither."))
    for value, (name, colour) in mp.VALENCE_CODES.items():
        el = doc.sub(root, "Code", {"guid": mp.VALENCE_GUIDS[value], "name": name, "isCodable": "true",
                                    "color": colour})
        doc.sub(el, "Description", text=f"Valence: {name.lower()}.")


def _case_codes(ex: _Export, parent) -> None:
    """QualCoder links a case to a file through a code that shares the case's GUID."""
    linked = [pid for pid in ex.case_guid if pid in ex.linked_cases]
    if not linked:
        return
    root_guid = ex.doc.guid("cases", "root")
    root = ex.doc.sub(parent, "Code", {"guid": root_guid, "name": mp.CASES_ROOT_NAME, "isCodable": "false",
                                       "color": "#7F7F7F"})
    ex.doc.sub(root, "Description", text="Participants: each code marks the interviews of one participant.")
    for pid in linked:
        ex.doc.sub(root, "Code", {"guid": ex.case_guid[pid], "name": xml_str(pid), "isCodable": "true"})
    ex.sidecar["cases_root"] = root_guid


def _codebook(ex: _Export, root) -> None:
    codes_el = ex.doc.sub(ex.doc.sub(root, "CodeBook"), "Codes")
    _code_tree(ex.doc, codes_el, ex.book.roots, with_keywords=False)
    _case_codes(ex, codes_el)
    _valence_codes(ex.doc, codes_el)
    rank = {c.guid: i for i, c in enumerate(sorted(ex.book.flat(), key=lambda c: (c.position, c.id)))}
    ex.sidecar["codes"] = {c.guid: {"kind": c.kind, "family": c.family, "keywords": c.keywords, "order": rank[c.guid]}
                           for c in ex.book.flat()}
    ex.sidecar["valence"] = {"root": mp.VALENCE_ROOT_GUID, **mp.VALENCE_GUIDS}


# ----------------------------------------------------------------------------- users, variables
def _users(ex: _Export, root) -> None:
    if not ex.users:
        return
    users = ex.doc.sub(root, "Users")
    for name, guid in ex.users.items():
        ex.doc.sub(users, "User", {"guid": guid, "name": xml_str(name)})


_VARIABLE_TEXT = {"variable": "elc: the participant's {}", "attribute": "Participant attribute '{}'",
                  "source": "elc: the interview's {}"}


def _variables(ex: _Export, root) -> None:
    attr_values: dict[str, list] = {}
    for attrs in ex.participants.attributes:
        for k, v in (attrs or {}).items():
            if k != CASE_MEMO:
                attr_values.setdefault(str(k), []).append(v)
    rows: list[tuple[str, str, str, str]] = [("variable", "community", "community", "Text"),
                                             ("variable", "family", "family", "Text")]
    taken = {"community", "family"} | {n for n, _ in SOURCE_FIELDS.values()}
    for key in sorted(attr_values):
        ex.attr_types[key] = mp.variable_type(attr_values[key])
        rows.append(("attribute", key, key if key.lower() not in taken else f"{key} (attribute)", ex.attr_types[key]))
    rows += [("source", col, name, typ) for col, (name, typ) in SOURCE_FIELDS.items()]
    vars_el = ex.doc.sub(root, "Variables")
    roles = {}
    for role, key, name, typ in rows:
        guid = ex.doc.guid(f"variable:{role}", key)
        ex.var_guid[(role, key)] = guid
        roles[guid] = {"role": role, "key": key}
        v = ex.doc.sub(vars_el, "Variable", {"guid": guid, "name": xml_str(name), "typeOfVariable": typ})
        ex.doc.sub(v, "Description", text=_VARIABLE_TEXT[role].format(name))
    ex.sidecar["variables"] = roles


def _value(ex: _Export, parent, guid: str, typ: str, val) -> None:
    vv = ex.doc.sub(parent, "VariableValue")
    ex.doc.sub(vv, "VariableRef", {"targetGUID": guid})
    ex.doc.sub(vv, VALUE_TAGS[typ], text=mp.value_text(val, typ))


def _joined(*parts: str) -> str:
    """Memo texts as one Description, paragraphs apart (empty parts dropped)."""
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


# ----------------------------------------------------------------------------- cases
def _case(ex: _Export, parent, r, sources: list[int]) -> None:
    case = ex.doc.sub(parent, "Case", {"guid": ex.case_guid[str(r.id)], "name": xml_str(r.id)})
    memo = _joined(str((r.attributes or {}).get(CASE_MEMO) or ""), ex.notes.get(("participant", str(r.id)), ""))
    if memo:  # QualCoder: the case memo (parse_cases)
        ex.doc.sub(case, "Description", text=xml_str(memo))
    if not isna(r.community):
        _value(ex, case, ex.var_guid[("variable", "community")], "Text", r.community)
    if not isna(r.family):
        _value(ex, case, ex.var_guid[("variable", "family")], "Text", r.family)
    for key in sorted(r.attributes or {}):
        val = r.attributes[key]
        if val is not None and key != CASE_MEMO:
            _value(ex, case, ex.var_guid[("attribute", str(key))], ex.attr_types[str(key)], val)
    for sid in sources:
        ex.doc.sub(case, "SourceRef", {"targetGUID": ex.source_guid[sid]})


def _cases(ex: _Export, root) -> None:
    if not len(ex.participants):
        return
    by_participant: dict[str, list[int]] = {}
    for r in ex.sources.itertuples():
        if not isna(r.participant_id):
            by_participant.setdefault(str(r.participant_id), []).append(int(r.id))
    cases = ex.doc.sub(root, "Cases")
    for r in ex.participants.itertuples():
        _case(ex, cases, r, by_participant.get(str(r.id), []))


# ----------------------------------------------------------------------------- sources and codings
def _memo_mode(rows: list) -> str | None:
    """The one memo every coding of a selection shares (or None), else "each" for per-coding notes."""
    memos = {str(c.memo or "") for c in rows}
    if len(memos) == 1:
        return next(iter(memos)) or None
    return "each"


def _coding(ex: _Export, sel, guid: str, code_guid: str, user: str, created) -> object:
    coding = ex.doc.sub(sel, "Coding", {"guid": guid, "creatingUser": user, "creationDateTime": xsd_datetime(created)})
    ex.doc.sub(coding, "CodeRef", {"targetGUID": code_guid})
    return coding


def _selection(ex: _Export, ts, sid: int, rows: list, remap) -> None:
    """One PlainTextSelection for one span and coder, holding every coding there (QualCoder
    refuses a second selection of the same span, code and coder as a duplicate)."""
    first = rows[0]
    user = ex.users[str(first.coder)]
    latest = max(str(c.updated_at) for c in rows)
    sel = ex.doc.sub(ts, "PlainTextSelection", {
        "guid": ex.doc.guid("selection", f"{sid}:{first.start}:{first.end}:{first.coder}"),
        "startPosition": str(remap(int(first.start))), "endPosition": str(remap(int(first.end))),
        "creatingUser": user, "creationDateTime": xsd_datetime(min(str(c.created_at) for c in rows)),
        "modifyingUser": user, "modifiedDateTime": xsd_datetime(latest)})
    memo = mode = _memo_mode(rows)
    if memo == "each":
        memo = "\n\n".join(f"{c.code}: {c.memo}" for c in rows if c.memo)
    if memo:
        ex.doc.sub(sel, "Description", text=xml_str(memo))
    valences = [c.valence for c in rows if c.valence in mp.VALENCE_GUIDS]
    ambiguous = len({c.valence for c in rows}) > 1  # the XML rates the span; the sidecar keeps each coding's
    codings = ex.sidecar.setdefault("codings", {})
    for c in rows:
        guid = ex.doc.guid("coding", int(c.id))
        coding = _coding(ex, sel, guid, ex.book.by_id[int(c.code_id)].guid, user, c.created_at)
        extra = {k: v for k, v in (("origin", c.origin if c.origin and c.origin != "manual" else None),
                                   ("valence", c.valence if ambiguous else None),
                                   ("modified", str(c.updated_at) if str(c.updated_at) != latest else None)) if v}
        if extra:
            codings[guid] = extra
        if mode == "each" and c.memo:
            note = ex.doc.guid("memo", int(c.id))
            ex.doc.sub(coding, "NoteRef", {"targetGUID": note})
            ex.memo_notes.append({"guid": note, "name": f"Memo: {c.code}", "user": user, "text": str(c.memo),
                                  "created": c.created_at, "modified": c.updated_at})
    for value in dict.fromkeys(valences):
        c = next(c for c in rows if c.valence == value)
        _coding(ex, sel, ex.doc.guid("valence", int(c.id)), mp.VALENCE_GUIDS[value], user, c.created_at)


def _case_selection(ex: _Export, ts, r, length: int) -> None:
    """The whole interview coded with its participant's case code (QualCoder's case link)."""
    if isna(r.participant_id) or not length or str(r.participant_id) not in ex.case_guid:
        return
    sel = ex.doc.sub(ts, "PlainTextSelection", {
        "guid": ex.doc.guid("case-selection", int(r.id)), "name": xml_str(r.participant_id),
        "startPosition": "0", "endPosition": str(length), "creationDateTime": xsd_datetime(r.imported_at)})
    ex.doc.sub(ex.doc.sub(sel, "Coding", {"guid": ex.doc.guid("case-coding", int(r.id)),
                                          "creationDateTime": xsd_datetime(r.imported_at)}),
               "CodeRef", {"targetGUID": ex.case_guid[str(r.participant_id)]})


def _text_source(ex: _Export, parent, r, frame) -> None:
    sid = int(r.id)
    guid = ex.source_guid[sid]
    text, remap = normalise_newlines(ex.project.source_text(sid))
    ex.entries.append((f"sources/{guid}.txt", text.encode("utf-8")))
    stamp = xsd_datetime(r.imported_at)
    ts = ex.doc.sub(parent, "TextSource", {"guid": guid, "name": xml_str(r.name),
                                           "plainTextPath": f"internal://{guid}.txt",
                                           "creationDateTime": stamp, "modifiedDateTime": stamp})
    if ex.source_memo.get(sid):  # QualCoder: the source memo (load_text_source)
        ex.doc.sub(ts, "Description", text=xml_str(ex.source_memo[sid]))
    _case_selection(ex, ts, r, len(text))
    if frame is not None:
        groups: dict[tuple, list] = {}
        for c in frame.itertuples():
            groups.setdefault((int(c.start), int(c.end), str(c.coder)), []).append(c)
        for key in sorted(groups, key=lambda k: (k[0], k[1], k[2])):
            _selection(ex, ts, sid, groups[key], remap)
    for col, (_, typ) in SOURCE_FIELDS.items():
        val = getattr(r, col)
        if not isna(val):
            _value(ex, ts, ex.var_guid[("source", col)], typ, bool(val) if typ == "Boolean" else val)


def _sources(ex: _Export, root) -> None:
    if not len(ex.sources):
        return
    by_source = {sid: frame for sid, frame in ex.codings.groupby("source_id")} if len(ex.codings) else {}
    srcs = ex.doc.sub(root, "Sources")
    for r in ex.sources.itertuples():
        _text_source(ex, srcs, r, by_source.get(int(r.id)))


# ----------------------------------------------------------------------------- notes, sets, description
def _programme_text(info: dict, questions: list[dict], changes: list[dict]) -> str:
    """The programme as a journal a researcher can read in any tool."""
    lines = [f"Programme: {info.get('name') or ''}".rstrip()]
    if info.get("focus_question"):
        lines.append(f"Focus question: {info['focus_question']}")
    phases = [" - ".join(str(v) for _, v in sorted(p.items(), key=lambda kv: (kv[0] not in ("phase", "name"), kv[0])))
              for p in info.get("phases") or [] if isinstance(p, dict)]
    for title, items in (("Phases", phases),
                         ("Open questions", [f"({q['family']}) {q['text']}" for q in questions]),
                         ("Changes", [f"{c['title']}" + (f" - {c['rationale']}" if c.get("rationale") else "")
                                      for c in changes])):
        if items:
            lines += ["", f"{title}:"] + [f"- {item}" for item in items]
    return "\n".join(lines) + "\n"


def _programme(ex: _Export) -> tuple[dict, str]:
    info = ex.project.meta_get("programme", {}) or {}
    questions = refi_store.questions(ex.project.engine)
    changes = []
    for ch in refi_store.changes_with_links(ex.project.engine):
        links = ch.pop("links")
        ch["codes"] = [ex.book.by_id[int(ref)].guid for kind, ref in links
                       if kind == "code" and str(ref).isdigit() and int(ref) in ex.book.by_id]
        ch["themes"] = [ref for kind, ref in links if kind == "theme"]
        changes.append(ch)
    ex.sidecar["programme"] = {"phases": info.get("phases") or [], "questions": questions, "changes": changes}
    return info, _programme_text(info, questions, changes)


def _notes(ex: _Export, root, created: str | None, modified: str | None) -> str:
    """The programme journal (QualCoder reads a Note with a name and a plainTextPath as a journal;
    it needs a date on every Note) and the per-coding memo notes."""
    info, text = _programme(ex)
    guid = ex.doc.guid("note", "programme")
    ex.entries.append((f"sources/{guid}.txt", xml_str(text).encode("utf-8")))
    notes = ex.doc.sub(root, "Notes")
    note = ex.doc.sub(notes, "Note", {"guid": guid, "name": xml_str(f"Programme: {info.get('name') or 'elc project'}"),
                                      "plainTextPath": f"internal://{guid}.txt", "creationDateTime": created,
                                      "modifiedDateTime": modified})
    ex.doc.sub(note, "Description", text="Phases, open questions and changes of the programme (elc).")
    for m in ex.memo_notes:
        note = ex.doc.sub(notes, "Note", {"guid": m["guid"], "name": xml_str(m["name"]), "creatingUser": m["user"],
                                          "creationDateTime": xsd_datetime(m["created"]), "modifyingUser": m["user"],
                                          "modifiedDateTime": xsd_datetime(m["modified"])})
        ex.doc.sub(note, "PlainTextContent", text=xml_str(m["text"]))
    return guid


def _sets(ex: _Export, root) -> None:
    communities = ex.project.communities()
    if not len(communities) and not ex.book.sets:
        return
    sets_el = ex.doc.sub(root, "Sets")
    marks = {}
    for r in communities.itertuples():
        guid = ex.doc.guid("community", r.key)
        st = ex.doc.sub(sets_el, "Set", {"guid": guid, "name": xml_str(r.name)})
        if r.description:
            ex.doc.sub(st, "Description", text=xml_str(r.description))
        for s_row in ex.sources.itertuples():
            if not isna(s_row.community) and s_row.community == r.key:
                ex.doc.sub(st, "MemberSource", {"targetGUID": ex.source_guid[int(s_row.id)]})
        marks[guid] = {"community": r.key, "family": r.family,
                       "target_n": None if isna(r.target_n) else int(r.target_n)}
    for guid, name, marker, members in ex.book.sets:
        st = ex.doc.sub(sets_el, "Set", {"guid": guid, "name": xml_str(name)})
        ex.doc.sub(st, "Description", text=f"elc code kind: {name}")
        for member in members:
            ex.doc.sub(st, "MemberCode", {"targetGUID": member})
        marks[guid] = marker
    ex.sidecar["sets"] = marks


def _timestamps(ex: _Export, created: str | None) -> str | None:
    stamps = [str(x) for x in list(ex.codings.updated_at) + list(ex.sources.imported_at) if not isna(x)]
    return max(stamps + ([created] if created else []), default=None)


def _context(project) -> _Export:
    doc = _Doc(rx.PROJECT_NS, project_namespace(project))
    book = mp.export_codebook(project, doc.namespace, refi_store.code_guids(project.engine))
    codings = project.codings(with_text=False)
    codings = codings[codings.code_id.isin(list(book.by_id))]
    names = sorted({str(c) for c in codings.coder} | {str(u) for u in project.meta_get("users", []) or []})
    ex = _Export(doc, project, book, codings, project.sources(), project.participants(),
                 {n: doc.guid("user", n) for n in names})
    meta = refi_store.source_metadata(project.engine)
    for r in ex.sources.itertuples():  # a source imported from another tool keeps its GUID
        sid = int(r.id)
        known = rx.norm_guid(str(meta.get(sid, {}).get("qdpx_guid") or "")) if meta.get(sid) else None
        ex.source_guid[sid] = known if known and known not in ex.source_guid.values() else doc.guid("source", sid)
        if isinstance(meta.get(sid, {}).get("memo"), str) and meta[sid]["memo"].strip():
            ex.source_memo[sid] = meta[sid]["memo"]
    from elc.store.memos import memos

    for r in memos(project, include_codings=False).itertuples():  # memos written in elc's workbench
        key = (str(r.kind), str(r.target))
        ex.notes[key] = _joined(ex.notes.get(key, ""), f"{r.author}: {r.text}")
    for sid in list(ex.source_guid):
        memo = _joined(ex.source_memo.get(sid, ""), ex.notes.get(("source", str(sid)), ""))
        if memo:
            ex.source_memo[sid] = memo
    ex.case_guid = {str(r.id): doc.guid("participant", r.id) for r in ex.participants.itertuples()}
    ex.linked_cases = {str(r.participant_id) for r in ex.sources.itertuples()
                       if not isna(r.participant_id) and r.n_chars}
    return ex


def build_qdpx(project) -> list[tuple[str, bytes]]:
    """The archive entries ``[(name, bytes), ...]`` of the project's .qdpx, in archive order."""
    from lxml import etree

    import elc

    ex = _context(project)
    info = project.meta_get("programme", {}) or {}
    root = etree.Element(ex.doc.tag("Project"), nsmap={None: rx.PROJECT_NS, "xsi": rx.XSI_NS})
    root.set(f"{{{rx.XSI_NS}}}schemaLocation", f"{rx.PROJECT_NS} {rx.PROJECT_XSD_URL}")
    root.set("name", xml_str(str(info.get("name") or "").strip() or "elc project"))
    root.set("origin", f"elc {elc.__version__}")
    created = refi_store.meta_raw(project.engine, "created_at")
    modified = _timestamps(ex, created)
    for attr, value in (("creationDateTime", xsd_datetime(created)), ("modifiedDateTime", xsd_datetime(modified))):
        if value:
            root.set(attr, value)
    _users(ex, root)
    _codebook(ex, root)
    _variables(ex, root)
    _cases(ex, root)
    _sources(ex, root)
    note = _notes(ex, root, xsd_datetime(created), xsd_datetime(modified))
    _sets(ex, root)
    description = f"Programme: {str(info.get('name') or '').strip()}"
    if str(info.get("focus_question") or "").strip():
        description += f"\nFocus question: {str(info['focus_question']).strip()}"
    memo = _joined(str(project.meta_get("project_memo", "") or ""), ex.notes.get(("project", ""), ""))
    if memo:  # what another tool had as the project memo, and the researchers' project memos
        description += f"\n\n{memo}"
    ex.doc.sub(root, "Description", text=xml_str(description))
    ex.doc.sub(root, "NoteRef", {"targetGUID": note})
    sidecar = {"elc": mp.SIDECAR_VERSION, **ex.sidecar}
    side = json.dumps(sidecar, ensure_ascii=False, sort_keys=True, indent=1, default=str).encode("utf-8")
    return [(QDE, rx.to_bytes(root))] + ex.entries + [(mp.SIDECAR, side)]


def export_qdpx(project, path: str | Path) -> Path:
    """Write ``project`` as a REFI-QDA project archive at ``path`` (atomically, byte-stable)."""
    path = Path(path)
    ar.deterministic_zip(path, build_qdpx(project))
    return path


def codebook_xml(project) -> bytes:
    """The project's codebook as QDA-XML Codebook bytes (keywords as a readable last line of the
    Description, code kinds as Sets named "Touchpoints (people)" etc.)."""
    from lxml import etree

    import elc

    doc = _Doc(rx.CODEBOOK_NS, project_namespace(project))
    book = mp.export_codebook(project, doc.namespace, refi_store.code_guids(project.engine))
    root = etree.Element(doc.tag("CodeBook"), nsmap={None: rx.CODEBOOK_NS, "xsi": rx.XSI_NS})
    root.set(f"{{{rx.XSI_NS}}}schemaLocation", f"{rx.CODEBOOK_NS} {rx.CODEBOOK_XSD_URL}")
    root.set("origin", f"elc {elc.__version__}")
    codes = doc.sub(root, "Codes")
    _code_tree(doc, codes, book.roots, with_keywords=True)
    _valence_codes(doc, codes)
    if book.sets:
        sets = doc.sub(root, "Sets")
        for guid, name, _, members in book.sets:
            st = doc.sub(sets, "Set", {"guid": guid, "name": xml_str(name)})
            doc.sub(st, "Description", text=f"elc code kind: {name}")
            for member in members:
                doc.sub(st, "MemberCode", {"guid": member})
    return rx.to_bytes(root)


def export_qdc(project, path: str | Path) -> Path:
    """Write the project's codebook to ``path`` (a .qdc file), atomically."""
    path = Path(path)
    ar.write_atomic(path, codebook_xml(project))
    return path

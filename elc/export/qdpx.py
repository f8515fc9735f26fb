"""REFI-QDA projects (``.qdpx``, QDA-XML Project 1.0): export an elc project, import one.

A ``.qdpx`` is a zip holding ``project.qde`` (XML valid against ``Project.xsd``) and the source
texts as ``sources/<guid>.txt`` (UTF-8, ``\\n`` line ends). How elc maps onto the standard:

============================  ==================================================================
elc                           REFI-QDA
============================  ==================================================================
programme, focus question     ``Project@name``; ``Project/Description`` ("Programme: ..." and
                              "Focus question: ..." lines); phases, open questions and changes in
                              a project ``Note`` (JSON, marked ``elc:{"role":"programme"}``)
code                          ``Code`` (nested for the hierarchy) with ``color``, ``isCodable``
                              (false for categories nobody coded) and ``Description`` = definition
                              (+ an ``elc:{"keywords":[...]}`` line when it has keywords)
code kind (touchpoint/...)    a code ``Set`` per kind and family, e.g. "Touchpoints (people)",
                              marked ``elc:{"kind":...,"family":...}``
community                     a source ``Set`` named after the community, holding its interviews,
                              marked ``elc:{"community":key,"family":...,"target_n":...}``
participant                   ``Case`` (name = pseudonym) with ``VariableValue`` community and
                              family, one per participant attribute, and ``SourceRef`` per
                              interview
source                        ``TextSource`` with ``plainTextPath="internal://<guid>.txt"`` and
                              ``VariableValue`` interview date, interviewer, method, format,
                              de-identified
coder                         ``User`` (guid, name); ``creatingUser`` on selections and codings
coding                        its own ``PlainTextSelection`` (start/end character offsets) with a
                              ``Coding``/``CodeRef`` to the code
valence                       a second ``Coding`` on that selection to the code "Working well" or
                              "To improve" under a non-codable "Valence" code (fixed GUIDs, also
                              marked); neutral = no valence coding. This is how QDA tools carry
                              ratings (cf. NVivo's sentiment codes) and it survives every tool.
memo                          a ``Note`` (``PlainTextContent``) with a ``NoteRef`` on the selection
coding origin (if not manual) ``elc:{"origin":...}`` line in the selection's ``Description``
============================  ==================================================================

GUIDs are uuid5 of the project's identity and elc ids, and zip entries carry fixed timestamps,
so exporting the same project twice gives identical bytes.

Importing reads the archive as untrusted: member names, sizes, compression ratios and counts are
checked before anything is read, the XML is parsed with no DTD or entities, every referenced
source must be in the archive, and the new project is built in a temporary file moved into place
only when complete. Files from other tools (no ``elc:`` markers) import too: cases become
participants, their variables attributes (a variable named "community" picks the community),
codes become themes (categories if they are not codable and have children), and each coding's
coder is the name of its ``creatingUser``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from elc.errors import ElcError, ProjectError
from elc.export import refi_xml as rx

QDE = "project.qde"
SOURCE_FIELDS = {  # source column -> (variable name, type)
    "interview_date": ("interview date", "Text"),
    "interviewer": ("interviewer", "Text"),
    "method": ("method", "Text"),
    "format": ("format", "Text"),
    "deidentified": ("de-identified", "Boolean"),
}
CASE_FIELDS = {"community": "community", "family": "family"}


# ============================================================================ export
def _variable_type(values: list) -> str:
    vals = [v for v in values if v is not None]
    if not vals:
        return "Text"
    if all(isinstance(v, bool) for v in vals):
        return "Boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
        return "Integer"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in vals):
        return "Float"
    return "Text"


def _value_text(value, typ: str) -> str:
    if typ == "Boolean":
        return "true" if value else "false"
    if typ == "Integer":
        return str(int(value))
    if typ == "Float":
        return format(Decimal(repr(float(value))), "f")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return rx.xml_str(value)


_VALUE_TAGS = {"Text": "TextValue", "Boolean": "BooleanValue", "Integer": "IntegerValue", "Float": "FloatValue",
               "Date": "DateValue", "DateTime": "DateTimeValue"}


def _normalise_newlines(text: str):
    """(text with \\n line ends, offset mapper) - the identity unless the text holds \\r."""
    if "\r" not in text:
        return text, lambda i: i
    out: list[str] = []
    mapping = [0] * (len(text) + 1)
    j = 0
    i = 0
    while i < len(text):
        mapping[i] = j
        ch = text[i]
        if ch == "\r":
            if i + 1 < len(text) and text[i + 1] == "\n":
                mapping[i + 1] = j
                i += 1
            out.append("\n")
        else:
            out.append(ch)
        j += 1
        i += 1
    mapping[len(text)] = j
    return "".join(out), lambda k: mapping[max(0, min(k, len(text)))]


def _isna(value) -> bool:
    """None, NaN, pd.NA or NaT: a missing value in a frame read from the database."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    import pandas as pd

    return value is pd.NA or value is pd.NaT


def build_qdpx(project) -> list[tuple[str, bytes]]:
    """The archive entries ``[(name, bytes), ...]`` of the project's .qdpx, in archive order."""
    from lxml import etree

    import elc

    ns = rx.project_namespace(project)

    def g(kind: str, key) -> str:
        return rx.make_guid(ns, kind, key)

    def tag(name: str) -> str:
        return f"{{{rx.PROJECT_NS}}}{name}"

    def sub(parent, name: str, attrs: dict | None = None, text: str | None = None):
        el = etree.SubElement(parent, tag(name), {k: v for k, v in (attrs or {}).items() if v is not None})
        if text is not None:
            el.text = text
        return el

    info = project.meta_get("programme", {}) or {}
    prog_name = str(info.get("name") or "").strip()
    focus = str(info.get("focus_question") or "").strip()
    book = rx.export_codebook(project, ns)
    codings = project.codings(with_text=False)
    codings = codings[codings.code_id.isin(list(book.by_id))]
    sources = project.sources()
    participants = project.participants()
    communities = project.communities()
    coders = sorted({str(c) for c in codings.coder})
    user_guid = {c: g("user", c) for c in coders}

    root = etree.Element(tag("Project"), nsmap={None: rx.PROJECT_NS, "xsi": rx.XSI_NS})
    root.set(f"{{{rx.XSI_NS}}}schemaLocation", f"{rx.PROJECT_NS} {rx.PROJECT_XSD_URL}")
    root.set("name", rx.xml_str(prog_name or "elc project"))
    root.set("origin", f"elc {elc.__version__}")
    created = rx.xsd_datetime(rx.meta_raw(project, "created_at"))
    if created:
        root.set("creationDateTime", created)

    # -- users and codebook
    if coders:
        users = sub(root, "Users")
        for c in coders:
            sub(users, "User", {"guid": user_guid[c], "name": rx.xml_str(c)})
    codes_el = sub(sub(root, "CodeBook"), "Codes")
    rx.build_code_elements(codes_el, book.roots, tag)

    # -- variables
    attr_values: dict[str, list] = {}
    for attrs in participants.attributes:
        for k, v in (attrs or {}).items():
            attr_values.setdefault(str(k), []).append(v)
    variables: list[tuple[str, str, str, dict]] = []  # guid, name, type, marker
    var_guid: dict[tuple[str, str], str] = {}

    def variable(role: str, key: str, name: str, typ: str) -> None:
        guid = g(f"variable:{role}", key)
        var_guid[(role, key)] = guid
        variables.append((guid, name, typ, {role: key}))

    variable("variable", "community", "community", "Text")
    variable("variable", "family", "family", "Text")
    attr_types: dict[str, str] = {}
    taken = {"community", "family"} | {n for n, _ in SOURCE_FIELDS.values()}
    for key in sorted(attr_values):
        attr_types[key] = _variable_type(attr_values[key])
        name = key if key.lower() not in taken else f"{key} (attribute)"
        variable("attribute", key, name, attr_types[key])
    for col, (name, typ) in SOURCE_FIELDS.items():
        variable("source", col, name, typ)
    vars_el = sub(root, "Variables")
    for guid, name, typ, marker in variables:
        v = sub(vars_el, "Variable", {"guid": guid, "name": rx.xml_str(name), "typeOfVariable": typ})
        sub(v, "Description", text=rx.with_marker(f"elc {next(iter(marker))}: {name}", marker))

    def value(parent, guid: str, typ: str, val) -> None:
        vv = sub(parent, "VariableValue")
        sub(vv, "VariableRef", {"targetGUID": guid})
        sub(vv, _VALUE_TAGS[typ], text=_value_text(val, typ))

    # -- cases (participants)
    source_guid = {int(r.id): g("source", int(r.id)) for r in sources.itertuples()}
    by_participant: dict[str, list[int]] = {}
    for r in sources.itertuples():
        if not _isna(r.participant_id):
            by_participant.setdefault(str(r.participant_id), []).append(int(r.id))
    if len(participants):
        cases = sub(root, "Cases")
        for r in participants.itertuples():
            case = sub(cases, "Case", {"guid": g("participant", r.id), "name": rx.xml_str(r.id)})
            if not _isna(r.community):
                value(case, var_guid[("variable", "community")], "Text", r.community)
            if not _isna(r.family):
                value(case, var_guid[("variable", "family")], "Text", r.family)
            for key in sorted((r.attributes or {})):
                val = r.attributes[key]
                if val is not None:
                    value(case, var_guid[("attribute", str(key))], attr_types[str(key)], val)
            for sid in by_participant.get(str(r.id), []):
                sub(case, "SourceRef", {"targetGUID": source_guid[sid]})

    # -- sources, selections, codings
    entries: list[tuple[str, bytes]] = []
    notes: list[tuple[str, dict, str]] = []  # guid, attrs, text
    by_source = {sid: frame for sid, frame in codings.groupby("source_id")} if len(codings) else {}
    if len(sources):
        srcs = sub(root, "Sources")
        for r in sources.itertuples():
            sid = int(r.id)
            guid = source_guid[sid]
            text, remap = _normalise_newlines(project.source_text(sid))
            entries.append((f"sources/{guid}.txt", text.encode("utf-8")))
            ts = sub(srcs, "TextSource", {"guid": guid, "name": rx.xml_str(r.name),
                                          "plainTextPath": f"internal://{guid}.txt",
                                          "creationDateTime": rx.xsd_datetime(r.imported_at)})
            frame = by_source.get(sid)
            for c in (frame.itertuples() if frame is not None else []):
                cid = int(c.id)
                user = user_guid[str(c.coder)]
                sel = sub(ts, "PlainTextSelection", {
                    "guid": g("selection", cid), "startPosition": str(remap(int(c.start))),
                    "endPosition": str(remap(int(c.end))), "creatingUser": user,
                    "creationDateTime": rx.xsd_datetime(c.created_at), "modifyingUser": user,
                    "modifiedDateTime": rx.xsd_datetime(c.updated_at)})
                if c.origin and c.origin != "manual":
                    sub(sel, "Description", text=rx.with_marker("", {"origin": str(c.origin)}))
                coding = sub(sel, "Coding", {"guid": g("coding", cid), "creatingUser": user,
                                             "creationDateTime": rx.xsd_datetime(c.created_at)})
                sub(coding, "CodeRef", {"targetGUID": book.by_id[int(c.code_id)].guid})
                if c.valence in rx.VALENCE_GUIDS:
                    coding = sub(sel, "Coding", {"guid": g("valence", cid), "creatingUser": user,
                                                 "creationDateTime": rx.xsd_datetime(c.created_at)})
                    sub(coding, "CodeRef", {"targetGUID": rx.VALENCE_GUIDS[c.valence]})
                if c.memo:
                    note = g("memo", cid)
                    sub(sel, "NoteRef", {"targetGUID": note})
                    who = c.participant_id if not _isna(c.participant_id) else r.name
                    notes.append((note, {"name": rx.xml_str(f"Memo: {c.code} ({who})"), "creatingUser": user,
                                         "creationDateTime": rx.xsd_datetime(c.updated_at)}, rx.xml_str(c.memo)))
            for col, (_, typ) in SOURCE_FIELDS.items():
                val = getattr(r, col)
                if not _isna(val):
                    value(ts, var_guid[("source", col)], typ, bool(val) if typ == "Boolean" else val)

    # -- notes: memos, and the programme's phases, questions and changes
    programme_note = g("note", "programme")
    with project.engine.connect() as conn:
        from sqlalchemy import select

        from elc.store import schema as s

        questions = [{"family": q.family, "text": q.text} for q in conn.execute(
            select(s.questions).order_by(s.questions.c.position))]
        changes = []
        for ch in conn.execute(select(s.changes).order_by(s.changes.c.position)).mappings():
            links = conn.execute(select(s.change_links).where(s.change_links.c.change_id == ch["id"])
                                 .order_by(s.change_links.c.id)).mappings().all()
            changes.append({
                "title": ch["title"], "rationale": ch["rationale"], "owner": ch["owner"],
                "measures": json.loads(ch["measures"] or "[]"),
                "codes": [book.by_id[int(link["ref"])].guid for link in links
                          if link["kind"] == "code" and str(link["ref"]).isdigit() and int(link["ref"]) in book.by_id],
                "themes": [link["ref"] for link in links if link["kind"] == "theme"]})
    payload = {"elc": 1, "phases": info.get("phases") or [], "questions": questions, "changes": changes}
    notes.append((programme_note, {"name": "elc programme (phases, open questions, changes)"},
                  rx.xml_str(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True, default=str))))
    notes_el = sub(root, "Notes")
    for guid, attrs, text in notes:
        note = sub(notes_el, "Note", {"guid": guid, **attrs})
        if guid == programme_note:
            sub(note, "Description", text=rx.with_marker("Read by elc when the project is imported again.",
                                                           {"role": "programme"}))
        sub(note, "PlainTextContent", text=text)

    # -- sets: communities (their interviews) and code kinds
    sets_el = sub(root, "Sets")
    for r in communities.itertuples():
        st = sub(sets_el, "Set", {"guid": g("community", r.key), "name": rx.xml_str(r.name)})
        marker = {"community": r.key, "family": r.family,
                  "target_n": None if _isna(r.target_n) else int(r.target_n)}
        sub(st, "Description", text=rx.with_marker(r.description or "", marker))
        for s_row in sources.itertuples():
            if not _isna(s_row.community) and s_row.community == r.key:
                sub(st, "MemberSource", {"targetGUID": source_guid[int(s_row.id)]})
    for guid, name, marker, members in book.sets:
        st = sub(sets_el, "Set", {"guid": guid, "name": rx.xml_str(name)})
        sub(st, "Description", text=rx.with_marker(f"elc code kind: {name}", marker))
        for member in members:
            sub(st, "MemberCode", {"targetGUID": member})

    description = f"Programme: {prog_name}"
    if focus:
        description += f"\nFocus question: {focus}"
    sub(root, "Description", text=rx.xml_str(description))
    sub(root, "NoteRef", {"targetGUID": programme_note})
    return [(QDE, rx.to_bytes(root))] + entries


def export_qdpx(project, path: str | Path) -> Path:
    """Write ``project`` as a REFI-QDA project archive at ``path`` (atomically, byte-stable)."""
    path = Path(path)
    rx.deterministic_zip(path, build_qdpx(project))
    return path


# ============================================================================ reading
@dataclass
class QSelection:
    guid: str
    start: int
    end: int
    user: str | None
    created: str | None
    modified: str | None
    origin: str | None
    codings: list[tuple[str, str | None, str | None, list[str]]]  # code guid, user, created, note guids
    notes: list[str]


@dataclass
class QSource:
    guid: str
    name: str
    text: str
    created: str | None
    values: dict[str, str]  # variable guid -> value text
    selections: list[QSelection]


@dataclass
class QCase:
    guid: str
    name: str
    values: dict[str, str]
    sources: list[str]


@dataclass
class QSet:
    guid: str
    name: str
    description: str
    marker: dict
    codes: list[str]
    sources: list[str]


@dataclass
class QdpxData:
    path: Path
    name: str
    description: str
    users: dict[str, str]
    codes: list[rx.ParsedCode]
    kinds: dict
    variables: dict[str, tuple[str, str, dict]]  # guid -> (name, type, marker)
    cases: list[QCase]
    sources: list[QSource]
    notes: dict[str, tuple[str, str, dict]]  # guid -> (name, text, marker)
    sets: list[QSet]
    project_notes: list[str]
    warnings: list[str] = field(default_factory=list)
    skipped_sources: set[str] = field(default_factory=set)  # guids of non-text sources


def _int(value, where: str, what: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ElcError(f"{where}: {what} '{str(value)[:40]}' is not a whole number") from None


def _value_of(vv) -> tuple[str | None, str | None, str | None]:
    ref = rx.kid(vv, "VariableRef")
    guid = rx.norm_guid(ref.get("targetGUID")) if ref is not None else None
    for name in _VALUE_TAGS.values():
        el = rx.kid(vv, name)
        if el is not None:
            return guid, name, el.text or ""
    return guid, None, None


def _text_member(archive: rx.SafeArchive, where: str, path: str, what: str) -> str:
    """The text behind an ``internal://`` path; other schemes and missing members are errors."""
    if not path.startswith("internal://"):
        scheme = path.split("://", 1)[0] if "://" in path else "a bare path"
        raise ElcError(f"{where}: {what} refers to '{path[:120]}' ({scheme}), outside the archive; "
                       f"elc reads only sources embedded in the .qdpx (export them with the project)")
    name = "sources/" + path[len("internal://"):]
    if not archive.has(name):
        alt = [m for m in archive.members if m.lower() == name.lower()]
        if not alt:
            raise ElcError(f"{where}: {what} refers to '{name}', which is missing from the archive")
        name = alt[0]
    data = archive.read(name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ElcError(f"{where}: '{name}' is not UTF-8 text") from None
    return text[1:] if text.startswith("\ufeff") else text


@rx.one_line_errors
def read_qdpx(path: str | Path) -> QdpxData:
    """Read and check a .qdpx archive (untrusted). Nothing is written."""
    path = Path(path)
    with rx.SafeArchive.open(path) as archive:
        qde = QDE if archive.has(QDE) else None
        if qde is None:
            roots = [m for m in archive.members if "/" not in m and m.lower().endswith(".qde")]
            if len(roots) != 1:
                raise ElcError(f"{path}: is not a REFI-QDA project: it has no {QDE}")
            qde = roots[0]
        where = f"{path}: {qde}"
        root = rx.parse_xml(archive.read(qde), where)
        if rx.local(root.tag) != "Project":
            raise ElcError(f"{where}: the root element is <{rx.local(root.tag)}>, expected <Project>")
        data = QdpxData(path=path, name=(root.get("name") or "").strip(),
                        description=rx.kid_text(root, "Description") or "", users={}, codes=[], kinds={},
                        variables={}, cases=[], sources=[], notes={}, sets=[], project_notes=[])
        users = rx.kid(root, "Users")
        for u in (rx.kids(users, "User") if users is not None else []):
            guid = rx.norm_guid(u.get("guid"))
            if guid:
                data.users[guid] = (u.get("name") or u.get("id") or "").strip()
        book = rx.kid(root, "CodeBook")
        if book is not None:
            data.codes = rx.parse_codes(rx.kid(book, "Codes"), where)
        data.kinds = rx.parse_kind_sets(rx.kid(root, "Sets"), "targetGUID")
        code_guids = {c.guid for c in data.codes}
        variables = rx.kid(root, "Variables")
        for v in (rx.kids(variables, "Variable") if variables is not None else []):
            guid = rx.norm_guid(v.get("guid"))
            if guid:
                _, marker = rx.split_marker(rx.kid_text(v, "Description"))
                data.variables[guid] = ((v.get("name") or "").strip(), v.get("typeOfVariable") or "Text", marker)
        cases = rx.kid(root, "Cases")
        for i, c in enumerate(rx.kids(cases, "Case") if cases is not None else []):
            values = {}
            for vv in rx.kids(c, "VariableValue"):
                guid, _, val = _value_of(vv)
                if guid and val is not None:
                    values[guid] = val
            srcs = [rx.norm_guid(r.get("targetGUID")) for r in rx.kids(c, "SourceRef")]
            data.cases.append(QCase(rx.norm_guid(c.get("guid")) or f"case-{i}",
                                    (c.get("name") or "").strip() or f"Case {i + 1}", values,
                                    [s for s in srcs if s]))
        notes = rx.kid(root, "Notes")
        for n in (rx.kids(notes, "Note") if notes is not None else []):
            guid = rx.norm_guid(n.get("guid"))
            if not guid:
                continue
            _, marker = rx.split_marker(rx.kid_text(n, "Description"))
            text = rx.kid_text(n, "PlainTextContent")
            if text is None and n.get("plainTextPath"):
                try:
                    text = _text_member(archive, where, n.get("plainTextPath"), f"note '{n.get('name') or guid}'")
                except ElcError as exc:
                    data.warnings.append(f"note '{n.get('name') or guid}' skipped: {exc}")
                    text = None
            if text is not None:
                data.notes[guid] = ((n.get("name") or "").strip(), text, marker)
        data.project_notes = [g for g in (rx.norm_guid(r.get("targetGUID")) for r in rx.kids(root, "NoteRef")) if g]
        sets = rx.kid(root, "Sets")
        for st in (rx.kids(sets, "Set") if sets is not None else []):
            desc, marker = rx.split_marker(rx.kid_text(st, "Description"))
            data.sets.append(QSet(
                rx.norm_guid(st.get("guid")) or "", (st.get("name") or "").strip(), desc, marker,
                [g for g in (rx.norm_guid(m.get("targetGUID")) for m in rx.kids(st, "MemberCode")) if g],
                [g for g in (rx.norm_guid(m.get("targetGUID")) for m in rx.kids(st, "MemberSource")) if g]))

        sources = rx.kid(root, "Sources")
        seen: set[str] = set()
        for el in (list(sources) if sources is not None else []):
            kind = rx.local(el.tag)
            name = (el.get("name") or "").strip()
            if kind != "TextSource":
                if rx.norm_guid(el.get("guid")):
                    data.skipped_sources.add(rx.norm_guid(el.get("guid")))
                if kind:
                    data.warnings.append(f"{kind} '{name or el.get('guid')}' skipped (elc imports text sources only)")
                continue
            guid = rx.norm_guid(el.get("guid"))
            if guid is None:
                raise ElcError(f"{where}: text source '{name or '?'}' has no valid guid")
            if guid in seen:
                raise ElcError(f"{where}: source guid {guid} is used twice")
            seen.add(guid)
            label = f"source '{name or guid}'"
            inline = rx.kid_text(el, "PlainTextContent")
            if el.get("plainTextPath"):
                text = _text_member(archive, where, el.get("plainTextPath").strip(), label)
            elif inline is not None:
                text = inline
            else:
                raise ElcError(f"{where}: {label} has neither plainTextPath nor PlainTextContent "
                               f"(elc needs the plain text)")
            src = QSource(guid, name or f"Source {len(data.sources) + 1}", text,
                          rx.parse_datetime(el.get("creationDateTime")), {}, [])
            for vv in rx.kids(el, "VariableValue"):
                vguid, _, val = _value_of(vv)
                if vguid and val is not None:
                    src.values[vguid] = val
            whole = rx.kids(el, "Coding")  # codings of the whole source: the span of its text
            if whole and text:
                src.selections.append(QSelection(f"{guid}-whole", 0, len(text), None, None, None, None,
                                                 [_coding(c, where, code_guids) for c in whole], []))
            for sel in rx.kids(el, "PlainTextSelection"):
                sguid = rx.norm_guid(sel.get("guid")) or ""
                start = _int(sel.get("startPosition"), where, f"selection {sguid} startPosition")
                end = _int(sel.get("endPosition"), where, f"selection {sguid} endPosition")
                if not (0 <= start < end <= len(text)):
                    raise ElcError(f"{where}: selection {sguid} in {label} spans {start}-{end}, outside its "
                                   f"text of {len(text)} characters")
                _, marker = rx.split_marker(rx.kid_text(sel, "Description"))
                origin = marker.get("origin") if isinstance(marker.get("origin"), str) else None
                src.selections.append(QSelection(
                    sguid, start, end, rx.norm_guid(sel.get("creatingUser")),
                    rx.parse_datetime(sel.get("creationDateTime")), rx.parse_datetime(sel.get("modifiedDateTime")),
                    origin[:16] if origin else None,
                    [_coding(c, where, code_guids) for c in rx.kids(sel, "Coding")],
                    [g for g in (rx.norm_guid(r.get("targetGUID")) for r in rx.kids(sel, "NoteRef")) if g]))
            data.sources.append(src)
    return data


def _coding(el, where: str, code_guids: set[str]):
    ref = rx.kid(el, "CodeRef")
    target = rx.norm_guid(ref.get("targetGUID")) if ref is not None else None
    if target is None:
        raise ElcError(f"{where}: coding {el.get('guid') or '?'} has no CodeRef")
    if target not in code_guids:
        raise ElcError(f"{where}: coding {el.get('guid') or '?'} refers to code {target}, which is not in the codebook")
    notes = [g for g in (rx.norm_guid(r.get("targetGUID")) for r in rx.kids(el, "NoteRef")) if g]
    return target, rx.norm_guid(el.get("creatingUser")), rx.parse_datetime(el.get("creationDateTime")), notes


# ============================================================================ import
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


def _turns(text: str) -> list[dict]:
    """Speaker turns of a stored text: ``Label: body`` lines; unlabelled lines continue a turn."""
    from elc.ingest.base import SPEAKER, TIMESTAMP, parse_timestamp

    turns: list[dict] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        line_start = pos
        pos += len(line)
        content = line.rstrip("\r\n")
        if not content.strip():
            continue
        lead = len(content) - len(content.lstrip())
        rest = content[lead:]
        offset = lead
        ts = None
        m = TIMESTAMP.match(rest)
        if m and (m.group(0).strip().startswith(("[", "(")) or SPEAKER.match(rest[m.end():])):
            try:
                ts = parse_timestamp(m.group("ts"))
            except ValueError:
                ts = None
            offset += m.end()
            rest = rest[m.end():]
        label = None
        m = SPEAKER.match(rest)
        if m:
            label = (m.group("label") or m.group("label2")).strip()
            if len(label.split()) > 4 or label.lower().startswith(("http", "www")):
                label = None
        end = line_start + len(content.rstrip())
        if label:
            turns.append({"label": label, "start": line_start, "body": line_start + offset + m.end(), "end": end,
                          "ts": ts})
        elif turns:
            turns[-1]["end"] = end
        else:
            turns.append({"label": None, "start": line_start, "body": line_start + lead, "end": end, "ts": ts})
    return turns


def _sentence_spans(doc, body: str):
    """(sentence, start, end) in ``body``, as the ingest pipeline cuts them."""
    try:
        from elc.ingest.pipeline import _sentence_spans as ingest_spans
    except ImportError:  # an older pipeline: plain spaCy sentences, whitespace stripped
        ingest_spans = None
    if ingest_spans is not None:
        return ingest_spans(doc, body, None)
    spans = []
    for sent in doc.sents:
        a, b = sent.start_char, sent.end_char
        while a < b and body[a].isspace():
            a += 1
        while b > a and body[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((sent, a, b))
    return spans


def _tag_pattern():
    """elc's de-identification tags ("[Husband 1]", "[place]"...), which stand for names."""
    try:
        from elc.deid.pseudonymiser import TYPED_TAGS
        typed = sorted({t.strip("[]") for t in TYPED_TAGS.values()} | {"redacted"})
    except ImportError:
        typed = ["redacted", "place", "phone", "postcode", "email", "address", "organisation", "NHS number",
                 "date of birth"]
    alternatives = "|".join(re.escape(t) for t in typed)
    return re.compile(r"\[(?:[A-Z][\w'-]*(?: [\w'-]+){0,3} \d{1,4}|" + alternatives + r")\]")


def _mask_tags(body: str, pattern) -> tuple[str, list[tuple[int, int]]]:
    """``body`` with each tag replaced by a same-length name-like word, and the tags' spans.

    The text was segmented before de-identification, when those places held names; masking
    the brackets keeps spaCy from cutting sentences at them, and their spans stay out of lemmas.
    """
    spans = [(m.start(), m.end()) for m in pattern.finditer(body)]
    if not spans:
        return body, spans
    blocked = []
    for a, b in spans:  # a word glued to a tag ("Y[organisation]") is one token: keep it out too
        while a > 0 and not body[a - 1].isspace():
            a -= 1
        blocked.append((a, b))
    parts, last = [], 0
    for a, b in spans:
        parts.append(body[last:a])
        parts.append("X" + "x" * (b - a - 1))
        last = b
    parts.append(body[last:])
    return "".join(parts), blocked


def _segments(texts: list[tuple[str, str | None]], nlp) -> list[list[dict]]:
    """Turn and sentence segments (with lemmas) for each (text, participant), as ingest stores them."""
    from elc.domain import Turn
    from elc.ingest.pipeline import _lemmas, classify_roles

    pattern = _tag_pattern()
    plans = []
    bodies: list[str] = []
    blocked: list[list[tuple[int, int]]] = []
    for text, participant in texts:
        turns = _turns(text)
        roles = classify_roles([Turn(t["label"], text[t["body"]:t["end"]]) for t in turns])
        if participant and any(t["label"] == participant for t in turns):
            roles = {lb: ("participant" if lb == participant else ("interviewer" if r == "interviewer" else "other"))
                     for lb, r in roles.items()}
        plans.append((text, turns, roles))
        for t in turns:
            masked, spans = _mask_tags(text[t["body"]:t["end"]], pattern)
            bodies.append(masked)
            blocked.append(spans)
    docs = iter(nlp.pipe(bodies, batch_size=256)) if bodies else iter(())
    out: list[list[dict]] = []
    n_turn = 0
    for text, turns, roles in plans:
        segs: list[dict] = []
        position = 0
        last_question = ""
        for t in turns:
            doc = next(docs)
            role = roles.get(t["label"], "other")
            speaker = t["label"] or "Participant"
            question = last_question if role != "interviewer" else ""
            turn = {"kind": "turn", "position": position, "start": t["start"], "end": t["end"], "speaker": speaker,
                    "role": role, "ts_start": t["ts"], "ts_end": None, "question": question, "lemmas": "",
                    "_sentences": []}
            position += 1
            body, tags = bodies[n_turn], blocked[n_turn]
            n_turn += 1
            for sent, a, b in _sentence_spans(doc, body):
                turn["_sentences"].append({"kind": "sentence", "position": position, "start": t["body"] + a,
                                           "end": t["body"] + b, "speaker": speaker, "role": role,
                                           "ts_start": t["ts"], "ts_end": None, "question": question,
                                           "lemmas": _lemmas(sent, tags)})
                position += 1
            if role == "interviewer":
                last_question = text[t["body"]:t["end"]][:300]
            segs.append(turn)
        out.append(segs)
    return out


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
        codes = rx.insert_codes(conn, data.codes, data.kinds, "elc", data.path.name)
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
        project.close()  # checkpoints the WAL into the file
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


__all__ = ["export_qdpx", "import_qdpx", "build_qdpx", "read_qdpx", "QdpxImport", "QdpxData"]

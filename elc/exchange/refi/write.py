"""Writing REFI-QDA: the project (.qdpx) and the codebook (.qdc)."""

from __future__ import annotations

import json
from pathlib import Path

from elc.exchange.refi import archive as ar, mapping as mp, xmlutil as rx
from elc.exchange.refi.mapping import QDE, SOURCE_FIELDS, VALUE_TAGS, ExportCode, isna, normalise_newlines
from elc.exchange.refi.xmlutil import with_marker, xml_str
from elc.store import refi as refi_store


def project_namespace(project):
    """The GUID namespace of ``project``: stable across exports, unique to the project."""
    name = (project.meta_get("programme", {}) or {}).get("name", "")
    return rx.project_namespace(refi_store.meta_raw(project.engine, "created_at"), name)

def build_code_elements(parent, codes: list[ExportCode], tag) -> None:
    """Nested ``Code`` elements (Description = definition, keywords in a marker) plus the valence codes."""
    from lxml import etree

    def one(into, code: ExportCode):
        attrs = {"guid": code.guid, "name": xml_str(code.name), "isCodable": "true" if code.codable else "false"}
        if code.colour:
            attrs["color"] = code.colour
        el = etree.SubElement(into, tag("Code"), attrs)
        desc = with_marker(code.definition, {"keywords": code.keywords} if code.keywords else None)
        if desc:
            etree.SubElement(el, tag("Description")).text = desc
        for child in code.children:
            one(el, child)

    for code in codes:
        one(parent, code)
    root = etree.SubElement(parent, tag("Code"), {"guid": mp.VALENCE_ROOT_GUID, "name": "Valence",
                                                   "isCodable": "false", "color": "#7F7F7F"})
    etree.SubElement(root, tag("Description")).text = with_marker(
        "elc valence: how the participant rated this part of the service. A coding rated 'working well' "
        "or 'to improve' also carries that code on the same selection; neutral codings carry neither.",
        {"role": "valence"})
    for value, (name, colour) in mp.VALENCE_CODES.items():
        el = etree.SubElement(root, tag("Code"), {"guid": mp.VALENCE_GUIDS[value], "name": name,
                                                  "isCodable": "true", "color": colour})
        etree.SubElement(el, tag("Description")).text = with_marker(
            f"elc valence '{value}'", {"valence": value})



def build_qdpx(project) -> list[tuple[str, bytes]]:
    """The archive entries ``[(name, bytes), ...]`` of the project's .qdpx, in archive order."""
    from lxml import etree

    import elc

    ns = project_namespace(project)

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
    book = mp.export_codebook(project, ns)
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
    created = rx.xsd_datetime(refi_store.meta_raw(project.engine, "created_at"))
    if created:
        root.set("creationDateTime", created)

    # -- users and codebook
    if coders:
        users = sub(root, "Users")
        for c in coders:
            sub(users, "User", {"guid": user_guid[c], "name": rx.xml_str(c)})
    codes_el = sub(sub(root, "CodeBook"), "Codes")
    build_code_elements(codes_el, book.roots, tag)

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
        attr_types[key] = mp.variable_type(attr_values[key])
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
        sub(vv, VALUE_TAGS[typ], text=mp.value_text(val, typ))

    # -- cases (participants)
    source_guid = {int(r.id): g("source", int(r.id)) for r in sources.itertuples()}
    by_participant: dict[str, list[int]] = {}
    for r in sources.itertuples():
        if not isna(r.participant_id):
            by_participant.setdefault(str(r.participant_id), []).append(int(r.id))
    if len(participants):
        cases = sub(root, "Cases")
        for r in participants.itertuples():
            case = sub(cases, "Case", {"guid": g("participant", r.id), "name": rx.xml_str(r.id)})
            if not isna(r.community):
                value(case, var_guid[("variable", "community")], "Text", r.community)
            if not isna(r.family):
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
            text, remap = normalise_newlines(project.source_text(sid))
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
                if c.valence in mp.VALENCE_GUIDS:
                    coding = sub(sel, "Coding", {"guid": g("valence", cid), "creatingUser": user,
                                                 "creationDateTime": rx.xsd_datetime(c.created_at)})
                    sub(coding, "CodeRef", {"targetGUID": mp.VALENCE_GUIDS[c.valence]})
                if c.memo:
                    note = g("memo", cid)
                    sub(sel, "NoteRef", {"targetGUID": note})
                    who = c.participant_id if not isna(c.participant_id) else r.name
                    notes.append((note, {"name": rx.xml_str(f"Memo: {c.code} ({who})"), "creatingUser": user,
                                         "creationDateTime": rx.xsd_datetime(c.updated_at)}, rx.xml_str(c.memo)))
            for col, (_, typ) in SOURCE_FIELDS.items():
                val = getattr(r, col)
                if not isna(val):
                    value(ts, var_guid[("source", col)], typ, bool(val) if typ == "Boolean" else val)

    # -- notes: memos, and the programme's phases, questions and changes
    programme_note = g("note", "programme")
    questions = refi_store.questions(project.engine)
    changes = []
    for ch in refi_store.changes_with_links(project.engine):
        links = ch.pop("links")
        ch["codes"] = [book.by_id[int(ref)].guid for kind, ref in links
                       if kind == "code" and str(ref).isdigit() and int(ref) in book.by_id]
        ch["themes"] = [ref for kind, ref in links if kind == "theme"]
        changes.append(ch)
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
                  "target_n": None if isna(r.target_n) else int(r.target_n)}
        sub(st, "Description", text=rx.with_marker(r.description or "", marker))
        for s_row in sources.itertuples():
            if not isna(s_row.community) and s_row.community == r.key:
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
    ar.deterministic_zip(path, build_qdpx(project))
    return path




def codebook_xml(project) -> bytes:
    """The project's codebook as QDA-XML Codebook bytes."""
    import elc
    from lxml import etree

    namespace = project_namespace(project)
    book = mp.export_codebook(project, namespace)

    def tag(name: str) -> str:
        return f"{{{rx.CODEBOOK_NS}}}{name}"

    root = etree.Element(tag("CodeBook"), nsmap={None: rx.CODEBOOK_NS, "xsi": rx.XSI_NS})
    root.set(f"{{{rx.XSI_NS}}}schemaLocation", f"{rx.CODEBOOK_NS} {rx.CODEBOOK_XSD_URL}")
    root.set("origin", f"elc {elc.__version__}")
    codes = etree.SubElement(root, tag("Codes"))
    build_code_elements(codes, book.roots, tag)
    if book.sets:
        sets = etree.SubElement(root, tag("Sets"))
        for guid, name, marker, members in book.sets:
            st = etree.SubElement(sets, tag("Set"), {"guid": guid, "name": rx.xml_str(name)})
            etree.SubElement(st, tag("Description")).text = rx.with_marker(
                f"elc code kind: {name}", marker)
            for member in members:
                etree.SubElement(st, tag("MemberCode"), {"guid": member})
    return rx.to_bytes(root)


def export_qdc(project, path: str | Path) -> Path:
    """Write the project's codebook to ``path`` (a .qdc file), atomically."""
    path = Path(path)
    ar.write_atomic(path, codebook_xml(project))
    return path

"""Reading REFI-QDA (untrusted) into plain records; nothing is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from elc.errors import ElcError
from elc.exchange.refi import mapping as mp, xmlutil as rx
from elc.exchange.refi.archive import SafeArchive, read_limited_file
from elc.exchange.refi.mapping import QDE, VALUE_TAGS
from elc.exchange.refi.xmlutil import colour_hex, kid_text, kids, norm_guid, split_marker

MAX_CODE_DEPTH = 64
MAX_QDC_BYTES = 50 * 1024 * 1024

@dataclass
class ParsedCode:
    guid: str
    name: str
    codable: bool
    colour: str | None
    definition: str
    keywords: list
    parent_guid: str | None
    depth: int
    valence: str | None = None  # "root", a VALENCES value, or None for an ordinary code


def _bool(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1")


def parse_codes(codes_el, where: str) -> list[ParsedCode]:
    """Every Code under ``codes_el`` in document order (parents before children)."""
    out: list[ParsedCode] = []
    seen: set[str] = set()
    stack = [(c, None, 0) for c in reversed(kids(codes_el, "Code"))] if codes_el is not None else []
    while stack:
        el, parent, depth = stack.pop()
        if depth >= MAX_CODE_DEPTH:
            raise ElcError(f"{where}: codes are nested more than {MAX_CODE_DEPTH} levels deep")
        guid = norm_guid(el.get("guid"))
        name = (el.get("name") or "").strip()
        if guid is None:
            raise ElcError(f"{where}: code '{name or '?'}' has no valid guid")
        if guid in seen:
            raise ElcError(f"{where}: code guid {guid} is used twice")
        seen.add(guid)
        definition, marker = split_marker(kid_text(el, "Description"))
        keywords = marker.get("keywords") if isinstance(marker.get("keywords"), list) else []
        valence = None
        if guid == mp.VALENCE_ROOT_GUID or marker.get("role") == "valence":
            valence = "root"
        else:
            for value, vguid in mp.VALENCE_GUIDS.items():
                if guid == vguid or marker.get("valence") == value:
                    valence = value
        out.append(ParsedCode(guid, name or "Unnamed code", _bool(el.get("isCodable")), colour_hex(el.get("color")),
                              definition if definition.strip() else "",
                              [str(k) for k in keywords if isinstance(k, (str, int, float))], parent, depth, valence))
        for child in reversed(kids(el, "Code")):
            stack.append((child, guid, depth + 1))
    return out


def parse_kind_sets(sets_el, member_attr: str) -> dict[str, tuple[str, str | None]]:
    """code guid -> (kind, family) from the Sets elc marked as code kinds."""
    from elc.domain import CODE_KINDS, FAMILIES

    out: dict[str, tuple[str, str | None]] = {}
    if sets_el is None:
        return out
    for st in kids(sets_el, "Set"):
        _, marker = split_marker(kid_text(st, "Description"))
        kind = marker.get("kind")
        if kind not in CODE_KINDS:
            continue
        family = marker.get("family") if marker.get("family") in FAMILIES else None
        for member in kids(st, "MemberCode"):
            guid = norm_guid(member.get(member_attr))
            if guid:
                out[guid] = (kind, family)
    return out



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
    codes: list[ParsedCode]
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
    for name in VALUE_TAGS.values():
        el = rx.kid(vv, name)
        if el is not None:
            return guid, name, el.text or ""
    return guid, None, None


def _text_member(archive: SafeArchive, where: str, path: str, what: str) -> str:
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
    with SafeArchive.open(path) as archive:
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
            data.codes = parse_codes(rx.kid(book, "Codes"), where)
        data.kinds = parse_kind_sets(rx.kid(root, "Sets"), "targetGUID")
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




@rx.one_line_errors
def read_qdc(path: str | Path) -> tuple[list[ParsedCode], dict]:
    """Parse a .qdc file (untrusted): its codes in document order and elc's code kinds."""
    path = Path(path)
    data = read_limited_file(path, MAX_QDC_BYTES, "REFI-QDA codebook (.qdc)")
    root = rx.parse_xml(data, str(path))
    if rx.local(root.tag) != "CodeBook":
        raise ElcError(f"{path}: is not a REFI-QDA codebook (the root element is "
                       f"<{rx.local(root.tag)}>, expected <CodeBook>)")
    codes_el = rx.kid(root, "Codes")
    if codes_el is None or not rx.kids(codes_el, "Code"):
        raise ElcError(f"{path}: the codebook has no codes")
    parsed = parse_codes(codes_el, str(path))
    kinds = parse_kind_sets(rx.kid(root, "Sets"), "guid")
    return parsed, kinds

"""Reading REFI-QDA (untrusted) into plain records; nothing is written.

One function per element, as QualCoder's importer reads them (``parse_users``, ``sub_codes``,
``parse_variables``, ``parse_cases``, ``parse_sources``/``load_codings_for_text``,
``parse_notes``, ``parse_sets``). The project XML is parsed whole (it holds no source text);
source texts stay in the archive and are read one at a time by :func:`iter_texts`, so an import
never holds every text at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from elc.errors import ElcError
from elc.exchange.refi import mapping as mp, xmlutil as rx
from elc.exchange.refi.archive import SafeArchive, read_limited_file
from elc.exchange.refi.mapping import QDE, VALUE_TAGS
from elc.exchange.refi.xmlutil import colour_hex, kid, kid_text, kids, norm_guid, split_marker

MAX_CODE_DEPTH = 64
MAX_QDC_BYTES = 50 * 1024 * 1024
MAX_SIDECAR_BYTES = 50 * 1024 * 1024


# ----------------------------------------------------------------------------- records
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


@dataclass
class QCoding:
    guid: str
    code: str  # code guid
    user: str | None
    created: str | None
    notes: list[str]


@dataclass
class QSelection:
    guid: str
    start: int
    end: int
    user: str | None
    created: str | None
    modified: str | None
    description: str  # the selection's memo (QualCoder: coding memo), machine lines removed
    origin: str | None  # from an old elc marker line
    codings: list[QCoding]
    notes: list[str]


@dataclass
class QSource:
    guid: str
    name: str
    member: str | None  # archive member holding the text, or None for inline text
    inline: str | None
    created: str | None
    description: str
    values: dict[str, str]  # variable guid -> value text
    selections: list[QSelection]
    whole: list[QCoding]  # codings of the whole source


@dataclass
class QCase:
    guid: str
    name: str
    description: str
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
class QNote:
    name: str
    text: str
    marker: dict


@dataclass
class QdpxData:
    path: Path
    name: str
    description: str
    users: dict[str, str]  # guid -> name, in document order
    codes: list[ParsedCode]
    kinds: dict
    variables: dict[str, tuple[str, str, dict]]  # guid -> (name, type, marker)
    cases: list[QCase]
    sources: list[QSource]
    notes: dict[str, QNote]
    sets: list[QSet]
    project_notes: list[str]
    extension: dict = field(default_factory=dict)  # elc's sidecar member, {} if absent
    warnings: list[str] = field(default_factory=list)
    skipped_sources: set[str] = field(default_factory=set)  # guids of non-text sources


# ----------------------------------------------------------------------------- small readers
def _bool(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1")


def _int(value, where: str, what: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ElcError(f"{where}: {what} '{str(value)[:40]}' is not a whole number") from None


def _refs(el, name: str) -> list[str]:
    return [g for g in (norm_guid(r.get("targetGUID")) for r in kids(el, name)) if g]


def _values(el) -> dict[str, str]:
    """VariableValue children: variable guid -> value text."""
    out = {}
    for vv in kids(el, "VariableValue"):
        ref = kid(vv, "VariableRef")
        guid = norm_guid(ref.get("targetGUID")) if ref is not None else None
        for name in VALUE_TAGS.values():
            value = kid(vv, name)
            if value is not None and guid:
                out[guid] = value.text or ""
                break
    return out


def _text_member(archive: SafeArchive, where: str, path: str, what: str) -> str:
    """The archive member behind an ``internal://`` path; other schemes and missing members are errors."""
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
    return name


def _decode(archive: SafeArchive, name: str, where: str) -> str:
    try:
        text = archive.read(name).decode("utf-8")
    except UnicodeDecodeError:
        raise ElcError(f"{where}: '{name}' is not UTF-8 text") from None
    return text[1:] if text.startswith("\ufeff") else text


# ----------------------------------------------------------------------------- codes
def _valence_of(guid: str, marker: dict) -> str | None:
    if guid == mp.VALENCE_ROOT_GUID or marker.get("role") == "valence":
        return "root"
    for value, vguid in mp.VALENCE_GUIDS.items():
        if guid == vguid or marker.get("valence") == value:
            return value
    return None


def _valence_by_name(codes: list[ParsedCode]) -> None:
    """A top-level, non-codable "Valence" code whose children are "Working well"/"To improve" is
    elc's valence even when another tool gave it new GUIDs (QualCoder mints them on export)."""
    for root in (c for c in codes if c.parent_guid is None and c.name.lower() == mp.VALENCE_ROOT_NAME.lower()):
        children = [c for c in codes if c.parent_guid == root.guid]
        if children and not root.codable and all(c.name.lower() in mp.VALENCE_BY_NAME for c in children):
            root.valence = "root"
            for c in children:
                c.valence = mp.VALENCE_BY_NAME[c.name.lower()]


def parse_codes(codes_el, where: str) -> list[ParsedCode]:
    """Every Code under ``codes_el`` in document order (parents before children)."""
    out: list[ParsedCode] = []
    seen: set[str] = set()
    stack: list[tuple[Any, str | None, int]] = [(c, None, 0) for c in reversed(kids(codes_el, "Code"))] if codes_el is not None else []
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
        keywords = mp.as_list(marker.get("keywords"))
        out.append(ParsedCode(guid, name or "Unnamed code", _bool(el.get("isCodable")), colour_hex(el.get("color")),
                              definition if definition.strip() else "",
                              [str(k) for k in keywords if isinstance(k, (str, int, float))], parent, depth,
                              _valence_of(guid, marker)))
        for child in reversed(kids(el, "Code")):
            stack.append((child, guid, depth + 1))
    _valence_by_name(out)
    return out


def parse_kind_sets(sets_el, member_attr: str) -> dict[str, tuple[str, str | None]]:
    """code guid -> (kind, family) from code Sets elc wrote (named "Touchpoints (people)" etc.,
    or, in older files, marked with an ``elc:`` line)."""
    from elc.domain import CODE_KINDS, FAMILIES

    out: dict[str, tuple[str, str | None]] = {}
    for st in (kids(sets_el, "Set") if sets_el is not None else []):
        _, marker = split_marker(kid_text(st, "Description"))
        kind, family = marker.get("kind"), marker.get("family") if marker.get("family") in FAMILIES else None
        named = mp.parse_kind_set_name(st.get("name") or "")
        if kind not in CODE_KINDS and named and (kid_text(st, "Description") or "").startswith("elc code kind"):
            kind, family = named
        if kind not in CODE_KINDS:
            continue
        for member in kids(st, "MemberCode"):
            guid = norm_guid(member.get(member_attr))
            if guid:
                out[guid] = (kind, family)
    return out


# ----------------------------------------------------------------------------- project elements
def read_users(root) -> dict[str, str]:
    users = {}
    for u in kids(kid(root, "Users"), "User") if kid(root, "Users") is not None else []:
        guid = norm_guid(u.get("guid"))
        if guid:
            users[guid] = (u.get("name") or u.get("id") or "").strip()
    return users


def read_variables(root) -> dict[str, tuple[str, str, dict]]:
    out = {}
    variables = kid(root, "Variables")
    for v in (kids(variables, "Variable") if variables is not None else []):
        guid = norm_guid(v.get("guid"))
        if guid:
            _, marker = split_marker(kid_text(v, "Description"))
            out[guid] = ((v.get("name") or "").strip(), v.get("typeOfVariable") or "Text", marker)
    return out


def read_case(el, index: int) -> QCase:
    description, _ = split_marker(kid_text(el, "Description"))
    return QCase(norm_guid(el.get("guid")) or f"case-{index}", (el.get("name") or "").strip() or f"Case {index + 1}",
                 description, _values(el), _refs(el, "SourceRef"))


def read_note(el, archive: SafeArchive, where: str, data: QdpxData) -> None:
    guid = norm_guid(el.get("guid"))
    if not guid:
        return
    _, marker = split_marker(kid_text(el, "Description"))
    text = kid_text(el, "PlainTextContent")
    label = f"note '{el.get('name') or guid}'"
    if text is None and el.get("plainTextPath"):
        try:
            text = _decode(archive, _text_member(archive, where, el.get("plainTextPath"), label), where)
        except ElcError as exc:
            data.warnings.append(f"{label} skipped: {exc}")
    if text is not None:
        data.notes[guid] = QNote((el.get("name") or "").strip(), text, marker)


def read_set(el) -> QSet:
    desc, marker = split_marker(kid_text(el, "Description"))
    return QSet(norm_guid(el.get("guid")) or "", (el.get("name") or "").strip(), desc, marker,
                [g for g in (norm_guid(m.get("targetGUID")) for m in kids(el, "MemberCode")) if g],
                [g for g in (norm_guid(m.get("targetGUID")) for m in kids(el, "MemberSource")) if g])


def read_coding(el, where: str, code_guids: set[str]) -> QCoding:
    ref = kid(el, "CodeRef")
    target = norm_guid(ref.get("targetGUID")) if ref is not None else None
    if target is None:
        raise ElcError(f"{where}: coding {el.get('guid') or '?'} has no CodeRef")
    if target not in code_guids:
        raise ElcError(f"{where}: coding {el.get('guid') or '?'} refers to code {target}, which is not in the codebook")
    return QCoding(norm_guid(el.get("guid")) or "", target, norm_guid(el.get("creatingUser")),
                   rx.parse_datetime(el.get("creationDateTime")), _refs(el, "NoteRef"))


def read_selection(el, where: str, code_guids: set[str]) -> QSelection:
    guid = norm_guid(el.get("guid")) or ""
    start = _int(el.get("startPosition"), where, f"selection {guid} startPosition")
    end = _int(el.get("endPosition"), where, f"selection {guid} endPosition")
    description, marker = split_marker(kid_text(el, "Description"))
    origin = marker.get("origin") if isinstance(marker.get("origin"), str) else None
    return QSelection(guid, start, end, norm_guid(el.get("creatingUser") or el.get("modifyingUser")),
                      rx.parse_datetime(el.get("creationDateTime") or el.get("modifiedDateTime")),
                      rx.parse_datetime(el.get("modifiedDateTime")), description.strip(),
                      origin[:16] if origin else None, [read_coding(c, where, code_guids) for c in kids(el, "Coding")],
                      _refs(el, "NoteRef"))


def read_text_source(el, archive: SafeArchive, where: str, code_guids: set[str], index: int) -> QSource:
    guid = norm_guid(el.get("guid"))
    name = (el.get("name") or "").strip()
    if guid is None:
        raise ElcError(f"{where}: text source '{name or '?'}' has no valid guid")
    label = f"source '{name or guid}'"
    inline = kid_text(el, "PlainTextContent")
    member = None
    if el.get("plainTextPath"):
        member = _text_member(archive, where, el.get("plainTextPath").strip(), label)
    elif inline is None:
        raise ElcError(f"{where}: {label} has neither plainTextPath nor PlainTextContent (elc needs the plain text)")
    description, _ = split_marker(kid_text(el, "Description"))
    return QSource(guid, name or f"Source {index + 1}", member, inline if member is None else None,
                   rx.parse_datetime(el.get("creationDateTime") or el.get("modifiedDateTime")), description,
                   _values(el), [read_selection(s, where, code_guids) for s in kids(el, "PlainTextSelection")],
                   [read_coding(c, where, code_guids) for c in kids(el, "Coding")])


def read_sources(sources_el, archive: SafeArchive, where: str, data: QdpxData) -> None:
    code_guids = {c.guid for c in data.codes}
    seen: set[str] = set()
    for el in (list(sources_el) if sources_el is not None else []):
        kind = rx.local(el.tag)
        if kind != "TextSource":
            skipped = norm_guid(el.get("guid"))
            if skipped:
                data.skipped_sources.add(skipped)
            if kind:
                data.warnings.append(f"{kind} '{(el.get('name') or '').strip() or el.get('guid')}' skipped "
                                     f"(elc imports text sources only)")
            continue
        src = read_text_source(el, archive, where, code_guids, len(data.sources))
        if src.guid in seen:
            raise ElcError(f"{where}: source guid {src.guid} is used twice")
        seen.add(src.guid)
        data.sources.append(src)


def read_extension(archive: SafeArchive, path: Path) -> dict:
    """elc's sidecar member (machine-only data); {} when absent. A damaged one is ignored, with a note."""
    if not archive.has(mp.SIDECAR):
        return {}
    if archive.members[mp.SIDECAR].file_size > MAX_SIDECAR_BYTES:
        raise ElcError(f"{path}: refused: member '{mp.SIDECAR}' is over {MAX_SIDECAR_BYTES // 1_000_000} MB")
    try:
        data = json.loads(archive.read(mp.SIDECAR).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {"_damaged": True}
    return data if isinstance(data, dict) else {"_damaged": True}


def _project_root(archive: SafeArchive, path: Path):
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
    return root, where


@rx.one_line_errors
def read_qdpx(path: str | Path) -> QdpxData:
    """Read and check a .qdpx archive's project (untrusted). Source texts are not read here."""
    path = Path(path)
    with SafeArchive.open(path) as archive:
        root, where = _project_root(archive, path)
        data = QdpxData(path=path, name=(root.get("name") or "").strip(),
                        description=kid_text(root, "Description") or "", users=read_users(root), codes=[],
                        kinds={}, variables=read_variables(root), cases=[], sources=[], notes={}, sets=[],
                        project_notes=_refs(root, "NoteRef"), extension=read_extension(archive, path))
        if data.extension.get("_damaged"):
            data.warnings.append(f"'{mp.SIDECAR}' is damaged; elc's own details (code kinds, origins) were not read")
            data.extension = {}
        book = kid(root, "CodeBook")
        if book is not None:
            data.codes = parse_codes(kid(book, "Codes"), where)
        data.kinds = parse_kind_sets(kid(root, "Sets"), "targetGUID")
        cases = kid(root, "Cases")
        data.cases = [read_case(c, i) for i, c in enumerate(kids(cases, "Case") if cases is not None else [])]
        notes = kid(root, "Notes")
        for n in (kids(notes, "Note") if notes is not None else []):
            read_note(n, archive, where, data)
        sets = kid(root, "Sets")
        data.sets = [read_set(st) for st in (kids(sets, "Set") if sets is not None else [])]
        read_sources(kid(root, "Sources"), archive, where, data)
    return data


def _check_spans(src: QSource, text: str, where: str) -> None:
    for sel in src.selections:
        if not (0 <= sel.start <= sel.end <= len(text)):
            raise ElcError(f"{where}: selection {sel.guid} in source '{src.name}' spans {sel.start}-{sel.end}, "
                           f"outside its text of {len(text)} characters")


def iter_texts(data: QdpxData) -> Iterator[tuple[QSource, str]]:
    """Each text source with its text, read from the archive one at a time, selections checked."""
    with SafeArchive.open(data.path) as archive:
        for src in data.sources:
            where = f"{data.path}: source '{src.name}'"
            text = _decode(archive, src.member, str(data.path)) if src.member else (src.inline or "")
            _check_spans(src, text, where)
            yield src, text


@rx.one_line_errors
def read_qdc(path: str | Path) -> tuple[list[ParsedCode], dict]:
    """Parse a .qdc file (untrusted): its codes in document order and elc's code kinds."""
    path = Path(path)
    data = read_limited_file(path, MAX_QDC_BYTES, "REFI-QDA codebook (.qdc)")
    root = rx.parse_xml(data, str(path))
    if rx.local(root.tag) != "CodeBook":
        raise ElcError(f"{path}: is not a REFI-QDA codebook (the root element is "
                       f"<{rx.local(root.tag)}>, expected <CodeBook>)")
    codes_el = kid(root, "Codes")
    if codes_el is None or not kids(codes_el, "Code"):
        raise ElcError(f"{path}: the codebook has no codes")
    parsed = parse_codes(codes_el, str(path))
    for code in parsed:
        if not code.keywords:
            code.definition, code.keywords = mp.split_keywords(code.definition)
    return parsed, parse_kind_sets(kid(root, "Sets"), "guid")

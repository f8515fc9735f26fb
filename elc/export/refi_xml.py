"""Helpers shared by the REFI-QDA exports and imports (``.qdpx`` projects, ``.qdc`` codebooks).

REFI-QDA (QDA-XML 1.0, www.qdasoftware.org) is the exchange standard between QDA tools. This
module holds what both formats need: stable GUIDs, the machine-readable ``elc:`` marker lines
elc puts in ``Description`` elements, colours and dates in the schema's lexical forms, and the
hardened readers for untrusted input (zip archives and XML).

Markers: where the standard has no slot for something elc needs back (a community's key, a code's
kind and keywords, a valence code), elc appends one line ``elc:{...json...}`` to the element's
``Description``. Other tools show it as text and keep it; elc reads it and strips it again.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from elc.errors import ElcError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PROJECT_XSD_URL = "http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
CODEBOOK_XSD_URL = "http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"

# The namespace of every GUID elc mints; a project's own namespace is derived from its identity.
ELC_NAMESPACE = uuid.UUID("6f1c0a4e-3d0b-5f55-9a51-2b8f4c1e7e10")

MARKER_PREFIX = "elc:"

# Limits for untrusted input. A real project is a few MB; these are far beyond any real one.
MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, checked for members over RATIO_FLOOR bytes
RATIO_FLOOR = 1024 * 1024
MAX_XML_BYTES = 200 * 1024 * 1024
MAX_CODE_DEPTH = 64

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_HEX = re.compile(r"^#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")


# ----------------------------------------------------------------------------- GUIDs
def project_namespace(project) -> uuid.UUID:
    """A namespace unique to one project and stable across exports (from its creation stamp)."""
    created = meta_raw(project, "created_at") or ""
    name = (project.meta_get("programme", {}) or {}).get("name", "")
    return uuid.uuid5(ELC_NAMESPACE, f"project:{created}:{name}")


def meta_raw(project, key: str) -> str | None:
    """A meta value as stored (``created_at`` is written as plain text, not JSON)."""
    from sqlalchemy import select

    from elc.store import schema as s

    with project.engine.connect() as conn:
        row = conn.execute(select(s.meta.c.value).where(s.meta.c.key == key)).first()
    return None if row is None else str(row[0])


def make_guid(namespace: uuid.UUID, kind: str, key) -> str:
    return str(uuid.uuid5(namespace, f"{kind}:{key}"))


def fixed_guid(key: str) -> str:
    """A GUID that is the same in every elc project (valence codes)."""
    return str(uuid.uuid5(ELC_NAMESPACE, key))


def norm_guid(value: str | None) -> str | None:
    """GUIDs compare case-insensitively and with or without braces."""
    if value is None:
        return None
    value = value.strip()
    if not _GUID.match(value):
        return None
    return value.strip("{}").lower()


# ----------------------------------------------------------------------------- text values
def xml_str(value) -> str:
    """Text XML 1.0 can hold: control characters dropped, None as ''."""
    if value is None:
        return ""
    text = str(value)
    return _ILLEGAL_XML.sub("", text) if _ILLEGAL_XML.search(text) else text


def colour_hex(value) -> str | None:
    """``#RRGGBB`` (a ``#RGB`` colour is expanded), or None if ``value`` is not a colour."""
    if not isinstance(value, str):
        return None
    m = _HEX.match(value.strip())
    if not m:
        return None
    digits = m.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return "#" + digits


def xsd_datetime(value) -> str | None:
    """An ISO timestamp in xsd:dateTime form, or None if it is not one."""
    if not value:
        return None
    try:
        parsed = _dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return parsed.isoformat()


def parse_datetime(value: str | None) -> str | None:
    """An xsd:dateTime read back as elc stores timestamps (ISO, microseconds)."""
    if not value:
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = _dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.isoformat(timespec="microseconds")


# ----------------------------------------------------------------------------- markers
def with_marker(text: str | None, data: dict | None) -> str:
    """``text`` with a final ``elc:{...}`` line carrying ``data`` (omitted when ``data`` is empty)."""
    text = xml_str(text)
    if not data:
        return text
    line = MARKER_PREFIX + json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"{text}\n{line}" if text else line


def split_marker(text: str | None) -> tuple[str, dict]:
    """(human text, marker data) from a Description; data is {} when there is no valid marker."""
    if not text:
        return "", {}
    lines = text.split("\n")
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip()
        if not line:
            continue
        if line.startswith(MARKER_PREFIX + "{"):
            try:
                data = json.loads(line[len(MARKER_PREFIX):])
            except ValueError:
                return text, {}
            if isinstance(data, dict):
                return "\n".join(lines[:i]), data
        break
    return text, {}


# ----------------------------------------------------------------------------- untrusted input
def one_line_errors(func):
    """Re-raise an ElcError whose text (names from an untrusted file) spans lines as one line."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ElcError as exc:
            text = str(exc)
            if "\n" in text or "\r" in text or len(text) > 2000:
                flat = " ".join(text.split())[:2000]
                try:
                    again = type(exc)(flat)
                except TypeError:
                    again = ElcError(flat)
                raise again from None
            raise

    return wrapper


def local(tag) -> str:
    """An element's name without its namespace."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def kids(element, name: str) -> list:
    return [c for c in element if local(c.tag) == name]


def kid(element, name: str):
    for c in element:
        if local(c.tag) == name:
            return c
    return None


def kid_text(element, name: str) -> str | None:
    c = kid(element, name)
    return None if c is None else (c.text or "")


def parse_xml(data: bytes, where: str):
    """Parse untrusted XML: no DTD, no entities, no external references, no network."""
    import defusedxml
    from defusedxml.ElementTree import ParseError, fromstring

    if len(data) > MAX_XML_BYTES:
        raise ElcError(f"{where}: is {len(data) / 1e6:.0f} MB, over the {MAX_XML_BYTES / 1e6:.0f} MB limit")
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        raise ElcError(f"{where}: refused: the XML declares a DTD (entity declarations can expand "
                       f"without bound or read local files; REFI-QDA files have none)") from None
    except defusedxml.EntitiesForbidden:
        raise ElcError(f"{where}: refused: the XML declares entities (possible entity-expansion attack)") from None
    except defusedxml.ExternalReferenceForbidden:
        raise ElcError(f"{where}: refused: the XML refers to an external resource") from None
    except defusedxml.DefusedXmlException as exc:
        raise ElcError(f"{where}: refused: unsafe XML ({exc.__class__.__name__})") from None
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise ElcError(f"{where}: is not well-formed XML (line {line}, column {col})") from None


def read_limited_file(path: Path, limit: int, what: str) -> bytes:
    if not path.exists():
        raise ElcError(f"{path}: no such file")
    if path.is_dir():
        raise ElcError(f"{path}: is a folder, not a {what}")
    size = path.stat().st_size
    if size > limit:
        raise ElcError(f"{path}: is {size / 1e6:.0f} MB, over the {limit / 1e6:.0f} MB limit for a {what}")
    if size == 0:
        raise ElcError(f"{path}: is empty, not a {what}")
    return path.read_bytes()


def _bad_member_name(name: str) -> str | None:
    """Why a zip member name is unsafe, or None."""
    if "\x00" in name:
        return "contains a NUL character"
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm) or norm.startswith("//"):
        return "is an absolute path"
    if any(part == ".." for part in PurePosixPath(norm).parts) or any(p == ".." for p in norm.split("/")):
        return "points outside the archive (path traversal)"
    return None


@dataclass
class SafeArchive:
    """A zip archive checked member by member before anything is read from it."""

    path: Path
    zf: zipfile.ZipFile
    members: dict[str, zipfile.ZipInfo]

    @classmethod
    def open(cls, path: str | Path, what: str = "REFI-QDA project (.qdpx)") -> "SafeArchive":
        path = Path(path)
        if not path.exists():
            raise ElcError(f"{path}: no such file")
        if path.is_dir():
            raise ElcError(f"{path}: is a folder, not a {what}")
        size = path.stat().st_size
        if size > MAX_TOTAL_BYTES:
            raise ElcError(f"{path}: is {size / 1e6:.0f} MB, over the {MAX_TOTAL_BYTES / 1e6:.0f} MB limit for a {what}")
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ElcError(f"{path}: is not a {what} (not a readable zip archive: {exc})") from None
        try:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise ElcError(f"{path}: has {len(infos)} members, over the limit of {MAX_MEMBERS}")
            members: dict[str, zipfile.ZipInfo] = {}
            total = 0
            for info in infos:
                why = _bad_member_name(info.filename)
                if why:
                    raise ElcError(f"{path}: refused: member '{info.filename[:200]}' {why}")
                if info.filename in members:
                    raise ElcError(f"{path}: refused: member '{info.filename[:200]}' appears twice")
                if info.flag_bits & 0x1:
                    raise ElcError(f"{path}: member '{info.filename}' is encrypted; export it without a password")
                if info.file_size > MAX_MEMBER_BYTES:
                    raise ElcError(f"{path}: refused: member '{info.filename}' unpacks to "
                                   f"{info.file_size / 1e6:.0f} MB, over the {MAX_MEMBER_BYTES / 1e6:.0f} MB limit")
                if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise ElcError(f"{path}: refused: member '{info.filename}' is compressed "
                                   f"{info.file_size // max(info.compress_size, 1)}:1 (a zip bomb?)")
                total += info.file_size
                if total > MAX_TOTAL_BYTES:
                    raise ElcError(f"{path}: refused: the archive unpacks to over "
                                   f"{MAX_TOTAL_BYTES / 1e6:.0f} MB")
                if not info.is_dir():
                    members[info.filename.replace("\\", "/")] = info
        except BaseException:
            zf.close()
            raise
        return cls(path, zf, members)

    def close(self) -> None:
        self.zf.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def has(self, name: str) -> bool:
        return name in self.members

    def read(self, name: str) -> bytes:
        """A member's bytes, never more than its declared size or the member limit."""
        info = self.members[name]
        limit = min(info.file_size, MAX_MEMBER_BYTES)
        chunks: list[bytes] = []
        got = 0
        try:
            with self.zf.open(info) as fh:
                while True:
                    chunk = fh.read(1024 * 1024)
                    if not chunk:
                        break
                    got += len(chunk)
                    if got > limit:
                        raise ElcError(f"{self.path}: refused: member '{name}' unpacks to more than it declares")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error) as exc:
            raise ElcError(f"{self.path}: member '{name}' is damaged ({exc})") from None
        return b"".join(chunks)


# ----------------------------------------------------------------------------- codebooks
# Valence (working well / to improve) is elc's rating of each coding. It travels as two codes under
# a non-codable "Valence" code, applied to the same selection as the coding they rate; neutral is
# the absence of a valence code. Their GUIDs are the same in every elc project.
VALENCE_CODES = {"working-well": ("Working well", "#2CA02C"), "to-improve": ("To improve", "#D62728")}
VALENCE_ROOT_GUID = fixed_guid("valence")
VALENCE_GUIDS = {v: fixed_guid(f"valence:{v}") for v in VALENCE_CODES}
KIND_LABELS = {"touchpoint": "Touchpoints", "theme": "Themes", "category": "Categories"}


@dataclass
class ExportCode:
    id: int
    guid: str
    name: str
    kind: str
    family: str | None
    colour: str | None
    definition: str
    keywords: list
    codable: bool
    children: list


@dataclass
class ExportCodebook:
    roots: list[ExportCode]
    by_id: dict[int, ExportCode]
    sets: list[tuple[str, str, dict, list[str]]]  # guid, name, marker, member code guids

    def flat(self) -> list[ExportCode]:
        out: list[ExportCode] = []
        stack = list(reversed(self.roots))
        while stack:
            code = stack.pop()
            out.append(code)
            stack.extend(reversed(code.children))
        return out


def export_codebook(project, namespace: uuid.UUID) -> ExportCodebook:
    """The codes to export (live ones, and any archived code still holding codings) as a tree."""
    import pandas as pd

    frame = project.codes(include_archived=True)
    coded = set(int(x) for x in project.codings(with_text=False).code_id.unique())
    frame = frame[(frame.archived == 0) | frame.id.isin(coded)]
    by_id: dict[int, ExportCode] = {}
    for r in frame.itertuples():
        cid = int(r.id)
        by_id[cid] = ExportCode(
            id=cid, guid=make_guid(namespace, "code", cid), name=str(r.name), kind=str(r.kind),
            family=None if r.family is None or pd.isna(r.family) else str(r.family),
            colour=colour_hex(r.colour), definition=str(r.definition or ""),
            keywords=[str(k) for k in (r.keywords or [])],
            codable=r.kind != "category" or cid in coded, children=[])
    roots: list[ExportCode] = []
    parent_of: dict[int, int] = {}
    for r in frame.itertuples():
        code = by_id[int(r.id)]
        parent = None if r.parent_id is None or pd.isna(r.parent_id) else int(r.parent_id)
        if parent is not None and parent in by_id and parent != code.id:
            by_id[parent].children.append(code)
            parent_of[code.id] = parent
        else:
            roots.append(code)
    book = ExportCodebook(roots, by_id, [])
    reached = {c.id for c in book.flat()}
    for code in list(by_id.values()):  # a damaged hierarchy (a cycle): its codes become top-level
        if code.id not in reached:
            by_id[parent_of[code.id]].children.remove(code)
            roots.append(code)
            reached |= {c.id for c in ExportCodebook([code], by_id, []).flat()}
    groups: dict[tuple[str, str], list[str]] = {}
    for code in book.flat():
        groups.setdefault((code.kind, code.family or ""), []).append(code.guid)
    order = {k: i for i, k in enumerate(KIND_LABELS)}
    for (kind, family) in sorted(groups, key=lambda k: (order.get(k[0], 99), k[0], k[1])):
        label = KIND_LABELS.get(kind, kind.capitalize())
        name = f"{label} ({family})" if family else label
        marker = {"kind": kind, "family": family or None}
        book.sets.append((make_guid(namespace, "set:kind", f"{kind}:{family}"), name, marker, groups[(kind, family)]))
    return book


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
    root = etree.SubElement(parent, tag("Code"), {"guid": VALENCE_ROOT_GUID, "name": "Valence",
                                                   "isCodable": "false", "color": "#7F7F7F"})
    etree.SubElement(root, tag("Description")).text = with_marker(
        "elc valence: how the participant rated this part of the service. A coding rated 'working well' "
        "or 'to improve' also carries that code on the same selection; neutral codings carry neither.",
        {"role": "valence"})
    for value, (name, colour) in VALENCE_CODES.items():
        el = etree.SubElement(root, tag("Code"), {"guid": VALENCE_GUIDS[value], "name": name,
                                                  "isCodable": "true", "color": colour})
        etree.SubElement(el, tag("Description")).text = with_marker(
            f"elc valence '{value}'", {"valence": value})


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
        if guid == VALENCE_ROOT_GUID or marker.get("role") == "valence":
            valence = "root"
        else:
            for value, vguid in VALENCE_GUIDS.items():
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


# ----------------------------------------------------------------------------- writing
def _publish(tmp: str, path: Path) -> None:
    """Give a finished temporary file the usual permissions and move it into place."""
    import os

    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, path)


def deterministic_zip(path: Path, entries: list[tuple[str, bytes]]) -> None:
    """Write a zip whose bytes depend only on ``entries`` (fixed timestamps and attributes).

    The archive is written beside ``path`` and moved into place, so a failed export leaves no
    half-written file.
    """
    import os
    import tempfile

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w") as zf:
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = 0o100644 << 16
                zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
        _publish(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes) -> None:
    import os
    import tempfile

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        _publish(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def to_bytes(root) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


__all__ = [
    "PROJECT_NS", "CODEBOOK_NS", "ELC_NAMESPACE", "SafeArchive", "colour_hex", "deterministic_zip",
    "fixed_guid", "kid", "kid_text", "kids", "local", "make_guid", "norm_guid", "parse_datetime", "parse_xml",
    "project_namespace", "read_limited_file", "split_marker", "to_bytes", "with_marker", "write_atomic",
    "xml_str", "xsd_datetime",
]

"""Loading parsed REFI-QDA codes into a project: identity by GUID and place in the tree.

A code is the GUID it had and where it sat: a category and its child may share a name (QualCoder
and NVivo projects often do), so names are unique only among siblings. Codes already in the
project (from a guide, or a codebook imported before) are reused when the same name sits under
the same parent, or when the name is unique on both sides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from elc.exchange.refi import mapping as mp
from elc.exchange.refi.read import ParsedCode
from elc.store import refi as refi_store


@dataclass
class CodeImport:
    ids: dict[str, int] = field(default_factory=dict)  # code guid -> elc code id (ordinary codes)
    valence: dict[str, str] = field(default_factory=dict)  # code guid -> valence (valence codes)
    cases: set[str] = field(default_factory=set)  # guids of codes that stand for cases (QualCoder, NVivo)
    added: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)  # "Parent / Child" paths of names used more than once
    guids: dict[int, str] = field(default_factory=dict)  # new code id -> its GUID in the file


def _special(parsed: list[ParsedCode], case_guids: set[str], extension: dict, out: CodeImport) -> set[str]:
    """GUIDs of codes that are not codes in elc: valence codes, case codes and their "Cases" parent."""
    valence = mp.as_dict(extension.get("valence"))
    by_guid = {str(g).lower(): v for v, g in valence.items()}
    skip: set[str] = set()
    for code in parsed:
        value = by_guid.get(code.guid) or code.valence
        if value:
            skip.add(code.guid)
            if value != "root":
                out.valence[code.guid] = value
        elif code.guid in case_guids:
            skip.add(code.guid)
            out.cases.add(code.guid)
    children: dict[str, list[str]] = {}
    for code in parsed:
        children.setdefault(code.parent_guid or "", []).append(code.guid)
    for code in parsed:
        kids = children.get(code.guid, [])
        if (code.guid == str(extension.get("cases_root") or "").lower()
                or (code.parent_guid is None and not code.codable and code.name.lower() == mp.CASES_ROOT_NAME.lower()
                    and kids and all(k in out.cases for k in kids))):
            skip.add(code.guid)
    return skip


def _path(code: ParsedCode, by_guid: dict[str, ParsedCode]) -> str:
    parts, seen = [code.name], {code.guid}
    parent = by_guid.get(code.parent_guid or "")
    while parent is not None and parent.guid not in seen:
        parts.append(parent.name)
        seen.add(parent.guid)
        parent = by_guid.get(parent.parent_guid or "")
    return " / ".join(reversed(parts))


def _kind(code: ParsedCode, kinds: dict, extension: dict, has_children: bool) -> tuple[str, str | None, list]:
    from elc.domain import CODE_KINDS, FAMILIES

    info = (extension.get("codes") or {}).get(code.guid) if isinstance(extension.get("codes"), dict) else None
    keywords = code.keywords
    if isinstance(info, dict) and info.get("kind") in CODE_KINDS:
        family = info.get("family") if info.get("family") in FAMILIES else None
        words = info["keywords"] if isinstance(info.get("keywords"), list) else keywords
        return info["kind"], family, [str(w) for w in words if isinstance(w, (str, int, float))]
    default = ("category" if not code.codable and has_children else "theme", None)
    kind, family = kinds.get(code.guid, default)
    return kind, family, keywords


def _order(code: ParsedCode, extension: dict) -> int | None:
    info = (extension.get("codes") or {}).get(code.guid) if isinstance(extension.get("codes"), dict) else None
    order = info.get("order") if isinstance(info, dict) else None
    return order if isinstance(order, int) and not isinstance(order, bool) and 0 <= order < 1_000_000 else None


class _Existing:
    """The project's live codes, by (parent, name) and by name, as codes are added."""

    def __init__(self, rows: list[tuple[int, str, int | None]]):
        self.by_key = {(parent, name.lower()): cid for cid, name, parent in rows}
        self.by_name: dict[str, list[int]] = {}
        for cid, name, _ in rows:
            self.by_name.setdefault(name.lower(), []).append(cid)

    def match(self, name: str, parent_id: int | None, unique_in_file: bool) -> int | None:
        """The same name under the same parent, or a name unique on both sides."""
        hit = self.by_key.get((parent_id, name.lower()))
        if hit is None and unique_in_file and len(self.by_name.get(name.lower(), [])) == 1:
            hit = self.by_name[name.lower()][0]
        return hit

    def free(self, name: str, parent_id: int | None) -> str:
        candidate, n = name, 2
        while (parent_id, candidate.lower()) in self.by_key:
            candidate, n = f"{name} ({n})", n + 1
        return candidate

    def add(self, cid: int, name: str, parent_id: int | None) -> None:
        self.by_key[(parent_id, name.lower())] = cid


@dataclass
class _Positions:
    """elc's own codes (an order in the sidecar) keep their order exactly; others go after."""

    base: int
    running: int

    def next(self, order: int | None) -> int:
        if order is not None:
            return self.base + 1 + order
        self.running += 1
        return self.running


def insert_codes(conn, parsed: list[ParsedCode], kinds: dict, coder: str, origin: str,
                 case_guids: set[str] | None = None, extension: dict | None = None) -> CodeImport:
    """Add parsed codes to a project inside ``conn``'s transaction (parents before children)."""
    from elc.domain import PALETTE
    from elc.store import database

    extension = extension or {}
    out = CodeImport()
    skip = _special(parsed, set(case_guids or ()), extension, out)
    existing = _Existing(refi_store.live_codes(conn))
    ordinary = [c for c in parsed if c.guid not in skip]
    in_file: dict[str, int] = {}
    for code in ordinary:
        in_file[code.name.lower()] = in_file.get(code.name.lower(), 0) + 1
    has_children = {c.parent_guid for c in ordinary if c.parent_guid}
    by_guid = {c.guid: c for c in parsed}
    base = refi_store.last_code_position(conn)
    ordered = [o for o in (_order(c, extension) for c in ordinary) if o is not None]
    positions = _Positions(base, base + 1 + max(ordered) if ordered else base)
    ts = database.now()
    for code in sorted(ordinary, key=lambda c: c.depth):  # level by level: parents first, siblings in order
        parent_id = out.ids.get(code.parent_guid or "")
        hit = existing.match(code.name, parent_id, in_file[code.name.lower()] == 1)
        if hit is not None:
            out.ids[code.guid] = hit
            out.matched.append(code.name)
            continue
        name = existing.free(code.name, parent_id)
        if name != code.name:
            out.renamed.append((_path(code, by_guid), name))
        kind, family, keywords = _kind(code, kinds, extension, code.guid in has_children)
        position = positions.next(_order(code, extension))
        cid = refi_store.add_code(conn, ts, coder, origin, name=name, kind=kind, family=family, parent_id=parent_id,
                                  position=position, colour=code.colour or PALETTE[position % len(PALETTE)],
                                  definition=code.definition, keywords=json.dumps(keywords))
        existing.add(cid, name, parent_id)
        out.ids[code.guid] = cid
        out.guids[cid] = code.guid
        out.added.append(name)
    out.repeated = sorted(_path(c, by_guid) for c in ordinary if in_file[c.name.lower()] > 1)
    return out

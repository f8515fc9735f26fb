"""How elc maps onto REFI-QDA: valence codes, code kinds, variables, value types, offsets."""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass
from decimal import Decimal

from elc.exchange.refi.xmlutil import colour_hex, fixed_guid, make_guid, xml_str

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
def variable_type(values: list) -> str:
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


def value_text(value, typ: str) -> str:
    if typ == "Boolean":
        return "true" if value else "false"
    if typ == "Integer":
        return str(int(value))
    if typ == "Float":
        return format(Decimal(repr(float(value))), "f")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return xml_str(value)


VALUE_TAGS = {"Text": "TextValue", "Boolean": "BooleanValue", "Integer": "IntegerValue", "Float": "FloatValue",
               "Date": "DateValue", "DateTime": "DateTimeValue"}


def normalise_newlines(text: str):
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


def isna(value) -> bool:
    """None, NaN, pd.NA or NaT: a missing value in a frame read from the database."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    import pandas as pd

    return value is pd.NA or value is pd.NaT


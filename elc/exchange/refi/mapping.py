"""How elc maps onto REFI-QDA (QDA-XML 1.0), and the rules that make other tools read it.

============================  ==================================================================
elc                           REFI-QDA
============================  ==================================================================
programme, focus question     ``Project@name``; ``Project/Description`` ("Programme: ..." and
                              "Focus question: ..." lines); a readable journal ``Note`` (phases,
                              open questions, changes) with a ``plainTextPath`` as QualCoder reads
                              journals; the same data as JSON in the sidecar
code                          ``Code`` (nested: identity is the GUID and the place in the tree, so
                              a name may repeat under different parents) with ``color``,
                              ``isCodable`` (false for categories nobody coded), ``Description`` =
                              the definition only
code kind (touchpoint/...)    a code ``Set`` per kind and family, e.g. "Touchpoints (people)"
community                     a source ``Set`` named after the community, holding its interviews
participant                   ``Case`` (name = pseudonym, variables, ``SourceRef`` per interview)
                              and, for QualCoder (which links cases to files through codes that
                              share the case's GUID), a ``Code`` with the case's GUID under a
                              non-codable "Cases" code coding the whole interview
source                        ``TextSource`` with ``plainTextPath="internal://<guid>.txt"``, dates
                              and ``VariableValue`` interview date, interviewer, method, format,
                              de-identified; empty sources too
coder                         ``User``; ``creatingUser``/``modifyingUser`` on selections, codings
coding                        one ``PlainTextSelection`` per span and coder holding a ``Coding``
                              per code that coder applied there, plus its valence codings
valence                       a ``Coding`` to "Working well" or "To improve" under a non-codable
                              "Valence" code on the same selection; neutral = none
memo                          the selection's ``Description`` (QualCoder's coding memo); when the
                              codings of one selection have different memos, also a ``Note`` per
                              coding (``Coding/NoteRef``) and the Description lists them
machine-only data             the sidecar member ``elc/extension.json``: code kinds and keywords,
                              community keys, variable roles, coding origins, valence GUIDs, the
                              programme; never in a Description
============================  ==================================================================

Every date is UTC written ``...Z``. Containers are written only when they hold something (an
empty ``<Sets/>`` is invalid). GUIDs are uuid5 of the project's identity and elc ids (or the GUID a
code had in the tool it came from), and zip entries carry fixed timestamps, so exporting the same
project twice gives identical bytes.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

from elc.exchange.refi.xmlutil import colour_hex, fixed_guid, make_guid, xml_str

QDE = "project.qde"
SIDECAR = "elc/extension.json"
SIDECAR_VERSION = 2

# Valence (working well / to improve) is elc's rating of each coding. It travels as two codes under
# a non-codable "Valence" code, applied to the same selection as the coding they rate; neutral is
# the absence of a valence code. Their GUIDs are the same in every elc project; a tool that mints
# new GUIDs on export (QualCoder) keeps the names, so they are also recognised by name.
VALENCE_CODES = {"working-well": ("Working well", "#2CA02C"), "to-improve": ("To improve", "#D62728")}
VALENCE_ROOT_NAME = "Valence"
VALENCE_ROOT_GUID = fixed_guid("valence")
VALENCE_GUIDS = {v: fixed_guid(f"valence:{v}") for v in VALENCE_CODES}
VALENCE_BY_NAME = {name.lower(): value for value, (name, _) in VALENCE_CODES.items()}
CASES_ROOT_NAME = "Cases"
CASE_MEMO = "memo"  # the participant attribute that holds a case memo (Case/Description)
KIND_LABELS = {"touchpoint": "Touchpoints", "theme": "Themes", "category": "Categories"}
_KIND_SET = re.compile(r"^(Touchpoints|Themes|Categories)(?: \((people|staff)\))?$")
KEYWORDS_PREFIX = "Keywords: "


def kind_set_name(kind: str, family: str | None) -> str:
    label = KIND_LABELS.get(kind, kind.capitalize())
    return f"{label} ({family})" if family else label


def parse_kind_set_name(name: str) -> tuple[str, str | None] | None:
    """(kind, family) from a code Set named as elc names them, else None."""
    m = _KIND_SET.match(name.strip())
    if not m:
        return None
    kind = {v: k for k, v in KIND_LABELS.items()}[m.group(1)]
    return kind, m.group(2)


def with_keywords(definition: str, keywords: list) -> str:
    """A codebook Description: the definition, then a readable "Keywords: a; b" line (.qdc only)."""
    if not keywords:
        return definition
    line = KEYWORDS_PREFIX + "; ".join(str(k) for k in keywords)
    return f"{definition}\n\n{line}" if definition else line


def split_keywords(text: str) -> tuple[str, list[str]]:
    lines = text.rstrip().split("\n")
    if lines and lines[-1].startswith(KEYWORDS_PREFIX):
        words = [w.strip() for w in lines[-1][len(KEYWORDS_PREFIX):].split(";") if w.strip()]
        return "\n".join(lines[:-1]).rstrip(), words
    return text, []


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
    position: int = 0


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


def export_codebook(project, namespace: uuid.UUID, known_guids: dict[int, str] | None = None) -> ExportCodebook:
    """The codes to export (live ones, and any archived code still holding codings) as a tree.

    A code imported from another tool keeps the GUID it had there (``known_guids``), so that tool
    recognises it when the project goes back.
    """
    known_guids = known_guids or {}
    import pandas as pd

    frame = project.codes(include_archived=True)
    coded = set(int(x) for x in project.codings(with_text=False).code_id.unique())
    frame = frame[(frame.archived == 0) | frame.id.isin(coded)]
    by_id: dict[int, ExportCode] = {}
    for r in frame.itertuples():
        cid = int(r.id)
        by_id[cid] = ExportCode(
            id=cid, guid=known_guids.get(cid) or make_guid(namespace, "code", cid), name=str(r.name), kind=str(r.kind),
            family=None if r.family is None or pd.isna(r.family) else str(r.family),
            colour=colour_hex(r.colour), definition=str(r.definition or ""),
            keywords=[str(k) for k in (r.keywords or [])],
            codable=r.kind != "category" or cid in coded, children=[],
            position=int(r.position))
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
    _break_cycles(book, parent_of)
    book.sets = _kind_sets(book, namespace)
    return book


def _break_cycles(book: ExportCodebook, parent_of: dict[int, int]) -> None:
    """A damaged hierarchy (a cycle no edit allows, as a corrupt file might hold): its codes become top-level."""
    reached = {c.id for c in book.flat()}
    for code in list(book.by_id.values()):
        if code.id not in reached:
            book.by_id[parent_of[code.id]].children.remove(code)
            book.roots.append(code)
            reached |= {c.id for c in ExportCodebook([code], book.by_id, []).flat()}


def _kind_sets(book: ExportCodebook, namespace: uuid.UUID) -> list[tuple[str, str, dict, list[str]]]:
    """A code Set per kind and family ("Touchpoints (people)", "Themes", ...)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for code in book.flat():
        groups.setdefault((code.kind, code.family or ""), []).append(code.guid)
    order = {k: i for i, k in enumerate(KIND_LABELS)}
    return [(make_guid(namespace, "set:kind", f"{kind}:{family}"), kind_set_name(kind, family or None),
             {"kind": kind, "family": family or None}, groups[(kind, family)])
            for kind, family in sorted(groups, key=lambda k: (order.get(k[0], 99), k[0], k[1]))]


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


def as_dict(value) -> dict:
    """``value`` when it is a dict, else an empty one (the sidecar's JSON is checked, not trusted)."""
    return value if isinstance(value, dict) else {}


def as_list(value) -> list:
    """``value`` when it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def isna(value) -> bool:
    """None, NaN, pd.NA or NaT: a missing value in a frame read from the database."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    import pandas as pd

    return value is pd.NA or value is pd.NaT


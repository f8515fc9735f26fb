"""The workshop capture sheet: a workbook people fill in in the room, read back into the project.

``write_sheet(project, path)`` makes it for any programme: a cover (programme, focus question,
the workshop's title/date/venue to fill, how to fill it), Attendees, Findings (one row per
candidate change and per touchpoint × community cell asked, with its evidence), Decisions (one
row per candidate change), New changes and Co-design; drop-down lists where a value is one of a
few; each sheet prints fitted to the page width with its header row repeated.

``import_sheet(project, path, by)`` reads it back all or nothing (:mod:`elc.exchange.capture_read`).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from elc.atomic import atomic_path
from elc.insights.workshop import EXISTING_DECISIONS, RESPONSES
from elc.insights.workshop_checks import ROLES

MARK = "elc capture sheet"
VERSION = 1
META = "_elc"
RESPONSE_CHOICES = ("agree", "challenge", "new evidence")
DECISION_CHOICES = (*EXISTING_DECISIONS,)
BLANK_ROWS = 30  # empty rows with drop-downs on the free-entry sheets

ATTENDEES = ("Role", "Community", "Organisation", "Number")
FINDINGS = ("Key", "Finding", "Evidence", "Response", "Notes", "Raised by (role or community)")
DECISIONS = ("Id", "Change", "Evidence", "Decision", "Merged into (id or title)", "Amended title",
             "Amended rationale", "Amended requirements (one per line)", "Votes", "Priority (1 = highest)", "Owner",
             "Next steps", "Notes")
NEW_CHANGES = ("Title", "Rationale", "Requirements (one per line)", "Votes", "Priority (1 = highest)", "Owner",
               "Next steps", "Notes")
CODESIGN = ("Change (id or title)", "Who (roles, communities, organisations; no names)", "What they co-designed",
            "Date (YYYY-MM-DD)")
COVER_FIELDS = ("Workshop title", "Date (YYYY-MM-DD)", "Venue", "Notes")

HOW_TO = (
    "How to fill this sheet in",
    "Attendees: one row per role and community in the room, with how many people (never names).",
    "Findings: for each finding discussed, choose a response (agree, challenge, new evidence) and note what was "
    "said and who raised it (a role or community, never a name). Add rows at the bottom for other findings: "
    "write cell:TOUCHPOINT|COMMUNITY, theme:LABEL or any note in the Finding column.",
    "Decisions: choose endorsed, amended, merged or rejected for each candidate change. Amended: write the "
    "new title, rationale or requirements. Merged: write the id or title of the change it joins. Add the "
    "room's votes, the agreed priority (1 = highest), the owner and next steps.",
    "New changes: changes the room raised that were not on the list (they can be merge targets too).",
    "Co-design: who (by role/organisation) will co-design what, for which change.",
    "Then: elc workshop import PROJECT THIS-FILE --by YOUR-NAME (all or nothing; every problem is listed "
    "by sheet and cell).",
)

_HEAD = Font(bold=True, color="FFFFFF")
_FILL = PatternFill("solid", fgColor="005EB8")  # NHS blue
_FILLIN = PatternFill("solid", fgColor="FFF9C4")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _safe(value):
    """Text that a spreadsheet would run as a formula is kept as text."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def _print_ready(ws, widths, landscape: bool = True) -> None:
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True


def _table(wb, title, headers, widths, rows, fill_cols=()) -> Any:  # an openpyxl worksheet
    ws = wb.create_sheet(title)
    ws.append(list(headers))
    for c in ws[1]:
        c.font, c.fill, c.alignment = _HEAD, _FILL, _WRAP
    for row in rows:
        ws.append([_safe(v) for v in row])
    last = max(ws.max_row, 1) + BLANK_ROWS
    for r in range(2, last + 1):
        for col in range(1, len(headers) + 1):
            cell = ws.cell(row=r, column=col)
            cell.alignment = _WRAP
            if col in fill_cols:
                cell.fill = _FILLIN
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    _print_ready(ws, widths)
    return ws


def _choices(ws, column: int, source: str, last: int, strict: bool = True, prompt: str = "") -> None:
    dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=strict,
                        errorStyle="stop" if strict else "warning")
    if prompt:
        dv.prompt, dv.showInputMessage = prompt, True
    col = get_column_letter(column)
    dv.add(f"{col}2:{col}{last}")
    ws.add_data_validation(dv)


def _meta(wb, project, sheet_id: str) -> dict[str, str]:
    """The hidden sheet naming the sheet as elc's, with the lists the drop-downs use."""
    ws = wb.create_sheet(META)
    prog = project.programme
    ws.append([MARK, VERSION])
    ws.append(["sheet id", sheet_id])
    ws.append(["programme", prog.name])
    lists = {"communities": [c.name for c in prog.communities], "roles": list(ROLES),
             "responses": list(RESPONSE_CHOICES), "decisions": list(DECISION_CHOICES)}
    refs = {}
    for i, (name, values) in enumerate(lists.items()):
        col = get_column_letter(4 + i)
        ws[f"{col}1"] = name
        for r, v in enumerate(values, 2):
            ws[f"{col}{r}"] = v
        refs[name] = f"'{META}'!${col}$2:${col}${max(2, len(values) + 1)}"
    ws.sheet_state = "hidden"
    return refs


def _cover(wb, project) -> None:
    ws = wb.active
    ws.title = "Cover"
    prog = project.programme
    ws.append(["Challenge workshop: capture sheet"])
    ws["A1"].font = Font(bold=True, size=16)
    ws.append(["Programme", _safe(prog.name)])
    ws.append(["Focus question", _safe(prog.focus_question)])
    ws.append([])
    ws.append(["Fill in", ""])
    ws["A5"].font = Font(bold=True)
    for label in COVER_FIELDS:
        ws.append([label, ""])
        ws.cell(row=ws.max_row, column=2).fill = _FILLIN
    ws.append([])
    for i, line in enumerate(HOW_TO):
        ws.append([line])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=(i == 0))
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=2)
    for row in ws.iter_rows():
        for c in row:
            c.alignment = _WRAP
    _print_ready(ws, (28, 90), landscape=False)


def _change_rows(project) -> list[tuple]:
    from elc.insights.changes import changes
    from elc.insights.evidence import all_evidence, evidence_sentence

    candidates = set(changes(project).query("state == 'candidate'").id.astype(int))
    return [(ev["id"], ev["title"], evidence_sentence(ev)) for ev in all_evidence(project, quotes=0)
            if int(ev["id"]) in candidates]


def _cell_rows(project) -> list[tuple]:
    from elc.insights.matrix import insight_matrix

    m = insight_matrix(project, quotes_per_cell=0)
    out = []
    for r in m.itertuples():
        if not r.asked:
            continue
        if r.of:
            ev = f"{r.to_improve} to improve, {r.working_well} working well, of {r.of} asked"
        else:
            ev = "no coded interviews from this community yet"
        out.append((f"cell:{r.touchpoint}|{r.community}", f"{r.touchpoint} × {r.community_name}", ev))
    return out


def write_sheet(project, path: str | Path) -> dict:
    """Write the capture sheet for ``project``; returns counts of what it lists."""
    changes = _change_rows(project)
    cells = _cell_rows(project)
    wb = Workbook()
    _cover(wb, project)
    refs = _meta(wb, project, uuid.uuid4().hex)
    ws = _table(wb, "Attendees", ATTENDEES, (30, 34, 30, 10), [], fill_cols=(1, 2, 3, 4))
    _choices(ws, 1, refs["roles"], ws.max_row, strict=False, prompt="A role (commissioner, provider, ...), not a name")
    _choices(ws, 2, refs["communities"], ws.max_row)
    rows = [(f"change:{cid}", f"Change {cid}: {title}", ev, "", "", "") for cid, title, ev in changes]
    rows += [(key, label, ev, "", "", "") for key, label, ev in cells]
    ws = _table(wb, "Findings", FINDINGS, (14, 40, 34, 14, 40, 20), rows, fill_cols=(4, 5, 6))
    ws.column_dimensions["A"].hidden = False
    _choices(ws, 4, refs["responses"], ws.max_row)
    decision_rows = [(cid, title, ev) + ("",) * 10 for cid, title, ev in changes]
    ws = _table(wb, "Decisions", DECISIONS, (6, 34, 28, 12, 14, 24, 28, 34, 8, 10, 18, 24, 22), decision_rows,
                fill_cols=tuple(range(4, 14)))
    _choices(ws, 4, refs["decisions"], ws.max_row)
    _table(wb, "New changes", NEW_CHANGES, (32, 34, 40, 8, 10, 18, 24, 22), [], fill_cols=tuple(range(1, 9)))
    _table(wb, "Co-design", CODESIGN, (30, 40, 44, 16), [], fill_cols=(1, 2, 3, 4))
    wb.move_sheet(META, offset=len(wb.sheetnames))
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return {"changes": len(changes), "cells": len(cells)}


def import_sheet(project, path: str | Path, by: str):
    """Read a filled capture sheet into ``project`` (see :mod:`elc.exchange.capture_read`)."""
    from elc.exchange.capture_read import import_sheet as _import

    return _import(project, path, by)


__all__ = ["write_sheet", "import_sheet", "MARK", "VERSION", "ATTENDEES", "FINDINGS", "DECISIONS", "NEW_CHANGES",
           "CODESIGN", "COVER_FIELDS", "RESPONSES"]

"""Reading a filled capture sheet back: all or nothing, one line per bad cell.

Every problem names the file, the sheet and the cell (``capture.xlsx: Decisions!D7: 'endorse'
is not one of ...``); rows left blank are skipped and counted. A workbook that elc did not make
is refused in one line, and so is a sheet already imported: a capture sheet records one
workshop once (its id is stored with the workshop); later corrections go through
``elc workshop decide`` or the workbench, where they are audited one by one.
"""

from __future__ import annotations

import datetime as _dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from elc.errors import ElcError
from elc.exchange.capture_sheet import (ATTENDEES, CODESIGN, COVER_FIELDS, DECISIONS, FINDINGS, MARK, META,
                                        NEW_CHANGES, VERSION)
from elc.insights.workshop import (AttendeeIn, ChallengeIn, CodesignIn, DecisionIn, EXISTING_DECISIONS, NewChangeIn,
                                   WorkshopRecord, check, record)
from elc.insights.workshop_checks import WorkshopError, check_count, check_date, no_name

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 5000
IMPORTED_KEY = "capture_sheet:"


@dataclass(frozen=True)
class CaptureImport:
    workshop_id: int | None
    sheet_id: str
    attendees: int
    challenges: int
    decisions: int
    new_change_ids: tuple[int, ...]
    codesign: int
    skipped: dict[str, int] = field(default_factory=dict)  # what was skipped -> rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.date().isoformat() if isinstance(value, _dt.datetime) else value.isoformat()
    text = str(value).strip()
    return text[1:] if text.startswith("'") else text


def _open(path: Path):
    from openpyxl import load_workbook

    if not path.is_file():
        raise ElcError(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise ElcError(f"{path.name}: {path.stat().st_size // 1_048_576} MB is too large for a capture sheet; "
                       "nothing imported")
    try:
        return load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ElcError(f"{path.name}: not an .xlsx workbook ({type(exc).__name__}); nothing imported") from None


class _Reader:
    def __init__(self, name: str, wb, project):
        self.name, self.wb, self.project = name, wb, project
        self.problems: list[str] = []
        self.skipped: dict[str, int] = {}
        prog = project.programme
        self.communities = {c.name.lower(): c.key for c in prog.communities}
        self.communities.update({c.key.lower(): c.key for c in prog.communities})
        self.community_names = [c.name for c in prog.communities]

    def at(self, sheet: str, cell: str) -> str:
        return f"{self.name}: {sheet}!{cell}: "

    def fail(self, sheet: str, cell: str, message: str) -> None:
        self.problems.append(self.at(sheet, cell) + message)

    def rows(self, sheet: str, headers: tuple[str, ...]):
        """(row number, texts) for each non-blank row; blank rows are counted as skipped."""
        if sheet not in self.wb.sheetnames:
            self.problems.append(f"{self.name}: the sheet '{sheet}' is missing")
            return
        ws = self.wb[sheet]
        head = [_text(c.value) for c in ws[1]][:len(headers)]
        if head != list(headers):
            self.fail(sheet, "A1", "the header row is not the capture sheet's (were columns moved or renamed?)")
            return
        if ws.max_row > MAX_ROWS:
            self.fail(sheet, f"A{MAX_ROWS}", f"more than {MAX_ROWS} rows; a capture sheet is smaller")
            return
        gap = 0  # blank rows count only when something follows them (not the sheet's empty tail)
        for r, row in enumerate(ws.iter_rows(min_row=2, max_col=len(headers), values_only=True), 2):
            texts = [_text(v) for v in row] + [""] * (len(headers) - len(row))
            if not any(texts):
                gap += 1
                continue
            if gap:
                self.skip(f"{sheet} blank rows", gap)
                gap = 0
            yield r, texts, list(row) + [None] * (len(headers) - len(row))

    def skip(self, what: str, n: int = 1) -> None:
        self.skipped[what] = self.skipped.get(what, 0) + n

    def count(self, sheet, cell, value, what, minimum):
        try:
            return check_count(value, what, minimum)
        except ElcError as exc:
            self.fail(sheet, cell, str(exc))
            return None

    # ------------------------------------------------------------------ sheets
    def cover(self, rec: WorkshopRecord) -> None:
        if "Cover" not in self.wb.sheetnames:
            self.problems.append(f"{self.name}: the sheet 'Cover' is missing")
            return
        ws = self.wb["Cover"]
        found = {}
        for r in range(1, min(ws.max_row, 40) + 1):
            label = _text(ws.cell(row=r, column=1).value)
            if label in COVER_FIELDS:
                found[label] = (r, ws.cell(row=r, column=2).value)
        title_row, title = found.get(COVER_FIELDS[0], (6, None))
        rec.title = _text(title)
        if not rec.title:
            self.fail("Cover", f"B{title_row}", "the workshop title is required")
        date_row, held_on = found.get(COVER_FIELDS[1], (7, None))
        try:
            rec.held_on = check_date(held_on if isinstance(held_on, (_dt.date, _dt.datetime)) else _text(held_on))
        except ElcError as exc:
            self.fail("Cover", f"B{date_row}", str(exc))
        rec.venue = _text(found.get(COVER_FIELDS[2], (0, None))[1])
        rec.notes = _text(found.get(COVER_FIELDS[3], (0, None))[1])

    def attendees(self, rec: WorkshopRecord) -> None:
        s = "Attendees"
        for r, (role, community, org, number), _ in self.rows(s, ATTENDEES):
            ok = True
            if not role:
                self.fail(s, f"A{r}", "the role is missing (commissioner, provider, carer ...)")
                ok = False
            elif (p := no_name(role, "role")):
                self.fail(s, f"A{r}", p)
                ok = False
            if community and community.lower() not in self.communities:
                self.fail(s, f"B{r}", f"'{community}' is not one of {', '.join(self.community_names)}")
                ok = False
            n = self.count(s, f"D{r}", number or 1, "number", 1)
            if ok and n is not None:
                rec.attendees.append(AttendeeIn(role, self.communities.get(community.lower(), ""), org, n,
                                                where=self.at(s, f"A{r}")))

    def findings(self, rec: WorkshopRecord) -> None:
        s = "Findings"
        for r, (key, finding, _ev, response, notes, raised), _ in self.rows(s, FINDINGS):
            if not response and not notes and not raised:
                self.skip("Findings not discussed")
                continue
            resp = response.lower().replace("-", " ")
            if not resp:
                self.fail(s, f"D{r}", "a response is needed (agree, challenge or new evidence)")
                continue
            if resp not in ("agree", "challenge", "new evidence"):
                self.fail(s, f"D{r}", f"'{response}' is not one of agree, challenge, new evidence")
                continue
            if key:
                ref, cell = key, f"A{r}"
            elif finding:
                known = finding.split(":", 1)[0].lower() in ("change", "cell", "theme", "note")
                ref, cell = (finding if known else f"note:{finding}"), f"B{r}"
            else:
                self.fail(s, f"B{r}", "which finding? write cell:TOUCHPOINT|COMMUNITY, theme:LABEL or a note")
                continue
            rec.challenges.append(ChallengeIn(ref, resp.replace(" ", "-"), notes, raised, where=self.at(s, cell)))

    def decisions(self, rec: WorkshopRecord) -> None:
        s = "Decisions"
        for r, t, raw in self.rows(s, DECISIONS):
            cid, title, _ev, decision, merged, a_title, a_rat, a_req, votes, prio, owner, steps, notes = t
            if not any(t[3:]):
                self.skip("Decisions left blank (still candidates)")
                continue
            if not decision:
                self.fail(s, f"D{r}", "no decision chosen (endorsed, amended, merged or rejected) though the row is "
                                      "filled in")
                continue
            dec = decision.lower()
            if dec not in EXISTING_DECISIONS:
                extra = "; a change raised in the room goes on the New changes sheet" if dec == "new" else ""
                self.fail(s, f"D{r}", f"'{decision}' is not one of {', '.join(EXISTING_DECISIONS)}{extra}")
                continue
            if not cid and not title:
                self.fail(s, f"A{r}", "which change? give its id (column A) or title (column B)")
                continue
            v = self.count(s, f"I{r}", raw[8], "votes", 0)
            p = self.count(s, f"J{r}", raw[9], "priority", 1)
            if (raw[8] not in (None, "") and v is None) or (raw[9] not in (None, "") and p is None):
                continue
            if not self._same_change(s, r, cid, title):
                continue
            reqs = [x for x in a_req.splitlines() if x.strip()] or None
            rec.decisions.append(DecisionIn(cid or title, dec, merged or None, a_title or None, a_rat or None, reqs,
                                            v, p, owner, steps, notes, where=self.at(s, f"D{r}")))

    def _same_change(self, s: str, r: int, cid: str, title: str) -> bool:
        """Column A's id and column B's title must name the same change (a sheet of another project?)."""
        if not cid or not title:
            return True
        from elc.insights.changes import changes

        df = changes(self.project)
        hit = df[df.id.astype(str) == cid]
        if not len(hit):
            self.fail(s, f"A{r}", f"there is no change {cid} in this project")
            return False
        if hit.title.iloc[0].strip().lower() != title.strip().lower():
            self.fail(s, f"B{r}", f"change {cid} is titled '{hit.title.iloc[0]}' in this project, not '{title}' "
                                  "(was the sheet made for another project, or the change renamed since?)")
            return False
        return True

    def new_changes(self, rec: WorkshopRecord) -> None:
        s = "New changes"
        for r, t, raw in self.rows(s, NEW_CHANGES):
            title, rationale, reqs, _v, _p, owner, steps, notes = t
            if not title:
                self.fail(s, f"A{r}", "a new change needs a title")
                continue
            v = self.count(s, f"D{r}", raw[3], "votes", 0)
            p = self.count(s, f"E{r}", raw[4], "priority", 1)
            if (raw[3] not in (None, "") and v is None) or (raw[4] not in (None, "") and p is None):
                continue
            rec.new_changes.append(NewChangeIn(title, rationale, [x for x in reqs.splitlines() if x.strip()], [],
                                               v, p, owner, steps, notes, where=self.at(s, f"A{r}")))

    def codesign(self, rec: WorkshopRecord) -> None:
        s = "Co-design"
        for r, (change, who, what, _d), raw in self.rows(s, CODESIGN):
            held = raw[3]
            try:
                held = check_date(held if isinstance(held, (_dt.date, _dt.datetime)) else _text(held))
            except ElcError as exc:
                self.fail(s, f"D{r}", str(exc))
                continue
            if not change:
                self.fail(s, f"A{r}", "which change? give its id or title")
                continue
            rec.codesign.append(CodesignIn(change, who, what, held, where=self.at(s, f"A{r}")))


def _identify(name: str, wb, project) -> str:
    """The sheet's id; refuses a workbook elc did not make, or one made for another programme."""
    if META not in wb.sheetnames or wb[META]["A1"].value != MARK:
        raise ElcError(f"{name}: not an elc capture sheet (make one with 'elc workshop sheet PROJECT --xlsx FILE'); "
                       "nothing imported")
    meta = wb[META]
    if meta["B1"].value != VERSION:
        raise ElcError(f"{name}: capture sheet version {meta['B1'].value} is not one this elc reads ({VERSION}); "
                       "nothing imported")
    programme = _text(meta["B3"].value)
    if programme != project.programme.name:
        raise ElcError(f"{name}: made for the programme '{programme}', not this project's "
                       f"'{project.programme.name}'; nothing imported")
    return _text(meta["B2"].value)


def import_sheet(project, path: str | Path, by: str) -> CaptureImport:
    """Record a filled capture sheet as one workshop: everything, or (on any problem) nothing."""
    path = Path(path)
    wb = _open(path)
    sheet_id = _identify(path.name, wb, project)
    prior = project.meta_get(IMPORTED_KEY + sheet_id)
    if prior:
        raise ElcError(f"{path.name}: this capture sheet was already imported as workshop {prior.get('workshop_id')} "
                       f"on {str(prior.get('at', ''))[:10]} by {prior.get('by', '?')}; nothing imported (record "
                       "corrections with 'elc workshop decide' or the workbench)")
    reader = _Reader(path.name, wb, project)
    rec = WorkshopRecord(where=f"{path.name}: Cover!B6: ")
    reader.cover(rec)
    reader.attendees(rec)
    reader.findings(rec)
    reader.decisions(rec)
    reader.new_changes(rec)
    reader.codesign(rec)
    problems = list(reader.problems)
    try:
        check(project, rec)
    except WorkshopError as exc:
        problems += [p for p in exc.problems if p not in problems]
    if problems:
        raise WorkshopError(problems, header=f"{path.name}: {len(problems)} problem(s); nothing was imported")

    def mark(conn, wid) -> None:
        if project.meta_get(IMPORTED_KEY + sheet_id):  # imported by someone else meanwhile
            raise ElcError(f"{path.name}: this capture sheet was imported meanwhile; nothing imported")
        from elc.store.database import now

        project.meta_set(IMPORTED_KEY + sheet_id, {"workshop_id": wid, "at": now(), "by": by, "file": path.name},
                         conn)

    res = record(project, rec, by, after=mark)
    return CaptureImport(res.workshop_id, sheet_id, res.attendees, res.challenges, res.decisions, res.new_change_ids,
                         res.codesign, dict(reader.skipped))


__all__ = ["CaptureImport", "import_sheet", "MAX_BYTES", "MAX_ROWS"]

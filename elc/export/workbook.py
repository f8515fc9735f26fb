"""The challenge-workshop workbook (xlsx), written with openpyxl in write-only (streaming) mode.

    write_workbook(project, "nepts-workshop.xlsx")

Sheets: Summary, Insight matrix, Matrix detail, Themes by community, Quotes, High-impact changes,
Codebook. Every tabular sheet has a one-line description in row 1, its header in row 2 (frozen,
with an autofilter), sensible widths and wrapping. The insight matrix is a conditional-format
heat map on the balance; Summary and Insight matrix carry native Excel charts. Every cell value
goes through :func:`elc.export.safety.safe_xlsx_cell`, so no participant's words can become a
formula. Streaming keeps 50,000 coded segments well within seconds.
"""

from __future__ import annotations

import math
import os
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from elc.errors import ExportError
from elc.export.data import ReportData, collect, plain, theme_rows
from elc.export.safety import safe_xlsx_cell
from elc.insights.quotes import attribution

#: The pack (printed for the room) first, then the appendix sheets (the detail, for filtering on screen).
PACK_SHEETS = ("Summary", "Insight matrix", "Communities", "Changes", "Workshop", "KPI returns",
               "Open questions", "Risks", "Groups")
APPENDIX_SHEETS = ("High-impact changes", "Matrix detail", "Themes by community", "Quotes", "Codebook")
SHEETS = PACK_SHEETS + APPENDIX_SHEETS
A4 = 9  # openpyxl's paperSize code for A4
LANDSCAPE_ABOVE = 110  # total column width (characters) above which a sheet prints landscape

NHS_BLUE = "005EB8"
RED, WHITE, GREEN = "F8696B", "FFFFFF", "63BE7B"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=NHS_BLUE)
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
TITLE_FONT = Font(bold=True, size=14, color=NHS_BLUE)
NOTE_FONT = Font(italic=True, color="425563")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def _value(v):
    v = plain(v)
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return safe_xlsx_cell(v)


class _Sheet:
    """A write-only sheet with widths, a frozen header and an autofilter set up front."""

    def __init__(self, wb: Workbook, title: str, widths: Sequence[float], wrap_cols=(), freeze: str | None = "A3",
                 titles: str | None = "1:2"):
        self.ws = wb.create_sheet(title)
        self.row = 0
        for i, w in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = w
        if freeze:
            self.ws.freeze_panes = freeze
        print_setup(self.ws, sum(widths), titles)
        self.wrap_cols = set(wrap_cols)
        self.n_cols = len(widths)
        self.widths = list(widths)

    def cell(self, value, font=None, fill=None, align=None, fmt=None):
        c = WriteOnlyCell(self.ws, value=_value(value))
        if font is not None:
            c.font = font
        if fill is not None:
            c.fill = fill
        if align is not None:
            c.alignment = align
        if fmt is not None:
            c.number_format = fmt
        return c

    def append(self, values, styled=None) -> int:
        """Append a row; ``styled`` maps 0-based column -> dict of cell styles. Returns its row number."""
        row = []
        styled = styled or {}
        for i, v in enumerate(values):
            if i in styled:
                row.append(self.cell(v, **styled[i]))
            elif i in self.wrap_cols:
                row.append(self.cell(v, align=WRAP))
            else:
                row.append(_value(v))
        self.ws.append(row)
        self.row += 1
        return self.row

    def title(self, text: str, note: str = "") -> None:
        """The sheet's title in A, its note wrapped across the other columns (so it prints inside the page)."""
        if note and self.n_cols > 1:
            room = max(sum(self.widths[1:]), 1)
            lines = max(math.ceil(len(note) / room), math.ceil(len(text) / max(self.widths[0] * 0.8, 1)), 1)
            self.ws.row_dimensions[self.row + 1].height = 16 * lines + 4
            r = self.append([text, note], {0: {"font": TITLE_FONT, "align": WRAP},
                                           1: {"font": NOTE_FONT, "align": WRAP}})
            self.ws.merged_cells.add(f"B{r}:{get_column_letter(self.n_cols)}{r}")
            return
        self.append([text] + ([note] if note else []), {0: {"font": TITLE_FONT}, 1: {"font": NOTE_FONT}})

    def note(self, text: str) -> None:
        self.append([text], {0: {"font": NOTE_FONT}})

    def header(self, names: list[str]) -> int:
        self.append(names, {i: {"font": HEADER_FONT, "fill": HEADER_FILL, "align": HEADER_ALIGN}
                            for i in range(len(names))})
        return self.row

    def autofilter(self, header_row: int, n_cols: int, last_row: int) -> None:
        self.ws.auto_filter.ref = f"A{header_row}:{get_column_letter(n_cols)}{max(last_row, header_row)}"


def print_setup(ws, width: float, titles: str | None = "1:2") -> None:
    """A4, fit to one page wide (as many pages tall as needed), landscape when wide, the title and
    header rows repeated on every printed page."""
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape" if width > LANDSCAPE_ABOVE else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    if titles:
        ws.print_title_rows = titles


def _pct(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


# ---------------------------------------------------------------------------- sheets
def _summary(wb: Workbook, d: ReportData) -> None:
    widths = [40, 12, 11, 11, 11, 11, 13, 13, 11]
    sh = _Sheet(wb, "Summary", widths, freeze="A2", titles=None)
    span = f"B{{r}}:{get_column_letter(len(widths))}{{r}}"
    sh.title(f"{d.programme}: ELC workshop pack")
    facts = [
        ("Focus question", d.focus_question),
        ("Programme", d.programme),
        ("Programme phases", "; ".join(f"{p.get('phase', '')}: {p.get('method', '')}" for p in d.phases) or "-"),
        ("Interviews", f"{d.totals['interviews']} interviews with {d.totals['participants']} participants "
                       f"(target {d.totals['target']}); {d.totals['coded_share'] * 100:.0f}% of participant "
                       f"sentences coded; {d.totals['codings']} codings by "
                       f"{', '.join(d.totals['coders']) or 'nobody yet'}"),
        ("Methods", "; ".join(f"{m['method']}: {m['interviews']} interview(s)"
                              + (f", {m['first']} to {m['last']}" if m["first"] else "") for m in d.methods) or "-"),
        ("High-impact changes", f"{d.totals['changes']} (see 'High-impact changes')"),
        ("Generated", f"{d.generated} from {d.project}" + (f" (codings by {d.coder} only)" if d.coder else "")),
        ("De-identification", d.deidentification["statement"]),
        ("Counts", "participants out of those asked: coded interviews whose guide asks about the subject; "
                   "working well and to improve counted separately (a participant can hold both)"),
    ] + [("Note", line) for line in d.coverage] + (
        [("Warning", f"{d.unreviewed_quotes} quotes shown contain de-identification nobody has reviewed yet")]
        if d.unreviewed_quotes else [])
    for label, text in facts:
        lines = max(1, math.ceil(len(str(text)) / 95))
        if lines > 1:  # rows stream out as they are appended: size them first
            sh.ws.row_dimensions[sh.row + 1].height = 15 * lines
        r = sh.append([label, text], {0: {"font": BOLD, "align": TOP}, 1: {"align": WRAP}})
        sh.ws.merged_cells.add(span.format(r=r))
    sh.append([])
    head = sh.header(["Community", "Family", "Target n", "Achieved n", "% of target", "Interviews",
                      "Participant sentences", "Coded sentences", "Coded share"])
    first = head + 1
    for c in d.communities.itertuples():
        sh.append([c.name, c.family, None if c.target_n is None or c.target_n != c.target_n else int(c.target_n),
                   int(c.interviewed), _pct(c.achieved_share), int(c.interviews), int(c.segments),
                   int(c.coded_segments), c.coded_share],
                  {4: {"fmt": "0%"}, 8: {"fmt": "0%"}})
    last = sh.row
    t = d.communities
    target = int(t.target_n.fillna(0).sum()) if len(t) else 0
    achieved = int(t.interviewed.sum()) if len(t) else 0
    sh.append(["All communities", "", target, achieved, (achieved / target) if target else None,
               int(t.interviews.sum()) if len(t) else 0, d.totals["segments"], d.totals["coded_segments"],
               d.totals["coded_share"]],
              {0: {"font": BOLD}, 4: {"fmt": "0%"}, 8: {"fmt": "0%"}})
    sh.autofilter(head, len(widths), last)
    sh.ws.conditional_formatting.add(f"E{first}:E{max(first, last)}", ColorScaleRule(
        start_type="num", start_value=0, start_color=RED, mid_type="num", mid_value=0.5, mid_color="FFEB84",
        end_type="num", end_value=1, end_color=GREEN))
    if d.methods:
        sh.append([])
        sh.header(["Method", "Interviews", "First", "Last", "Communities"])
        for m in d.methods:
            sh.append([m["method"], m["interviews"], m["first"], m["last"],
                       ", ".join(d.community_names.get(k, k) for k in m["communities"])])
    if len(t):
        chart = BarChart()
        chart.type = "bar"
        chart.title = "Participants interviewed against target n"
        chart.y_axis.title = "participants"
        chart.add_data(Reference(sh.ws, min_col=3, max_col=4, min_row=head, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sh.ws, min_col=1, min_row=first, max_row=last))
        chart.height, chart.width = 8, 16
        sh.ws.add_chart(chart, f"K{head}")


def _num(x):
    """A balance for a cell: None for missing or NaN (nothing valenced)."""
    return None if x is None or x != x else x


def _matrix_row(tp: str, comms: list, cells: dict, totals: dict) -> list:
    fam = next((cells[(tp, c.key)].touchpoint_family for c in comms if (tp, c.key) in cells), None)
    row = [tp, fam]
    for c in comms:
        r = cells.get((tp, c.key))
        row += [None, None, None] if r is None or not r.asked else [_num(r.balance), r.working_well, r.to_improve]
    tot = totals.get(tp)
    return row + ([tot.working_well, tot.to_improve, _num(tot.balance)] if tot is not None else [None, None, None])


def _matrix_colours(sh: "_Sheet", n_comms: int, n_cols: int, first: int, last: int) -> None:
    """Balance columns as a red-white-green heat map; counts shaded by size."""
    def cols(start: int, total: int) -> str:
        letters = [get_column_letter(start + 3 * k) for k in range(n_comms)] + [get_column_letter(total)]
        return " ".join(f"{c}{first}:{c}{last}" for c in letters)

    heat = ColorScaleRule(start_type="num", start_value=-1, start_color=RED, mid_type="num", mid_value=0,
                          mid_color=WHITE, end_type="num", end_value=1, end_color=GREEN)
    sh.ws.conditional_formatting.add(cols(3, n_cols), heat)
    sh.ws.conditional_formatting.add(cols(4, n_cols - 2), ColorScaleRule(
        start_type="num", start_value=0, start_color=WHITE, end_type="max", end_color="B7E1CD"))
    sh.ws.conditional_formatting.add(cols(5, n_cols - 1), ColorScaleRule(
        start_type="num", start_value=0, start_color=WHITE, end_type="max", end_color="F4C7C3"))


def _matrix_chart(sh: "_Sheet", n_cols: int, head: int, first: int, last: int, n_rows: int) -> None:
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = "Participants per touchpoint: to improve vs working well"
    chart.x_axis.scaling.orientation = "maxMin"
    ww_col, ti_col = n_cols - 2, n_cols - 1
    chart.add_data(Reference(sh.ws, min_col=ti_col, min_row=head, max_row=last), titles_from_data=True)
    chart.add_data(Reference(sh.ws, min_col=ww_col, min_row=head, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sh.ws, min_col=1, min_row=first, max_row=last))
    chart.series[0].graphicalProperties.solidFill = "C0392B"
    chart.series[1].graphicalProperties.solidFill = "1A9850"
    chart.height, chart.width = max(8, 0.6 * n_rows), 18
    sh.ws.add_chart(chart, f"A{last + 3}")


def _matrix(wb: Workbook, d: ReportData) -> None:
    m = d.matrix
    comms = list(d.communities.itertuples())
    widths = [44, 9] + [12, 9, 9] * len(comms) + [9, 9, 10]
    sh = _Sheet(wb, "Insight matrix", widths, freeze="C3")
    sh.ws.row_dimensions[2].height = 60
    sh.title("Insight matrix: touchpoint × community (the emotional map)",
             "balance = (working well − to improve) / (working well + to improve), from −1 (all to improve, red) "
             "to +1 (all working well, green); counts are participants of N asked (coded, and their guide has the "
             "touchpoint), a participant can hold both; empty = not asked")
    names = ["Touchpoint", "Family"]
    for c in comms:
        names += [f"{c.name} (N={c.coded} coded): balance", f"{c.name}: working well", f"{c.name}: to improve"]
    names += ["All asked: working well", "All asked: to improve", "All asked: balance"]
    head = sh.header(names)
    cells = {(r.touchpoint, r.community): r for r in m.itertuples()} if len(m) else {}
    totals = {r.touchpoint: r for r in d.touchpoints.itertuples()} if len(d.touchpoints) else {}
    tps = list(dict.fromkeys(m.touchpoint)) if len(m) else []
    balance_fmt = {i: {"fmt": "+0.00;-0.00;0.00"} for i in [2 + 3 * k for k in range(len(comms))] + [len(names) - 1]}
    for tp in tps:
        sh.append(_matrix_row(tp, comms, cells, totals), balance_fmt)
    last = max(sh.row, head + 1)
    sh.autofilter(head, len(names), last)
    _matrix_colours(sh, len(comms), len(names), head + 1, last)
    if tps:
        _matrix_chart(sh, len(names), head, head + 1, last, len(tps))


def _quote_cell(q: dict, names: dict) -> str:
    return f"“{q['text']}” ({attribution(q, names)}; {q['valence']})"


def _matrix_detail(wb: Workbook, d: ReportData) -> None:
    widths = [40, 9, 30, 8, 11, 9, 9, 9, 11, 11, 11, 11, 9, 9, 10, 60, 60, 60]
    sh = _Sheet(wb, "Matrix detail", widths, wrap_cols={15, 16, 17}, freeze="B3")
    sh.title("Matrix detail: one row per touchpoint × community, with the strongest quotes",
             "N asked = the community's coded participants when its guide has the touchpoint (empty: not asked); "
             "shares are of N asked; both = participants holding both views")
    names = ["Touchpoint", "Family", "Community", "Asked", "Interviewed", "Coded", "N asked", "Raised", "Working well",
             "Working well share", "To improve", "To improve share", "Both", "Neutral only", "Balance",
             "Quote 1", "Quote 2", "Quote 3"]
    head = sh.header(names)
    for r in d.matrix.itertuples():
        quotes: list[str | None] = [_quote_cell(q, d.community_names) for q in r.quotes[:3]]
        quotes += [None] * (3 - len(quotes))
        sh.append([r.touchpoint, r.touchpoint_family, r.community_name, "yes" if r.asked else "no", r.interviewed,
                   r.coded, None if r.of is pd.NA or r.of is None else int(r.of),
                   r.raised, r.working_well, _pct(r.working_well_share), r.to_improve, _pct(r.to_improve_share),
                   r.both, r.neutral, None if r.balance is None or r.balance != r.balance else r.balance] + quotes,
                  {9: {"fmt": "0%"}, 11: {"fmt": "0%"}, 14: {"fmt": "+0.00;-0.00;0.00"}})
    last = max(sh.row, head + 1)
    sh.autofilter(head, len(names), last)
    sh.ws.conditional_formatting.add(f"O{head + 1}:O{last}", ColorScaleRule(
        start_type="num", start_value=-1, start_color=RED, mid_type="num", mid_value=0, mid_color=WHITE,
        end_type="num", end_value=1, end_color=GREEN))


def _themes(wb: Workbook, d: ReportData) -> None:
    cols, rows = theme_rows(d.theme_run)
    if not cols or d.theme_run is None:  # (no columns without a run)
        sh = _Sheet(wb, "Themes by community", [100], freeze="A2")
        sh.title("Themes by community")
        sh.note("No theme run is stored in this project yet: run the themes step (elc themes PROJECT) "
                "and export again to see the themes found in each community's interviews.")
        return
    def width(col: str) -> float:
        low = col.lower()
        if "quote" in low and not low.endswith("id"):
            return 70
        if "keyword" in low or "touchpoint" in low:
            return 36
        if low in ("label", "name", "community"):
            return 30
        return 12

    widths = [width(c) for c in cols]
    wrap = {i for i, w in enumerate(widths) if w >= 30}
    sh = _Sheet(wb, "Themes by community", widths, wrap_cols=wrap, freeze="A3")
    run = d.theme_run
    sh.title("Themes by community", f"latest theme run #{run['id']} ({run['method']}, {str(run['ts'])[:16]})")
    head = sh.header([c.replace("_", " ").capitalize() for c in cols])
    share_col = cols.index("share") if "share" in cols else None
    for row in rows:
        if "community" in cols:
            k = cols.index("community")
            row[k] = d.community_names.get(row[k], row[k])
        sh.append(row, {share_col: {"fmt": "0%"}} if share_col is not None else None)
    sh.autofilter(head, len(cols), max(sh.row, head + 1))


def _quotes(wb: Workbook, d: ReportData, bulk: dict) -> None:
    widths = [12, 30, 34, 13, 30, 11, 8, 90, 12, 9, 9]
    sh = _Sheet(wb, "Quotes", widths, wrap_cols={7}, freeze="B3")
    sh.title("Quotes: every coded passage, de-identified, by touchpoint and community",
             "participants appear under pseudonymous ids; the text is as stored after de-identification")
    names = ["Participant", "Community", "Touchpoint", "Valence", "Code", "Code kind", "Words", "Quote",
             "Coder", "Source", "Coding"]
    head = sh.header(names)
    q = d.quotes
    cols = ("participant", "community_name", "touchpoint", "valence", "code", "code_kind", "words", "quote",
            "coder", "source_id", "coding_id")
    rows = zip(*(q[c].tolist() for c in cols))
    first = next(rows, None)
    if first is not None:
        # the first row through openpyxl registers the wrap style; the rest stream as XML rows
        # in exactly the form openpyxl writes (see _BulkRows), which is what makes 50,000 fast
        sh.append(list(first))
        wrap_style = sh.cell("", align=WRAP).style_id
        bulk[sh.ws] = _BulkRows(sh.row + 1, {7: wrap_style}).extend(rows, unique=(7, 10))
    last = max(head + len(q), head + 1)
    sh.autofilter(head, len(names), last)
    rng = f"D{head + 1}:D{last}"
    ws = sh.ws
    ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=['"to-improve"'],
                                                  fill=PatternFill("solid", fgColor="F4C7C3")))
    ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=['"working-well"'],
                                                  fill=PatternFill("solid", fgColor="B7E1CD")))


class _BulkRows:
    """Many plain rows for a write-only sheet, rendered as worksheet XML.

    openpyxl spends ~30 µs per cell building an element for it; these rows are rendered the way
    openpyxl renders them (inline strings, ``t="n"`` numbers, a style id per column) as text,
    and spliced into the saved sheet's ``<sheetData>``. Every value still goes through
    :func:`safe_xlsx_cell`.
    """

    def __init__(self, first_row: int, styles: dict[int, int]):
        self.first_row = first_row
        self.styles = {i: f' s="{sid}"' for i, sid in styles.items() if sid}
        self.parts: list[str] = []
        self.n = 0

    @staticmethod
    def _body(v) -> str | None:
        """Everything of a cell after its reference and style: type and value, made safe."""
        if v is None:
            return None
        if type(v) is not str:
            v = _value(v)
            if v is None:
                return None
            if isinstance(v, bool):
                return f' t="b"><v>{int(v)}</v></c>'
            if not isinstance(v, str):
                return f' t="n"><v>{v}</v></c>'
        v = safe_xlsx_cell(v)
        text = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'

    def extend(self, rows, unique: tuple[int, ...] = ()) -> "_BulkRows":
        """Append rows (iterables of values); columns in ``unique`` rarely repeat (not cached)."""
        letters = [get_column_letter(i) for i in range(1, 64)]
        heads = [f'"{self.styles.get(i, "")}' for i in range(63)]  # closes r="..", adds the style
        body = self._body
        caches: list[dict | None] = [None if i in unique else {} for i in range(63)]
        out = self.parts
        r = self.first_row + self.n
        for row in rows:
            cells = [f'<row r="{r}">']
            rs = str(r)
            for i, v in enumerate(row):
                cache = caches[i]
                if cache is None:
                    b = body(v)
                else:
                    try:
                        b = cache[v]
                    except KeyError:
                        b = cache[v] = body(v)
                    except TypeError:  # unhashable (a list): render it each time
                        b = body(v)
                if b is not None:
                    cells.append(f'<c r="{letters[i]}{rs}{heads[i]}{b}')
            cells.append("</row>")
            out.append("".join(cells))
            r += 1
            self.n += 1
        return self

    def chunks(self, size: int = 2000):
        """The rows' XML as UTF-8 byte chunks of ``size`` rows."""
        for k in range(0, len(self.parts), size):
            yield "".join(self.parts[k:k + size]).encode("utf-8")

    def xml(self) -> bytes:
        return b"".join(self.chunks())


def _splice(path: str, bulk: dict) -> None:
    """Put the bulk rows into the saved workbook's sheets (rewriting the zip once, streaming)."""
    targets = {ws.path.lstrip("/"): rows for ws, rows in bulk.items() if rows.n}
    if not targets:
        return
    out = path + ".splice"
    marker = b"</sheetData>"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename not in targets:
                zout.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
                continue
            cut = data.find(marker)
            if cut < 0:
                raise ExportError(f"{path}: internal error writing {item.filename}")
            with zout.open(item.filename, "w", force_zip64=True) as fh:
                fh.write(data[:cut])
                for chunk in targets[item.filename].chunks():
                    fh.write(chunk)
                fh.write(data[cut:])
    os.replace(out, path)


def _open_questions(wb: Workbook, d: ReportData) -> None:
    sh = _Sheet(wb, "Open questions", [50, 30, 11, 11, 90, 90, 90], wrap_cols={0, 4, 5, 6})
    sh.title("Answers to the guide's open questions, per community",
             "participants who answered, of those interviewed; quotes under pseudonyms")
    head = sh.header(["Question", "Community", "Answered", "Interviewed", "Quote 1", "Quote 2", "Quote 3"])
    for rec in d.open_answers:
        for b in rec["by_community"]:
            quotes = [_quote_cell(q, d.community_names) for q in b["quotes"][:3]]
            sh.append([rec["question"], b["name"], b["answered"], b["of"]] + quotes + [None] * (3 - len(quotes)))
        if rec.get("changes_asked"):
            sh.append([rec["question"], "asked for each change", rec.get("answered"), None,
                       "; ".join(f"change {i}: {n}" for i, n in rec["changes_asked"].items())])
    sh.autofilter(head, 7, max(sh.row, head + 1))


def _risks(wb: Workbook, d: ReportData) -> None:
    sh = _Sheet(wb, "Risks", [140], wrap_cols={0})
    sh.title("Risks in the evidence, computed from the data")
    sh.header(["Risk"])
    for line in d.risks or ["None found in the evidence."]:
        sh.append([line])
    if d.agreement:
        sh.append([])
        sh.header(["Inter-coder agreement where measured"])
        for a in d.agreement:
            sh.append([f"{a['coders'][0]} and {a['coders'][1]}: kappa {a['kappa']:.2f}, agreement "
                       f"{a['percent_agreement'] * 100:.0f}% on {a['interviews']} interview(s)"])


def _groups(wb: Workbook, d: ReportData) -> None:
    from elc.insights.breakdown import SUPPRESS_BELOW

    sh = _Sheet(wb, "Groups", [60] + [18] * 10, freeze="B2")
    sh.title("Is the impact greater on any particular group?",
             f"↓ to improve, ↑ working well, of N asked in each group; 1 to {SUPPRESS_BELOW - 1} shown as "
             f"<{SUPPRESS_BELOW}, with a second count withheld (c) where a total would reveal one")
    if not d.breakdowns:
        sh.note("No participant attributes recorded: elc attributes PROJECT --csv FILE")
    for attr, bd in d.breakdowns.items():
        sh.append([])
        sh.header([f"Change, by {attr.replace('_', ' ')}", *bd.groups, "All"])
        for r in bd.table().to_dict("records"):
            sh.append([r["row"], *[r[g] for g in bd.groups], r["All"]])


def _codebook(wb: Workbook, d: ReportData) -> None:
    widths = [40, 11, 9, 32, 60, 40, 10, 9, 12, 12, 12, 12]
    sh = _Sheet(wb, "Codebook", widths, wrap_cols={4, 5}, freeze="B3")
    sh.title("Codebook: touchpoints from the interview guide, cross-cutting themes from the codebook")
    names = ["Code", "Kind", "Family", "Parent", "Definition", "Keywords", "Colour", "Codings", "Participants",
             "Communities", "Working well", "To improve"]
    head = sh.header(names)
    for c in d.codebook.itertuples():
        colour = str(c.colour or "").lstrip("#")
        fill = PatternFill("solid", fgColor=colour.upper()) if len(colour) == 6 else None
        sh.append([c.name, c.kind, c.family, c.parent, c.definition, ", ".join(c.keywords or []),
                   f"#{colour}" if colour else None, int(c.n_codings), c.participants, c.communities,
                   c.working_well, c.to_improve], {6: {"fill": fill}} if fill else None)
    sh.autofilter(head, len(names), max(sh.row, head + 1))


# ---------------------------------------------------------------------------- entry point
def _check_target(path: Path) -> Path:
    if path.exists() and path.is_dir():
        raise ExportError(f"{path}: is a folder; give a file name ending .xlsx")
    if path.suffix.lower() != ".xlsx":
        raise ExportError(f"{path}: the workbook must be an .xlsx file")
    if not path.parent.exists():
        raise ExportError(f"{path.parent}: no such folder")
    return path


def render_workbook(d: ReportData, path: str | Path) -> Path:
    """Write ``d`` to ``path`` (xlsx). The file appears whole or not at all."""
    path = _check_target(Path(path))
    wb = Workbook(write_only=True)
    from elc.export.workbook_pack import (change_pages_sheet, changes_table_sheet, communities_sheet,
                                          kpi_returns_sheet, workshop_sheet)

    _summary(wb, d)
    _matrix(wb, d)
    communities_sheet(wb, d)
    change_pages_sheet(wb, d)
    workshop_sheet(wb, d)
    kpi_returns_sheet(wb, d)
    _open_questions(wb, d)
    _risks(wb, d)
    _groups(wb, d)
    changes_table_sheet(wb, d)
    _matrix_detail(wb, d)
    _themes(wb, d)
    bulk: dict = {}
    _quotes(wb, d, bulk)
    _codebook(wb, d)
    fd, tmp = tempfile.mkstemp(prefix=".elc-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        _splice(tmp, bulk)
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"{path}: could not be written ({exc.strerror or exc})") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
        Path(tmp + ".splice").unlink(missing_ok=True)
    return path


def write_workbook(project, path: str | Path, coder: str | None = None, data: ReportData | None = None) -> Path:
    """Write the workshop workbook for ``project`` to ``path``; returns the path."""
    _check_target(Path(path))
    return render_workbook(data or collect(project, coder=coder), path)


__all__ = ["SHEETS", "PACK_SHEETS", "APPENDIX_SHEETS", "write_workbook", "render_workbook", "print_setup"]

"""The workbook sheets of the pack for the room that follow the workshop: one printed page per
community ("What we heard from ..."), what the workshop decided, and the KPI returns with a
trend chart per KPI (baseline and threshold drawn as lines)."""

from __future__ import annotations

from openpyxl.chart import LineChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from elc.export.data import ReportData
from elc.export.record import decision_text, kpi_status
from elc.export.workbook import BOLD, NOTE_FONT, TITLE_FONT, WRAP, _quote_cell, _Sheet
from elc.insights.quotes import clip


def _tall(sh, *texts_widths) -> None:
    """Size the next row for its wrapped text (rows stream out, and readers do not all re-measure)."""
    lines = max([1] + [-(-len(str(t or "")) // max(int(w), 1)) for t, w in texts_widths])
    if lines > 1:
        sh.ws.row_dimensions[sh.row + 1].height = 13 * lines + 2


def communities_sheet(wb, d: ReportData) -> None:
    """One block per community, each on its own printed page (a row break between blocks)."""
    sh = _Sheet(wb, "Communities", [44, 18, 18, 80], wrap_cols={0, 3}, freeze=None, titles=None)
    for k, pg in enumerate(d.community_pages):
        if k:
            sh.ws.row_breaks.append(Break(id=sh.row))
        sh.append([f"What we heard from {pg.name}"], {0: {"font": TITLE_FONT}})
        sh.append([f"{pg.interviewed} interviewed, {pg.coded} coded; counts are participants of N asked "
                   "(a participant can say both)"], {0: {"font": NOTE_FONT}})
        sh.header(["Touchpoint", "Working well", "To improve", ""])
        ww = {t["touchpoint"]: t for t in pg.working_well}
        ti = {t["touchpoint"]: t for t in pg.to_improve}
        for tp in dict.fromkeys([t["touchpoint"] for t in pg.to_improve] + [t["touchpoint"] for t in pg.working_well]):
            sh.append([tp, f"{ww[tp]['n']} of {ww[tp]['of']} asked" if tp in ww else None,
                       f"{ti[tp]['n']} of {ti[tp]['of']} asked" if tp in ti else None])
        if pg.answers:
            sh.append([])
            sh.header(["Open question", "Answered", "", "Example"])
            for a in pg.answers:
                ex = a["quotes"][0] if a.get("quotes") else None
                text = f"“{clip(ex['text'], 30)}” ({ex.get('participant')})" if ex else None
                _tall(sh, (a["question"], 44), (text, 84))
                sh.append([a["question"], f"{a['answered']} of {a['of']}", None, text])
        if pg.quotes:
            sh.append([])
            sh.append(["In their words"], {0: {"font": BOLD}})
            for q in pg.quotes:
                _tall(sh, (_quote_cell(q, d.community_names), 84))
                sh.append([None, None, None, _quote_cell(q, d.community_names)], {3: {"align": WRAP}})


def workshop_sheet(wb, d: ReportData) -> None:
    """Who came to the workshop and what it decided about each change."""
    rec = d.record
    sh = _Sheet(wb, "Workshop", [44, 14, 50, 8, 9, 24, 40], wrap_cols={0, 2, 5, 6})
    sh.title("What the challenge workshop decided",
             "a change's state is its latest decision; no decision = a candidate for the workshop")
    sh.header(["Change", "State", "Decision", "Votes", "Priority", "Owner", "Next steps"])
    titles = {ev["id"]: ev["title"] for ev in d.changes}
    for i, ev in enumerate(d.changes, 1):
        dec = rec.decisions.get(ev["id"])
        sh.append([f"{i}. {ev['title']}", rec.state(ev["id"]), decision_text(dec, rec, titles),
                   dec.votes if dec else None, dec.priority if dec else None, dec.owner if dec else None,
                   dec.next_steps if dec else None])
    for w in rec.workshops:
        sh.append([])
        sh.append([f"{w.title}" + (f" ({w.held_on})" if w.held_on else "") + ": attendees"], {0: {"font": BOLD}})
        sh.header(["Role", "Community", "Organisation", "People"])
        for a in (a for a in rec.attendees if a.workshop_id == w.id):
            sh.append([a.role, d.community_names.get(a.community, a.community), a.organisation, a.n])
    if rec.codesign:
        sh.append([])
        sh.header(["Co-designed: change", "Held on", "Who", "What"])
        for cid, items in rec.codesign.items():
            for c in items:
                sh.append([titles.get(cid, cid), c.held_on, c.who, c.what])


def kpi_returns_sheet(wb, d: ReportData) -> None:
    """Each KPI's monthly returns as a table (period, value, baseline, threshold) and a line chart."""
    rec = d.record
    sh = _Sheet(wb, "KPI returns", [12, 12, 12, 12, 60], wrap_cols={4}, freeze=None)
    sh.title("Measures after go-live: monthly KPI returns against baseline and threshold")
    titles = {ev["id"]: ev["title"] for ev in d.changes}
    kpis = [k for ks in rec.kpis.values() for k in ks if rec.returns.get(k.id)]
    if not kpis:
        sh.note("No KPI returns imported yet (elc kpi import PROJECT FILE).")
        return
    for k in kpis:
        rets = rec.returns[k.id]
        st = kpi_status(k, rets)
        sh.append([])
        sh.append([f"KPI {k.id}: {k.measure}"], {0: {"font": BOLD}})
        sh.append([f"change: {titles.get(k.change_id, 'programme-wide')}; latest {st['latest']} ({st['period']})"
                   + ("" if st["meets"] is None else ("; meets the threshold" if st["meets"]
                                                      else "; does not meet the threshold yet"))],
                  {0: {"font": NOTE_FONT}})
        head = sh.header(["Period", "Value", "Baseline", "Threshold"])
        for r in rets:
            sh.append([r.period, r.value, k.baseline, k.threshold])
        last = sh.row
        chart = LineChart()
        chart.title = k.measure[:80]
        chart.y_axis.title = k.unit or "value"
        chart.x_axis.title = "month"
        chart.add_data(Reference(sh.ws, min_col=2, max_col=4, min_row=head, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sh.ws, min_col=1, min_row=head + 1, max_row=last))
        chart.height, chart.width = 6.5, 15
        sh.ws.add_chart(chart, f"E{head - 1}")
        # room for the chart (about 13 rows) before the next KPI
        for _ in range(max(0, 14 - len(rets) - 3)):
            sh.append([])




def change_pages_sheet(wb, d: ReportData) -> None:
    """One printed page per change: state and decision, evidence, both sides, who is missing, quotes."""
    from elc.export.html import _missing
    from elc.insights.evidence import evidence_sentence, n_of_n, sides_sentence, strength_label

    rec = d.record
    titles = {ev["id"]: ev["title"] for ev in d.changes}
    sh = _Sheet(wb, "Changes", [40, 18, 14, 14, 12], wrap_cols={0}, freeze=None, titles=None)
    span = "A{r}:E{r}"

    def line(text: str, font=None) -> None:
        chars = 98
        sh.ws.row_dimensions[sh.row + 1].height = 15 * max(1, -(-len(text) // chars))
        r = sh.append([text], {0: {"font": font, "align": WRAP}})
        sh.ws.merged_cells.add(span.format(r=r))

    if not d.changes:
        line("No high-impact changes recorded yet (elc changes PROJECT --add TITLE).", NOTE_FONT)
    for i, ev in enumerate(d.changes, 1):
        if i > 1:
            sh.ws.row_breaks.append(Break(id=sh.row))
        line(f"Change {i}: {ev['title']}", TITLE_FONT)
        line(f"{strength_label(ev)}; state: {rec.state(ev['id'])}", BOLD)
        line("Workshop decision: " + decision_text(rec.decisions.get(ev["id"]), rec, titles))
        line(f"Evidence: {evidence_sentence(ev)}.")
        line(f"Both sides: {sides_sentence(ev)}.")
        sh.header(["Community", "Raised it", "To improve", "Working well", "Both"])
        for b in ev["by_community"]:
            sh.append([b["name"], n_of_n(b), b["to_improve"], b["working_well"], b["both"]])
        line("Who is missing: " + ("; ".join(_missing(ev)) or "nobody: every community asked raised it") + ".")
        kpis = rec.kpis.get(ev["id"], [])
        if kpis:
            line("Success measures: " + "; ".join(k.measure for k in kpis))
        for q in ev["quotes"][:3]:
            line(_quote_cell(q, d.community_names))


def changes_table_sheet(wb, d: ReportData) -> None:
    """Every change on one row (appendix: for filtering and sorting on screen)."""
    comms = list(d.communities.itertuples())
    widths = [5, 36, 24, 50, 10, 7, 12] + [13] * len(comms) + [10, 10, 50, 36, 24, 36, 50, 90, 12, 50]
    n_fixed = 7
    wrap = {1, 2, 3} | set(range(n_fixed + len(comms) + 2, n_fixed + len(comms) + 8)) | {len(widths) - 1}
    titles = {ev["id"]: ev["title"] for ev in d.changes}
    sh = _Sheet(wb, "High-impact changes", widths, wrap_cols=wrap, freeze="C3")
    sh.title("High-impact changes and the evidence behind them",
             "participants per community who raised it (of those interviewed); strength from breadth, "
             "number of participants and consistency; flags name thin evidence and missing voices")
    names = ["#", "Change", "Owner", "Rationale (basis)", "Strength", "Score", "Participants"]
    names += [f"{c.name}: raised of N asked" for c in comms]
    names += ["To improve", "Working well", "Flags", "Linked codes", "Linked themes", "Touchpoints",
              "Success measures", "Top quotes", "State", "Workshop decision"]
    head = sh.header(names)
    for i, ev in enumerate(d.changes, 1):
        by = {b["community"]: b for b in ev["by_community"]}
        basis = "from the evidence" if ev.get("rationale_basis") == "evidence" else "programme team's judgement"
        row = [i, ev["title"], ev["owner"], f"({basis}) {ev['rationale']}" if ev["rationale"] else None,
               ev["strength"], ev["score"], ev["participants"]]
        row += [(f"{by[c.key]['participants']} of {by[c.key]['of']}" if by[c.key]["asked"] else "not asked")
                if c.key in by else None for c in comms]
        row += [ev["valence"]["to-improve"], ev["valence"]["working-well"],
                "\n".join(f["message"] for f in ev["flags"]) or "none",
                "\n".join(ev["codes"]) or None, "\n".join(ev["themes"]) or None,
                "\n".join(f"{t['touchpoint']} ({t['participants']})" for t in ev["touchpoints"]) or None,
                "\n".join(f"• {m}" for m in ev["measures"]) or None,
                "\n\n".join(_quote_cell(q, d.community_names) for q in ev["quotes"]) or None,
                d.record.state(ev["id"]), decision_text(d.record.decisions.get(ev["id"]), d.record, titles)]
        sh.append(row, {5: {"fmt": "0.00"}})
    last = max(sh.row, head + 1)
    sh.autofilter(head, len(names), last)
    rng = f"E{head + 1}:E{last}"
    for word, colour in (("strong", "B7E1CD"), ("moderate", "FCE8B2"), ("thin", "F9CB9C"), ("none", "F4C7C3")):
        sh.ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=[f'"{word}"'],
                                                         fill=PatternFill("solid", fgColor=colour)))
    first_comm = get_column_letter(n_fixed + 1)
    last_comm = get_column_letter(n_fixed + len(comms))
    if comms:
        sh.ws.conditional_formatting.add(f"{first_comm}{head + 1}:{last_comm}{last}", CellIsRule(
            operator="beginsWith", formula=['"0 of"'], fill=PatternFill("solid", fgColor="F4C7C3")))


__all__ = ["communities_sheet", "change_pages_sheet", "workshop_sheet", "kpi_returns_sheet", "changes_table_sheet"]

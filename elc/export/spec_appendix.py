"""Appendix A (the health overview and scrutiny committee's standard questions, answered from the
data) and Appendix B (the answers to the open questions) of the specification draft."""

from __future__ import annotations

from elc.export.data import ReportData
from elc.export.spec import FOOTNOTE_QUOTE_WORDS, SCRUTINY, Doc, _of, _req_range, plural
from elc.export.spec_record import endorsed_changes, requirement_lines
from elc.insights.breakdown import SUPPRESS_BELOW
from elc.insights.quotes import clip


def scrutiny_appendix(doc: Doc, d: ReportData) -> None:
    comms = d.communities
    doc.h(2, "Appendix A. Questions from overview and scrutiny")
    doc.p("The health overview and scrutiny committee's standard questions, answered from the programme's data.")
    doc.h(3, f"A.1 {SCRUTINY['why']}")
    doc.p(f"To answer the focus question “{d.focus_question}” with the people who use, interact with and deliver "
          "the service. [Commissioner to add the contractual reason, e.g. re-procurement.]")
    doc.h(3, f"A.2 {SCRUTINY['consulted']}")
    method_text = "; ".join(f"{m['method']} ({m['interviews']} interview{'s' if m['interviews'] != 1 else ''}"
                            + (f", {m['first']} to {m['last']}" if m["first"] else "") + ")" for m in d.methods)
    doc.p(("b", "Who, and how many: "), f"{plural(d.totals['participants'], 'participant')} against a target of "
          f"{d.totals['target']}, in {plural(d.totals['interviews'], 'interview')}. ", ("b", "Method and when: "),
          (method_text or "not recorded") + ". "
          + " ".join(f"{p.get('phase', '')}: {str(p.get('method', '')).rstrip('.')}." for p in d.phases))
    doc.table(["Community of interest", "Target n", "Interviewed", "% of target", "Interviews", "Method"],
              [[c.name, "" if c.target_n != c.target_n or c.target_n is None else int(c.target_n), c.interviewed,
                f"{c.achieved_share * 100:.0f}%" if c.achieved_share is not None and c.achieved_share == c.achieved_share else "-",
                c.interviews, ", ".join(m["method"] for m in d.methods if c.key in m["communities"]) or "-"]
               for c in comms.itertuples()])
    short = [c.name for c in comms.itertuples() if c.target_n and c.target_n == c.target_n and c.interviewed < c.target_n]
    if short:
        doc.p(("b", "Below target: "), "; ".join(short) + ". Their views are under-represented in what follows.")
    doc.p(("b", "What the response has been, by touchpoint: "),
          "participants who raised something to improve (↓) or working well (↑) out of those asked (a "
          "participant can hold both), with an example; communities whose guide has no such touchpoint were not asked.")
    rows = _response_rows(d)
    if rows:
        doc.table(["Touchpoint", "Communities (↓ to improve, ↑ working well)", "Example"], rows)
    else:
        doc.p("[Nothing has been coded yet.]")
    _views_taken_into_account(doc, d)
    _committee_extra(doc, d)
    _open_questions(doc, d)


def _response_rows(d: ReportData) -> list[list]:
    """A.2 by touchpoint: who said what, of those asked, with one example."""
    m = d.matrix
    rows = []
    for tp, g in (m.groupby("touchpoint", sort=False) if len(m) else []):
        raised = g[(g.raised > 0) | g.asked]
        if not int(g.raised.sum()):
            continue
        who = "; ".join(f"{r.community_name} ↓{r.to_improve} ↑{r.working_well} of {int(r.of)} asked" if r.asked
                        else f"{r.community_name}: not asked ({r.raised} raised it unprompted)"
                        for r in raised.itertuples())
        quotes = [q for r in raised.itertuples() for q in r.quotes]
        ex = ""
        if quotes:
            q = sorted(quotes, key=lambda q: (q["valence"] not in ("to-improve", "working-well"), q["words"] > 40))[0]
            ex = f"“{clip(q['text'], FOOTNOTE_QUOTE_WORDS)}” ({q['participant']}, {d.community_names.get(q['community'], q['community'])})"
        rows.append([tp, who, ex])
    return rows


def _views_taken_into_account(doc: Doc, d: ReportData) -> None:
    """A.3 to A.8: which change came from which evidence, partners, beneficiaries, difference, risks, cost."""
    comms = d.communities
    evs = d.changes
    numbers = {ev["id"]: i for i, ev in enumerate(endorsed_changes(d), 1)}
    doc.h(3, f"A.3 {SCRUTINY['taken_into_account']}")
    if evs:
        doc.p("Every requirement in this draft comes from a high-impact change, and every change from what "
              "participants said. Which change came from which evidence:")
        doc.table(["Change", "Requirements", "Raised by (n of N asked)", "Evidence", "Coded as"],
                  [_evidence_row(d, i, ev, numbers) for i, ev in enumerate(evs, 1)])
    else:
        doc.p("[No high-impact changes have been recorded yet.]")
    doc.h(3, f"A.4 {SCRUTINY['partners']}")
    owners = list(dict.fromkeys(ev["owner"] for ev in evs if ev["owner"]))
    doc.p("Leads named by the changes: " + ("; ".join(owners) if owners else "[to be completed]") + ". Staff consulted: "
          + ("; ".join(f"{c.name} ({c.interviewed})" for c in comms.itertuples() if c.family != "people") or "none")
          + ".")
    doc.h(3, f"A.5 {SCRUTINY['beneficiaries']}")
    doc.p("; ".join(f"{c.name}" for c in comms.itertuples() if c.family == "people") or "[to be completed]")
    doc.h(3, f"A.6 {SCRUTINY['difference']}")
    forward = endorsed_changes(d)  # a rejected, merged or undecided change makes no difference to promise
    if forward:
        doc.bullets([[f"{numbers[ev['id']]}. {ev['title']}: ",
                      ("; ".join(k.measure for k in d.record.kpis.get(ev["id"], [])) or "no measure recorded yet")]
                     for ev in forward])
        doc.p("Success is measured by the KPIs in 5.1, each against its recorded baseline.")
    elif evs:
        doc.p("No change has been taken forward by a workshop yet; the candidates and their measures are in "
              "Appendix D.")
    _risks(doc, d)
    doc.h(3, f"A.8 {SCRUTINY['cost']}")
    doc.p("[Commissioner to complete.]")


WEAK_FLAGS = ("thin-evidence", "mixed-views", "no-evidence", "no-links")


def _evidence_row(d: ReportData, i: int, ev: dict, numbers: dict) -> list:
    """A.3: a change, its requirements (or its state), who raised it and how strong the evidence is."""
    weak = [f["message"] for f in ev["flags"] if f["flag"] in WEAK_FLAGS]
    return [f"{i}. {ev['title']}",
            _req_range(numbers[ev["id"]], len(requirement_lines(d, ev))) if ev["id"] in numbers
            else d.record.state(ev["id"]),
            "; ".join(f"{b['name']} {_of(b)}" for b in ev["by_community"] if b["participants"] and b["asked"])
            or "none yet",
            ev["strength"] + (f" ({'; '.join(weak)})" if weak else ""),
            ", ".join(ev["codes"] + ev["themes"]) or "-"]


def _risks(doc: Doc, d: ReportData) -> None:
    """A.7: the risks in the evidence and the inter-coder agreement."""
    doc.h(3, f"A.7 {SCRUTINY['risks']}")
    doc.p("Risks in the evidence, computed from the data (to address before the proposal is final); "
          "[commissioner to add delivery risks]:")
    doc.bullets(d.risks or ["None found in the evidence: every community asked raised each change, all are at "
                            "target, coding was checked by a second coder and de-identification is reviewed."])
    if d.agreement:
        doc.p(("b", "Inter-coder agreement where measured: "), "; ".join(
            f"{a['coders'][0]} and {a['coders'][1]}: Cohen's kappa {a['kappa']:.2f} ({a['percent_agreement'] * 100:.0f}% "
            f"agreement) on {a['interviews']} interview{'s' if a['interviews'] != 1 else ''} both coded"
            for a in d.agreement) + ".")


def _committee_extra(doc: Doc, d: ReportData) -> None:
    fields = d.programme_fields or {}
    doc.h(3, "A.9 What options were considered?")
    doc.p(fields.get("options_considered") or "[Not recorded: set it with 'elc programme PROJECT --options-considered TEXT'.]")
    doc.h(3, "A.10 How does this fit with the council's priorities?")
    doc.p(fields.get("council_priorities") or "[Not recorded: set it with 'elc programme PROJECT --council-priorities TEXT'.]")
    doc.h(3, "A.11 Is the impact greater on any particular group?")
    if not d.breakdowns:
        doc.p("[No participant attributes recorded: import them with 'elc attributes PROJECT --csv FILE' to break the "
              "evidence down by area, age band, sex, ethnicity, disability or service used.]")
    for attr, bd in d.breakdowns.items():
        table = bd.table()
        doc.p(("b", f"By {attr.replace('_', ' ')}: "), "participants who said each change's subject needs to improve (↓) "
              f"or works well (↑), of N asked in each group. Counts from 1 to {SUPPRESS_BELOW - 1} are shown as "
              f"<{SUPPRESS_BELOW}, and a second count is withheld (shown as c) where a total would reveal one, so that no participant "
              "can be identified.")
        doc.table(["Change", *bd.groups, "All"], [[r["row"], *[r[g] for g in bd.groups], r["All"]]
                                                  for r in table.to_dict("records")])


def _open_questions(doc: Doc, d: ReportData) -> None:
    if not d.open_answers:
        return
    doc.h(2, "Appendix B. Answers to the open questions")
    doc.p("Each community's answers to the interview guide's open questions, with examples. Counts are participants "
          "who answered, of those interviewed.")
    for rec in d.open_answers:
        doc.h(3, rec["question"])
        items = []
        for b in rec["by_community"]:
            quotes = " ".join(f"“{clip(q['text'], FOOTNOTE_QUOTE_WORDS)}” ({q['participant']})" for q in b["quotes"][:2])
            items.append([("b", f"{b['name']}: "), f"{b['answered']} of {b['of']} answered. " + quotes])
        doc.bullets(items or ["[No answers recorded.]"])
        if rec.get("changes_asked"):
            doc.p(f"Of the {rec.get('answered', 0)} who answered, how many asked for each change "
                  "(their answer is coded with the change's codes): "
                  + "; ".join(f"change {i}: {n}" for i, n in rec["changes_asked"].items()) + ".")


__all__ = ["scrutiny_appendix"]

"""A service specification draft that cites its evidence (Markdown or Word).

    write_spec(project, "nepts-spec.md")      # or .docx

Laid out after the NHS Standard Contract service specification headings: 1 Population needs,
2 Outcomes, 3 Scope, 4 Applicable service standards, 5 Applicable quality requirements and
CQUIN goals, 6 Location of provider premises. Each high-impact change becomes numbered
shall-statements in 3.2 (``3.2.1.1``...), each footnoted to its evidence: the communities who
raised it as "n of N" interviewed and one or two short de-identified quotes under pseudonyms.
Each change's success measures become KPIs in 5.1. Appendix A answers the health overview and
scrutiny committee's standard questions from the data (who was consulted, by what method and
when, what they said per touchpoint, and which change came from which evidence).

What the data cannot know (national policy, prices, premises) is left as [bracketed] prompts
for the commissioner. The document is built once as a list of blocks and rendered twice.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from elc.errors import ExportError
from elc.export.data import ReportData, collect
from elc.export.safety import xml_text
from elc.insights.changes import shall_statements
from elc.insights.quotes import clip

FOOTNOTE_QUOTE_WORDS = 30

OUTCOME_DOMAINS = [
    ("1", "Preventing people from dying prematurely", ()),
    ("2", "Enhancing quality of life for people with long-term conditions",
     ("frequent", "regular", "renal", "dialysis", "long-term", "early morning", "therapeutic")),
    ("3", "Helping people to recover from episodes of ill health or following injury",
     ("journey home", "ready for home", "discharge", "recover")),
    ("4", "Ensuring that people have a positive experience of care", ("",)),
    ("5", "Treating and caring for people in a safe environment and protecting them from avoidable harm",
     ("safe", "safety", "dignity", "special needs", "standards of care", "information about the passenger")),
]

SCRUTINY = {
    "why": "Why are we doing this?",
    "consulted": "Who has been consulted and what has the response been?",
    "taken_into_account": "How, if at all, have their views been taken into account in this proposal?",
    "partners": "Which of our key partners are involved?",
    "beneficiaries": "Who are the main beneficiaries of the service?",
    "difference": "What difference will providing this service make to them? What will be different and how "
                  "will we know if we have succeeded?",
    "risks": "What are the risks to the successful delivery of the service?",
    "cost": "How much will it cost and how is it to be funded?",
}


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _req_range(i: int, n: int) -> str:
    return f"3.2.{i}.1" if n <= 1 else f"3.2.{i}.1–3.2.{i}.{n}"


# ---------------------------------------------------------------------------- document model
@dataclass
class Doc:
    blocks: list[tuple] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def h(self, level: int, text: str):
        self.blocks.append(("h", level, text))

    def p(self, *runs):
        """A paragraph of runs: str, ("b", str) bold, ("fn", n) a footnote reference."""
        self.blocks.append(("p", list(runs)))

    def bullets(self, items: list):
        self.blocks.append(("ul", [it if isinstance(it, list) else [it] for it in items]))

    def req(self, number: str, text: str, note: int):
        self.blocks.append(("req", number, text, note))

    def table(self, header: list[str], rows: list[list]):
        self.blocks.append(("table", header, [[("" if v is None else str(v)) for v in r] for r in rows]))

    def note(self, text: str) -> int:
        self.notes.append(text)
        return len(self.notes)


def _domains_for(ev: dict) -> list[str]:
    blob = " ".join([ev["title"], ev["rationale"], *ev["codes"], *ev["themes"]]).lower()
    return [num for num, _, words in OUTCOME_DOMAINS if words and any(w in blob for w in words)]


def _short_quotes(ev: dict, k: int = 2) -> list[dict]:
    qs = sorted(ev["quotes"], key=lambda q: (q["words"] > FOOTNOTE_QUOTE_WORDS, 0))
    return qs[:k]


def _evidence_note(ev: dict, names: dict) -> str:
    heard = [f"{b['name']}: {b['participants']} of {b['interviewed']} interviewed" for b in ev["by_community"]
             if b["participants"]]
    missing = [b["name"] + (" (none interviewed)" if not b["interviewed"] else f" (0 of {b['interviewed']})")
               for b in ev["by_community"] if not b["participants"]]
    rating = "no evidence yet" if ev["strength"] == "none" else f"{ev['strength']} evidence, score {ev['score']:.2f}"
    parts = [f"Evidence for “{ev['title']}” ({rating}): "]
    if heard:
        parts.append(f"raised by {ev['participants']} participant{'s' if ev['participants'] != 1 else ''}: "
                     + "; ".join(heard) + ".")
    else:
        parts.append("no participant's words are coded to it yet.")
    if ev["stance"]["to-improve"] or ev["stance"]["working-well"]:
        parts.append(f" {ev['stance']['to-improve']} mostly said it needs to improve, "
                     f"{ev['stance']['working-well']} that it works well.")
    for q in _short_quotes(ev):
        who = f"{q.get('participant') or 'unknown'}, {names.get(q.get('community'), q.get('community'))}"
        parts.append(f" “{clip(q['text'], FOOTNOTE_QUOTE_WORDS)}” ({who}).")
    if missing:
        parts.append(" Not raised by: " + "; ".join(missing) + ".")
    if ev["codes"]:
        parts.append(" Codes: " + ", ".join(ev["codes"]) + ".")
    return "".join(parts)


def build_spec(d: ReportData) -> Doc:
    doc = Doc()
    names = d.community_names
    comms = d.communities
    people = [c for c in comms.itertuples() if c.family == "people"]
    staff = [c for c in comms.itertuples() if c.family != "people"]
    evs = d.changes
    notes = {ev["id"]: doc.note(_evidence_note(ev, names)) for ev in evs}
    tp_totals = d.touchpoints
    doc.h(1, f"Service specification (draft): {d.programme}")
    doc.table(["", ""], [
        ["Service", d.programme], ["Commissioner lead", "[to be completed]"], ["Provider lead", "[to be completed]"],
        ["Period", "[to be completed]"], ["Date of review", "[to be completed]"],
        ["Drafted", f"{d.generated} by elc from the Experience-Led Commissioning programme ({d.project})"]])
    doc.p(("b", "Status: "), "a draft for the commissioner to complete. Requirements in 3.2 and KPIs in 5.1 come from "
          "the high-impact changes of the programme; each cites the evidence behind it in a note. Text in "
          "[brackets] needs the commissioner's input. ", d.deidentification["statement"])

    # 1 Population needs -------------------------------------------------------------------
    doc.h(2, "1. Population needs")
    doc.h(3, "1.1 National/local context and evidence base")
    doc.p(("b", "National context. "), "[Commissioner to summarise the national policy context, eligibility "
          "criteria and guidance that apply to this service.]")
    doc.p(("b", "Local context. "), f"This specification was drafted from an Experience-Led Commissioning "
          f"programme for {d.programme}. Its focus question was: “{d.focus_question}”")
    doc.p(("b", "Evidence base. "), f"{plural(d.totals['interviews'], 'interview')} were held with "
          f"{plural(d.totals['participants'], 'participant')} from {sum(1 for c in comms.itertuples() if c.interviewed)} "
          f"of {len(comms)} communities of interest (target {d.totals['target']}); "
          f"{d.totals['coded_share'] * 100:.0f}% of what participants said was coded against the interview "
          "guide's touchpoints and cross-cutting themes. Appendix A sets out who was consulted.")
    worst = tp_totals[tp_totals.to_improve > 0].sort_values("to_improve", ascending=False).head(5) \
        if len(tp_totals) else tp_totals
    if len(worst):
        doc.p("The touchpoints where most participants wanted things to improve:")
        doc.bullets([f"{r.touchpoint}: {r.to_improve} of {r.interviewed} interviewed participants"
                     + (f" ({r.working_well} said it works well)" if r.working_well else "")
                     for r in worst.itertuples()])
    best = tp_totals[tp_totals.working_well > 0].sort_values("working_well", ascending=False).head(3) \
        if len(tp_totals) else tp_totals
    if len(best):
        doc.p("What works well and should be kept:")
        doc.bullets([f"{r.touchpoint}: {r.working_well} of {r.interviewed} participants" for r in best.itertuples()])

    # 2 Outcomes ---------------------------------------------------------------------------
    doc.h(2, "2. Outcomes")
    doc.h(3, "2.1 NHS Outcomes Framework domains and indicators")
    rows = []
    for num, label, _ in OUTCOME_DOMAINS:
        contributing = [str(i) for i, ev in enumerate(evs, 1) if num in _domains_for(ev)]
        rows.append([f"Domain {num}", label, "✓" if contributing else "",
                     ", ".join(f"change {c}" for c in contributing) or "-"])
    doc.table(["Domain", "Description", "Relevant", "High-impact changes contributing"], rows)
    doc.h(3, "2.2 Local defined outcomes")
    if evs:
        doc.bullets([[f"Outcome {i}: {ev['title']}", f" (requirements 3.2.{i}; KPIs "
                      + (", ".join(f"{i}.{j}" for j in range(1, len(ev["measures"]) + 1)) or "to be defined") + ")"]
                     for i, ev in enumerate(evs, 1)])
    else:
        doc.p("[No high-impact changes have been recorded yet: add them with 'elc changes PROJECT --add'.]")

    # 3 Scope ------------------------------------------------------------------------------
    doc.h(2, "3. Scope")
    doc.h(3, "3.1 Aims and objectives of service")
    doc.p(("b", "Aim: "), f"to make sure that the answer to the programme's focus question is delivered: "
          f"“{d.focus_question}”")
    if evs:
        doc.p(("b", "Objectives:"))
        doc.bullets([ev["title"] for ev in evs])
    doc.h(3, "3.2 Service description/care pathway")
    journey = [r.touchpoint for r in tp_totals.itertuples() if r.touchpoint_family == "people"] if len(tp_totals) else []
    if journey:
        doc.p("The passenger's journey, as the interviews followed it: " + " → ".join(journey) + ".")
    doc.p("The requirements below come from the programme's high-impact changes. Each note gives the evidence: "
          "how many of each community's interviewed participants raised it, and what they said.")
    for i, ev in enumerate(evs, 1):
        doc.h(4, f"3.2.{i} {ev['title']}")
        if ev["rationale"]:
            doc.p(("b", "Why: "), ev["rationale"])
        for j, text in enumerate(shall_statements(ev), 1):
            doc.req(f"3.2.{i}.{j}", text, notes[ev["id"]])
        if ev["owner"]:
            doc.p(("b", "Lead: "), ev["owner"])
    doc.h(3, "3.3 Population covered")
    doc.p("[Commissioner to define the registered population and geography covered.] The people this "
          "service is for, as engaged by the programme: "
          + ("; ".join(f"{c.name} ({c.interviewed} interviewed)" for c in people) or "-") + ".")
    doc.h(3, "3.4 Any acceptance and exclusion criteria and thresholds")
    doc.p("[Commissioner to state the eligibility criteria, including for carers and escorts.]")
    elig = [r for r in tp_totals.itertuples() if re.search(r"eligib|escort", r.touchpoint, re.I)] if len(tp_totals) else []
    elig_codes = d.codebook[d.codebook.name.str.contains("eligib|escort", case=False, regex=True)]
    lines = [f"{r.touchpoint}: {r.raised} participants raised it ({r.to_improve} to improve)" for r in elig if r.raised]
    lines += [f"{c.name}: {c.participants} participants ({c.to_improve} to improve)"
              for c in elig_codes.itertuples() if c.kind != "touchpoint" and c.participants]
    if lines:
        doc.p("What participants said about eligibility:")
        doc.bullets(lines)
    doc.h(3, "3.5 Interdependence with other services/providers")
    owners = list(dict.fromkeys(ev["owner"] for ev in evs if ev["owner"]))
    doc.p("The changes name these leads and partners:")
    doc.bullets(owners or ["[to be completed]"])
    if staff:
        doc.p("Staff communities consulted: " + "; ".join(f"{c.name} ({c.interviewed} interviewed)" for c in staff) + ".")

    # 4 Standards --------------------------------------------------------------------------
    doc.h(2, "4. Applicable service standards")
    doc.h(3, "4.1 Applicable national standards (e.g. NICE)")
    doc.p("[Commissioner to list, e.g. the national eligibility criteria for this service, the CQC fundamental "
          "standards for regulated activities, and the Accessible Information Standard (DCB1605) for "
          "passengers with communication needs.]")
    doc.h(3, "4.2 Applicable standards set out in guidance and/or issued by a competent body")
    doc.p("[Commissioner to complete.]")
    doc.h(3, "4.3 Applicable local standards")
    doc.p("The requirements in 3.2, drawn from what passengers, carers and staff said in this programme.")

    # 5 Quality ----------------------------------------------------------------------------
    doc.h(2, "5. Applicable quality requirements and CQUIN goals")
    doc.h(3, "5.1 Applicable quality requirements (key performance indicators)")
    kpis = []
    for i, ev in enumerate(evs, 1):
        base = (f"{ev['participants']} of {ev['interviewed']} interviewed raised it "
                f"({ev['stance']['to-improve']} to improve, {ev['stance']['working-well']} working well)"
                if ev["participants"] else "no evidence yet")
        for j, m in enumerate(ev["measures"], 1):
            kpis.append([f"KPI {i}.{j}", m, f"{i}. {ev['title']}", "[to be agreed]", "[monthly report]", base])
    if kpis:
        doc.table(["KPI", "Indicator", "High-impact change", "Threshold", "Method of measurement",
                   "Evidence at baseline"], kpis)
    else:
        doc.p("[No success measures recorded for the changes yet.]")
    doc.h(3, "5.2 Applicable CQUIN goals")
    quality = [ev["title"] for ev in evs if re.search(r"reward|quality|incentive", ev["title"], re.I)]
    doc.p("[Commissioner to agree.] " + (f"The programme asked to “{quality[0]}”: a CQUIN or quality incentive "
                                         "linked to the KPIs above is one way to do so." if quality else ""))

    # 6 Location ---------------------------------------------------------------------------
    doc.h(2, "6. Location of provider premises")
    doc.p("[Provider to state the bases, control room and any satellite sites.] Service area: as covered by "
          f"the programme ({d.programme}).")

    _scrutiny(doc, d, notes)
    return doc


def _scrutiny(doc: Doc, d: ReportData, notes: dict) -> None:
    comms = d.communities
    evs = d.changes
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
          "participants who raised something to improve (↓) or working well (↑), with an example.")
    m = d.matrix
    rows = []
    for tp, g in (m.groupby("touchpoint", sort=False) if len(m) else []):
        raised = g[g.raised > 0]
        if not len(raised):
            continue
        who = "; ".join(f"{r.community_name} ↓{r.to_improve} ↑{r.working_well} of {r.interviewed}"
                        for r in raised.itertuples())
        quotes = [q for r in raised.itertuples() for q in r.quotes]
        ex = ""
        if quotes:
            q = sorted(quotes, key=lambda q: (q["valence"] not in ("to-improve", "working-well"), q["words"] > 40))[0]
            ex = f"“{clip(q['text'], FOOTNOTE_QUOTE_WORDS)}” ({q['participant']}, {d.community_names.get(q['community'], q['community'])})"
        rows.append([tp, who, ex])
    if rows:
        doc.table(["Touchpoint", "Communities (↓ to improve, ↑ working well)", "Example"], rows)
    else:
        doc.p("[Nothing has been coded yet.]")
    doc.h(3, f"A.3 {SCRUTINY['taken_into_account']}")
    if evs:
        doc.p("Every requirement in this draft comes from a high-impact change, and every change from what "
              "participants said. Which change came from which evidence:")
        doc.table(["Change", "Requirements", "Raised by (n of N interviewed)", "Evidence", "Coded as"],
                  [[f"{i}. {ev['title']}", _req_range(i, len(shall_statements(ev))),
                    "; ".join(f"{b['name']} {b['participants']} of {b['interviewed']}" for b in ev["by_community"]
                              if b["participants"]) or "none yet",
                    f"{ev['strength']}" + (f" ({'; '.join(f['message'] for f in ev['flags'] if f['flag'] in ('thin-evidence', 'mixed-views', 'no-evidence', 'no-links'))})"
                                          if any(f['flag'] in ('thin-evidence', 'mixed-views', 'no-evidence', 'no-links') for f in ev['flags']) else ""),
                    ", ".join(ev["codes"] + ev["themes"]) or "-"]
                   for i, ev in enumerate(evs, 1)])
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
    if evs:
        doc.bullets([[f"{ev['title']}: ", ("; ".join(ev["measures"]) or "[measures to be defined]")]
                     for ev in evs])
        doc.p("Success is measured by the KPIs in 5.1, against the baseline of what participants reported.")
    doc.h(3, f"A.7 {SCRUTINY['risks']}")
    risks = []
    for i, ev in enumerate(evs, 1):
        thin = [f["message"] for f in ev["flags"] if f["flag"] in ("thin-evidence", "no-evidence", "no-links", "mixed-views")]
        if thin:
            risks.append(f"Change {i} ({ev['title']}): " + "; ".join(thin))
    not_heard = [c.name for c in comms.itertuples() if not c.interviewed]
    if not_heard:
        risks.append("Communities not yet interviewed: " + "; ".join(not_heard))
    doc.p("Risks in the evidence (to address before the proposal is final); [commissioner to add delivery risks]:")
    doc.bullets(risks or ["None flagged in the evidence."])
    doc.h(3, f"A.8 {SCRUTINY['cost']}")
    doc.p("[Commissioner to complete.] The programme found that many improvements depend on better planning, "
          "logistics and new thinking rather than extra resources." if "transport" in d.programme.lower()
          else "[Commissioner to complete.]")


# ---------------------------------------------------------------------------- renderers
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def _md_runs(runs) -> str:
    out = []
    for r in runs:
        if isinstance(r, tuple) and r[0] == "b":
            out.append(f"**{md_escape(r[1]).strip()}** " if r[1].endswith(" ") else f"**{md_escape(r[1])}**")
        elif isinstance(r, tuple) and r[0] == "fn":
            out.append(f"[^{r[1]}]")
        else:
            out.append(md_escape(r))
    return "".join(out)


def render_markdown(doc: Doc) -> str:
    lines: list[str] = []
    for b in doc.blocks:
        kind = b[0]
        if kind == "h":
            lines += ["#" * b[1] + " " + md_escape(b[2]), ""]
        elif kind == "p":
            lines += [_md_runs(b[1]), ""]
        elif kind == "ul":
            lines += ["- " + _md_runs(item) for item in b[1]] + [""]
        elif kind == "req":
            lines += [f"**{b[1]}** {md_escape(b[2])}[^{b[3]}]", ""]
        elif kind == "table":
            header, rows = b[1], b[2]
            lines.append("| " + " | ".join(md_escape(h) for h in header) + " |")
            lines.append("|" + "|".join("---" for _ in header) + "|")
            lines += ["| " + " | ".join(md_escape(v) for v in r) + " |" for r in rows]
            lines.append("")
    if doc.notes:
        lines += ["## Evidence notes", ""]
        lines += [f"[^{i}]: {md_escape(text)}" for i, text in enumerate(doc.notes, 1)]
        lines.append("")
    return "\n".join(lines)


def render_docx(doc: Doc, path: Path) -> None:
    import docx
    from docx.shared import Pt, RGBColor

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10.5)

    def runs(par, items):
        for r in items:
            if isinstance(r, tuple) and r[0] == "b":
                par.add_run(xml_text(r[1])).bold = True
            elif isinstance(r, tuple) and r[0] == "fn":
                par.add_run(str(r[1])).font.superscript = True
            else:
                par.add_run(xml_text(str(r)))

    for b in doc.blocks:
        kind = b[0]
        if kind == "h":
            heading = document.add_heading(xml_text(b[2]), level=min(b[1] - 1, 9) if b[1] > 1 else 0)
            for run in heading.runs:
                run.font.color.rgb = RGBColor(0x00, 0x5E, 0xB8)
        elif kind == "p":
            runs(document.add_paragraph(), b[1])
        elif kind == "ul":
            for item in b[1]:
                runs(document.add_paragraph(style="List Bullet"), item)
        elif kind == "req":
            par = document.add_paragraph()
            par.add_run(b[1] + " ").bold = True
            par.add_run(xml_text(b[2]))
            par.add_run(str(b[3])).font.superscript = True
        elif kind == "table":
            header, rows = b[1], b[2]
            table = document.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, h in zip(table.rows[0].cells, header):
                cell.text = ""
                cell.paragraphs[0].add_run(xml_text(h)).bold = True
            for r in rows:
                cells = table.add_row().cells
                for cell, v in zip(cells, r):
                    cell.text = xml_text(v)
            document.add_paragraph()
    if doc.notes:
        document.add_heading("Evidence notes", level=1)
        for i, text in enumerate(doc.notes, 1):
            par = document.add_paragraph()
            par.add_run(f"{i}. ").bold = True
            par.add_run(xml_text(text))
    document.save(str(path))


def write_spec(project, path: str | Path, coder: str | None = None, data: ReportData | None = None) -> Path:
    """Write the specification draft to ``path`` (.md or .docx); returns the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".md", ".docx"):
        raise ExportError(f"{path}: the specification must be a .md or .docx file")
    if path.is_dir():
        raise ExportError(f"{path}: is a folder; give a file name ending .md or .docx")
    if not path.parent.exists():
        raise ExportError(f"{path.parent}: no such folder")
    doc = build_spec(data or collect(project, coder=coder))
    fd, tmp = tempfile.mkstemp(prefix=".elc-", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        if suffix == ".md":
            Path(tmp).write_text(render_markdown(doc), encoding="utf-8")
        else:
            render_docx(doc, Path(tmp))
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"{path}: could not be written ({exc.strerror or exc})") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


__all__ = ["write_spec", "build_spec", "render_markdown", "render_docx", "SCRUTINY"]

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
from elc.export.record import decision_text
from elc.export.safety import xml_text
from elc.export.spec_record import (KPI_HEADER, candidate_changes, codesign_items, endorsed_changes, kpi_rows,
                                    merged_into, requirement_lines, workshop_annex)
from elc.insights.quotes import clip

FOOTNOTE_QUOTE_WORDS = 30

OUTCOME_DOMAINS = [
    ("1", "Preventing people from dying prematurely", ()),
    ("2", "Enhancing quality of life for people with long-term conditions",
     ("frequent", "regular", "long-term", "long term", "chronic", "therapeutic", "independen")),
    ("3", "Helping people to recover from episodes of ill health or following injury",
     ("discharge", "recover", "rehabilitat", "reablement")),
    ("4", "Ensuring that people have a positive experience of care", ("",)),
    ("5", "Treating and caring for people in a safe environment and protecting them from avoidable harm",
     ("safe", "safety", "dignity", "special needs", "standards of care", "harm", "risk")),
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

    def req(self, number: str, text: str, note: int | None, responsible: str = ""):
        """A numbered requirement, its responsible party, and (once per change) its evidence note."""
        self.blocks.append(("req", number, text, note, responsible))

    def table(self, header: list[str], rows: list[list]):
        self.blocks.append(("table", header, [[("" if v is None else str(v)) for v in r] for r in rows]))

    def note(self, text: str) -> int:
        self.notes.append(text)
        return len(self.notes)


def _domains_for(ev: dict) -> list[str]:
    blob = " ".join([ev["title"], ev["rationale"], *ev["codes"], *ev["themes"]]).lower()
    return [num for num, _, words in OUTCOME_DOMAINS if words and any(w in blob for w in words)]


def _short_quotes(ev: dict, k: int = 2) -> list[dict]:
    qs = sorted(ev["quotes"], key=lambda q: (bool(q.get("unreviewed")), q["words"] > FOOTNOTE_QUOTE_WORDS))
    return qs[:k]


def _of(b: dict) -> str:
    if not b["asked"]:
        return "not asked"
    return f"{b['participants']} of {b['of']} asked"


def _evidence_note(ev: dict, names: dict) -> str:
    heard = [f"{b['name']}: {_of(b)} (↓{b['to_improve']} to improve, ↑{b['working_well']} working well)"
             for b in ev["by_community"] if b["participants"] and b["asked"]]
    missing = [f"{b['name']} (0 of {b['of']} asked)" for b in ev["by_community"]
               if b["asked"] and not b["participants"] and b["of"]]
    not_asked = [b["name"] for b in ev["by_community"] if not b["asked"] and b["interviewed"]]
    rating = "no evidence yet" if ev["strength"] == "none" else f"{ev['strength']} evidence, score {ev['score']:.2f}"
    parts = [f"Evidence for “{ev['title']}” ({rating}): "]
    if heard:
        parts.append(f"raised by {ev['participants']} participant{'s' if ev['participants'] != 1 else ''}: "
                     + "; ".join(heard) + ".")
    else:
        parts.append("no participant's words are coded to it yet.")
    v = ev["valence"]
    if v["to-improve"] or v["working-well"]:
        parts.append(f" Both sides: {v['to-improve']} said it needs to improve and {v['working-well']} that it "
                     f"works well ({v['both']} said both).")
    for q in _short_quotes(ev):
        who = f"{q.get('participant') or 'unknown'}, {names.get(q.get('community'), q.get('community'))}"
        tags = []
        if q.get("also_for"):
            tags.append("also quoted for change " + ", ".join(str(x) for x in q["also_for"]))
        if q.get("unreviewed"):
            tags.append("de-identification not yet reviewed")
        parts.append(f" “{clip(q['text'], FOOTNOTE_QUOTE_WORDS)}” ({who}{'; ' + '; '.join(tags) if tags else ''}).")
    if missing:
        parts.append(" Asked but did not raise it: " + "; ".join(missing) + ".")
    if not_asked:
        parts.append(" Not asked (their guide has no such question; view unknown): " + "; ".join(not_asked) + ".")
    if ev["codes"]:
        parts.append(" Codes: " + ", ".join(ev["codes"]) + ".")
    return "".join(parts)


def build_spec(d: ReportData) -> Doc:
    doc = Doc()
    names = d.community_names
    comms = d.communities
    people = [c for c in comms.itertuples() if c.family == "people"]
    staff = [c for c in comms.itertuples() if c.family != "people"]
    evs = endorsed_changes(d)
    waiting = candidate_changes(d)
    tp_totals = d.touchpoints
    doc.h(1, f"Service specification (draft): {d.programme}")
    doc.table(["", ""], [
        ["Service", d.programme], ["Commissioner lead", "[to be completed]"], ["Provider lead", "[to be completed]"],
        ["Period", "[to be completed]"], ["Date of review", "[to be completed]"],
        ["Drafted", f"{d.generated} by elc from the Experience-Led Commissioning programme ({d.project})"]])
    doc.p(("b", "Status: "), "a draft for the commissioner to complete. Requirements in 3.2 and KPIs in 5.1 come only "
          "from the high-impact changes the challenge workshop endorsed, amended or added; each cites the evidence "
          "behind it in a note. Text in [brackets] needs the commissioner's input. Counts are participants out of "
          "those asked: coded interviews whose guide asks about the subject. ", d.deidentification["statement"])
    if not evs:
        doc.p(("b", "DRAFT awaiting the challenge workshop: "), "no change has been endorsed yet, so 3.2 has no "
              f"numbered requirements. The {len(waiting)} candidate change{'s' if len(waiting) != 1 else ''} and "
              "their evidence are listed, unnumbered, in Appendix D.")
    elif waiting:
        doc.p(("b", "Awaiting the workshop: "), f"{len(waiting)} candidate change{'s' if len(waiting) != 1 else ''} "
              "not yet decided, listed unnumbered in Appendix D.")
    for line in d.coverage:
        doc.p(("b", "Note: "), line + ".")
    if d.unreviewed_quotes:
        doc.p(("b", "Warning: "), f"{d.unreviewed_quotes} of the quotes in this draft contain de-identification "
              "nobody has reviewed yet; review them before the draft is shared.")

    c = (names, comms, people, staff, evs, waiting, tp_totals)
    _population(doc, d, c)
    _outcomes(doc, d, c)
    _scope(doc, d, c)
    _standards(doc, d, c)
    _quality(doc, d, c)
    _location(doc, d, c)
    _codesign(doc, d, evs)
    from elc.export.spec_appendix import scrutiny_appendix

    scrutiny_appendix(doc, d)
    workshop_annex(doc, d)
    _awaiting(doc, d, waiting)
    return doc


def _population(doc: Doc, d: ReportData, c: tuple) -> None:
    names, comms, people, staff, evs, waiting, tp_totals = c
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
        doc.p("The touchpoints where most participants wanted things to improve (of those asked about it):")
        doc.bullets([f"{r.touchpoint}: {r.to_improve} of {r.of} asked said it needs to improve; "
                     f"{r.working_well} of the same {r.of} said it works well" for r in worst.itertuples()])
    best = tp_totals[tp_totals.working_well > 0].sort_values("working_well", ascending=False).head(3) \
        if len(tp_totals) else tp_totals
    if len(best):
        doc.p("What works well and should be kept, with the other side of the same touchpoint:")
        doc.bullets([f"{r.touchpoint}: {r.working_well} of {r.of} asked said it works well; "
                     f"{r.to_improve} of the same {r.of} said it needs to improve"
                     + (" (mixed views)" if r.to_improve >= r.working_well / 2 else "") for r in best.itertuples()])


def _outcomes(doc: Doc, d: ReportData, c: tuple) -> None:
    names, comms, people, staff, evs, waiting, tp_totals = c
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
                      + (", ".join(f"{i}.{j}" for j in range(1, len(d.record.kpis.get(ev["id"], [])) + 1))
                         or "none recorded") + ")"]
                     for i, ev in enumerate(evs, 1)])
    else:
        doc.p("No outcome is defined until the challenge workshop endorses a change (candidates: Appendix D).")


def _scope(doc: Doc, d: ReportData, c: tuple) -> None:
    names, comms, people, staff, evs, waiting, tp_totals = c
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
    if journey and people:
        doc.p(f"The experience of {_names([c.name for c in people])}, touchpoint by touchpoint as the interview "
              "guide followed it: " + " → ".join(journey) + ".")
    doc.p("The requirements below come from the high-impact changes the challenge workshop endorsed. Each note gives "
          "the evidence: how many of each community's interviewed participants raised it, and what they said. "
          "Each requirement names the party responsible for meeting it.")
    if not evs:
        doc.p("[No change endorsed yet: see Appendix D for the candidates awaiting the workshop.]")
    for i, ev in enumerate(evs, 1):
        _requirement(doc, d, i, ev)
    _covered(doc, d, c)


def _covered(doc: Doc, d: ReportData, c: tuple) -> None:
    """3.3 to 3.5: who the service is for, eligibility, and the other parties involved."""
    names, comms, people, staff, evs, waiting, tp_totals = c
    doc.h(3, "3.3 Population covered")
    doc.p("[Commissioner to define the registered population and geography covered.] The people this "
          "service is for, as engaged by the programme: "
          + ("; ".join(f"{c.name} ({c.interviewed} interviewed)" for c in people) or "-") + ".")
    doc.h(3, "3.4 Any acceptance and exclusion criteria and thresholds")
    doc.p("[Commissioner to state the eligibility criteria"
          + (f", including for {_names([c.name for c in people[1:]])}" if len(people) > 1 else "") + ".]")
    elig = [r for r in tp_totals.itertuples() if re.search(r"eligib", r.touchpoint, re.I)] if len(tp_totals) else []
    elig_codes = d.codebook[d.codebook.name.str.contains("eligib", case=False, regex=True)]
    lines = [f"{r.touchpoint}: {r.raised} participants raised it ({r.to_improve} to improve)" for r in elig if r.raised]
    lines += [f"{c.name}: {c.participants} participants ({c.to_improve} to improve)"
              for c in elig_codes.itertuples() if c.kind != "touchpoint" and c.participants]
    if lines:
        doc.p("What participants said about eligibility:")
        doc.bullets(lines)
    doc.h(3, "3.5 Interdependence with other services/providers")
    owners = list(dict.fromkeys(ev["owner"] for ev in evs if ev["owner"]))
    parties = list(dict.fromkeys(who for ev in evs for _, who in requirement_lines(d, ev)
                                 if not who.startswith(("provider", "responsible party not set"))))
    doc.p("The endorsed changes name these leads, and these parties other than the provider are responsible "
          "for requirements:")
    doc.bullets(owners + parties or ["[to be completed]"])
    if staff:
        doc.p("Staff communities consulted: " + "; ".join(f"{c.name} ({c.interviewed} interviewed)" for c in staff) + ".")


def _requirement(doc: Doc, d: ReportData, i: int, ev: dict) -> None:
    """3.2.i: an endorsed change, the workshop's decision and its numbered requirements."""
    doc.h(4, f"3.2.{i} {ev['title']}")
    if ev["rationale"]:
        label = ("Why (from the evidence): " if ev.get("rationale_basis") == "evidence"
                 else "Why (the programme team's judgement, not a finding): ")
        doc.p(("b", label), ev["rationale"])
    dec = d.record.decisions.get(ev["id"])
    doc.p(("b", "Workshop decision: "), decision_text(dec, d.record, {e["id"]: e["title"] for e in d.changes})
          + (f" ({dec.note})" if dec is not None and dec.note else "")
          + (f"; incorporates {_names(merged_into(d, ev))} (merged by the workshop)" if merged_into(d, ev) else ""))
    note = doc.note(_evidence_note(ev, d.community_names))
    for j, (text, who) in enumerate(requirement_lines(d, ev), 1):
        doc.req(f"3.2.{i}.{j}", text, note if j == 1 else None, who)
    owner = (dec.owner if dec is not None else None) or ev["owner"]
    if owner:
        doc.p(("b", "Lead: "), owner)


def _standards(doc: Doc, d: ReportData, c: tuple) -> None:
    names, comms, people, staff, evs, waiting, tp_totals = c
    # 4 Standards --------------------------------------------------------------------------
    doc.h(2, "4. Applicable service standards")
    doc.h(3, "4.1 Applicable national standards (e.g. NICE)")
    doc.p("[Commissioner to list, e.g. the national eligibility criteria for this service, the CQC fundamental "
          "standards for regulated activities, and the Accessible Information Standard (DCB1605) for "
          "people with communication needs.]")
    doc.h(3, "4.2 Applicable standards set out in guidance and/or issued by a competent body")
    doc.p("[Commissioner to complete.]")
    doc.h(3, "4.3 Applicable local standards")
    doc.p(f"The requirements in 3.2, drawn from what {_names([c.name for c in comms.itertuples()]) or 'participants'} "
          "said in this programme.")


def _quality(doc: Doc, d: ReportData, c: tuple) -> None:
    names, comms, people, staff, evs, waiting, tp_totals = c
    # 5 Quality ----------------------------------------------------------------------------
    doc.h(2, "5. Applicable quality requirements and CQUIN goals")
    doc.h(3, "5.1 Applicable quality requirements (key performance indicators)")
    kpis = kpi_rows(d, evs)
    if kpis:
        doc.p("Each KPI is a record (elc kpi): a field not yet set is shown as “missing” and named in the last "
              "column; the KPI cannot be signed off until it is complete.")
        doc.table(KPI_HEADER, kpis)
    else:
        doc.p("No KPI is recorded for an endorsed change yet." + (" The candidates' measures are listed with them in "
                                                                 "Appendix D." if waiting else ""))
    doc.h(3, "5.2 Applicable CQUIN goals")
    quality = [ev["title"] for ev in evs if re.search(r"reward|quality|incentive", ev["title"], re.I)]
    doc.p("[Commissioner to agree.] " + (f"The programme asked to “{quality[0]}”: a CQUIN or quality incentive "
                                         "linked to the KPIs above is one way to do so." if quality else ""))


def _location(doc: Doc, d: ReportData, c: tuple) -> None:
    names, comms, people, staff, evs, waiting, tp_totals = c
    # 6 Location ---------------------------------------------------------------------------
    doc.h(2, "6. Location of provider premises")
    doc.p("[Provider to state the premises and any satellite sites.] Service area: as covered by "
          f"the programme ({d.programme}).")


def _names(items: list[str]) -> str:
    items = [i for i in items if i]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def _codesign(doc: Doc, d: ReportData, evs: list[dict]) -> None:
    doc.h(2, "7. Co-design")
    items = codesign_items(d, evs)
    if items:
        doc.p("Who co-designed what, after the challenge workshop:")
        doc.bullets(items)
    else:
        doc.p("No co-design is recorded yet for the endorsed changes.")


def _with_baseline(k) -> str:
    """``Measure (baseline 161 patients, 2018-12, source)`` when the KPI record has a baseline."""
    if k.baseline is None:
        return k.measure
    value = f"{k.baseline:g}{'%' if k.unit.startswith('%') else ' ' + k.unit if k.unit else ''}"
    where = ", ".join(x for x in (k.baseline_date, k.baseline_source) if x)
    return f"{k.measure} (baseline {value}{', ' + where if where else ''})"


def _awaiting(doc: Doc, d: ReportData, waiting: list[dict]) -> None:
    """Appendix D: candidate changes not yet decided, unnumbered, each with its evidence note."""
    if not waiting:
        return
    names = d.community_names
    doc.h(2, "Appendix D. Candidate changes awaiting the workshop")
    doc.p("Not requirements: the challenge workshop has not decided on these yet. Each note gives the evidence.")
    for ev in waiting:
        measures = [_with_baseline(k) for k in d.record.kpis.get(ev["id"], [])]
        doc.p(("b", ev["title"]), ("fn", doc.note(_evidence_note(ev, names))))
        if measures:
            doc.p("Proposed measures: " + "; ".join(measures) + ".")


# ---------------------------------------------------------------------------- renderers
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def md_escape(text: str) -> str:
    """Text safe in Markdown: HTML is written as entities (a transcript's ``<script>`` stays text in
    any renderer) and Markdown punctuation is backslash-escaped."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")


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
            note = f"[^{b[3]}]" if b[3] else ""
            lines += [f"**{b[1]}** {md_escape(b[2])}{note} *Responsible: {md_escape(b[4])}*", ""]
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

    from elc.export.docx_notes import add_footnotes, add_reference

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10.5)

    def runs(par, items):
        for r in items:
            if isinstance(r, tuple) and r[0] == "b":
                par.add_run(xml_text(r[1])).bold = True
            elif isinstance(r, tuple) and r[0] == "fn":
                add_reference(par, r[1])
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
            if b[3]:
                add_reference(par, b[3])
            who = par.add_run(f" Responsible: {xml_text(b[4])}")
            who.italic = True
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
        add_footnotes(document, doc.notes)
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

"""The workshop pack as self-contained web pages: ``DIR/index.html`` and ``DIR/appendix.html``.

    write_html(project, "pack/")

``index.html`` is the pack for the room, laid out to print on A4 (one section per page): a
summary, the touchpoint × community matrix on one landscape page, one page per community ("What
we heard from ..."), one page per change (evidence, both sides, who is missing, and what the
workshop decided), the measures after go-live and the risks. ``appendix.html`` holds the detail:
themes, every open-question answer, the groups, the full quote bank (one row per coded span,
whatever the number of coders) and the codebook. plotly.js is inlined, so the pages open offline;
every piece of stored text is HTML-escaped.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from elc.errors import ExportError
from elc.export.data import ReportData, collect, theme_rows
from elc.export.html_parts import esc, measures_section, page, quote as _q, table as _table
from elc.export.record import decision_text
from elc.insights.evidence import evidence_sentence, n_of_n, sides_sentence, strength_label

QUOTES_LIMIT = 3000  # quotes listed in the appendix; the workbook has every one

FILTER_JS = """<script type="text/javascript">
document.getElementById('quote-filter').addEventListener('input', function (e) {
  var q = e.target.value.toLowerCase();
  document.querySelectorAll('#quotes tbody tr').forEach(function (tr) {
    tr.style.display = tr.textContent.toLowerCase().indexOf(q) === -1 ? 'none' : '';
  });
});
</script>"""


def _balance_colour(b) -> str:
    if b is None or b != b:
        return "#ffffff"
    # -1 red (192,57,43) .. 0 white .. +1 green (26,152,80), lightened for legibility
    lo, hi = (244, 199, 195), (183, 225, 205)
    t = abs(float(b))
    end = hi if b > 0 else lo
    rgb = [round(255 + (e - 255) * t) for e in end]
    return "#%02x%02x%02x" % tuple(rgb)


def _quote(q: dict, names: dict) -> str:
    return _q(q, names, words=None)


# ---------------------------------------------------------------------------- pack sections
def _summary(d: ReportData) -> str:
    c = d.communities
    rows = [[r.name, None if r.target_n != r.target_n else r.target_n, r.interviewed,
             f"{r.achieved_share * 100:.0f}%" if r.achieved_share is not None and r.achieved_share == r.achieved_share else "",
             r.interviews, f"{r.coded_share * 100:.0f}%"] for r in c.itertuples()]
    rec = d.record
    parts = ['<section class="page first" id="summary"><h2>Summary</h2>',
             f"<p><b>Focus question:</b> {esc(d.focus_question)}</p>",
             "<p><b>Programme phases:</b> " + esc("; ".join(f"{p.get('phase', '')}: {p.get('method', '')}"
                                                            for p in d.phases) or "-") + "</p>",
             f"<p><b>Interviews:</b> {d.totals['interviews']} with {d.totals['participants']} participants "
             f"(target {d.totals['target']}); {d.totals['coded_share'] * 100:.0f}% of participant sentences coded; "
             f"{d.totals['codings']} codings by {esc(', '.join(d.totals['coders']) or 'nobody yet')}.</p>",
             _table(["Community", "Target n", "Achieved n", "% of target", "Interviews", "Coded share"], rows,
                    num_cols={1, 2, 3, 4, 5}, table_id="communities")]
    if d.methods:
        parts.append(_table(["Method", "Interviews", "First", "Last", "Communities"],
                            [[m["method"], m["interviews"], m["first"], m["last"],
                              ", ".join(d.community_names.get(k, k) for k in m["communities"])] for m in d.methods],
                            num_cols={1}, table_id="methods"))
    parts.append(f"<p><b>Changes:</b> {esc(_state_counts(d))}.</p>")
    parts.append(f'<p class="deid">{esc(d.deidentification["statement"])}</p>')
    parts += [f'<p class="deid">{esc(line)}.</p>' for line in d.coverage]
    if d.unreviewed_quotes:
        parts.append(f'<p class="deid">Warning: {d.unreviewed_quotes} quotes shown contain de-identification nobody '
                     "has reviewed yet.</p>")
    parts.append('<p class="note">The detail (themes, every open-question answer, the full quote bank of '
                 f"{len(d.quotes)} coded passages, one per coded span, and the codebook) is in the appendix "
                 '(<a href="appendix.html">appendix.html</a>) and the workbook.</p>')
    if not rec.decided:
        parts.append('<p class="note">No workshop decision is recorded yet: every change below is a candidate '
                     "for the challenge workshop.</p>")
    parts.append("</section>")
    return "".join(parts)


def _state_counts(d: ReportData) -> str:
    counts: dict[str, int] = {}
    for ev in d.changes:
        st = d.record.state(ev["id"])
        counts[st] = counts.get(st, 0) + 1
    if not counts:
        return "none recorded yet"
    return ", ".join(f"{n} {st}" for st, n in counts.items())


def _matrix(d: ReportData) -> str:
    m = d.matrix
    parts = ['<section class="page wide" id="matrix"><h2>Insight matrix: touchpoint × community</h2>',
             '<p class="note">Participants, not sentences. ↑ working well, ↓ to improve, of N asked (coded '
             "interviews whose guide has the touchpoint; a participant can hold both); the number first is the "
             "balance = (working well − to improve) / (working well + to improve), from −1 all to improve (red) to "
             "+1 all working well (green); “not asked” where the community's guide has no such touchpoint.</p>"]
    if not len(m):
        parts.append("<p>No touchpoints.</p></section>")
        return "".join(parts)
    comms = list(d.communities.itertuples())
    head = "".join(f"<th>{esc(c.name)} (N={c.coded} coded)</th>" for c in comms)
    rows = []
    cells = {(r.touchpoint, r.community): r for r in m.itertuples()}
    for tp in dict.fromkeys(m.touchpoint):
        tds = []
        for c in comms:
            r = cells[(tp, c.key)]
            attrs = (f'data-touchpoint="{esc(tp)}" data-community="{esc(c.key)}" '
                     f'data-working-well="{r.working_well}" data-to-improve="{r.to_improve}" '
                     f'data-interviewed="{r.interviewed}" data-of="{"" if not r.asked else int(r.of)}" '
                     f'data-balance="{"" if r.balance is None or r.balance != r.balance else r.balance}"')
            if not r.asked:
                tds.append(f'<td class="na" {attrs}>not asked</td>')
                continue
            b = "" if r.balance is None or r.balance != r.balance else f"{r.balance:+.2f} "
            tds.append(f'<td class="num" style="background:{_balance_colour(r.balance)}" {attrs}>'
                       f"{b}↑{r.working_well} ↓{r.to_improve} of {int(r.of)}</td>")
        rows.append(f"<tr><th>{esc(tp)}</th>{''.join(tds)}</tr>")
    parts.append(f'<table id="insight-matrix"><thead><tr><th>Touchpoint</th>{head}</tr></thead>'
                 f"<tbody>{''.join(rows)}</tbody></table></section>")
    return "".join(parts)


def _sides(items: list[dict]) -> str:
    if not items:
        return "<p class=\"note\">None raised.</p>"
    return "<ul>" + "".join(f"<li>{esc(t['touchpoint'])}: {t['n']} of {t['of']} asked</li>" for t in items) + "</ul>"


def _community_pages(d: ReportData) -> str:
    parts = []
    for pg in d.community_pages:
        parts.append(f'<section class="page community" id="community-{esc(pg.key)}" data-community="{esc(pg.key)}">'
                     f"<h2>What we heard from {esc(pg.name)}</h2>"
                     f"<p>{pg.interviewed} interviewed, {pg.coded} coded. Counts are participants of N asked "
                     "(a participant can say both).</p>")
        if not pg.coded:
            parts.append('<p class="note">No coded interview yet: nothing can be said for this community.</p>'
                         "</section>")
            continue
        parts.append(f'<div class="cols"><div><h3>Working well</h3>{_sides(pg.working_well)}</div>'
                     f"<div><h3>To improve</h3>{_sides(pg.to_improve)}</div></div>")
        if pg.answers:
            parts.append("<h3>Answers to the open questions</h3><ul>")
            for a in pg.answers:
                ex = a["quotes"][0] if a.get("quotes") else None
                parts.append(f"<li><b>{esc(a['question'])}</b> {a['answered']} of {a['of']} answered"
                             + (f": “{esc(_clip(ex['text'], 30))}” ({esc(ex.get('participant'))})" if ex else "")
                             + "</li>")
            parts.append("</ul>")
        if pg.quotes:
            parts.append("<h3>In their words</h3>" + "".join(_q(q, d.community_names) for q in pg.quotes))
        parts.append("</section>")
    return "".join(parts)


def _clip(text: str, words: int) -> str:
    from elc.insights.quotes import clip

    return clip(text, words)


def _missing(ev: dict) -> list[str]:
    silent = [f"{b['name']} (0 of {b['of']} asked)" for b in ev["by_community"]
              if b["asked"] and b["of"] and not b["participants"]]
    not_asked = [b["name"] for b in ev["by_community"] if not b["asked"]]
    out = []
    if silent:
        out.append("Asked but silent: " + "; ".join(silent))
    if not_asked:
        out.append("Not asked (their guide has no such question, view unknown): " + "; ".join(not_asked))
    return out


def _change_pages(d: ReportData) -> str:
    if not d.changes:
        return ('<section class="page" id="changes"><h2>Candidate changes</h2><p class="note">No high-impact changes '
                "recorded yet (elc changes PROJECT --add TITLE).</p></section>")
    titles = {ev["id"]: ev["title"] for ev in d.changes}
    parts = []
    for i, ev in enumerate(d.changes, 1):
        rec = d.record
        dec = rec.decisions.get(ev["id"])
        rows = [[b["name"], n_of_n(b), b["to_improve"], b["working_well"], b["both"]] for b in ev["by_community"]]
        basis = "from the evidence" if ev.get("rationale_basis") == "evidence" else "the programme team's judgement"
        kpis = rec.kpis.get(ev["id"], [])
        parts.append(
            f'<section class="page change" id="change-{ev["id"]}" data-change="{ev["id"]}" '
            f'data-state="{esc(rec.state(ev["id"]))}"><h2>Change {i}: {esc(ev["title"])}</h2>'
            f'<p><span class="badge {esc(ev["strength"])}">{esc(strength_label(ev))}</span> '
            f'<span class="badge state">{esc(rec.state(ev["id"]))}</span></p>'
            f'<div class="decision"><b>Workshop decision:</b> {esc(decision_text(dec, rec, titles))}'
            + (f"<br>{esc(dec.note)}" if dec is not None and dec.note else "") + "</div>"
            + (f"<p><b>Why ({basis}):</b> {esc(ev['rationale'])}</p>" if ev["rationale"] else "")
            + f"<p><b>Evidence:</b> {esc(evidence_sentence(ev))}.</p>"
            + f"<p><b>Both sides:</b> {esc(sides_sentence(ev))}.</p>"
            + _table(["Community", "Raised it", "To improve", "Working well", "Both"], rows, num_cols={2, 3, 4})
            + "<p><b>Who is missing:</b></p><ul class=\"flags\">"
            + "".join(f"<li>{esc(x)}</li>" for x in (_missing(ev) or ["nobody: every community asked raised it"]))
            + "".join(f"<li>{esc(f['message'])}</li>" for f in ev["flags"]) + "</ul>"
            + (f"<p><b>Touchpoints:</b> {esc(', '.join(t['touchpoint'] + ' (' + str(t['participants']) + ')' for t in ev['touchpoints']))}</p>"
               if ev["touchpoints"] else "")
            + ("<p><b>Success measures:</b> " + esc("; ".join(k.measure for k in kpis)) + "</p>" if kpis else "")
            + "".join(_q(q, d.community_names) for q in ev["quotes"][:3])
            + "</section>")
    return "".join(parts)


def _workshop(d: ReportData) -> str:
    rec = d.record
    if not rec.workshops and not rec.decided:
        return ""
    parts = ['<section class="page" id="workshop"><h2>What the workshop decided</h2>']
    for w in rec.workshops:
        people = [a for a in rec.attendees if a.workshop_id == w.id]
        parts.append(f"<h3>{esc(w.title)}{' (' + esc(w.held_on) + ')' if w.held_on else ''}</h3>")
        if people:
            parts.append(_table(["Role", "Community", "Organisation", "People"],
                                [[a.role, d.community_names.get(a.community, a.community), a.organisation, a.n]
                                 for a in people], num_cols={3}))
    titles = {ev["id"]: ev["title"] for ev in d.changes}
    rows = [[f"{i}. {ev['title']}", decision_text(rec.decisions.get(ev["id"]), rec, titles)]
            for i, ev in enumerate(d.changes, 1)]
    parts.append(_table(["Change", "Decision"], rows, table_id="decisions") + "</section>")
    return "".join(parts)


def _risks(d: ReportData) -> str:
    items = "".join(f"<li>{esc(r)}</li>" for r in (d.risks or ["None found in the evidence."]))
    return f'<section class="page" id="risks"><h2>Risks in the evidence</h2><ul class="flags">{items}</ul></section>'


# ---------------------------------------------------------------------------- appendix sections
def _themes(d: ReportData) -> str:
    cols, rows = theme_rows(d.theme_run)
    if not cols or d.theme_run is None:  # (no columns without a run)
        return ('<section class="page first" id="themes"><h2>Themes by community</h2><p class="note">No theme run is '
                "stored in this project yet: run the themes step (elc themes PROJECT) and export again.</p></section>")
    run = d.theme_run
    if "community" in cols:
        k = cols.index("community")
        for r in rows:
            r[k] = d.community_names.get(r[k], r[k])
    return (f'<section class="page first" id="themes"><h2>Themes by community</h2><p class="note">Latest theme run '
            f"#{run['id']} ({esc(run['method'])}, {esc(str(run['ts'])[:16])}).</p>"
            + _table([c.replace("_", " ").capitalize() for c in cols], rows, table_id="themes-table") + "</section>")


def _cell_quotes(d: ReportData) -> str:
    m = d.matrix
    parts = ['<section class="page" id="matrix-quotes"><h2>Strongest quotes per touchpoint and community</h2>']
    for tp, g in (m.groupby("touchpoint", sort=False) if len(m) else []):
        quoted = [r for r in g.itertuples() if r.quotes]
        if quoted:
            parts.append(f"<h3>{esc(tp)}</h3>" + "".join(
                f"<h4>{esc(r.community_name)}</h4>" + "".join(_quote(q, d.community_names) for q in r.quotes)
                for r in quoted))
    parts.append("</section>")
    return "".join(parts)


def _open_questions(d: ReportData) -> str:
    parts = ['<section class="page" id="open-questions"><h2>Answers to the open questions</h2>'
             '<p class="note">Participants who answered, of those interviewed, with examples.</p>']
    for rec in d.open_answers:
        parts.append(f"<h3>{esc(rec['question'])}</h3>")
        for b in rec["by_community"]:
            parts.append(f"<h4>{esc(b['name'])}: {b['answered']} of {b['of']} answered</h4>"
                         + "".join(_quote(q, d.community_names) for q in b["quotes"]))
        if rec.get("changes_asked"):
            parts.append("<p>Asked for each change (answer coded with its codes): "
                         + esc("; ".join(f"change {i}: {n}" for i, n in rec["changes_asked"].items())) + "</p>")
    parts.append("</section>")
    return "".join(parts)


def _groups(d: ReportData) -> str:
    from elc.insights.breakdown import SUPPRESS_BELOW

    parts = ['<section class="page" id="groups"><h2>Is the impact greater on any particular group?</h2>'
             f'<p class="note">↓ to improve, ↑ working well, of N asked in each group; counts from 1 to '
             f"{SUPPRESS_BELOW - 1} are shown as &lt;{SUPPRESS_BELOW}, and a second count is withheld (shown as c) where "
             "a total would reveal one.</p>"]
    if not d.breakdowns:
        parts.append('<p class="note">No participant attributes recorded (elc attributes PROJECT --csv FILE).</p>')
    for attr, bd in d.breakdowns.items():
        rows = [[r["row"], *[r[g] for g in bd.groups], r["All"]] for r in bd.table().to_dict("records")]
        parts.append(f"<h3>By {esc(attr.replace('_', ' '))}</h3>" + _table(["Change", *bd.groups, "All"], rows))
    parts.append("</section>")
    return "".join(parts)


def _quotes(d: ReportData) -> str:
    q = d.quotes
    shown = q.head(QUOTES_LIMIT)
    rows = [[r.participant, r.community_name, r.touchpoint, r.valence, r.code, r.quote, r.coder]
            for r in shown.itertuples()]
    more = (f'<p class="note">Showing the first {QUOTES_LIMIT} of {len(q)} coded passages; the workbook '
            "(elc report --xlsx) lists every one.</p>" if len(q) > QUOTES_LIMIT else "")
    return ('<section class="page" id="quotes"><h2>Quote bank</h2><p class="note">Every coded passage, '
            'de-identified, under the participant\'s pseudonym; a span coded by two coders is listed once (both '
            'coders named).</p><input id="quote-filter" type="search" placeholder="Filter quotes…" '
            'aria-label="Filter quotes">' + more
            + _table(["Participant", "Community", "Touchpoint", "Valence", "Code", "Quote", "Coder(s)"], rows,
                     table_id="quotes")
            + "</section>")


def _codebook(d: ReportData) -> str:
    rows = []
    for c in d.codebook.itertuples():
        colour = esc(c.colour)
        rows.append(f"<tr><td>{esc(c.name)}</td><td>{esc(c.kind)}</td><td>{esc(c.family)}</td><td>{esc(c.parent)}</td>"
                    f"<td>{esc(c.definition)}</td><td><span class=\"swatch\" style=\"background:{colour}\"></span> "
                    f"{colour}</td><td class=\"num\">{int(c.n_codings)}</td><td class=\"num\">{c.participants}</td>"
                    f"<td class=\"num\">{c.working_well}</td><td class=\"num\">{c.to_improve}</td></tr>")
    head = "".join(f"<th>{h}</th>" for h in ["Code", "Kind", "Family", "Parent", "Definition", "Colour", "Codings",
                                             "Participants", "Working well", "To improve"])
    return (f'<section class="page" id="codebook"><h2>Codebook</h2><table id="codebook-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></section>")


def _meta(d: ReportData) -> str:
    meta = json.dumps({"programme": d.programme, "generated": d.generated, "project": d.project,
                       "totals": d.totals})
    meta = meta.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="elc-meta">{meta}</script>'


def render_html(d: ReportData) -> str:
    """The pack for the room (index.html)."""
    titles = {ev["id"]: ev["title"] for ev in d.changes}
    body = "".join([_summary(d), _matrix(d), _community_pages(d), _change_pages(d), _workshop(d),
                    measures_section(d.record, titles), _risks(d)])
    nav = ('<nav><a href="#summary">Summary</a><a href="#matrix">Matrix</a>'
           + "".join(f'<a href="#community-{esc(pg.key)}">{esc(pg.name)}</a>' for pg in d.community_pages)
           + '<a href="#changes-start">Changes</a><a href="appendix.html">Appendix</a></nav>')
    body = body.replace('<section class="page change"', '<a id="changes-start"></a><section class="page change"', 1)
    generated = f"{d.generated} from {d.project}" + (f" (codings by {d.coder} only)" if d.coder else "")
    return page("ELC workshop pack", body,
                d.programme, generated, nav=nav, script=_meta(d))


def render_appendix(d: ReportData) -> str:
    """The detail behind the pack (appendix.html): themes, answers, groups, quote bank, codebook."""
    body = "".join([_themes(d), _open_questions(d), _groups(d), _cell_quotes(d), _quotes(d), _codebook(d)])
    nav = ('<nav><a href="index.html">Pack</a><a href="#themes">Themes</a><a href="#open-questions">Open questions'
           '</a><a href="#quotes">Quote bank</a><a href="#codebook">Codebook</a></nav>')
    return page("ELC workshop pack, appendix", body, d.programme, f"{d.generated} from {d.project}", nav=nav,
                script=FILTER_JS)


def _write(directory: Path, name: str, text: str) -> Path:
    target = directory / name
    fd, tmp = tempfile.mkstemp(prefix=".elc-", suffix=".html", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, target)
    return target


def write_html(project, directory: str | Path, coder: str | None = None, data: ReportData | None = None) -> Path:
    """Write ``DIR/index.html`` and ``DIR/appendix.html`` (created if needed); returns index.html's path."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ExportError(f"{directory}: is a file; --html takes a folder")
    d = data or collect(project, coder=coder)
    pack, appendix = render_html(d), render_appendix(d)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _write(directory, "appendix.html", appendix)
        target = _write(directory, "index.html", pack)
    except OSError as exc:
        raise ExportError(f"{directory}: could not write the report ({exc.strerror or exc})") from None
    return target


__all__ = ["write_html", "render_html", "render_appendix"]

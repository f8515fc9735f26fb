"""The workshop pack as one self-contained web page: ``DIR/index.html``.

    write_html(project, "pack/")

Same content as the workbook (summary, insight matrix, themes, changes with their evidence,
quotes, codebook) with interactive plotly charts. plotly.js is inlined, so the page opens
offline and makes no network request; every piece of stored text is HTML-escaped.
"""

from __future__ import annotations

import html
import json
import os
import tempfile
from pathlib import Path

from elc.errors import ExportError
from elc.export.data import ReportData, collect, theme_rows
from elc.insights.evidence import evidence_sentence, strength_label
from elc.insights.quotes import attribution

QUOTES_LIMIT = 3000  # quotes listed on the page; the workbook has every one

CSS = """
:root { --nhs-blue:#005eb8; --ink:#212b32; --grey:#4c6272; --pale:#f0f4f5; --red:#c0392b; --green:#1a9850; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: var(--ink); margin: 0; line-height: 1.45; }
header { background: var(--nhs-blue); color: #fff; padding: 1.2rem 2rem; }
header h1 { margin: 0 0 .3rem 0; font-size: 1.6rem; }
header p { margin: .2rem 0; }
nav { background: var(--pale); padding: .5rem 2rem; position: sticky; top: 0; z-index: 5; border-bottom: 1px solid #d8dde0; }
nav a { margin-right: 1.2rem; color: var(--nhs-blue); font-weight: bold; text-decoration: none; }
main { padding: 0 2rem 3rem 2rem; max-width: 1400px; }
h2 { color: var(--nhs-blue); border-bottom: 2px solid var(--nhs-blue); padding-bottom: .2rem; margin-top: 2.2rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem 0; font-size: .9rem; }
th, td { border: 1px solid #d8dde0; padding: .3rem .5rem; vertical-align: top; text-align: left; }
th { background: var(--nhs-blue); color: #fff; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.na { background: #fafafa; color: #aaa; }
.note { color: var(--grey); font-style: italic; }
.deid { background: #fff9c4; border-left: 4px solid #ffb81c; padding: .5rem .8rem; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: .8rem; font-size: .8rem; font-weight: bold; }
.strong { background: #b7e1cd; } .moderate { background: #fce8b2; } .thin { background: #f9cb9c; } .none { background: #f4c7c3; }
.change { border: 1px solid #d8dde0; border-left: 6px solid var(--nhs-blue); padding: .6rem 1rem; margin: 1rem 0; }
.change h3 { margin: .2rem 0 .4rem 0; }
.flags li { color: #8a1538; }
blockquote { margin: .4rem 0 .4rem 1rem; padding-left: .8rem; border-left: 3px solid #aeb7bd; }
blockquote.to-improve { border-left-color: var(--red); } blockquote.working-well { border-left-color: var(--green); }
cite { display: block; color: var(--grey); font-size: .85rem; font-style: normal; }
.swatch { display: inline-block; width: 1rem; height: 1rem; border: 1px solid #999; vertical-align: middle; }
details { margin: .3rem 0; } summary { cursor: pointer; }
#quote-filter { padding: .3rem; width: 24rem; max-width: 100%; }
"""

FILTER_JS = """
document.getElementById('quote-filter').addEventListener('input', function (e) {
  var q = e.target.value.toLowerCase();
  document.querySelectorAll('#quotes tbody tr').forEach(function (tr) {
    tr.style.display = tr.textContent.toLowerCase().indexOf(q) === -1 ? 'none' : '';
  });
});
"""


def esc(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return html.escape(str(value), quote=True)


def _balance_colour(b) -> str:
    if b is None or b != b:
        return "#ffffff"
    # -1 red (192,57,43) .. 0 white .. +1 green (26,152,80), lightened for legibility
    lo, hi = (244, 199, 195), (183, 225, 205)
    t = abs(float(b))
    end = hi if b > 0 else lo
    rgb = [round(255 + (e - 255) * t) for e in end]
    return "#%02x%02x%02x" % tuple(rgb)


def _table(headers: list[str], rows: list[list], num_cols=(), table_id: str | None = None) -> str:
    out = [f'<table{f" id={chr(34)}{table_id}{chr(34)}" if table_id else ""}><thead><tr>']
    out += [f"<th>{esc(h)}</th>" for h in headers]
    out.append("</tr></thead><tbody>")
    for r in rows:
        out.append("<tr>" + "".join(
            f'<td class="num">{esc(v)}</td>' if i in num_cols else f"<td>{esc(v)}</td>" for i, v in enumerate(r))
            + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _fig(fig) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False,
                       config={"displaylogo": False, "responsive": True})


def _quote(q: dict, names: dict) -> str:
    return (f'<blockquote class="{esc(q.get("valence"))}">“{esc(q["text"])}”'
            f"<cite>{esc(attribution(q, names))} · {esc(q.get('valence'))}"
            f"{' · ' + esc(q['touchpoint']) if q.get('touchpoint') else ''}</cite></blockquote>")


# ---------------------------------------------------------------------------- sections
def _summary(d: ReportData) -> str:
    import plotly.graph_objects as go

    c = d.communities
    rows = [[r.name, r.family, None if r.target_n != r.target_n else r.target_n, r.interviewed,
             f"{r.achieved_share * 100:.0f}%" if r.achieved_share is not None and r.achieved_share == r.achieved_share else "",
             r.interviews, r.segments, f"{r.coded_share * 100:.0f}%"] for r in c.itertuples()]
    parts = ['<section id="summary"><h2>Summary</h2>',
             f"<p><b>Focus question:</b> {esc(d.focus_question)}</p>",
             "<p><b>Programme phases:</b> " + esc("; ".join(f"{p.get('phase', '')}: {p.get('method', '')}"
                                                            for p in d.phases) or "-") + "</p>",
             f"<p><b>Interviews:</b> {d.totals['interviews']} with {d.totals['participants']} participants "
             f"(target {d.totals['target']}); {d.totals['coded_share'] * 100:.0f}% of participant sentences coded; "
             f"{d.totals['codings']} codings by {esc(', '.join(d.totals['coders']) or 'nobody yet')}.</p>",
             _table(["Community", "Family", "Target n", "Achieved n", "% of target", "Interviews",
                     "Participant sentences", "Coded share"], rows, num_cols={2, 3, 4, 5, 6, 7},
                    table_id="communities")]
    if d.methods:
        parts.append(_table(["Method", "Interviews", "First", "Last", "Communities"],
                            [[m["method"], m["interviews"], m["first"], m["last"],
                              ", ".join(d.community_names.get(k, k) for k in m["communities"])] for m in d.methods],
                            num_cols={1}, table_id="methods"))
    if len(c):
        fig = go.Figure([go.Bar(name="target n", x=list(c.name), y=[None if t != t else t for t in c.target_n],
                                marker_color="#aeb7bd"),
                         go.Bar(name="achieved n", x=list(c.name), y=list(c.interviewed), marker_color="#005eb8")])
        fig.update_layout(title="Participants interviewed against target n", barmode="group", height=380,
                          template="plotly_white", margin={"t": 60, "b": 80})
        parts.append(_fig(fig))
    parts.append("</section>")
    return "".join(parts)


def _matrix(d: ReportData) -> str:
    from elc.insights.matrix import heatmap_figure, valence_bar_figure

    m = d.matrix
    parts = ['<section id="matrix"><h2>Insight matrix: touchpoint × community</h2>',
             '<p class="note">Participants, not sentences. Balance = (working well − to improve) / '
             "(working well + to improve): −1 all to improve (red), +1 all working well (green). "
             "↑ working well, ↓ to improve, of N asked (coded interviews whose guide has the touchpoint; a "
             "participant can hold both); “not asked” where the community's guide has no such touchpoint.</p>"]
    if not len(m):
        parts.append("<p>No touchpoints.</p></section>")
        return "".join(parts)
    parts.append(_fig(heatmap_figure(m)))
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
                 f"<tbody>{''.join(rows)}</tbody></table>")
    parts.append(_fig(valence_bar_figure(m)))
    parts.append("<h3>Strongest quotes per touchpoint and community</h3>")
    for tp, g in m.groupby("touchpoint", sort=False):
        quoted = [r for r in g.itertuples() if r.quotes]
        if not quoted:
            continue
        inner = "".join(f"<h4>{esc(r.community_name)}</h4>" + "".join(_quote(q, d.community_names) for q in r.quotes)
                        for r in quoted)
        parts.append(f"<details><summary>{esc(tp)}</summary>{inner}</details>")
    parts.append("</section>")
    return "".join(parts)


def _themes(d: ReportData) -> str:
    cols, rows = theme_rows(d.theme_run)
    if not cols:
        return ('<section id="themes"><h2>Themes by community</h2><p class="note">No theme run is stored in '
                "this project yet: run the themes step (elc themes PROJECT) and export again.</p></section>")
    run = d.theme_run
    if "community" in cols:
        k = cols.index("community")
        for r in rows:
            r[k] = d.community_names.get(r[k], r[k])
    return (f'<section id="themes"><h2>Themes by community</h2><p class="note">Latest theme run #{run["id"]} '
            f"({esc(run['method'])}, {esc(str(run['ts'])[:16])}).</p>"
            + _table([c.replace("_", " ").capitalize() for c in cols], rows, table_id="themes-table") + "</section>")


def _changes(d: ReportData) -> str:
    parts = ['<section id="changes"><h2>High-impact changes and their evidence</h2>']
    if not d.changes:
        parts.append('<p class="note">No high-impact changes recorded yet (elc changes PROJECT --add TITLE).</p>')
    for i, ev in enumerate(d.changes, 1):
        rows = [[b["name"], b["participants"], b["of"] if b["asked"] else "not asked", b["interviewed"],
                 b["target_n"], b["to_improve"], b["working_well"], b["both"]] for b in ev["by_community"]]
        basis = "from the evidence" if ev.get("rationale_basis") == "evidence" else "the programme team's judgement"
        parts.append(
            f'<div class="change" id="change-{ev["id"]}"><h3>{i}. {esc(ev["title"])} '
            f'<span class="badge {esc(ev["strength"])}">{esc(strength_label(ev))}</span></h3>'
            + (f"<p><b>Owner:</b> {esc(ev['owner'])}</p>" if ev["owner"] else "")
            + (f"<p><b>Why ({basis}):</b> {esc(ev['rationale'])}</p>" if ev["rationale"] else "")
            + f"<p><b>Evidence:</b> {esc(evidence_sentence(ev))}.</p>"
            + _table(["Community", "Raised it", "N asked", "Interviewed", "Target n", "To improve", "Working well",
                      "Both"], rows, num_cols={1, 2, 3, 4, 5, 6, 7})
            + ("<ul class=\"flags\">" + "".join(f"<li>{esc(f['message'])}</li>" for f in ev["flags"]) + "</ul>"
               if ev["flags"] else "")
            + f"<p><b>Linked codes:</b> {esc(', '.join(ev['codes']) or 'none')}"
            + (f"; <b>themes:</b> {esc(', '.join(ev['themes']))}" if ev["themes"] else "") + "</p>"
            + (f"<p><b>Touchpoints:</b> {esc(', '.join(t['touchpoint'] + ' (' + str(t['participants']) + ')' for t in ev['touchpoints']))}</p>"
               if ev["touchpoints"] else "")
            + ("<p><b>Success measures:</b></p><ul>" + "".join(f"<li>{esc(m)}</li>" for m in ev["measures"]) + "</ul>"
               if ev["measures"] else "")
            + "".join(_quote(q, d.community_names) for q in ev["quotes"])
            + "</div>")
    parts.append("</section>")
    return "".join(parts)


def _open_questions(d: ReportData) -> str:
    parts = ['<section id="open-questions"><h2>Answers to the open questions</h2>'
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

    parts = ['<section id="groups"><h2>Is the impact greater on any particular group?</h2>'
             f'<p class="note">↓ to improve, ↑ working well, of N asked in each group; counts from 1 to '
             f"{SUPPRESS_BELOW - 1} are shown as &lt;{SUPPRESS_BELOW}, and a second count is hidden where a total "
             "would reveal one.</p>"]
    if not d.breakdowns:
        parts.append('<p class="note">No participant attributes recorded (elc attributes PROJECT --csv FILE).</p>')
    for attr, bd in d.breakdowns.items():
        rows = [[r["row"], *[r[g] for g in bd.groups], r["All"]] for r in bd.table().to_dict("records")]
        parts.append(f"<h3>By {esc(attr.replace('_', ' '))}</h3>" + _table(["Change", *bd.groups, "All"], rows))
    parts.append("</section>")
    return "".join(parts)


def _risks(d: ReportData) -> str:
    items = "".join(f"<li>{esc(r)}</li>" for r in (d.risks or ["None found in the evidence."]))
    return f'<section id="risks"><h2>Risks in the evidence</h2><ul class="flags">{items}</ul></section>'


def _quotes(d: ReportData) -> str:
    q = d.quotes
    shown = q.head(QUOTES_LIMIT)
    rows = [[r.participant, r.community_name, r.touchpoint, r.valence, r.code, r.quote]
            for r in shown.itertuples()]
    more = (f'<p class="note">Showing the first {QUOTES_LIMIT} of {len(q)} coded passages; the workbook '
            "(elc report --xlsx) lists every one.</p>" if len(q) > QUOTES_LIMIT else "")
    return ('<section id="quotes"><h2>Quotes</h2><p class="note">Every coded passage, de-identified, under the '
            'participant\'s pseudonym.</p><input id="quote-filter" type="search" placeholder="Filter quotes…" '
            'aria-label="Filter quotes">' + more
            + _table(["Participant", "Community", "Touchpoint", "Valence", "Code", "Quote"], rows, table_id="quotes")
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
    return (f'<section id="codebook"><h2>Codebook</h2><table id="codebook-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></section>")


def render_html(d: ReportData) -> str:
    from plotly.offline import get_plotlyjs

    body = "".join([_summary(d), _matrix(d), _themes(d), _changes(d), _open_questions(d), _groups(d), _risks(d),
                    _quotes(d), _codebook(d)])
    meta = json.dumps({"programme": d.programme, "generated": d.generated, "project": d.project,
                       "totals": d.totals}).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{esc(d.programme)}: ELC workshop pack</title><style>{CSS}</style>"
        f"<script type=\"text/javascript\">{get_plotlyjs()}</script>"
        f"<script type=\"application/json\" id=\"elc-meta\">{meta}</script></head><body>"
        f"<header><h1>{esc(d.programme)}: ELC workshop pack</h1>"
        f"<p><b>Focus question:</b> {esc(d.focus_question)}</p>"
        f"<p>Generated {esc(d.generated)} from {esc(d.project)}"
        f"{' (codings by ' + esc(d.coder) + ' only)' if d.coder else ''}.</p></header>"
        "<nav><a href=\"#summary\">Summary</a><a href=\"#matrix\">Insight matrix</a><a href=\"#themes\">Themes</a>"
        "<a href=\"#changes\">High-impact changes</a><a href=\"#quotes\">Quotes</a><a href=\"#codebook\">Codebook</a></nav>"
        f"<main><p class=\"deid\">{esc(d.deidentification['statement'])}</p>"
        + "".join(f"<p class=\"deid\">{esc(line)}.</p>" for line in d.coverage)
        + (f"<p class=\"deid\">Warning: {d.unreviewed_quotes} quotes shown contain de-identification nobody has "
           "reviewed yet.</p>" if d.unreviewed_quotes else "")
        + f"{body}</main>"
        f"<script type=\"text/javascript\">{FILTER_JS}</script></body></html>\n")


def write_html(project, directory: str | Path, coder: str | None = None, data: ReportData | None = None) -> Path:
    """Write ``DIR/index.html`` (created if needed); returns the path of index.html."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ExportError(f"{directory}: is a file; --html takes a folder")
    page = render_html(data or collect(project, coder=coder))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / "index.html"
        fd, tmp = tempfile.mkstemp(prefix=".elc-", suffix=".html", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(page)
        os.replace(tmp, target)
    except OSError as exc:
        raise ExportError(f"{directory}: could not write the report ({exc.strerror or exc})") from None
    return target


__all__ = ["write_html", "render_html"]

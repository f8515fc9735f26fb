"""“You said, we did”: a printable page for participants and the scrutiny committee.

    write_you_said(project, "you-said.html")

For each change the workshop took forward: what people said (n of N asked per community and two
quotes), what the workshop decided (when, with how many votes) and what has been measured since
(the latest return against baseline and threshold, with its trend). Changes not taken forward and
those still awaiting the workshop follow, so nothing heard is left out.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from elc.errors import ExportError
from elc.export.data import ReportData, collect
from elc.export.html_parts import esc, kpi_chart, kpi_line, page, quote
from elc.export.record import ENDORSED, decision_text
from elc.insights.evidence import n_of_n


def _said(ev: dict, d: ReportData) -> str:
    heard = [f"<li>{esc(b['name'])}: {esc(n_of_n(b))}</li>" for b in ev["by_community"]]
    return (f'<div class="said"><h3>You said</h3><p>{ev["participants"]} participant'
            f'{"" if ev["participants"] == 1 else "s"} raised it:</p><ul>{"".join(heard)}</ul>'
            + "".join(quote(q, d.community_names) for q in ev["quotes"][:2]) + "</div>")


def _did(ev: dict, d: ReportData, titles: dict) -> str:
    dec = d.record.decisions.get(ev["id"])
    text = decision_text(dec, d.record, titles)
    merged = [titles.get(c, c) for c in d.record.merged_here(ev["id"])]
    return (f'<div class="did"><h3>We decided</h3><p data-decision="{esc(dec.decision if dec else "")}">'
            f"{esc(text)}{'. ' + esc(dec.note) if dec and dec.note else ''}"
            + (f". It brings together: {esc('; '.join(merged))}" if merged else "") + ".</p></div>")


def _measured(ev: dict, d: ReportData) -> str:
    kpis = d.record.kpis.get(ev["id"], [])
    if not kpis:
        return '<div class="measure"><h3>How we will know</h3><p>No measure recorded yet.</p></div>'
    parts = ['<div class="measure"><h3>How we will know</h3><ul>']
    charts = []
    for k in kpis:
        rets = d.record.returns.get(k.id, [])
        parts.append(f'<li data-kpi="{k.id}">{esc(k.measure)}: {esc(kpi_line(k, rets))}</li>')
        if rets:
            charts.append(kpi_chart(k, rets))
    parts.append("</ul>" + "".join(charts) + "</div>")
    return "".join(parts)


def render_you_said(d: ReportData) -> str:
    titles = {ev["id"]: ev["title"] for ev in d.changes}
    rec = d.record
    done = [ev for ev in d.changes if rec.state(ev["id"]) in ENDORSED]
    parts = [f'<section class="page first"><p><b>The question we asked:</b> {esc(d.focus_question)}</p>'
             f"<p>We held {d.totals['interviews']} interviews with {d.totals['participants']} people across "
             f"{len(d.communities)} communities. This is what you told us, what the challenge workshop decided and "
             "what has happened since. Counts are people of those asked about it.</p></section>"]
    if not done:
        parts.append('<section class="page"><h2>We did</h2><p>The challenge workshop has not taken any change forward '
                     "yet.</p></section>")
    for i, ev in enumerate(done, 1):
        parts.append(f'<section class="page change" id="change-{ev["id"]}" data-change="{ev["id"]}">'
                     f"<h2>{i}. {esc(ev['title'])}</h2>{_said(ev, d)}{_did(ev, d, titles)}{_measured(ev, d)}</section>")
    rest = [ev for ev in d.changes if ev not in done]
    if rest:
        parts.append('<section class="page" id="not-yet"><h2>What else you said</h2><ul>')
        for ev in rest:
            dec = rec.decisions.get(ev["id"])
            parts.append(f'<li data-change="{ev["id"]}"><b>{esc(ev["title"])}</b> ({ev["participants"]} participants): '
                         f"{esc(decision_text(dec, rec, titles))}{'; ' + esc(dec.note) if dec and dec.note else ''}"
                         "</li>")
        parts.append("</ul></section>")
    return page("you said, we did", "".join(parts), d.programme, d.generated)


def write_you_said(project, path: str | Path, coder: str | None = None, data: ReportData | None = None) -> Path:
    """Write the report to ``path`` (.html); returns the path."""
    path = Path(path)
    if path.suffix.lower() != ".html":
        raise ExportError(f"{path}: the 'you said, we did' report must be an .html file")
    if path.is_dir():
        raise ExportError(f"{path}: is a folder; give a file name ending .html")
    if not path.parent.exists():
        raise ExportError(f"{path.parent}: no such folder")
    text = render_you_said(data or collect(project, coder=coder))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".elc-", suffix=".html", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"{path}: could not be written ({exc.strerror or exc})") from None
    return path


__all__ = ["write_you_said", "render_you_said"]

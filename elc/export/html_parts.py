"""Pieces every printable HTML page of elc shares: escaping, tables, quotes, the A4 print
stylesheet and the KPI trend chart (plotly, sized to print)."""

from __future__ import annotations

import html

from elc.export.record import Record, fmt, kpi_status
from elc.insights.quotes import attribution, clip

QUOTE_WORDS = 45  # a quote on a pack page is clipped to this many words (the appendix has them whole)

CSS = """
:root { --nhs-blue:#005eb8; --ink:#212b32; --grey:#4c6272; --pale:#f0f4f5; --red:#c0392b; --green:#1a9850; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: var(--ink); margin: 0; line-height: 1.4; }
header { background: var(--nhs-blue); color: #fff; padding: 1rem 2rem; }
header h1 { margin: 0 0 .3rem 0; font-size: 1.5rem; }
header p { margin: .2rem 0; }
nav { background: var(--pale); padding: .5rem 2rem; position: sticky; top: 0; z-index: 5; border-bottom: 1px solid #d8dde0; }
nav a { margin-right: 1.2rem; color: var(--nhs-blue); font-weight: bold; text-decoration: none; }
main { padding: 0 2rem 2rem 2rem; max-width: 1100px; }
section.page { padding-top: .4rem; }
h2 { color: var(--nhs-blue); border-bottom: 2px solid var(--nhs-blue); padding-bottom: .2rem; margin: 1.6rem 0 .6rem 0; font-size: 1.3rem; }
h3 { margin: .8rem 0 .3rem 0; font-size: 1.05rem; }
h4 { margin: .5rem 0 .2rem 0; font-size: .95rem; }
p { margin: .3rem 0; }
table { border-collapse: collapse; margin: .4rem 0 .8rem 0; font-size: .85rem; }
th, td { border: 1px solid #d8dde0; padding: .2rem .4rem; vertical-align: top; text-align: left; }
th { background: var(--nhs-blue); color: #fff; }
tbody th { background: var(--pale); color: var(--ink); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.na { background: #fafafa; color: #888; }
.note { color: var(--grey); font-style: italic; font-size: .85rem; }
.deid { background: #fff9c4; border-left: 4px solid #ffb81c; padding: .3rem .6rem; font-size: .85rem; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: .8rem; font-size: .8rem; font-weight: bold; border: 1px solid #999; }
.strong { background: #b7e1cd; } .moderate { background: #fce8b2; } .thin { background: #f9cb9c; } .none { background: #f4c7c3; }
.state { background: #e8edee; }
.decision { border: 1px solid var(--nhs-blue); background: #eef5fc; padding: .3rem .6rem; margin: .4rem 0; }
.cols { display: flex; gap: 1.2rem; } .cols > div { flex: 1; }
.flags li { color: #8a1538; }
ul { margin: .2rem 0 .4rem 1.2rem; padding: 0; }
blockquote { margin: .3rem 0 .3rem .6rem; padding-left: .6rem; border-left: 3px solid #aeb7bd; font-size: .9rem; }
blockquote.to-improve { border-left-color: var(--red); } blockquote.working-well { border-left-color: var(--green); }
cite { display: block; color: var(--grey); font-size: .8rem; font-style: normal; }
.swatch { display: inline-block; width: 1rem; height: 1rem; border: 1px solid #999; vertical-align: middle; }
.chart { width: 660px; height: 300px; }
#quote-filter { padding: .3rem; width: 24rem; max-width: 100%; }
@page { size: A4; margin: 14mm 12mm; }
@page wide { size: A4 landscape; margin: 10mm; }
@media print {
  body { font-size: 9.5pt; line-height: 1.3; }
  header { padding: .3rem 0; background: none; color: var(--nhs-blue); border-bottom: 2px solid var(--nhs-blue); }
  nav, #quote-filter, .screen-only, .modebar-container { display: none !important; }
  main { padding: 0; max-width: none; }
  section.page { break-before: page; page-break-before: always; break-inside: auto; }
  section.page.first { break-before: auto; page-break-before: auto; }
  section.wide { page: wide; }
  h2 { margin-top: 0; font-size: 13pt; }
  table { font-size: 8pt; page-break-inside: auto; }
  tr, blockquote, .decision, .kpi { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def esc(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return html.escape(str(value), quote=True)


def table(headers: list[str], rows: list[list], num_cols=(), table_id: str | None = None) -> str:
    out = [f'<table{f" id={chr(34)}{table_id}{chr(34)}" if table_id else ""}><thead><tr>']
    out += [f"<th>{esc(h)}</th>" for h in headers]
    out.append("</tr></thead><tbody>")
    for r in rows:
        out.append("<tr>" + "".join(
            f'<td class="num">{esc(v)}</td>' if i in num_cols else f"<td>{esc(v)}</td>" for i, v in enumerate(r))
            + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def quote(q: dict, names: dict, words: int | None = QUOTE_WORDS) -> str:
    text = clip(q["text"], words) if words else q["text"]
    return (f'<blockquote class="{esc(q.get("valence"))}">“{esc(text)}”'
            f"<cite>{esc(attribution(q, names))} · {esc(q.get('valence'))}"
            f"{' · ' + esc(q['touchpoint']) if q.get('touchpoint') else ''}</cite></blockquote>")


def page(title: str, body: str, programme: str, generated: str, nav: str = "", script: str = "") -> str:
    """A whole self-contained document (plotly.js inlined when a chart is on it)."""
    plotly = ""
    if "Plotly.newPlot" in body:
        from plotly.offline import get_plotlyjs

        plotly = f'<script type="text/javascript">{get_plotlyjs()}</script>'
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{esc(programme)}: {esc(title)}</title><style>{CSS}</style>{plotly}</head><body>"
            f"<header><h1>{esc(programme)}: {esc(title)}</h1><p>Generated {esc(generated)}.</p></header>"
            f"{nav}<main>{body}</main>{script}</body></html>\n")


def kpi_chart(k, rets: list) -> str:
    """A printable trend chart of a KPI's monthly returns with its baseline and threshold lines."""
    import plotly.graph_objects as go

    periods = [r.period for r in rets]
    fig = go.Figure([go.Scatter(x=periods, y=[r.value for r in rets], mode="lines+markers", name="monthly return",
                                line={"color": "#005eb8"})])
    for value, name, colour in ((k.baseline, "baseline", "#4c6272"), (k.threshold, "threshold", "#c0392b")):
        if value is not None:
            fig.add_trace(go.Scatter(x=periods, y=[value] * len(periods), mode="lines", name=f"{name} {fmt(value)}",
                                     line={"color": colour, "dash": "dash"}))
    fig.update_layout(title=k.measure[:90], width=660, height=300, template="plotly_white",
                      margin={"t": 40, "b": 40, "l": 50, "r": 10}, legend={"orientation": "h", "y": -0.25},
                      xaxis={"type": "category"})
    return fig.to_html(full_html=False, include_plotlyjs=False,
                       config={"displaylogo": False, "responsive": False, "staticPlot": True})


def kpi_line(k, rets: list) -> str:
    """``latest 12 (2026-05) vs baseline 20, threshold 15: meets the threshold``."""
    st = kpi_status(k, rets)
    if st["latest"] is None:
        return "no returns yet"
    text = f"latest {fmt(st['latest'])} ({st['period']}, {st['n']} month{'s' if st['n'] != 1 else ''} returned)"
    text += f"; baseline {fmt(k.baseline)}" if k.baseline is not None else "; baseline not set"
    text += f", threshold {fmt(k.threshold)}" if k.threshold is not None else ", threshold not set"
    if st["meets"] is not None:
        text += ": meets the threshold" if st["meets"] else ": does not meet the threshold yet"
    return text


def measures_section(rec: Record, titles: dict[int, str], section_id: str = "measures") -> str:
    """Every KPI with returns: its trend chart and its latest value against baseline and threshold."""
    with_returns = [k for ks in rec.kpis.values() for k in ks if rec.returns.get(k.id)]
    if not with_returns:
        return ""
    parts = [f'<section class="page" id="{section_id}"><h2>Measures after go-live</h2>'
             '<p class="note">Monthly returns from the provider against the baseline (grey) and the threshold '
             "(red).</p>"]
    for k in with_returns:
        rets = rec.returns[k.id]
        change = titles.get(k.change_id, "programme-wide") if k.change_id is not None else "programme-wide"
        parts.append(f'<div class="kpi" id="kpi-{k.id}" data-kpi="{k.id}" data-latest="{rets[-1].value}">'
                     f"<h3>{esc(k.measure)}</h3><p>Change: {esc(change)}. "
                     f"{esc(kpi_line(k, rets))}.</p>{kpi_chart(k, rets)}</div>")
    parts.append("</section>")
    return "".join(parts)


__all__ = ["CSS", "esc", "table", "quote", "page", "kpi_chart", "kpi_line", "measures_section"]

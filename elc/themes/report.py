"""Theme outputs: a tidy table for CSV/Excel and a self-contained HTML report.

The HTML report embeds plotly.js inline (once, in the page head) and BERTopic's figures as
plotly divs, so it opens offline, from a USB stick or an email attachment: no CDN, no script
loaded from the internet. A figure that cannot be drawn for a tiny model (BERTopic's
``visualize_topics`` needs several themes) is replaced by a short note; the rest still renders.
"""

from __future__ import annotations

import datetime as _dt
import html
from pathlib import Path
from typing import Any

import pandas as pd

from elc.themes._errors import ThemesError, missing_dependency
from elc.themes.embedding import describe_embedder
from elc.themes.profile import OUTLIER

TABLE_COLUMNS = [
    "theme_id", "label", "keywords", "theme_size", "theme_participants", "community", "segments",
    "community_segments", "share", "participants", "community_participants", "participant_share",
    "working_well", "to_improve", "neutral", "uncoded", "touchpoints", "community_keywords", "quote",
    "quote_segment_id", "log_odds_z", "distinctive", "phrases", "subthemes", "quote_context", "theme_quote_ids",
    "theme_touchpoints",
]


def _fmt_counts(d: dict, n: int = 5) -> str:
    return "; ".join(f"{k} ({v})" for k, v in list(d.items())[:n])


def themes_table(model) -> pd.DataFrame:
    """One row per theme x community (tidy), ready for ``to_csv`` / ``to_excel``.

    Columns: theme id, label, keywords, the theme's size and participants; then, for the
    community: its segments in the theme, its total segments, share, distinct participants who
    raised the theme, its total participants, participant share, valence counts, touchpoints (its five
    most coded, with counts),
    the community's own keywords for the theme and its most representative quote; then the
    community's log-odds z against the other communities and whether the theme is distinctive
    for it (:mod:`elc.themes.distinct`), the theme's phrases and its sub-themes; last, the whole
    theme's eight most coded touchpoints with counts over every community.
    """
    model._check_fitted()
    themes = model.themes_.set_index("theme_id")
    pc = model.per_community_
    out = pd.DataFrame({
        "theme_id": pc["theme_id"].astype(int),
        "label": pc["label"],
        "keywords": pc["theme_id"].map(lambda t: ", ".join(themes.at[t, "keywords"])),
        "theme_size": pc["theme_id"].map(themes["size"]).astype(int),
        "theme_participants": pc["theme_id"].map(themes["participants"]).astype(int),
        "community": pc["community"],
        "segments": pc["segments"].astype(int),
        "community_segments": pc["community_segments"].astype(int),
        "share": pc["share"].round(4),
        "participants": pc["participants"].astype(int),
        "community_participants": pc["community_participants"].astype(int),
        "participant_share": pc["participant_share"].round(4),
        "working_well": pc["working_well"].astype(int),
        "to_improve": pc["to_improve"].astype(int),
        "neutral": pc["neutral"].astype(int),
        "uncoded": pc["uncoded"].astype(int),
        "touchpoints": pc["touchpoints"].map(_fmt_counts),
        "community_keywords": pc["keywords"].map(lambda k: ", ".join(k)),
        "quote": pc["quote"],
        "quote_segment_id": pc["quote_segment_id"],
        "log_odds_z": pc["log_odds_z"],
        "distinctive": pc["distinctive"].astype(bool),
        "phrases": pc["theme_id"].map(lambda t: "; ".join(themes.at[t, "phrases"])),
        "subthemes": pc["theme_id"].map(lambda t: "; ".join(themes.at[t, "subthemes"])),
        "quote_context": pc["quote_context"],
        "theme_quote_ids": pc["theme_id"].map(lambda t: "; ".join(str(i) for i in themes.at[t, "quote_segment_ids"])),
        "theme_touchpoints": pc["theme_id"].map(lambda t: _fmt_counts(themes.at[t, "touchpoints"], 8)),
    })
    return out[TABLE_COLUMNS].reset_index(drop=True)


# ------------------------------------------------------------------ figures
def heatmap_figure(model, value: str = "share"):
    """Themes x communities heat map of ``value`` (default: the share of each community's
    segments in the theme; ``"participant_share"``: of its participants who raised it),
    normalised per theme (each row's highest community is 1), so it shows where each theme is
    strongest rather than which themes are broad. The participant share saturates on a broad
    theme (every carer, every driver raised it: a dark row that says nothing), the share of
    talk does not. Participants (n of N), segments and the log-odds z are the hover text; a
    star marks a community for which the theme is distinctive."""
    try:
        import plotly.graph_objects as go
    except ModuleNotFoundError as exc:
        raise missing_dependency("plotly", "Theme figures") from exc
    pc = model.per_community_[model.per_community_["theme_id"] != OUTLIER]
    themes = model.themes_[model.themes_["theme_id"] != OUTLIER]
    names = [f"{t}: {lab}" for t, lab in zip(themes["theme_id"], themes["label"])]
    comms = sorted(pc["community"].unique().tolist(), key=str)
    z = pc.pivot_table(index="theme_id", columns="community", values=value, aggfunc="first").reindex(
        index=themes["theme_id"], columns=comms).fillna(0.0)
    people = pc.pivot_table(index="theme_id", columns="community", values="participants", aggfunc="first").reindex(
        index=themes["theme_id"], columns=comms).fillna(0).astype(int)
    segs = pc.pivot_table(index="theme_id", columns="community", values="segments", aggfunc="first").reindex(
        index=themes["theme_id"], columns=comms).fillna(0).astype(int)
    zs = pc.pivot_table(index="theme_id", columns="community", values="log_odds_z", aggfunc="first").reindex(
        index=themes["theme_id"], columns=comms).fillna(0.0)
    star = pc.pivot_table(index="theme_id", columns="community", values="distinctive", aggfunc="first").reindex(
        index=themes["theme_id"], columns=comms).fillna(False).astype(bool)
    of = pc.pivot_table(index="theme_id", columns="community", values="community_participants",
                        aggfunc="first").reindex(index=themes["theme_id"], columns=comms).fillna(0).astype(int)
    raw = z.to_numpy()
    top = raw.max(axis=1, keepdims=True)
    norm = raw / (top if top.size else 1.0)
    norm[~(top[:, 0] > 0)] = 0.0
    what = "of the community's segments" if value == "share" else "of its participants"
    text = [[f"{raw[i, j]:.0%} {what}; {people.iat[i, j]} of {of.iat[i, j]} participants, {segs.iat[i, j]} "
             f"segments; log-odds z {zs.iat[i, j]:+.1f}" for j in range(len(comms))] for i in range(len(names))]
    marks = [["★" if star.iat[i, j] else "" for j in range(len(comms))] for i in range(len(names))]
    fig = go.Figure(go.Heatmap(
        z=norm, x=[str(c) for c in comms], y=names, text=marks, customdata=text, texttemplate="%{text}",
        colorscale="Blues", zmin=0, zmax=1,
        hovertemplate="%{y}<br>%{x}: %{customdata}<extra></extra>",
        colorbar={"title": "relative to the<br>theme's highest<br>community", "tickformat": ".0%"},
    ))
    share = "share of each community's segments" if value == "share" else "share of each community's participants"
    fig.update_layout(title=f"<b>Themes by community</b> ({share}, normalised per theme;<br>"
                            "★ distinctive: over-represented against the other communities)",
                      yaxis={"autorange": "reversed"}, height=max(350, 28 * len(names) + 160), width=1000,
                      margin={"l": 320})
    return fig


def topics_per_class_figure(model, n_themes: int):
    """BERTopic's topics-per-class chart with every theme shown, stacked per community (BERTopic
    shows only the first theme and leaves the others switched off in the legend)."""
    fig = model.view_model_.visualize_topics_per_class(
        model.topics_per_class_.drop(columns=["theme_id"], errors="ignore"),
        top_n_topics=min(n_themes, 12) or None, custom_labels=True, width=1000, height=600)
    from plotly.colors import qualitative

    palette = qualitative.Dark24  # BERTopic's eight colours repeat from the ninth theme on
    for i, trace in enumerate(fig.data):
        trace.update(visible=True, marker_color=palette[i % len(palette)])
    fig.update_layout(barmode="stack", title={"text": "<b>Segments per community, by theme</b>"},
                      xaxis_title="Segments", yaxis_title="Community")
    return fig


def _figures(model) -> list[tuple[str, Any | None, str]]:
    """(title, figure or None, note) for each figure of the report."""
    view, ids = model.view_model_, model.view_ids_
    themes = [int(t) for t in model.themes_["theme_id"] if t != OUTLIER]
    bt_topics = [ids[t] for t in themes if t in ids]
    n = len(bt_topics)
    figs: list[tuple[str, object | None, str]] = []

    def attempt(title, fn, note_if_fail):
        try:
            figs.append((title, fn(), ""))
        except Exception as exc:  # noqa: BLE001 - a figure that fails must not sink the report
            figs.append((title, None, f"{note_if_fail} ({type(exc).__name__}: {exc})"))

    attempt("Themes by community", lambda: heatmap_figure(model), "The heat map could not be drawn")
    attempt("Themes per community (BERTopic topics per class)", lambda: topics_per_class_figure(model, n),
            "The topics-per-community chart could not be drawn")
    attempt("Top keywords per theme (c-TF-IDF)",
            lambda: view.visualize_barchart(topics=bt_topics[:12], n_words=8, custom_labels=True,
                                            width=300, height=300, title="<b>Theme keywords</b>"),
            "The keyword chart could not be drawn")
    if n > 3:
        attempt("Intertopic distance map", lambda: view.visualize_topics(custom_labels=True, width=900, height=700),
                "The distance map could not be drawn for this model")
    else:
        figs.append(("Intertopic distance map", None, f"Not drawn: it needs more than 3 themes (this model has {n})."))
    return figs


# ------------------------------------------------------------------ HTML
_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Arial,sans-serif;margin:2rem auto;max-width:1200px;
color:#1d1d1d;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{margin-top:2.2rem;border-bottom:2px solid #005eb8;padding-bottom:.2rem}
.meta{color:#555} .note{color:#7a5b00;background:#fff7d6;padding:.5rem .8rem;border-radius:4px}
table{border-collapse:collapse;font-size:.85rem;width:100%} th,td{border:1px solid #ccc;padding:.3rem .45rem;
vertical-align:top;text-align:left} th{background:#eef3fa;position:sticky;top:0}
.theme{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.theme h3{margin:.2rem 0 .4rem} blockquote{margin:.4rem 0 .4rem 1rem;padding-left:.7rem;border-left:3px solid #9cc3e6;
color:#333} .who{color:#555;font-size:.85rem;white-space:nowrap} .kw{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem;color:#333}
"""


def _esc(x) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def _theme_cards(model) -> str:
    parts = []
    for r in model.themes_.itertuples():
        if r.is_outlier:
            parts.append(f'<div class="theme"><h3>{_esc(r.label)}</h3><p>{r.size} segments were not assigned '
                         "to a theme (no usable words, or discarded).</p></div>")
            continue
        comm = ", ".join(f"{_esc(c)}: {n} participant{'s' if n != 1 else ''}"
                         for c, n in r.community_participants.items() if n)
        val = ", ".join(f"{_esc(k)} {v}" for k, v in r.valence.items() if v)
        tps = _esc(_fmt_counts(r.touchpoints, 6)) or "none coded"
        contexts = list(getattr(r, "quote_contexts", []) or [])
        sources = list(getattr(r, "quote_sources", []) or [])
        quotes = "".join(
            f"<blockquote>{_esc(q)}"
            + (f' <span class="who">&mdash; {_esc(sources[i])}</span>' if i < len(sources) and sources[i] else "")
            + (f'<br><small class="meta">in context: {_esc(contexts[i])}</small>' if i < len(contexts) and contexts[i]
               else "") + "</blockquote>" for i, q in enumerate(r.quotes))
        also = list(getattr(r, "phrases", []) or [])[1:]
        subs = list(getattr(r, "subthemes", []) or [])
        parts.append(
            f'<div class="theme" id="theme-{r.theme_id}"><h3>{r.theme_id}: {_esc(r.label)}</h3>'
            + (f"<p>Also: {_esc('; '.join(also))}</p>" if also else "")
            + f'<p class="kw">keywords (lemmas): {_esc(", ".join(r.keywords))}</p>'
            f"<p><b>{r.size}</b> segments from <b>{r.participants}</b> participants &mdash; {comm or 'no participant ids'}</p>"
            f"<p>Touchpoints: {tps}<br>Valence: {val or 'none coded'}</p>"
            + (f"<p>Sub-themes: {_esc('; '.join(subs))}</p>" if subs else "")
            + f"{quotes}</div>"
        )
    return "\n".join(parts)


def _distinctive_html(model) -> str:
    """Per community, the themes over-represented against the other communities."""
    d = getattr(model, "distinctive_", None)
    comms = sorted(model.per_community_["community"].unique().tolist(), key=str)
    items = []
    for c in comms:
        rows = d[d["community"] == c] if d is not None else None
        names = "; ".join(f"{_esc(r.label)} (z {r.log_odds_z:+.1f}, {r.participants} of {r.community_participants} "
                          f"participants)" for r in rows.itertuples()) if rows is not None and len(rows) else \
            "no theme stands out"
        items.append(f"<li><b>{_esc(c)}</b>: {names}</li>")
    return ("<p class=\"meta\">Log-odds with an informative Dirichlet prior on segment counts; a theme is listed "
            "when z &ge; 1.96 and at least two of the community's participants raised it.</p><ul>"
            + "".join(items) + "</ul>")


def write_html_report(model, path, title: str = "Themes by community") -> Path:
    """Write a single self-contained HTML file (plotly.js inline, no network) and return its path."""
    model._check_fitted()
    try:
        from plotly.offline import get_plotlyjs
    except ModuleNotFoundError as exc:
        raise missing_dependency("plotly", "The HTML themes report") from exc
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        path = path.with_suffix(".html")
    info = model.info_
    sections = []
    for fig_title, fig, note in _figures(model):
        body = (fig.to_html(full_html=False, include_plotlyjs=False, include_mathjax=False,
                            config={"displaylogo": False, "responsive": True})
                if fig is not None else f'<p class="note">{_esc(note)}</p>')
        sections.append(f"<h2>{_esc(fig_title)}</h2>\n{body}")

    table = themes_table(model)
    table_html = table.drop(columns=["quote_segment_id"]).to_html(index=False, escape=True, border=0,
                                                                 float_format=lambda v: f"{v:.3f}")
    applied = [d for d in getattr(model, "decisions_", []) if d.get("status") == "applied"]
    meta = (
        f"{info.get('n_segments', 0)} segments ({info.get('n_used', 0)} with words), "
        f"{info.get('n_themes', 0)} themes, {info.get('outliers', 0)} unassigned; method <b>{_esc(model.method_)}</b>"
        f" with the {_esc(info.get('embedder', ''))} embedder ({_esc(describe_embedder(info.get('embedder')))})"
        + (f"; {len(applied)} researcher decision(s) applied" if applied else "")
        + (f". Note: {_esc(info['fallback'])}" if info.get("fallback") else "")
        + f". Generated {_dt.datetime.now().strftime('%Y-%m-%d %H:%M')}."
    )
    doc = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(title)}</title>
<style>{_CSS}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head><body>
<h1>{_esc(title)}</h1>
<p class="meta">{meta}</p>
<p class="meta">Quotes are de-identified text as stored. Participants, not segments, count as evidence:
every count below is of participants (n of N in each community). The heat map's colour is how much of
each community's talk the theme takes (its share of the community's segments, relative to the community
that talks about it most), so a theme everyone raised still shows who dwells on it; hover for the
participants.</p>
{''.join(sections)}
<h2>What differs between communities</h2>
{_distinctive_html(model)}
<h2>Themes</h2>
{_theme_cards(model)}
<h2>Themes by community (table)</h2>
{table_html}
</body></html>
"""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(doc, encoding="utf-8")
    except OSError as exc:
        raise ThemesError(f"Could not write the themes report to {path}: {exc}") from exc
    return path

"""Tidy table and the self-contained HTML report."""

from __future__ import annotations

import re
from html import escape

import pandas as pd

from elc.themes import apply_decisions, rename_theme, themes_table, write_html_report
from elc.themes.report import TABLE_COLUMNS

_REMOTE_SRC = re.compile(r"""<script[^>]*\bsrc\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def test_themes_table_is_tidy(corpus, fitted):
    table = themes_table(fitted)
    assert list(table.columns) == TABLE_COLUMNS
    assert len(table) == len(fitted.themes_) * corpus["community"].nunique()
    assert not table.duplicated(["theme_id", "community"]).any()
    # per community the segment counts add up to the community's segments
    sums = table.groupby("community")["segments"].sum()
    assert sums.to_dict() == corpus["community"].value_counts().to_dict()
    assert table["participants"].le(table["community_participants"]).all()
    csv = table.to_csv(index=False)
    assert csv.splitlines()[0].startswith("theme_id,label,keywords")


def test_theme_touchpoints_count_every_community(corpus, fitted):
    """The whole theme's touchpoint counts are the segments of the theme coded with each, over
    every community (recounted here from the input)."""
    table = themes_table(fitted)
    seg = corpus.set_index("segment_id")
    for tid, rows in table.groupby("theme_id"):
        ids = fitted.assignments_[fitted.assignments_ == tid].index
        counts = pd.Series([tp for tps in seg.loc[ids, "touchpoints"] for tp in (tps or [])]).value_counts()
        cell = rows["theme_touchpoints"].iloc[0]
        assert rows["theme_touchpoints"].nunique() == 1
        shown = [part.rsplit(" (", 1) for part in cell.split("; ")] if cell else []
        assert len(shown) == min(8, len(counts))
        for name, n in shown:
            assert int(n.rstrip(")")) == counts[name]


def test_html_report_is_self_contained(tmp_path, corpus, fitted):
    result = apply_decisions(fitted, [rename_theme(fitted, 0, "Renamed <b>theme</b> & co")])
    path = write_html_report(result, tmp_path / "themes.html")
    assert path.exists() and [p.name for p in tmp_path.iterdir()] == ["themes.html"]
    html = path.read_text(encoding="utf-8")
    # (booleans first: pytest's diff of a 5 MB string would take a minute)
    remote = _REMOTE_SRC.findall(html)
    assert remote == []
    script_tags = re.findall(r"<script[^>]*>", html)
    assert all("src" not in tag for tag in script_tags), script_tags
    has_library = "plotly.js v" in html  # the library itself is inline
    assert has_library
    assert html.count("Plotly.newPlot") >= 3  # heat map, topics per class, bar chart
    escaped = "Renamed &lt;b&gt;theme&lt;/b&gt; &amp; co" in html  # user text is escaped
    assert escaped
    noted = "more than 3 themes" in html  # the distance map is skipped for 3 themes, with a note
    assert noted
    quotes_in = [escape(q, quote=True) in html for q in fitted.themes_.iloc[0]["quotes"]]
    assert all(quotes_in)


def test_html_report_on_twelve_segments(tmp_path, corpus):
    from elc.themes import ThemeModel

    small = ThemeModel().fit(corpus.iloc[[0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]])
    path = write_html_report(small, tmp_path / "small")
    assert path.suffix == ".html"
    remote = _REMOTE_SRC.findall(path.read_text(encoding="utf-8"))
    assert remote == []
    assert isinstance(themes_table(small), pd.DataFrame)


def test_topics_per_class_chart_shows_every_theme_stacked(fitted):
    from elc.themes.report import topics_per_class_figure

    n = int((fitted.themes_["theme_id"] >= 0).sum())
    fig = topics_per_class_figure(fitted, n)
    assert len(fig.data) == min(n, 12) and len(fig.data) > 1
    assert all(trace.visible is True for trace in fig.data)
    assert fig.layout.barmode == "stack"
    colours = [trace.marker.color for trace in fig.data]
    assert len(set(colours)) == len(colours)  # no two themes share a colour


def test_every_quote_names_who_said_it(tmp_path, corpus, fitted):
    seg = corpus.set_index("segment_id")
    for r in fitted.themes_[~fitted.themes_["is_outlier"]].itertuples():
        assert len(r.quote_sources) == len(r.quotes) == len(r.quote_segment_ids)
        for sid, source in zip(r.quote_segment_ids, r.quote_sources):
            assert source == f"{seg.at[sid, 'participant_id']}, {seg.at[sid, 'community']}"
    page = write_html_report(fitted, tmp_path / "themes.html").read_text(encoding="utf-8")
    first = fitted.themes_[~fitted.themes_["is_outlier"]].iloc[0]
    assert f"{escape(first.quotes[0])} <span class=\"who\">&mdash; {escape(first.quote_sources[0])}</span>" in page

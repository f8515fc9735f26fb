"""The touchpoint x community insight matrix: the ELC "emotional map".

For every touchpoint (rows, in journey order) and community of interest (columns) a cell says
how many of that community's interviewed participants raised something that is working well,
something to improve, the balance between the two, and the strongest quotes. Participants, not
segments, are counted: someone who raised three delays counts once.

    m = insight_matrix(project)             # tidy: one row per touchpoint x community
    matrix_table(m, "balance")              # wide: touchpoints x communities
    heatmap_figure(m)                       # plotly heat map of the balance
"""

from __future__ import annotations

import pandas as pd

from elc.insights.quotes import pick_quotes
from elc.insights.units import QUOTE_COLUMNS, coded_units, interviewed, participant_counts

MATRIX_COLUMNS = [
    "touchpoint_id", "touchpoint", "touchpoint_family", "community", "community_name", "community_family",
    "asked", "interviewed", "raised", "working_well", "to_improve", "neutral", "raised_share",
    "working_well_share", "to_improve_share", "balance", "codings", "quotes",
]


def balance(working_well: int, to_improve: int) -> float | None:
    """(ww - ti) / (ww + ti): +1 all working well, -1 all to improve, None if neither was raised."""
    total = working_well + to_improve
    return round((working_well - to_improve) / total, 3) if total else None


def _share(n: int, of: int) -> float | None:
    return round(n / of, 3) if of else None


def insight_matrix(project, kind: str | tuple[str, ...] = "touchpoint", coder: str | None = None,
                   quotes_per_cell: int = 3, units: pd.DataFrame | None = None,
                   communities: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per code (of ``kind``, default touchpoints) x community, in programme order.

    Columns: see :data:`MATRIX_COLUMNS`. ``asked`` is False where a touchpoint belongs to the
    other family's guide (a staff touchpoint for patients); such cells are usually empty.
    ``balance`` is None where nobody raised anything valenced. ``quotes`` is a list of dicts
    (participant, community, code, valence, text ...). Pass ``units`` (from
    :func:`elc.insights.units.coded_units`) and ``communities`` to reuse data already read.
    """
    kinds = (kind,) if isinstance(kind, str) else tuple(kind)
    units = coded_units(project, coder) if units is None else units
    comms = interviewed(project) if communities is None else communities
    codes = project.codes()
    rows_codes = codes[codes.kind.isin(kinds)]
    if kinds == ("touchpoint",):
        # a theme coding inside a touchpoint coding counts toward that touchpoint too
        col_id = "touchpoint_id"
        use = units[units.touchpoint_id.notna()]
    else:
        col_id = "code_id"
        use = units[units.code_kind.isin(kinds)]
    use = use[use.community.notna()]
    keys = [col_id, "community"]
    counts = participant_counts(use, keys)
    if len(counts):
        counts.index = pd.MultiIndex.from_tuples([(int(a), b) for a, b in counts.index])
    n_codings = {(int(a), b): int(n) for (a, b), n in use.groupby(keys, observed=True).size().items()} if len(use) else {}
    slim = use[QUOTE_COLUMNS] if len(use) else use
    positions = {(int(a), b): idx for (a, b), idx in use.groupby(keys, observed=True).indices.items()} if len(use) else {}
    out = []
    for code in rows_codes.itertuples():
        for c in comms.itertuples():
            key = (int(code.id), c.key)
            if key in positions:
                got = counts.loc[key]
                raised, ww, ti = int(got.participants), int(got.working_well), int(got.to_improve)
                ne = int(got.neutral)
            else:
                raised = ww = ti = ne = 0
            out.append({
                "touchpoint_id": int(code.id), "touchpoint": code.name, "touchpoint_family": code.family,
                "community": c.key, "community_name": c.name, "community_family": c.family,
                "asked": code.family is None or pd.isna(code.family) or code.family == c.family,
                "interviewed": int(c.interviewed), "raised": raised, "working_well": ww, "to_improve": ti,
                "neutral": ne, "raised_share": _share(raised, c.interviewed),
                "working_well_share": _share(ww, c.interviewed), "to_improve_share": _share(ti, c.interviewed),
                "balance": balance(ww, ti), "codings": n_codings.get(key, 0),
                "quotes": pick_quotes(slim.iloc[positions[key]], quotes_per_cell)
                if key in positions and quotes_per_cell else [],
            })
    return pd.DataFrame(out, columns=MATRIX_COLUMNS)


def matrix_table(m: pd.DataFrame, value: str = "balance", label: str = "community_name") -> pd.DataFrame:
    """Wide view: touchpoints (rows, journey order) x communities (columns, programme order)."""
    if not len(m):
        return pd.DataFrame()
    rows = list(dict.fromkeys(m.touchpoint))
    cols = list(dict.fromkeys(m[label]))
    wide = m.pivot(index="touchpoint", columns=label, values=value)
    return wide.reindex(index=rows, columns=cols)


def touchpoint_totals(m: pd.DataFrame) -> pd.DataFrame:
    """Per touchpoint, participants across all communities (each person belongs to one community)."""
    if not len(m):
        return pd.DataFrame(columns=["touchpoint", "touchpoint_family", "interviewed", "raised",
                                     "working_well", "to_improve", "neutral", "balance"])
    agg = m.groupby("touchpoint", sort=False).agg(
        touchpoint_family=("touchpoint_family", "first"), interviewed=("interviewed", "sum"),
        raised=("raised", "sum"), working_well=("working_well", "sum"), to_improve=("to_improve", "sum"),
        neutral=("neutral", "sum")).reset_index()
    agg["balance"] = [balance(w, t) for w, t in zip(agg.working_well, agg.to_improve)]
    return agg


def cell_label(row) -> str:
    """Short text for one cell, e.g. ``-0.60 (ww 2, ti 8 of 11)``."""
    if not row["raised"] and not row["asked"]:
        return ""
    b = row["balance"]
    head = f"{b:+.2f}" if b is not None and not pd.isna(b) else "·"
    return f"{head} (ww {row['working_well']}, ti {row['to_improve']} of {row['interviewed']})"


def heatmap_figure(m: pd.DataFrame, title: str = "Touchpoint × community: balance of working well vs to improve"):
    """A plotly heat map of the balance (-1 red: to improve, +1 green: working well)."""
    import plotly.graph_objects as go

    z = matrix_table(m, "balance")
    ww = matrix_table(m, "working_well")
    ti = matrix_table(m, "to_improve")
    n = matrix_table(m, "interviewed")
    asked = matrix_table(m, "asked")
    text, hover = [], []
    for tp in z.index:
        trow, hrow = [], []
        for comm in z.columns:
            b = z.loc[tp, comm]
            w, t, of = int(ww.loc[tp, comm]), int(ti.loc[tp, comm]), int(n.loc[tp, comm])
            if not asked.loc[tp, comm] and not (w or t):
                trow.append("")
            else:
                trow.append(f"{'' if pd.isna(b) else f'{b:+.2f}'}<br>↑{w} ↓{t}")
            hrow.append(f"{tp}<br>{comm}<br>working well: {w} of {of}<br>to improve: {t} of {of}"
                        + ("" if pd.isna(b) else f"<br>balance {b:+.2f}"))
        text.append(trow)
        hover.append(hrow)
    zvals = z.astype(float).where(z.notna(), None).values.tolist()
    fig = go.Figure(go.Heatmap(
        z=zvals, x=list(z.columns), y=list(z.index), zmin=-1, zmax=1, zmid=0,
        colorscale=[[0, "#c0392b"], [0.5, "#f7f7f7"], [1, "#1a9850"]],
        text=text, texttemplate="%{text}", hovertext=hover, hoverinfo="text",
        colorbar={"title": "balance", "tickvals": [-1, 0, 1], "ticktext": ["to improve", "0", "working well"]},
        xgap=2, ygap=2))
    fig.update_layout(title=title, yaxis={"autorange": "reversed"}, height=max(360, 34 * len(z.index) + 160),
                      margin={"l": 280, "r": 40, "t": 60, "b": 120}, template="plotly_white")
    return fig


def valence_bar_figure(m: pd.DataFrame, title: str = "Participants raising each touchpoint"):
    """Grouped bars per touchpoint: participants who said to improve vs working well."""
    import plotly.graph_objects as go

    t = touchpoint_totals(m)
    fig = go.Figure([
        go.Bar(name="to improve", y=t.touchpoint, x=t.to_improve, orientation="h", marker_color="#c0392b"),
        go.Bar(name="working well", y=t.touchpoint, x=t.working_well, orientation="h", marker_color="#1a9850"),
    ])
    fig.update_layout(title=title, barmode="group", yaxis={"autorange": "reversed"},
                      height=max(360, 30 * len(t) + 140), margin={"l": 280, "r": 40, "t": 60, "b": 40},
                      template="plotly_white", xaxis_title="participants")
    return fig

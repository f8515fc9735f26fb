"""The touchpoint x community insight matrix: the ELC "emotional map".

For every touchpoint (rows, in journey order) and community of interest (columns) a cell says
how many of the community's participants *asked* about it (their guide family has the
touchpoint and their interview is coded) raised something that is working well, something to
improve (a participant can hold both), the balance between the two, and the strongest quotes.
Participants, not segments, are counted: someone who raised three delays counts once. Cells whose
community was never asked say "not asked", which is not the same as "nobody raised it".

    m = insight_matrix(project)             # tidy: one row per touchpoint x community
    matrix_table(m, "balance")              # wide: touchpoints x communities
    heatmap_figure(m)                       # plotly heat map of the balance
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from elc.insights.quotes import overlaps_any, pick_quotes
from elc.insights.units import QUOTE_COLUMNS, asks, coded_units, interviewed, participant_counts
from elc.store.evidence_reads import unreviewed_detections, voice_spans

MATRIX_COLUMNS = [
    "touchpoint_id", "touchpoint", "touchpoint_family", "community", "community_name", "community_family",
    "asked", "interviewed", "coded", "of", "raised", "working_well", "to_improve", "both", "neutral", "raised_share",
    "working_well_share", "to_improve_share", "balance", "codings", "quotes",
]


def balance(working_well: int, to_improve: int) -> float | None:
    """(ww - ti) / (ww + ti): +1 all working well, -1 all to improve, None if neither was raised.

    Counts are participants per side; someone holding both views counts on both sides."""
    total = working_well + to_improve
    return round((working_well - to_improve) / total, 3) if total else None


def _share(n: int, of: int | None) -> float | None:
    return round(n / of, 3) if of else None


def insight_matrix(project, kind: str | tuple[str, ...] = "touchpoint", coder: str | None = None,
                   quotes_per_cell: int = 3, units: pd.DataFrame | None = None,
                   communities: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per code (of ``kind``, default touchpoints) x community, in programme order.

    Columns: see :data:`MATRIX_COLUMNS`. Only codings *of that code* count (a theme coding inside
    a touchpoint's answer is not that touchpoint). ``asked`` is False where the community's guide
    has no such touchpoint (a staff touchpoint for patients). ``of`` is the denominator: the
    community's participants whose interview is coded, when asked; None when not asked ("not
    asked" is not "nobody raised it"). ``interviewed`` counts every interviewed participant,
    ``coded`` those with at least one coding. ``working_well`` and ``to_improve`` count
    participants per side (``both`` hold both). ``balance`` is None where nobody raised anything
    valenced. ``quotes`` is a list of dicts. Pass ``units`` and ``communities`` to reuse data.
    """
    kinds = (kind,) if isinstance(kind, str) else tuple(kind)
    units = coded_units(project, coder) if units is None else units
    comms = interviewed(project, coder) if communities is None else communities
    codes = project.codes()
    rows_codes = codes[codes.kind.isin(kinds)]
    use = units[units.code_kind.isin(kinds)] if len(units) else units
    use = use[use.community.notna()] if len(use) else use
    keys = ["code_id", "community"]
    counts = participant_counts(use, keys)
    if len(counts):
        counts.index = pd.MultiIndex.from_tuples([(int(a), b) for a, b in counts.index])
    n_codings = {(int(a), b): int(n) for (a, b), n in use.groupby(keys, observed=True).size().items()} if len(use) else {}
    slim = use[QUOTE_COLUMNS] if len(use) else use
    extra = None
    if len(use) and quotes_per_cell:
        # quotes: the participant's own words, avoiding unreviewed de-identification where there is a choice
        src, a, b = (use.source_id.to_numpy(dtype="int64"), use.start.to_numpy(dtype="int64"),
                     use.end.to_numpy(dtype="int64"))
        others = overlaps_any(src, a, b, voice_spans(project))
        unrev = overlaps_any(src, a, b, unreviewed_detections(project))
        extra = -1000.0 * others - 40.0 * unrev
        slim = slim.assign(words=np.where(others, 0, slim["words"].to_numpy()))
    positions = {(int(a), b): idx for (a, b), idx in use.groupby(keys, observed=True).indices.items()} if len(use) else {}
    out = []
    for code in rows_codes.itertuples():
        for c in comms.itertuples():
            key = (int(code.id), c.key)
            if key in positions:
                got = counts.loc[key]
                raised, ww, ti = int(got.participants), int(got.working_well), int(got.to_improve)
                both, ne = int(got.both), int(got.neutral)
            else:
                raised = ww = ti = both = ne = 0
            asked = asks(code.family, c.family)
            of = int(c.coded) if asked else None
            out.append({
                "touchpoint_id": int(code.id), "touchpoint": code.name, "touchpoint_family": code.family,
                "community": c.key, "community_name": c.name, "community_family": c.family,
                "asked": asked, "interviewed": int(c.interviewed), "coded": int(c.coded), "of": of,
                "raised": raised, "working_well": ww, "to_improve": ti, "both": both,
                "neutral": ne, "raised_share": _share(raised, of),
                "working_well_share": _share(ww, of), "to_improve_share": _share(ti, of),
                "balance": balance(ww, ti), "codings": n_codings.get(key, 0),
                "quotes": pick_quotes(slim.iloc[positions[key]], quotes_per_cell,
                                      extra=extra[positions[key]] if extra is not None else None)
                if key in positions and quotes_per_cell else [],
            })
    df = pd.DataFrame(out, columns=MATRIX_COLUMNS)
    df["of"] = df["of"].astype("Int64")  # None where not asked, a whole number elsewhere
    return df


def matrix_table(m: pd.DataFrame, value: str = "balance", label: str = "community_name") -> pd.DataFrame:
    """Wide view: touchpoints (rows, journey order) x communities (columns, programme order)."""
    if not len(m):
        return pd.DataFrame()
    rows = list(dict.fromkeys(m.touchpoint))
    cols = list(dict.fromkeys(m[label]))
    wide = m.pivot(index="touchpoint", columns=label, values=value)
    return wide.reindex(index=rows, columns=cols)


def touchpoint_totals(m: pd.DataFrame) -> pd.DataFrame:
    """Per touchpoint, across the communities that were asked about it (each person belongs to
    one community): ``of`` is the coded participants asked, ``raised``/``working_well``/
    ``to_improve``/``both`` participants among them; ``raised_not_asked`` counts anyone who raised
    it although their guide did not ask."""
    cols = ["touchpoint", "touchpoint_family", "of", "raised", "working_well", "to_improve", "both", "neutral",
            "raised_not_asked", "balance"]
    if not len(m):
        return pd.DataFrame(columns=cols)
    asked = m[m.asked]
    asked = asked.assign(of=asked["of"].astype(int))
    agg = asked.groupby("touchpoint", sort=False).agg(
        touchpoint_family=("touchpoint_family", "first"), of=("of", "sum"),
        raised=("raised", "sum"), working_well=("working_well", "sum"), to_improve=("to_improve", "sum"),
        both=("both", "sum"), neutral=("neutral", "sum"))
    agg = agg.reindex(list(dict.fromkeys(m.touchpoint))).fillna(0)
    unasked = m[~m.asked].groupby("touchpoint", sort=False).raised.sum()
    agg["raised_not_asked"] = [int(unasked.get(t, 0)) for t in agg.index]
    agg["touchpoint_family"] = m.groupby("touchpoint", sort=False).touchpoint_family.first().reindex(agg.index)
    agg = agg.reset_index()
    for col in ("of", "raised", "working_well", "to_improve", "both", "neutral"):
        agg[col] = agg[col].astype(int)
    agg["balance"] = [balance(w, t) for w, t in zip(agg.working_well, agg.to_improve)]
    return agg[cols]


def cell_label(row) -> str:
    """Short text for one cell, e.g. ``ww 2, ti 8 of 11 asked``; ``not asked`` where the guide did not ask."""
    if not row["asked"]:
        return f"not asked (raised by {row['raised']})" if row["raised"] else "not asked"
    return f"ww {row['working_well']}, ti {row['to_improve']} of {row['of']} asked"


def heatmap_figure(m: pd.DataFrame, title: str = "Touchpoint × community: balance of working well vs to improve"):
    """A plotly heat map of the balance (-1 red: to improve, +1 green: working well)."""
    import plotly.graph_objects as go

    z = matrix_table(m, "balance")
    ww = matrix_table(m, "working_well")
    ti = matrix_table(m, "to_improve")
    n = matrix_table(m, "of")
    asked = matrix_table(m, "asked")
    text, hover = [], []
    for tp in z.index:
        trow, hrow = [], []
        for comm in z.columns:
            b = z.loc[tp, comm]
            w, t = int(ww.loc[tp, comm]), int(ti.loc[tp, comm])
            if not asked.loc[tp, comm]:
                trow.append("not asked" if not (w or t) else f"not asked<br>↑{w} ↓{t}")
                hrow.append(f"{tp}<br>{comm}<br>not asked (their guide has no such touchpoint)")
            else:
                of = int(n.loc[tp, comm])
                trow.append(f"{'' if pd.isna(b) else f'{b:+.2f}'}<br>↑{w} ↓{t}")
                hrow.append(f"{tp}<br>{comm}<br>working well: {w} of {of} asked<br>to improve: {t} of {of} asked"
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

"""What differs between communities: themes over-represented in one community against the rest.

A weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
"Fightin' Words"), computed on segment counts per theme and community: the prior for a theme is
its count over all communities, so small communities and small themes are shrunk towards "no
difference" instead of producing large ratios from a handful of segments. ``z`` is the
log-odds difference over its standard error; a theme is *distinctive* for a community when
``z >= 1.96`` and at least two of its participants raised it (one talkative person is not a
community's voice).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

Z_DISTINCTIVE = 1.96
MIN_PARTICIPANTS = 2


def log_odds_z(counts: pd.DataFrame) -> pd.DataFrame:
    """z-scores (same shape as ``counts``: themes x communities) of each community's log-odds
    of each theme against all other communities, with the informative Dirichlet prior."""
    y = counts.to_numpy(dtype=float)
    if y.size == 0:
        return counts.astype(float)
    alpha = y.sum(axis=1, keepdims=True)  # prior: each theme's count over all communities
    a0 = float(alpha.sum())
    n_c = y.sum(axis=0, keepdims=True)
    y_r = y.sum(axis=1, keepdims=True) - y
    n_r = n_c.sum() - n_c
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (np.log((y + alpha) / (n_c + a0 - y - alpha)) - np.log((y_r + alpha) / (n_r + a0 - y_r - alpha)))
        var = 1.0 / (y + alpha) + 1.0 / (y_r + alpha)
        z = d / np.sqrt(var)
    z = np.where(np.isfinite(z), z, 0.0)
    if counts.shape[1] < 2:
        z = np.zeros_like(z)
    return pd.DataFrame(z, index=counts.index, columns=counts.columns)


def add_distinctiveness(per_community: pd.DataFrame, outlier: int = -1) -> pd.DataFrame:
    """``per_community`` with ``log_odds_z`` and ``distinctive`` columns (the outlier row: 0, False)."""
    pc = per_community.copy()
    real = pc[pc["theme_id"] != outlier]
    counts = real.pivot_table(index="theme_id", columns="community", values="segments", aggfunc="sum",
                              fill_value=0)
    z = log_odds_z(counts)
    zmap = {(t, c): float(z.at[t, c]) for t in z.index for c in z.columns}
    pc["log_odds_z"] = [round(zmap.get((t, c), 0.0), 3) for t, c in zip(pc["theme_id"], pc["community"])]
    pc["distinctive"] = ((pc["log_odds_z"] >= Z_DISTINCTIVE) & (pc["participants"] >= MIN_PARTICIPANTS)
                         & (pc["theme_id"] != outlier))
    return pc


def distinctive_table(per_community: pd.DataFrame) -> pd.DataFrame:
    """One row per distinctive (community, theme), strongest first within each community."""
    pc = per_community[per_community["distinctive"]]
    cols = ["community", "theme_id", "label", "log_odds_z", "share", "participants", "community_participants"]
    return pc[cols].sort_values(["community", "log_odds_z"], ascending=[True, False]).reset_index(drop=True)

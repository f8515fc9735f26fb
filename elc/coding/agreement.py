"""Inter-coder agreement between two coders, at segment level. Pure functions, no I/O.

Input: a DataFrame of codings with columns ``segment_id``, ``code``, ``coder`` (optionally
``valence``), one row per code a coder applied to a segment, and the segments *both* coders
saw. On those shared segments every (segment, code) is a yes/no judgement by each coder;
codes neither coder applied on a segment count as agreement ("both said no").

Statistics, per code and overall (pooled over all (segment, code) judgements):

* percent agreement,
* Cohen's kappa (:func:`sklearn.metrics.cohen_kappa_score`),
* Krippendorff's alpha for nominal data (:func:`krippendorff_alpha_nominal`).

Degenerate case: when both coders gave the same answer to every judgement of a code (for
example neither ever applied it on the shared segments), chance agreement is 1 and kappa and
alpha are 0/0. We report 1.0 (the coders agree perfectly), with ``degenerate=True`` on that
row, instead of NaN and a runtime warning.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

REQUIRED_COLUMNS = ("segment_id", "code", "coder")


# --------------------------------------------------------------------------- statistics
def percent_agreement(a: ArrayLike, b: ArrayLike) -> float:
    """Fraction of items on which the two coders gave the same value."""
    xa, xb = np.asarray(a), np.asarray(b)
    if xa.shape != xb.shape or xa.ndim != 1:
        raise ValueError("a and b must be 1-D and the same length")
    if len(xa) == 0:
        raise ValueError("no items to compare")
    return float(np.mean(xa == xb))


def cohen_kappa(a: ArrayLike, b: ArrayLike) -> float:
    """Cohen's kappa of two coders' nominal values (sklearn), 1.0 if they agree on every item.

    sklearn returns NaN with a warning when both coders used one and the same value for
    every item (chance agreement 1, kappa 0/0); identical ratings are reported as 1.0.
    """
    from sklearn.metrics import cohen_kappa_score

    xa, xb = np.asarray(a), np.asarray(b)
    if len(xa) == 0:
        raise ValueError("no items to compare")
    if np.array_equal(xa, xb):
        return 1.0
    return float(cohen_kappa_score(xa, xb))


def krippendorff_alpha_nominal(data) -> float:
    """Krippendorff's alpha for nominal data, any number of coders, missing values allowed.

    Parameters
    ----------
    data : array-like (n_coders, n_units)
        Reliability data: one row per coder, one column per unit; ``None``/NaN = missing.
        Values can be numbers or strings.

    Units with fewer than two values are not pairable and are ignored. Using the coincidence
    matrix ``o`` (each pairable unit with ``m_u`` values adds ``1 / (m_u - 1)`` for every
    ordered pair of its values), ``n_c`` its marginals and ``n`` its total::

        alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c * n_k

    (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"). Returns 1.0 when
    there is no disagreement at all, including the degenerate case of a single value used
    throughout (expected disagreement 0); raises ValueError without any pairable unit.
    """
    frame = pd.DataFrame(np.asarray(data, dtype=object))
    if frame.ndim != 2:
        raise ValueError("data must be 2-D (n_coders, n_units)")
    values = frame.to_numpy(dtype=object)
    missing = pd.isna(frame).to_numpy()
    present_values = values[~missing]
    if present_values.size == 0:
        raise ValueError("no values")
    categories, codes = np.unique(present_values.astype(str), return_inverse=True)
    k = len(categories)
    coded = np.full(values.shape, -1, dtype=int)
    coded[~missing] = codes.ravel()
    o = np.zeros((k, k), dtype=float)
    pairable = 0
    for u in range(coded.shape[1]):
        col = coded[:, u]
        col = col[col >= 0]
        m_u = len(col)
        if m_u < 2:
            continue
        pairable += 1
        counts = np.bincount(col, minlength=k).astype(float)
        # ordered pairs of different coders: counts_c * counts_k, minus self-pairs on the diagonal
        o += (np.outer(counts, counts) - np.diag(counts)) / (m_u - 1)
    if pairable == 0:
        raise ValueError("no unit was coded by at least two coders")
    n_c = o.sum(axis=1)
    n = n_c.sum()
    observed = o.sum() - np.trace(o)
    expected = n_c.sum() ** 2 - (n_c**2).sum()
    if observed == 0:
        return 1.0
    return float(1.0 - (n - 1) * observed / expected)


# ------------------------------------------------------------------------ preparation
def _check_codings(codings: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(codings, pd.DataFrame):
        raise TypeError("codings must be a pandas DataFrame")
    missing = [c for c in REQUIRED_COLUMNS if c not in codings.columns]
    if missing:
        raise ValueError(f"codings lack column(s) {missing}; need {list(REQUIRED_COLUMNS)}")
    return codings


def _two_coders(codings: pd.DataFrame, coders) -> tuple:
    if coders is not None:
        coders = tuple(coders)
        if len(coders) != 2 or coders[0] == coders[1]:
            raise ValueError("coders must name two different coders")
        return coders
    found = sorted(pd.unique(codings["coder"].dropna()).tolist(), key=str)
    if len(found) != 2:
        raise ValueError(
            f"expected codings by exactly two coders, found {len(found)}: {found}; pass coders=(a, b)"
        )
    return tuple(found)


def _shared_segments(codings: pd.DataFrame, segments) -> list:
    if segments is None:
        raise ValueError("pass the segments both coders saw (segments=...): codings alone "
                         "cannot show segments that neither coder coded")
    shared = list(dict.fromkeys(segments))  # de-duplicated, order kept
    if not shared:
        raise ValueError("no overlap: the two coders share no segments, agreement is undefined")
    return shared


def presence_matrices(codings: pd.DataFrame, segments: Iterable, coders=None, codes=None):
    """Yes/no judgements of both coders on the shared segments.

    Returns ``(A, B, segment_ids, codes, (coder_a, coder_b))`` where ``A`` and ``B`` are 0/1
    DataFrames indexed by segment with one column per code. ``codes`` defaults to every code
    either coder applied on the shared segments (pass the codebook to also count codes
    neither applied, which adds agreement).
    """
    codings = _check_codings(codings)
    coder_a, coder_b = _two_coders(codings, coders)
    shared = _shared_segments(codings, segments)
    in_scope = codings[codings["segment_id"].isin(shared) & codings["coder"].isin([coder_a, coder_b])]
    if codes is None:
        codes = list(dict.fromkeys(sorted(pd.unique(in_scope["code"]).tolist(), key=str)))
    else:
        codes = list(dict.fromkeys(codes))
        in_scope = in_scope[in_scope["code"].isin(codes)]
    if not codes:
        raise ValueError("neither coder applied any code on the shared segments")

    def matrix(coder):
        rows = in_scope[in_scope["coder"] == coder][["segment_id", "code"]].drop_duplicates()
        m = pd.DataFrame(0, index=pd.Index(shared, name="segment_id"), columns=pd.Index(codes, name="code"))
        for seg, code in rows.itertuples(index=False):
            m.at[seg, code] = 1
        return m

    return matrix(coder_a), matrix(coder_b), shared, codes, (coder_a, coder_b)


# ---------------------------------------------------------------------------- reports
def _stats(a: np.ndarray, b: np.ndarray) -> dict:
    degenerate = bool(np.all(a == a[0]) and np.array_equal(a, b))
    return {
        "percent_agreement": percent_agreement(a, b),
        "kappa": cohen_kappa(a, b),
        "alpha": krippendorff_alpha_nominal(np.vstack([a, b])),
        "degenerate": degenerate,
    }


def agreement_by_code(codings: pd.DataFrame, segments: Iterable, coders=None, codes=None) -> pd.DataFrame:
    """One row per code: ``code``, ``n_segments``, ``n_a``, ``n_b`` (segments each coder applied
    it to), ``n_both``, ``percent_agreement``, ``kappa``, ``alpha``, ``degenerate``."""
    A, B, shared, codes, _ = presence_matrices(codings, segments, coders, codes)
    rows = []
    for code in codes:
        a, b = A[code].to_numpy(), B[code].to_numpy()
        rows.append({"code": code, "n_segments": len(shared), "n_a": int(a.sum()), "n_b": int(b.sum()),
                     "n_both": int((a & b).sum()), **_stats(a, b)})
    return pd.DataFrame(rows)


def overall_agreement(codings: pd.DataFrame, segments: Iterable, coders=None, codes=None) -> dict:
    """Pooled over every (segment, code) judgement: ``percent_agreement``, ``kappa``,
    ``alpha``, ``degenerate``; plus ``mean_kappa`` and ``mean_alpha`` over codes,
    ``n_segments``, ``n_codes`` and the ``coders``."""
    A, B, shared, codes, pair = presence_matrices(codings, segments, coders, codes)
    per_code = agreement_by_code(codings, shared, pair, codes)
    a, b = A.to_numpy().ravel(), B.to_numpy().ravel()
    return {
        **_stats(a, b),
        "mean_kappa": float(per_code["kappa"].mean()),
        "mean_alpha": float(per_code["alpha"].mean()),
        "n_segments": len(shared),
        "n_codes": len(codes),
        "coders": pair,
    }


def valence_agreement(codings: pd.DataFrame, segments: Iterable, coders=None) -> dict:
    """Agreement on ``valence`` where both coders applied the same code to the same segment.

    Returns ``n_pairs`` and, when there is at least one pair, ``percent_agreement``,
    ``kappa`` and ``alpha`` (nominal).
    """
    codings = _check_codings(codings)
    if "valence" not in codings.columns:
        raise ValueError("codings have no 'valence' column")
    pairs = _valence_pairs(codings, segments, coders)
    out: dict[str, int | float] = {"n_pairs": len(pairs)}
    if len(pairs):
        a, b = pairs["valence_a"].astype(str).to_numpy(), pairs["valence_b"].astype(str).to_numpy()
        out.update({"percent_agreement": percent_agreement(a, b), "kappa": cohen_kappa(a, b),
                    "alpha": krippendorff_alpha_nominal(np.vstack([a, b]))})
    return out


def _valence_pairs(codings, segments, coders) -> pd.DataFrame:
    coder_a, coder_b = _two_coders(codings, coders)
    shared = _shared_segments(codings, segments)
    scope = codings[codings["segment_id"].isin(shared)]
    cols = ["segment_id", "code", "valence"]
    a = scope[scope["coder"] == coder_a][cols].drop_duplicates(["segment_id", "code"])
    b = scope[scope["coder"] == coder_b][cols].drop_duplicates(["segment_id", "code"])
    return a.merge(b, on=["segment_id", "code"], suffixes=("_a", "_b"))


def agreement_report(codings: pd.DataFrame, segments: Iterable, coders=None, codes=None) -> dict:
    """Everything at once: ``per_code`` (DataFrame), ``overall`` (dict), ``valence`` (dict or
    None) and ``disagreements`` (DataFrame)."""
    segments = list(segments) if segments is not None else None
    return {
        "per_code": agreement_by_code(codings, segments, coders, codes),
        "overall": overall_agreement(codings, segments, coders, codes),
        "valence": valence_agreement(codings, segments, coders) if "valence" in codings.columns else None,
        "disagreements": disagreements(codings, segments, coders, codes),
    }


def disagreements(codings: pd.DataFrame, segments: Iterable, coders=None, codes=None) -> pd.DataFrame:
    """Where the coders differ, one row per (segment, code).

    Columns: ``segment_id``, ``code``, ``coder_a``, ``coder_b`` (names), ``a_applied``,
    ``b_applied`` (bool) and ``kind``: ``"presence"`` (one coder applied the code, the
    other did not) or, when codings have a ``valence`` column, ``"valence"`` (both applied
    it with different valences; then ``a_valence``/``b_valence`` say which).
    """
    segments = list(segments) if segments is not None else None
    A, B, shared, codes, (coder_a, coder_b) = presence_matrices(codings, segments, coders, codes)
    diff = A.to_numpy() != B.to_numpy()
    seg_idx, code_idx = np.nonzero(diff)
    rows = pd.DataFrame({
        "segment_id": [shared[i] for i in seg_idx],
        "code": [codes[j] for j in code_idx],
        "coder_a": coder_a,
        "coder_b": coder_b,
        "a_applied": A.to_numpy()[seg_idx, code_idx].astype(bool),
        "b_applied": B.to_numpy()[seg_idx, code_idx].astype(bool),
        "kind": "presence",
    })
    if "valence" in codings.columns:
        pairs = _valence_pairs(codings, segments, (coder_a, coder_b))
        pairs = pairs[pairs["code"].isin(codes)]
        differ = pairs[pairs["valence_a"].astype(str) != pairs["valence_b"].astype(str)]
        val_rows = pd.DataFrame({
            "segment_id": differ["segment_id"].to_numpy(), "code": differ["code"].to_numpy(),
            "coder_a": coder_a, "coder_b": coder_b, "a_applied": True, "b_applied": True,
            "kind": "valence", "a_valence": differ["valence_a"].to_numpy(),
            "b_valence": differ["valence_b"].to_numpy(),
        })
        rows["a_valence"] = None
        rows["b_valence"] = None
        if len(val_rows):
            rows = pd.concat([rows, val_rows], ignore_index=True) if len(rows) else val_rows
    order = {s: i for i, s in enumerate(shared)}
    code_order = {c: i for i, c in enumerate(codes)}
    if len(rows):
        rows = rows.assign(_s=rows["segment_id"].map(order), _c=rows["code"].map(code_order))
        rows = rows.sort_values(["_s", "_c", "kind"], kind="stable").drop(columns=["_s", "_c"])
    return rows.reset_index(drop=True)

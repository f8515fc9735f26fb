"""Input coercion shared by the suggestion estimators.

The boundary of :mod:`elc.suggest` is a pandas DataFrame of segments with the columns

``text``       the segment as spoken (str)
``lemmas``     space-joined lowercase lemmas without stop words or punctuation
               (see :func:`elc.suggest.features.lemmatize`)
``question``   the interviewer's preceding question, ``""`` when unknown
``community``  the participant's community (e.g. ``"patients"``, ``"drivers"``)

Missing columns are tolerated: ``lemmas`` is then derived from ``text`` with the regex
fallback (so are missing values in it), ``question`` and ``community`` become ``""``. A list or Series of strings is read
as ``text``. Labels are a 0/1 matrix, one column per code (a DataFrame whose columns are the
code ids or names); a 1-D sequence of labels is one-hot encoded (single-label data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

SEGMENT_COLUMNS = ("text", "lemmas", "question", "community")
VALENCES = ("working-well", "to-improve", "neutral")


def _clean_text_column(values) -> pd.Series:
    s = pd.Series(values, dtype=object)
    return s.where(s.notna(), "").astype(str)


def as_segments(X) -> pd.DataFrame:
    """Return ``X`` as a DataFrame with the four segment columns (a copy, index reset)."""
    if isinstance(X, pd.DataFrame):
        df = X
    elif isinstance(X, pd.Series):
        df = pd.DataFrame({"text": X.to_numpy(dtype=object)})
    elif isinstance(X, str):
        raise TypeError("expected a DataFrame of segments or a list of texts, got a single str")
    elif isinstance(X, Iterable):
        df = pd.DataFrame({"text": list(X)})
    else:
        raise TypeError(f"expected a DataFrame of segments, got {type(X).__name__}")
    if "text" not in df.columns and "lemmas" not in df.columns:
        raise ValueError("segments need a 'text' (or at least a 'lemmas') column")
    n = len(df)
    out: dict[str, Any] = {}
    out["text"] = _clean_text_column(df["text"].to_numpy(dtype=object)) if "text" in df else None
    if "lemmas" in df.columns:
        raw = pd.Series(df["lemmas"].to_numpy(dtype=object), dtype=object)
        out["lemmas"] = _clean_text_column(raw)
        missing = raw.isna().to_numpy()
        if missing.any() and out["text"] is not None:  # rows never lemmatised: regex fallback
            from elc.suggest.features import simple_lemmatize

            out["lemmas"][missing] = simple_lemmatize(out["text"][missing].tolist())
    else:
        from elc.suggest.features import simple_lemmatize

        out["lemmas"] = pd.Series(simple_lemmatize(out["text"].tolist()), dtype=object)
    if out["text"] is None:
        out["text"] = out["lemmas"]
    for col in ("question", "community"):
        if col in df.columns:
            out[col] = _clean_text_column(df[col].to_numpy(dtype=object))
        else:
            out[col] = pd.Series([""] * n, dtype=object)
    return pd.DataFrame({c: out[c].to_numpy(dtype=object) for c in SEGMENT_COLUMNS})


def as_label_matrix(Y, n_samples: int, allow_missing: bool = False) -> tuple[np.ndarray, list]:
    """Return ``(matrix, classes)``: an ``(n_samples, n_codes)`` int8 0/1 matrix and code list.

    ``Y`` may be a DataFrame (columns are the codes), a 2-D array (codes ``0..m-1``), a 1-D
    sequence of single labels (one-hot encoded, codes sorted) or ``None`` (no labels).
    Missing entries (NaN/None) mean "not judged": with ``allow_missing`` the matrix is float
    and keeps them as NaN, otherwise they count as 0.
    """
    if Y is None:
        return np.zeros((n_samples, 0), dtype=np.int8), []
    if isinstance(Y, pd.DataFrame):
        classes = list(Y.columns)
        values = Y.to_numpy()
    else:
        arr = np.asarray(Y.to_numpy(dtype=object) if isinstance(Y, pd.Series) else Y)
        if arr.ndim == 1:
            classes = sorted(pd.unique(pd.Series(arr, dtype=object).dropna()).tolist(), key=str)
            values = (arr[:, None] == np.asarray(classes, dtype=object)[None, :])
        elif arr.ndim == 2:
            classes = list(range(arr.shape[1]))
            values = arr
        else:
            raise ValueError(f"labels must be 1-D or 2-D, got {arr.ndim}-D")
    values = np.asarray(values)
    if values.shape[0] != n_samples:
        raise ValueError(f"labels have {values.shape[0]} rows but there are {n_samples} segments")
    if values.dtype == object:
        values = pd.DataFrame(values).astype(float).to_numpy()
    values = values.astype(float)
    known = ~np.isnan(values)
    if values.size and not np.isin(values[known], (0, 1)).all():
        raise ValueError("labels must be a 0/1 matrix (one column per code)")
    if len(set(map(_hashable, classes))) != len(classes):
        raise ValueError("label columns (codes) must be unique")
    if allow_missing:
        return values, classes
    return np.nan_to_num(values, nan=0.0).astype(np.int8), classes


def _hashable(x):
    try:
        hash(x)
        return x
    except TypeError:
        return repr(x)


def describe_code(description) -> tuple[str, str, list[str]]:
    """Normalise one code description to ``(name, definition, keywords)``.

    Accepts a string (the definition), a mapping with ``name``, ``definition`` (or
    ``description``) and ``keywords`` keys, a ``(definition, keywords)`` pair, or an object with
    such attributes (e.g. :class:`elc.domain.CodeSpec` or :class:`elc.domain.Touchpoint`).
    """
    name, definition = "", ""
    keywords: Iterable[Any] | str = ()
    if description is None:
        pass
    elif isinstance(description, str):
        definition = description
    elif isinstance(description, Mapping):
        name = description.get("name") or ""
        definition = description.get("definition") or description.get("description") or ""
        keywords = description.get("keywords") or ()
    elif isinstance(description, tuple | list) and len(description) == 2 and not isinstance(
        description[1], str
    ):
        definition, keywords = description[0] or "", description[1] or ()
    else:
        name = getattr(description, "name", "") or ""
        definition = getattr(description, "definition", "") or getattr(description, "description", "")
        keywords = getattr(description, "keywords", ()) or ()
    if isinstance(keywords, str):
        keywords = [k.strip() for k in keywords.split(",")]
    return str(name), str(definition or ""), [str(k) for k in keywords if str(k).strip()]


def normalize_descriptions(code_descriptions) -> dict:
    """Return ``{code: (text, keywords)}`` where text is the code name plus its definition."""
    if not code_descriptions:
        return {}
    if not isinstance(code_descriptions, Mapping):
        raise TypeError("code_descriptions must be a mapping code -> description")
    out = {}
    for code, desc in code_descriptions.items():
        name, definition, keywords = describe_code(desc)
        name = name or (code if isinstance(code, str) else "")
        text = ". ".join(part.strip() for part in (name, definition) if part and part.strip())
        out[code] = (text, keywords)
    return out


_THRESHOLD_GRID = np.round(np.concatenate([np.arange(0.02, 0.15, 0.01), np.arange(0.15, 0.801, 0.025)]), 3)


def best_f1_threshold(y: np.ndarray, p: np.ndarray, default: float = 0.5) -> float:
    """Threshold on ``p`` maximising F1 for labels ``y`` (ties: the one closest to 0.5)."""
    y = np.asarray(y).astype(bool)
    p = np.asarray(p, dtype=float)
    if y.sum() == 0:
        return default
    pred = p[None, :] >= _THRESHOLD_GRID[:, None]
    tp = (pred & y[None, :]).sum(axis=1)
    fp = pred.sum(axis=1) - tp
    fn = y.sum() - tp
    f1 = np.divide(2 * tp, 2 * tp + fp + fn, out=np.zeros(len(tp), dtype=float), where=(2 * tp + fp + fn) > 0)
    best = np.flatnonzero(f1 >= f1.max() - 1e-12)
    return float(_THRESHOLD_GRID[best[np.argmin(np.abs(_THRESHOLD_GRID[best] - 0.5))]])


class TextMultiLabelTags:
    """scikit-learn tags for estimators that take segment text and predict several codes at once
    (put it before ``ClassifierMixin`` in the bases)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

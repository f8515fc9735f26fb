"""Theme keywords: BERTopic's class-based TF-IDF (c-TF-IDF) over a cached document-term matrix.

BERTopic computes c-TF-IDF once per fit. Researcher decisions (merge, split, discard) change
the assignments many times, so the keywords are recomputed here from the per-segment counts
of the fitted ``CountVectorizer`` with BERTopic's own ``ClassTfidfTransformer``: a merge
re-weights in milliseconds instead of re-vectorising the corpus.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse


def class_matrix(X, labels: np.ndarray, classes: Sequence[int]) -> "scipy.sparse.csr_matrix":
    """Summed term counts per class (rows in the order of ``classes``)."""
    import scipy.sparse as sp

    labels = np.asarray(labels)
    pos = {c: i for i, c in enumerate(classes)}
    rows = np.array([pos.get(v, -1) for v in labels])
    keep = rows >= 0
    ind = sp.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.float64), (rows[keep], np.flatnonzero(keep))),
        shape=(len(classes), len(labels)),
    )
    return sp.csr_matrix(ind @ X)


def _seed_multiplier(words: Sequence[str], seed_words: Iterable[str] | None) -> np.ndarray | None:
    seeds = set(seed_words or ())
    if not seeds:
        return None
    return np.array([1.2 if w in seeds else 1.0 for w in words])  # as BERTopic does for seed topics


def ctfidf(X, labels, words: Sequence[str], seed_words=None, reduce_frequent_words: bool = False):
    """(classes, fitted ClassTfidfTransformer, c-TF-IDF matrix) for the labels, -1 included if present."""
    import scipy.sparse as sp
    from bertopic.vectorizers import ClassTfidfTransformer

    classes = sorted(set(np.asarray(labels).tolist()))
    counts = class_matrix(X, labels, classes)
    model = ClassTfidfTransformer(reduce_frequent_words=reduce_frequent_words)
    model.fit(counts, multiplier=_seed_multiplier(words, seed_words))
    return classes, model, sp.csr_matrix(model.transform(counts))


def top_words(matrix, words: Sequence[str], top_n: int = 10, supported=None) -> list[list[tuple[str, float]]]:
    """Top ``top_n`` (word, score) pairs of each row, highest first, zero scores left out.

    ``supported`` (same shape, boolean, optional) puts terms used by enough of the class's
    segments before the rest, so a rare bigram from one long segment does not name a theme.
    """
    vocab = np.asarray(words, dtype=object)
    out: list[list[tuple[str, float]]] = []
    for i in range(matrix.shape[0]):
        row = matrix.getrow(i)
        if row.nnz == 0:
            out.append([])
            continue
        vals, idx = row.data, row.indices
        keys = [idx, -np.round(vals, 12)]
        if supported is not None:
            keys.append(~np.asarray(supported.getrow(i)[:, idx].toarray()).ravel().astype(bool))
        order = np.lexsort(keys)[:top_n]
        out.append([(str(vocab[idx[j]]), float(vals[j])) for j in order if vals[j] > 0])
    return out


def theme_keywords(X, labels, words, top_n: int = 10, seed_words=None,
                   min_support: float = 0.03) -> dict[int, list[tuple[str, float]]]:
    """c-TF-IDF keywords of every theme in ``labels`` (the outlier class -1 included).

    Terms found in at least ``max(2, min_support x size)`` of a theme's segments rank first.
    """
    import scipy.sparse as sp

    classes, _, matrix = ctfidf(X, labels, words, seed_words=seed_words)
    labels = np.asarray(labels)
    sizes = np.array([(labels == c).sum() for c in classes], dtype=float)
    binary = sp.csr_matrix(X, copy=True)
    binary.data = np.ones_like(binary.data, dtype=np.float64)
    df = class_matrix(binary, labels, classes)
    need = np.maximum(2.0, min_support * sizes)
    supported = sp.csr_matrix(sp.diags(1.0 / need) @ df >= 1.0)
    return dict(zip(classes, top_words(matrix, words, top_n, supported=supported)))

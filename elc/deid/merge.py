"""Resolve overlapping detections: rules and lists beat the statistical model, the longer span
beats the shorter, and same-label overlaps are joined into one span."""

from __future__ import annotations

from collections.abc import Iterable

from .types import Detection

_RANK = {"list": 2, "rule": 2, "ner": 1}


def _key(d: Detection) -> tuple:
    return (_RANK.get(d.source, 0), d.length, d.score)


def _union(a: Detection, b: Detection, text: str | None) -> Detection:
    best = max((a, b), key=_key)
    if text is None:  # cannot rebuild the surface of a joined span: keep the better one
        return best
    start, end = min(a.start, b.start), max(a.end, b.end)
    return Detection(start, end, best.label, text[start:end], best.source, max(a.score, b.score))


def merge_detections(detections: Iterable[Detection], text: str | None = None) -> list[Detection]:
    """Return non-overlapping detections sorted by start.

    Within each cluster of overlapping detections the winner is the best by (rules/lists over
    NER, longer span, higher score); detections of the winner's label that overlap it are
    joined into it, the rest are dropped.
    """
    items = sorted(detections, key=lambda d: (d.start, -d.end))
    out: list[Detection] = []
    cluster: list[Detection] = []
    cluster_end = -1
    for d in items:
        if cluster and d.start >= cluster_end:
            out.extend(_resolve(cluster, text))
            cluster = []
        cluster.append(d)
        cluster_end = max(cluster_end, d.end) if len(cluster) > 1 else d.end
    if cluster:
        out.extend(_resolve(cluster, text))
    return sorted(out, key=lambda d: d.start)


def _resolve(cluster: list[Detection], text: str | None) -> list[Detection]:
    if len(cluster) == 1:
        return cluster
    remaining = sorted(cluster, key=_key, reverse=True)
    kept: list[Detection] = []
    while remaining:
        win = remaining.pop(0)
        changed = True
        while changed:
            changed = False
            for other in list(remaining):
                if other.label == win.label and other.overlaps(win):
                    win = _union(win, other, text)
                    remaining.remove(other)
                    changed = True
        remaining = [r for r in remaining if not r.overlaps(win)]
        if not any(k.overlaps(win) for k in kept):
            kept.append(win)
    return kept

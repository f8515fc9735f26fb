"""Sentence spans of a turn in the de-identified text: the tagger's sentences, mapped through
the replacements, with punctuation and bracketed tags kept whole."""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any


def _sentence_spans(doc, new_text: str, offsets):
    """Sentence spans in the de-identified text, stripped; fragments without a letter or digit
    (e.g. a lone "[" before "laughs]") are joined to the following sentence."""
    spans: list[tuple[Any, int, int]] = []  # (spaCy sentence, start, end)
    carry = None
    last_alnum = next((i for i in range(len(new_text) - 1, -1, -1) if new_text[i].isalnum()), -1)
    for sent in doc.sents:
        a, b = offsets.span(sent.start_char, sent.end_char) if offsets else (sent.start_char, sent.end_char)
        if carry is not None:
            a, carry = carry, None
        while a < b and new_text[a].isspace():
            a += 1
        while b > a and new_text[b - 1].isspace():
            b -= 1
        if b <= a:
            continue
        if spans and spans[-1][2] == a and new_text[a] in CLOSING:
            a = _give_back_closing(spans, new_text, a, b)  # "No" + ". She never went home." -> "No." + ...
            if b <= a:
                continue
        if not any(ch.isalnum() for ch in new_text[a:b]):
            if spans and b > last_alnum:  # nothing with a letter or digit follows (linear, not a rescan)
                prev_sent, pa, _ = spans[-1]
                spans[-1] = (prev_sent, pa, b)
            else:
                carry = a
            continue
        spans.append((sent, a, b))
    return _join_split_brackets(spans, new_text)


CLOSING = ".!?;:,…"


def _give_back_closing(spans, text: str, a: int, b: int) -> int:
    """The tagger sometimes ends a sentence before its full stop ("No" | ". She ..."): the closing
    punctuation joins the sentence it ends; returns where the next sentence really starts."""
    k = a
    while k < b and text[k] in CLOSING:
        k += 1
    prev_sent, pa, _ = spans[-1]
    spans[-1] = (prev_sent, pa, k)
    while k < b and text[k].isspace():
        k += 1
    return k


BRACKETED = re.compile(r"\[[^\[\]\n]{1,40}\]")


def _join_split_brackets(spans, text: str):
    """Never split inside "[Driver 1]" or "[laughs]": join sentences whose boundary falls inside one."""
    if len(spans) < 2 or "[" not in text:
        return spans
    starts, ends = [], []
    for m in BRACKETED.finditer(text):  # non-overlapping, in order: a bisect finds the one around x
        starts.append(m.start())
        ends.append(m.end())

    def inside(x: int) -> bool:
        i = bisect_left(starts, x) - 1
        return i >= 0 and x < ends[i]

    out = [spans[0]]
    for sent, a, b in spans[1:]:
        _, pa, pb = out[-1]
        if inside(a) or inside(pb):
            out[-1] = (out[-1][0], pa, b)
        else:
            out.append((sent, a, b))
    return out

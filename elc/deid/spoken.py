"""Find digit strings read out in words ("oh one one six, four nine six ...")."""

from __future__ import annotations

import re
from collections.abc import Iterator

DIGIT_WORDS = {
    "oh": "0", "o": "0", "zero": "0", "nought": "0", "nil": "0",
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
}
_REPEAT = {"double": 2, "treble": 3, "triple": 3}

_TOKEN = re.compile(r"\+|\d+|[A-Za-z]+")
# What may sit between two pieces of one read-out number.
_GAP = re.compile(r"[\s,.\-–…]*(?:\b(?:and|then|um|erm|er|uh)\b[\s,.\-–…]*)?")


def _token_digits(tok: str, pending_repeat: int) -> tuple[str | None, int]:
    low = tok.lower()
    if low in _REPEAT:
        return "", _REPEAT[low]
    if tok.isdigit():
        if pending_repeat and len(tok) == 1:
            return tok * pending_repeat, 0
        return tok, 0
    if low in DIGIT_WORDS:
        d = DIGIT_WORDS[low]
        return d * (pending_repeat or 1), 0
    if low == "plus":
        return "+", 0
    if low == "hundred" and pending_repeat == 0:
        return "00", 0
    return None, 0


def spoken_digit_runs(text: str, min_words: int = 4) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, digits)`` for runs mixing digit words and digit groups.

    A run must contain at least ``min_words`` digit *words* (so plain digit strings are left
    to the ordinary regexes) and may include "double"/"triple" and "plus" (for +44).
    """
    pos = 0
    n = len(text)
    while pos < n:
        m = _TOKEN.search(text, pos)
        if not m:
            return
        digits, rep = _token_digits(m.group(), 0)
        if digits is None:
            pos = m.end()
            continue
        start = m.start()
        end = m.end()
        out = [digits]
        words = 0 if m.group().isdigit() or m.group() == "+" else 1
        if m.group().lower() in ("o",) and not _looks_spoken_o(text, m):
            pos = m.end()
            continue
        cursor = m.end()
        while True:
            g = _GAP.match(text, cursor)
            nxt = _TOKEN.match(text, g.end()) if g else None
            if not nxt:
                break
            d, r = _token_digits(nxt.group(), rep)
            if d is None:
                break
            if d == "" and r:
                rep = r
            else:
                rep = 0
            if nxt.group().isalpha() and nxt.group().lower() not in _REPEAT and nxt.group().lower() != "plus":
                words += 1
            out.append(d)
            end = nxt.end()
            cursor = nxt.end()
        if words >= min_words:
            yield start, end, "".join(out)
        pos = end if end > start else m.end()


def _looks_spoken_o(text: str, m: re.Match) -> bool:
    """A bare "o" only counts as zero when a digit word follows."""
    nxt = _TOKEN.search(text, m.end())
    return nxt is not None and (nxt.group().isdigit() or nxt.group().lower() in DIGIT_WORDS)

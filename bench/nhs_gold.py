"""A real-text gold set for de-identification, rebuilt from the shared NHS feedback file.

The comments themselves never enter the repository: ``bench/data/nhs_feedback_gold.jsonl`` holds,
for every selected comment, only its ``row_index``, a SHA-256 prefix of its text (so a changed file
is noticed), which half of the selection it belongs to, and the personal-identifier spans marked by
reading the comment (character offsets + type). This module joins that list with the CSV
(``../shared/data/nhs-feedback-phase1/text_data.csv`` beside the repository, or ``$ELC_NHS_FEEDBACK_CSV``)
and returns the labelled comments; everything that uses it skips cleanly when the CSV is absent.

Selection rule (deterministic, see :func:`select`): a comment is a *candidate* when it holds a
capitalised word (``Xxxx``) that either follows a title (Dr, Mr, Mrs, Ms, Miss, Sister, Nurse,
Doctor, Matron, Prof) or never occurs in lower case anywhere in the file; every candidate is taken,
plus as many non-candidates (the ones whose text hash sorts first). What was marked: names of
people (with their title when they have one; title + initial such as "Dr P" counts, a redaction
placeholder such as "XXXX", "Dr X" or "*" does not), and any phone number, e-mail or address.
Not marked: hospitals, wards (also those named after people), teams, towns, NHS organisations,
conditions, medicines, brands and public figures ("Ant and Dec").

    .venv/bin/python bench/nhs_gold.py            # rebuild and print counts
    .venv/bin/python bench/nhs_gold.py --check    # also re-run the selection rule and compare
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPANS = ROOT / "bench" / "data" / "nhs_feedback_gold.jsonl"
DEFAULT_CSV = ROOT.parent / "shared" / "data" / "nhs-feedback-phase1" / "text_data.csv"

_TOKEN = re.compile(r"(?<![\w'’-])([A-Z][a-z]+)(?![A-Za-z])")
_LOWER = re.compile(r"(?<![A-Za-z])[a-z][a-z]+(?![A-Za-z])")
_TITLE_BEFORE = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Miss|Sister|Nurse|Doctor|Matron|Prof)\.?\s+$")


@dataclass
class GoldComment:
    row: int
    text: str
    selection: str  # "candidate" or "without"
    spans: list[dict] = field(default_factory=list)  # {"start", "end", "label"}


def csv_path() -> Path:
    return Path(os.environ.get("ELC_NHS_FEEDBACK_CSV") or DEFAULT_CSV)


def available() -> bool:
    return csv_path().is_file() and SPANS.is_file()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def read_raw(path: Path | None = None) -> list[str]:
    """The ``feedback`` column exactly as stored, indexed by ``row_index``."""
    path = path or csv_path()
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = [""] * len(rows)
    for r in rows:
        out[int(r["row_index"])] = r["feedback"] or ""
    return out


def read_comments(path: Path | None = None) -> list[str]:
    """The comments with line ends made ``\\n`` (the span offsets are taken on this text)."""
    return [t.replace("\r\n", "\n").replace("\r", "\n") for t in read_raw(path)]


def candidates(text: str, lower_words: set[str]) -> list[str]:
    """Capitalised words of ``text`` that may be names under the selection rule."""
    out = []
    for m in _TOKEN.finditer(text):
        w = m.group(1)
        if _TITLE_BEFORE.search(text[max(0, m.start() - 15):m.start()]) or w.lower() not in lower_words:
            out.append(w)
    return out


def select(comments: list[str]) -> tuple[list[int], list[int]]:
    """(candidate rows, an equal number of non-candidate rows), as described in the module doc;
    ``comments`` as :func:`read_raw` gives them (the hash order is over the stored text)."""
    lower = {m.group() for t in comments for m in _LOWER.finditer(t)}
    cand = [i for i, t in enumerate(comments) if t.strip() and candidates(t, lower)]
    rest = [i for i, t in enumerate(comments) if t.strip() and not candidates(t, lower)]
    rest = sorted(rest, key=lambda i: text_hash(comments[i]))[:len(cand)]
    return cand, sorted(rest)


def load(path: Path | None = None) -> list[GoldComment]:
    """The gold comments with their text; raises ``FileNotFoundError`` when the CSV is absent and
    ``ValueError`` when a comment no longer matches its recorded hash."""
    comments = read_comments(path)
    out = []
    with SPANS.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            row = int(rec["row"])
            text = comments[row] if row < len(comments) else None
            if text is None or text_hash(text) != rec["sha256"]:
                raise ValueError(f"row {row} of {path or csv_path()} does not match the gold span list")
            spans = [{"start": s, "end": e, "label": lab} for s, e, lab in rec["spans"]]
            out.append(GoldComment(row, text, rec["selection"], spans))
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not csv_path().is_file():
        print(f"skipped: {csv_path().name} not found (set ELC_NHS_FEEDBACK_CSV)")
        return 0
    gold = load()
    n_spans = sum(len(g.spans) for g in gold)
    print(f"{len(gold)} comments ({sum(g.selection == 'candidate' for g in gold)} candidates), "
          f"{n_spans} identifier spans in {sum(1 for g in gold if g.spans)} comments, "
          f"{sum(1 for g in gold if not g.spans)} comments without identifiers")
    if "--check" in argv:
        cand, rest = select(read_raw())
        listed = {g.row for g in gold}
        same = listed == set(cand) | set(rest)
        print(f"selection rule reproduces the listed rows: {same}")
        return 0 if same else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

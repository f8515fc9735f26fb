"""De-identification on the bundled sample corpora: recall against a gold list, false positives.

The gold list (``tests/deid/data/sample_corpora_gold.tsv``) holds, for each transcript of the
three sample programmes, the identifiers a reader finds in it (names, streets, GP practices and
care homes, phone and NHS numbers, dates of birth, postcodes, e-mails). Each corpus is imported
into a throw-away project (import and de-identification only: no codings, no themes), then:

* recall: a gold identifier counts as caught when it no longer occurs, as a whole word, in the
  stored text of its transcript;
* false positives: every replacement the import made (read back from the originals sidecar) that
  a person tag ("[Person 3]", "[Driver 1]") put over something that is not a gold identifier of
  that transcript, e.g. an ordinary word ("flagged"), a town ("Southwell") or an acronym ("IG").

    PYTHONPATH=. .venv/bin/python bench/deid_corpora.py                 # all three corpora
    PYTHONPATH=. .venv/bin/python bench/deid_corpora.py home-oxygen-pep --show
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "elc" / "data" / "corpora"
GOLD = ROOT / "tests" / "deid" / "data" / "sample_corpora_gold.tsv"
NAMES = ("home-oxygen-pep", "home-first-discharge", "llr-nepts")
# typed tags that are not people; anything else in brackets is a person's tag
_TYPED = re.compile(r"^\[(?:place|address|postcode|phone|email|nhs number|date of birth|organisation|"
                    r"date|url|id)\]$", re.IGNORECASE)


@dataclass(frozen=True)
class Gold:
    corpus: str
    file: str  # the transcript's prefix ("C01")
    identifier: str
    kind: str


@dataclass(frozen=True)
class Replacement:
    file: str
    label: str
    replacement: str
    original: str


def load_gold(path: Path = GOLD) -> list[Gold]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            corpus, file, ident, kind = line.split("\t")
            out.append(Gold(corpus, file, ident, kind))
    return out


def prefix(name: str) -> str:
    return name.split("-")[0]


def build(corpus: str, target: Path, only: set[str] | None = None):
    """Import ``corpus`` (or only the transcripts whose prefix is in ``only``) into a new project."""
    from elc import new_project
    from elc.deid import originals
    from elc.ingest import ImportOptions, import_files
    from elc.ingest.manifest import read_manifests

    folder = CORPORA / corpus
    data = ROOT / "elc" / "data"
    codebook = data / "codebooks" / f"{corpus}.yaml"
    originals.remove_sidecar(target)
    project = new_project(target, data / "interview_guides" / f"{corpus}.yaml",
                          codebook if codebook.exists() else None, overwrite=True)
    manifest = read_manifests(folder)
    files = [folder / n for n in sorted(manifest) if only is None or prefix(n) in only]
    report = import_files(project, files, ImportOptions(), metadata_for=lambda p: manifest[p.name])
    if report.failed:
        raise RuntimeError(f"{corpus}: {report.failed[0]}")
    return project


def stored_texts(project) -> dict[str, str]:
    """Transcript prefix -> the de-identified text the project stores."""
    src = project.sources()
    return {prefix(name): project.source_text(int(i)) for i, name in zip(src["id"], src["name"])}


def replacements(project) -> list[Replacement]:
    """Every replacement of the import, with its original, from the originals sidecar."""
    src = project.sources()
    names = {int(i): prefix(n) for i, n in zip(src["id"], src["name"])}
    with sqlite3.connect(str(project.location) + ".originals") as db:
        rows = db.execute("SELECT source_id, label, replacement, original FROM originals").fetchall()
    return [Replacement(names.get(s, "?"), lab, rep, orig) for s, lab, rep, orig in rows]


def present(identifier: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(identifier)}(?![\w-])", text) is not None


def remaining(gold: list[Gold], texts: dict[str, str]) -> list[Gold]:
    """Gold identifiers still in the stored text of their transcript."""
    return [g for g in gold if g.file in texts and present(g.identifier, texts[g.file])]


def false_positives(gold: list[Gold], reps: list[Replacement]) -> list[Replacement]:
    """Person-tagged replacements of something that is no gold identifier of that transcript."""
    by_file: dict[str, list[str]] = defaultdict(list)
    for g in gold:
        by_file[g.file].append(g.identifier.casefold())
    out = []
    for r in reps:
        if _TYPED.match(r.replacement):
            continue
        orig = re.sub(r"^(?:dr|mr|mrs|ms|miss|sister|nurse|uncle)\.?\s+", "", r.original.casefold())
        orig = orig.removesuffix("'s").removesuffix("’s")
        if not any(orig == g or orig in g.split() or g in orig.split() for g in by_file[r.file]):
            out.append(r)
    return out


def measure(corpus: str, workdir: Path, show: bool = False) -> dict:
    gold = [g for g in load_gold() if g.corpus == corpus]
    project = build(corpus, workdir / f"{corpus}.elc")
    try:
        texts = stored_texts(project)
        missed = remaining(gold, texts)
        fps = false_positives(gold, replacements(project))
    finally:
        project.close()
    print(f"{corpus:<22} gold {len(gold):>4}  caught {len(gold) - len(missed):>4}  "
          f"recall {(len(gold) - len(missed)) / len(gold):.3f}  person-tag false positives {len(fps):>3}")
    if show:
        for g in missed:
            print(f"    MISSED {g.file} {g.kind:<10} {g.identifier!r}")
        for r in fps:
            print(f"    FALSE  {r.file} {r.replacement:<14} {r.original!r}")
    return {"gold": len(gold), "missed": len(missed), "fp": len(fps)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", nargs="*", default=list(NAMES))
    ap.add_argument("--show", action="store_true", help="list every miss and false positive")
    ap.add_argument("--keep", metavar="DIR", help="build the projects in DIR and keep them")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        totals = [measure(c, work, args.show) for c in args.corpora]
    g = sum(t["gold"] for t in totals)
    m = sum(t["missed"] for t in totals)
    print(f"{'all':<22} gold {g:>4}  caught {g - m:>4}  recall {(g - m) / g:.3f}  "
          f"person-tag false positives {sum(t['fp'] for t in totals):>3}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

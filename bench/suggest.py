"""Benchmark the code suggester on real NHS patient feedback.

Data: ../shared/data/nhs-feedback-phase1/text_data.csv (10,334 Friends-and-Family-Test style
comments labelled by NHS staff; see SOURCE.txt next to it: CC BY-NC-SA, development and
evaluation only, never copied into this repository). Override the location with
``--data PATH`` or ``$ELC_NHS_FEEDBACK``. Without the file the benchmark says so and exits 0.

Codes: ``label`` (9 themes) and, second table, ``subcategory`` (44). Each comment has exactly
one code, so both models are scored by their argmax: CodeSuggester by the argmax of its
``decision_function`` (calibrated probability relative to each code's F1-optimal threshold:
its own single-label decision) and, for reference, of ``predict_proba``; the baseline by
LinearSVC's own prediction (argmax of its decision function). Context given to CodeSuggester:
the form question ("Trust A - Q1"...) as ``question`` and the trust as ``community``; the
baseline sees the text only (the "text only" column shows what the context adds).

Protocol: one fixed held-out test split (2,000 comments); for each seed the rest is shuffled
and the first n comments train both models (exactly the same rows); macro F1 on the test
split, mean over seeds. Nothing is tuned on the test split.

Usage: .venv/bin/python bench/suggest.py [--seeds 3] [--quick]

Product path (``--product [--rows N]``): what a user meets. A multi-label .xlsx sheet (comment;
codes = label and subcategory, two codes per comment; criticality) is written to a temporary
folder, imported with ``elc import-coded`` and evaluated with ``elc suggest --evaluate
--json`` in subprocesses: elc against the TF-IDF + LinearSVC (one-vs-rest, balanced) baseline
on the same units and grouped folds, at every learning-curve point; then the same on the
sample programme's interviews (built as ``elc demo`` does, without themes).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "nhs-feedback-phase1" / "text_data.csv"
SIZES = (100, 200, 400, 800, 1600, 3200, 5000)
TEST_SIZE = 2000


def load(path: Path) -> pd.DataFrame:
    d = pd.read_csv(path)
    d = d[d["feedback"].notna() & (d["feedback"].astype(str).str.strip() != "")].reset_index(drop=True)
    return d


def baseline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    return make_pipeline(TfidfVectorizer(), LinearSVC(random_state=0))


def macro_f1(y_true, y_pred, labels) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0))


def run_table(d, X, column, seeds, sizes, test, pool_order, text_only_sizes=()):
    """Learning curve for one label column; returns (table, fit time rows, last model, Xtest)."""
    from elc.suggest import CodeSuggester

    y = d[column].to_numpy(dtype=object)
    codes = np.array(sorted(set(y)), dtype=object)
    labels = sorted(set(y[test]))
    Xtest = X.iloc[test]
    rows, times = [], []
    last = None
    for seed in seeds:
        order = pool_order(seed)
        for n in sizes:
            train = order[:n]
            Y = pd.DataFrame((y[train][:, None] == codes[None, :]).astype(int), columns=codes)
            t0, c0 = time.perf_counter(), time.process_time()
            model = CodeSuggester(random_state=seed).fit(X.iloc[train], Y)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            dec = model.classes_[model.decision_function(Xtest).argmax(axis=1)]
            arg = model.classes_[model.predict_proba(Xtest).argmax(axis=1)]
            t1 = time.perf_counter()
            base = baseline().set_params(linearsvc__random_state=seed).fit(d["feedback"].iloc[train], y[train])
            base_wall = time.perf_counter() - t1
            row = {"seed": seed, "n": n, "cs": macro_f1(y[test], dec, labels),
                   "cs_proba": macro_f1(y[test], arg, labels),
                   "baseline": macro_f1(y[test], base.predict(d["feedback"].iloc[test]), labels)}
            if n in text_only_sizes:
                plain = X.iloc[train].assign(question="", community="")
                m2 = CodeSuggester(random_state=seed).fit(plain, Y)
                row["cs_text_only"] = macro_f1(
                    y[test], m2.classes_[m2.decision_function(Xtest.assign(question="", community="")).argmax(1)],
                    labels)
            rows.append(row)
            if n == max(sizes):
                times.append({"seed": seed, "wall": wall, "cpu": cpu, "baseline_wall": base_wall,
                              "load": os.getloadavg()[0]})
                if last is None:
                    last = (model, train)
            print(f"  {column:12s} seed {seed} n {n:5d}: CodeSuggester {row['cs']:.3f}  baseline {row['baseline']:.3f}"
                  f"  (fit {wall:.2f}s)", file=sys.stderr, flush=True)
    table = pd.DataFrame(rows).groupby("n").mean(numeric_only=True).drop(columns="seed")
    return table, pd.DataFrame(times), last, Xtest, y[test], codes


def print_table(title, table):
    t = table.copy()
    out = pd.DataFrame({"n_train": t.index})
    out["CodeSuggester"] = t["cs"].to_numpy()
    out["CS argmax proba"] = t["cs_proba"].to_numpy()
    if "cs_text_only" in t:
        out["CS text only"] = t["cs_text_only"].to_numpy()
    out["TF-IDF+LinearSVC"] = t["baseline"].to_numpy()
    out["delta"] = out["CodeSuggester"] - out["TF-IDF+LinearSVC"]
    out["CS >= base"] = np.where(out["delta"] >= 0, "yes", "NO")
    print(f"\n{title}")
    print(out.to_string(index=False, float_format=lambda v: f"{v:.3f}", na_rep="-"))


def print_times(column, times, n):
    w, c = times["wall"], times["cpu"]
    print(f"Refit time at n={n} ({column}): wall {w.mean():.2f}s (min {w.min():.2f}, max {w.max():.2f}), "
          f"CPU {c.mean():.2f}s over {len(times)} fits; baseline fit {times['baseline_wall'].mean():.2f}s; "
          f"load average during fits {times['load'].mean():.1f} on {os.cpu_count()} cores; "
          f"target < 5 s: {'PASS' if w.min() < 5 else 'FAIL'} (best), {'PASS' if w.mean() < 5 else 'FAIL'} (mean)")


def print_parallel_time(d, X, column, train):
    """The same refit with n_jobs=2 threads (not bit-for-bit reproducible, see CodeSuggester)."""
    from elc.suggest import CodeSuggester

    y = d[column].to_numpy(dtype=object)
    codes = np.array(sorted(set(y)), dtype=object)
    Y = pd.DataFrame((y[train][:, None] == codes[None, :]).astype(int), columns=codes)
    t0, c0 = time.perf_counter(), time.process_time()
    CodeSuggester(n_jobs=2).fit(X.iloc[train], Y)
    print(f"Refit time at n={len(train)} ({column}) with n_jobs=2 threads: wall {time.perf_counter() - t0:.2f}s, "
          f"CPU {time.process_time() - c0:.2f}s, load average {os.getloadavg()[0]:.1f}")


def print_reliability(model, Xtest, y_test, codes):
    from elc.suggest.evaluate import expected_calibration_error, reliability_table

    proba = model.predict_proba(Xtest)
    cols = [list(model.classes_).index(c) for c in codes]
    proba = proba[:, cols]
    Y = (y_test[:, None] == codes[None, :]).astype(int)
    print("\nReliability on the test split (label, n_train=5000, seed 0): every (comment, code) probability")
    t = reliability_table(Y, proba)
    print(t.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"expected calibration error: {expected_calibration_error(Y, proba):.3f}")
    top = proba.argmax(axis=1)
    conf = proba[np.arange(len(top)), top]
    right = (codes[top] == y_test).astype(int)
    print("\nReliability of the top suggestion only (shown confidence vs how often it was the right code)")
    t2 = reliability_table(right, conf)
    print(t2.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"expected calibration error: {expected_calibration_error(right, conf):.3f}")


def valence_table(d, X, test, pool_order, sizes=(0, 400, 1600, 5000)):
    """Valence from criticality (>0 working-well, <0 to-improve, 0 neutral), seed 0."""
    from sklearn.metrics import accuracy_score

    from elc.suggest import ValenceClassifier

    crit = pd.to_numeric(d["criticality"], errors="coerce")
    val = np.where(crit > 0, "working-well", np.where(crit < 0, "to-improve", "neutral")).astype(object)
    val[crit.isna().to_numpy()] = None
    ok = np.array([v is not None for v in val])
    test = test[ok[test]]
    order = [i for i in pool_order(0) if ok[i]]
    labels = ["working-well", "to-improve", "neutral"]
    rows = []
    for n in sizes:
        train = np.array(order[:n], dtype=int)
        t0 = time.perf_counter()
        model = ValenceClassifier().fit(X.iloc[train], val[train] if n else None)
        fit_s = time.perf_counter() - t0
        pred = model.predict(X.iloc[test])
        if n:
            base = baseline().fit(d["feedback"].iloc[train], val[train])
            bpred = base.predict(d["feedback"].iloc[test])
            b_f1 = macro_f1(val[test], bpred, labels)
        else:
            b_f1 = np.nan
        rows.append({"n_train": n, "ValenceClassifier": macro_f1(val[test], pred, labels),
                     "accuracy": accuracy_score(val[test].astype(str), pred.astype(str)),
                     "TF-IDF+LinearSVC": b_f1, "fit_s": fit_s})
    print("\nValence (criticality >0 working-well, <0 to-improve, 0 neutral), macro F1, seed 0; n_train=0 is the"
          " lexicon cold start")
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f"{v:.3f}", na_rep="-"))


# ------------------------------------------------------------------ product path (issue 19.5)
def _elc(*args, timeout=3600) -> str:
    """Run the elc CLI in a subprocess (what a user runs); return its stdout or exit with its error."""
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "elc", *map(str, args)], capture_output=True, text=True,
                         env=env, timeout=timeout)
    if out.returncode != 0:
        raise SystemExit(f"elc {args[0]} failed: {out.stderr.strip() or out.stdout.strip()}")
    return out.stdout


def write_sheet(d: pd.DataFrame, path: Path) -> None:
    """The multi-label sheet a team would keep: comment, codes (label; subcategory), criticality.

    Written as .xlsx (control characters, which a spreadsheet cannot hold, become spaces)."""
    import re

    codes = [f"{a}; {b}" if a != b else a for a, b in zip(d["label"].astype(str), d["subcategory"].astype(str))]
    text = [re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", " ", str(x)) for x in d["feedback"]]
    pd.DataFrame({"comment": text, "codes": codes, "criticality": d["criticality"]}).to_excel(path, index=False)


def print_product(title: str, res: dict) -> None:
    b = res["baseline"]
    print(f"\n{title}")
    print(f"  {res['segments']} coded units {res['units']}, {res['participants']} participants, {res['codes']} codes "
          f"({res['learnable_codes']} with >= {res['min_examples']} units scored; too few to learn: "
          f"{len(res['too_few_to_learn'])}), {res['folds']}-fold CV grouped by participant")
    print(f"  full data: elc macro F1 {res['macro_f1']:.3f} vs baseline {b['macro_f1']:.3f} "
          f"= {res['ratio']:.2f}x   (micro {res['micro_f1']:.3f} vs {b['micro_f1']:.3f})")
    curve = pd.DataFrame(res["learning_curve"])
    if len(curve):
        print("  learning curve (macro F1, mean over grouped test folds, same training rows):")
        print(curve.to_string(index=False, float_format=lambda v: f"{v:.3f}").replace("\n", "\n  ").join(["  ", ""]))
        below = curve[curve["ratio"] < 1.0]
        print(f"  at or above the baseline at {len(curve) - len(below)} of {len(curve)} points"
              + (f"; below at n={', '.join(map(str, below.n_coded))}" if len(below) else ""))


def many_codes(n_codes: int = 221, n: int = 3000) -> None:
    """Refit time with 200+ codes (median ~8 coded units per code, like a real QualCoder
    project), CPU seconds of CodeSuggester.fit beside the baseline's fit on the same data."""
    from elc.suggest import CodeSuggester
    from elc.suggest.baseline import TfidfSVCBaseline
    from elc.suggest.features import simple_lemmatize

    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(3000)]
    words = [rng.choice(vocab, 8, replace=False) for _ in range(n_codes)]
    freq = rng.lognormal(0, 1.2, n_codes)
    freq /= freq.sum()
    Y = np.zeros((n, n_codes), dtype=int)
    texts = []
    for i in range(n):
        cs = rng.choice(n_codes, 1 + int(rng.random() < 0.3), replace=False, p=freq)
        Y[i, cs] = 1
        pool = np.concatenate([words[c] for c in cs])
        texts.append(" ".join(list(rng.choice(pool, 6)) + list(rng.choice(vocab, 8))))
    X = pd.DataFrame({"text": texts, "lemmas": simple_lemmatize(texts)})
    labels = pd.DataFrame(Y, columns=[f"code{j}" for j in range(n_codes)])
    c0 = time.process_time()
    model = CodeSuggester().fit(X, labels)
    mine = time.process_time() - c0
    c0 = time.process_time()
    TfidfSVCBaseline().fit(X, labels)
    base = time.process_time() - c0
    kinds = pd.Series(model.model_kinds_).value_counts().to_dict()
    print(f"\nRefit with {n_codes} codes, {n} units (median {np.median(Y.sum(0)):.0f} units per code; {kinds}):"
          f" CodeSuggester {mine:.1f} s CPU, baseline {base:.1f} s CPU ({mine / base:.1f}x)")


def build_sample(target: Path) -> None:
    """The sample programme as ``elc demo`` builds it (interviews + the researchers' coding tables),
    without the themes step (BERTopic), which suggestions do not use."""
    from elc import new_project
    from elc.coding.coded_tables import apply_segment_codings
    from elc.ingest import ImportOptions, import_files
    from elc.ingest.manifest import read_manifests

    corpus = ROOT / "corpora" / "llr-nepts"
    p = new_project(target, ROOT / "interview_guides" / "llr-nepts.yaml", ROOT / "codebooks" / "llr-nepts.yaml")
    manifest = read_manifests(corpus)
    import_files(p, [corpus / n for n in sorted(manifest)], ImportOptions(), metadata_for=lambda q: manifest[q.name])
    for table in sorted(corpus.glob("codings-*.csv")):
        apply_segment_codings(p, table)
    p.close()


def product_path(args) -> int:
    """Build a project, import a multi-label sheet with ``elc import-coded``, evaluate with
    ``elc suggest --evaluate --json``, through the CLI; then the sample's interviews."""
    import json
    import tempfile

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="elc-bench-") as tmp:
        tmp = Path(tmp)
        guide = ROOT / "interview_guides" / "llr-nepts.yaml"
        if args.data.is_file():
            d = load(args.data)
            if args.rows and args.rows < len(d):
                d = d.sample(n=args.rows, random_state=0).reset_index(drop=True)
            sheet = tmp / "nhs-feedback-coded.xlsx"
            write_sheet(d, sheet)
            proj = tmp / "nhs.elc"
            _elc("new", proj, "--guide", guide)
            t1 = time.perf_counter()
            print(_elc("import-coded", proj, sheet, "--coder", "nhs-staff", "--community", "patients",
                       "--sentiment-column", "criticality").strip())
            t2 = time.perf_counter()
            res = json.loads(_elc("suggest", proj, "--evaluate", "--json", "--folds", args.folds))
            t3 = time.perf_counter()
            print_product(f"NHS feedback sheet, {len(d)} comments, label and subcategory as codes "
                          f"(import {t2 - t1:.0f}s, evaluate {t3 - t2:.0f}s)", res)
        else:
            print(f"NHS feedback data not found at {args.data}: sheet skipped", file=sys.stderr)
        if not args.no_sample:
            proj = tmp / "sample.elc"
            t1 = time.perf_counter()
            build_sample(proj)
            res = json.loads(_elc("suggest", proj, "--evaluate", "--json", "--folds", args.folds))
            print_product(f"Sample interviews (corpora/llr-nepts, researchers' sentence coding; "
                          f"{time.perf_counter() - t1:.0f}s)", res)
    many_codes()
    print(f"\nTotal product-path time {time.perf_counter() - t0:.0f}s")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("ELC_NHS_FEEDBACK", DEFAULT_DATA)))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one seed, fewer sizes (smoke run)")
    parser.add_argument("--no-valence", action="store_true")
    parser.add_argument("--product", action="store_true",
                        help="through the CLI: import-coded a multi-label sheet, suggest --evaluate --json")
    parser.add_argument("--rows", type=int, default=0, help="--product: use a random sample of this many comments")
    parser.add_argument("--folds", type=int, default=5, help="--product: folds of suggest --evaluate")
    parser.add_argument("--no-sample", action="store_true", help="--product: skip the sample's interviews")
    args = parser.parse_args(argv)
    if args.product:
        return product_path(args)
    if not args.data.is_file():
        print(f"bench/suggest.py: NHS feedback data not found at {args.data}\n"
              "  It is not part of the repository (CC BY-NC-SA, evaluation only). Put text_data.csv from\n"
              "  github.com/The-Strategy-Unit/pxtextmining datasets/phase_1 there, or pass --data PATH.\n"
              "  Skipping the benchmark.", file=sys.stderr)
        return 0
    warnings.filterwarnings("ignore", category=UserWarning)
    seeds = (0,) if args.quick else tuple(range(args.seeds))
    sizes = (100, 400, 1600, 5000) if args.quick else SIZES
    t_start = time.perf_counter()

    from elc.suggest import lemmatize
    from elc.suggest.features import default_nlp

    d = load(args.data)
    t0 = time.perf_counter()
    nlp = default_nlp()
    lemmas = lemmatize(d["feedback"].tolist(), nlp=nlp)
    lem_s = time.perf_counter() - t0
    X = pd.DataFrame({"text": d["feedback"].astype(str), "lemmas": lemmas,
                      "question": d["question"].fillna("").astype(str),
                      "community": d["organization"].fillna("").astype(str)})
    rng = np.random.default_rng(12345)
    perm = rng.permutation(len(d))
    test, pool = perm[:TEST_SIZE], perm[TEST_SIZE:]

    def pool_order(seed):
        return np.random.default_rng([seed, 7]).permutation(pool)

    print(f"NHS feedback: {len(d)} comments from {args.data}")
    name = f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}-{nlp.meta.get('version')}" if nlp else "regex fallback"
    print(f"Lemmatised with {name} in {lem_s:.1f}s. "
          f"Fixed test split {TEST_SIZE} comments; training pool {len(pool)}; seeds {list(seeds)}; "
          f"macro F1 over the codes present in the test split, by argmax.")

    label_table, label_times, last, Xtest, ytest, codes = run_table(
        d, X, "label", seeds, sizes, test, pool_order, text_only_sizes=sizes)
    sub_table, sub_times, _, _, _, _ = run_table(d, X, "subcategory", seeds, sizes, test, pool_order)

    print_table("Macro F1 by training size, label (9 codes), mean over seeds", label_table)
    print_table("Macro F1 by training size, subcategory (44 codes), mean over seeds", sub_table)
    print()
    print_times("label, 9 codes", label_times, max(sizes))
    print_times("subcategory, 44 codes", sub_times, max(sizes))
    print_parallel_time(d, X, "subcategory", pool_order(0)[: max(sizes)])
    if last is not None:
        print_reliability(last[0], Xtest, ytest, codes)
    if not args.no_valence:
        valence_table(d, X, test, pool_order)
    print(f"\nTotal benchmark time {time.perf_counter() - t_start:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

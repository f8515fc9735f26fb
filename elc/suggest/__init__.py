"""Code and valence suggestions for uncoded segments, learned from the researcher's codings.

Public API (imported lazily: ``import elc.suggest`` loads neither scikit-learn nor spaCy)::

    from elc.suggest import CodeSuggester, ValenceClassifier, RefitScheduler, lemmatize
    segments["lemmas"] = lemmatize(segments["text"])
    model = CodeSuggester(code_descriptions=codebook).fit(coded_segments, codings_matrix)
    model.predict_proba(uncoded)          # (n_segments, n_codes), calibrated
    uncertainty_order(model.predict_proba(uncoded))   # what to code next

Modules: ``features`` (lemmas, TF-IDF features), ``prior`` (cold start from code
descriptions), ``exemplar`` (few-shot fallback), ``calibration`` (cross-validated Platt
scaling), ``model`` (CodeSuggester), ``valence``, ``active`` (uncertainty sampling),
``evaluate`` (cross-validation, learning curves, reliability), ``refit`` (background
refits). ``service`` (project bridge) is written against this API by the store side.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "CodeSuggester": "elc.suggest.model",
    "ValenceClassifier": "elc.suggest.valence",
    "RefitScheduler": "elc.suggest.refit",
    "SegmentFeaturizer": "elc.suggest.features",
    "lemmatize": "elc.suggest.features",
    "DescriptionPrior": "elc.suggest.prior",
    "uncertainty_order": "elc.suggest.active",
    "uncertainty_scores": "elc.suggest.active",
    "ExemplarPrior": "elc.suggest.exemplar",
    "cross_validate_codes": "elc.suggest.evaluate",
    "learning_curve": "elc.suggest.evaluate",
    "reliability_table": "elc.suggest.evaluate",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'elc.suggest' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)

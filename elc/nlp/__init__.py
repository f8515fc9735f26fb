"""spaCy pipeline loading (trained model when installed, rule-based fallback otherwise)."""

from elc.nlp.pipeline import load_nlp, model_name

__all__ = ["load_nlp", "model_name"]

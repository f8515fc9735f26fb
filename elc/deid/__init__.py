"""De-identification of interview transcripts: detect identifiers, replace them with
consistent pseudonyms, and map offsets from the original text into the de-identified one.

The names exported here touch neither the disk nor the database, and spaCy is only imported
when a ``Detector`` first needs its pipeline. Two submodules work on a project:
``elc.deid.originals`` (the ``<project>.originals`` sidecar holding what each replacement hid)
and ``elc.deid.review`` (accept, reject, add names and spans, allow terms, report).
"""

from .allowlist import DEFAULT_ALLOW_LIST, AllowList
from .apply import OffsetMap, Replacement, apply, map_offset, map_span
from .detector import DEFAULT_MODEL, Detector, model_installed
from .nhs import is_valid_nhs_number, nhs_check_digit
from .pseudonymiser import TYPED_TAGS, Pseudonymiser, normalise_name
from .types import LABELS, SOURCES, Detection

__all__ = [
    "DEFAULT_ALLOW_LIST",
    "DEFAULT_MODEL",
    "LABELS",
    "SOURCES",
    "TYPED_TAGS",
    "AllowList",
    "Detection",
    "Detector",
    "OffsetMap",
    "Pseudonymiser",
    "Replacement",
    "apply",
    "deidentify",
    "is_valid_nhs_number",
    "map_offset",
    "map_span",
    "model_installed",
    "nhs_check_digit",
    "normalise_name",
]


def deidentify(text: str, detector: Detector, pseudonymiser: Pseudonymiser | None = None):
    """Convenience: ``apply(text, detector.detect(text), pseudonymiser)``."""
    return apply(text, detector.detect(text), pseudonymiser)

"""Fixtures for the de-identification tests: one shared spaCy pipeline (if installed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from elc.deid import DEFAULT_MODEL, Detector, model_installed  # noqa: E402


@pytest.fixture(scope="session")
def nlp():
    if not model_installed(DEFAULT_MODEL):
        pytest.skip(f"{DEFAULT_MODEL} is not installed")
    import spacy

    return spacy.load(DEFAULT_MODEL)


@pytest.fixture(scope="session")
def detector(nlp):
    return Detector(nlp=nlp, extra_names=["Zbigniew", ("Sunnyside Farm", "ORG")])


@pytest.fixture(scope="session")
def rules_detector():
    return Detector(nlp=False, extra_names=["Zbigniew"])

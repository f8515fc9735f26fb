"""Fixtures for the themes tests (corpora in ``_themes_corpus``)."""

from __future__ import annotations

import pandas as pd
import pytest
from _themes_corpus import make_corpus


@pytest.fixture(scope="session")
def corpus() -> pd.DataFrame:
    return make_corpus()


@pytest.fixture(scope="session")
def fitted(corpus):
    from elc.themes import ThemeModel

    return ThemeModel().fit(corpus)

"""Shared fixtures for the suggestion tests: a small NEPTS codebook and synthetic segments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from elc.suggest.features import simple_lemmatize

# Touchpoints and one theme of the LLR non-emergency patient transport guide.
NEPTS_CODES = {
    "Making the booking": {
        "definition": "Arranging transport - phoning the booking line, eligibility questions, confirming times.",
        "keywords": ["book", "booking", "booked", "phone", "call", "ring", "eligibility", "line", "hold", "confirm"],
    },
    "The pick-up": {
        "definition": "The crew arriving at home - timing, help getting out of the house and into the vehicle.",
        "keywords": ["arrive", "arrived", "came", "turned", "pick", "collect", "door", "stairs", "wheelchair"],
    },
    "Relationship with crew (driver)": {
        "definition": "How the driver and crew treat the passenger - kindness, chat, continuity, trust.",
        "keywords": ["driver", "crew", "lovely", "kind", "chat", "friendly", "rude", "know", "regular", "lads"],
    },
    "Journey home": {
        "definition": "The ride home at the end of the day - timing, comfort, getting into the house.",
        "keywords": ["home", "evening", "dark", "back", "house", "night", "journey", "tea"],
    },
    "Carer/escort being ineligible for travel": {
        "definition": "Whether a family carer or escort can travel with the patient; being refused.",
        "keywords": ["escort", "carer", "allowed", "refused", "wife", "husband", "daughter", "son", "alone"],
    },
    "Dignity, comfort and safety": {
        "definition": "Comfort on the journey, dignity, toileting, food and drink, safety incidents.",
        "keywords": ["comfortable", "toilet", "hungry", "cold", "safe", "safety", "fall", "dignity", "drink"],
    },
}

# Synthetic multi-label data: each code has its own words; segments mix 1-2 codes with filler.
_CODE_WORDS = {
    "booking": "ring booking line hold phone number confirm appointment operator call".split(),
    "pickup": "arrive door wheelchair stairs vehicle ambulance came collect ramp outside".split(),
    "driver": "driver lovely chat friendly kind lads regular cheerful joke know".split(),
    "home": "home evening dark night tea house back late return supper".split(),
    "escort": "escort carer wife husband daughter allowed refused alone son travel".split(),
    "comfort": "toilet hungry cold drink blanket seat bumpy comfortable safe dignity".split(),
}
_FILLER = ("really just then well okay think usually sometimes monday week time thing bit quite "
           "hospital clinic staff people day morning going").split()
_COMMUNITIES = ("patients", "carers", "drivers", "nhs-staff")


def make_synthetic(n: int, seed: int = 0, noise: float = 0.15) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` synthetic segments and their 0/1 codings (six codes, multi-label)."""
    rng = np.random.default_rng(seed)
    codes = list(_CODE_WORDS)
    texts, labels, communities = [], [], []
    weights = np.array([0.25, 0.2, 0.25, 0.15, 0.08, 0.07])
    for _ in range(n):
        k = 1 if rng.random() < 0.7 else 2
        chosen = rng.choice(len(codes), size=k, replace=False, p=weights)
        words = []
        for c in chosen:
            words += list(rng.choice(_CODE_WORDS[codes[c]], size=rng.integers(2, 4)))
        if rng.random() < noise:  # a misleading word from another code
            other = codes[rng.integers(len(codes))]
            words.append(rng.choice(_CODE_WORDS[other]))
        words += list(rng.choice(_FILLER, size=rng.integers(3, 7)))
        rng.shuffle(words)
        texts.append(" ".join(words))
        row = np.zeros(len(codes), dtype=int)
        row[chosen] = 1
        labels.append(row)
        communities.append(_COMMUNITIES[rng.integers(len(_COMMUNITIES))])
    X = pd.DataFrame({"text": texts, "lemmas": simple_lemmatize(texts), "question": "", "community": communities})
    Y = pd.DataFrame(np.array(labels), columns=codes)
    return X, Y


@pytest.fixture(scope="session")
def nepts_codes():
    return NEPTS_CODES


@pytest.fixture(scope="session")
def synthetic():
    return make_synthetic(600, seed=0)


@pytest.fixture(scope="session")
def synthetic_test():
    return make_synthetic(300, seed=1)

"""A small project with four interviews (no NLP model, no de-identification), built once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.tui.conftest import CARER, DRIVER, PATIENT2, TRANSCRIPT, build_project


@pytest.fixture(scope="session")
def team_template(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("team-template")
    return build_project(d / "team.elc", [
        ("P07-booking.txt", "patients", TRANSCRIPT),
        ("C02-escort.txt", "carers", CARER),
        ("D03-shift.txt", "drivers", DRIVER),
        ("P09-home.txt", "patients", PATIENT2),
    ])


@pytest.fixture
def team_path(team_template, tmp_path) -> Path:
    target = tmp_path / "team.elc"
    shutil.copy(team_template, target)
    return target

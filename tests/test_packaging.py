"""elc installs as a wheel that carries the bundled programmes, and builds the demo from any folder
(issue 11 step 5): guides, codebooks and the sample corpus are package data read through
importlib.resources, not found through the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_wheel_carries_the_programmes_and_builds_the_demo_elsewhere(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                    str(wheels), str(REPO)], check=True, capture_output=True, timeout=300, cwd=tmp_path)
    wheel = next(wheels.glob("elc-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("elc/data/interview_guides/llr-nepts.yaml", "elc/data/codebooks/llr-nepts.yaml",
                   "elc/data/corpora/llr-nepts/manifest-people.csv", "elc/data/corpora/llr-nepts/changes.yaml",
                   "elc/tui/app.tcss"):
        assert needed in names, needed
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import elc; print(elc.__file__)"], capture_output=True,
                           text=True, env=env, cwd=elsewhere, check=True).stdout.strip()
    assert where.startswith(str(site))  # the installed copy, not the source tree
    out = subprocess.run([sys.executable, "-m", "elc", "demo", "--no-ui", "--project", "demo.elc"],
                         capture_output=True, text=True, env=env, cwd=elsewhere, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "46 interviews" in out.stdout and (elsewhere / "demo.elc").stat().st_size > 0

"""Corpus manifests: ``manifest*.csv`` files that say who each transcript is from.

Columns: file, participant, community, interview_date, interviewer, method, and any others
(kept as participant attributes, e.g. age_band, area).
"""

from __future__ import annotations

import csv
from pathlib import Path

from elc.errors import ImportFileError

CORE = ("file", "participant", "community", "interview_date", "interviewer", "method")


def read_manifests(folder: Path) -> dict[str, dict]:
    """file name -> metadata dict, from every manifest*.csv in ``folder``."""
    out: dict[str, dict] = {}
    for manifest in sorted(folder.glob("manifest*.csv")):
        with open(manifest, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in ("file", "participant", "community") if c not in (reader.fieldnames or [])]
            if missing:
                raise ImportFileError(manifest, f"is missing column(s) {', '.join(missing)}")
            for row in reader:
                name = (row.get("file") or "").strip()
                if not name:
                    continue
                if not (folder / name).exists():
                    raise ImportFileError(manifest, f"lists '{name}', which is not in {folder}")
                attrs = {k: v for k, v in row.items() if k not in CORE and k and v}
                out[name] = {"participant": row["participant"].strip(), "community": row["community"].strip(),
                             "interview_date": row.get("interview_date") or None,
                             "interviewer": row.get("interviewer") or None,
                             "method": row.get("method") or "telephone", "attributes": attrs}
    return out

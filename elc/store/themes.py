"""Stored theme runs and the researcher's theme decisions (the SQL behind elc.themes.service).

A run is kept whole (method, parameters, the themes table and the assignments, as JSON), so a
decision can be applied to it later without refitting. Decisions are JSON, in entry order.
"""

from __future__ import annotations

import io
import json

import pandas as pd
from sqlalchemy import select

from elc.store import database, schema as s


def theme_decisions(project) -> list[dict]:
    """Every stored decision, oldest first."""
    d = s.theme_decisions
    with project.engine.connect() as conn:
        return [json.loads(r[0]) for r in conn.execute(select(d.c.decision).order_by(d.c.id))]


def add_theme_decision(project, coder: str, decision: dict) -> None:
    """Store one decision (committed at once)."""
    with project.engine.begin() as conn:
        conn.execute(s.theme_decisions.insert().values(ts=database.now(), coder=coder, decision=json.dumps(decision)))


def store_theme_run(project, method: str, params: dict, table: pd.DataFrame, assignments: dict) -> None:
    """Store a run: its themes table and segment -> theme assignments (committed at once)."""
    with project.engine.begin() as conn:
        conn.execute(s.theme_runs.insert().values(
            ts=database.now(), method=method, params=json.dumps(params),
            themes=table.to_json(orient="records"),
            assignments=json.dumps({str(k): int(v) for k, v in assignments.items()})))


def latest_theme_run(project) -> dict | None:
    """The newest run (id, ts, method, params, table, assignments), or None."""
    r = s.theme_runs
    with project.engine.connect() as conn:
        row = conn.execute(select(r).order_by(r.c.id.desc()).limit(1)).mappings().first()
    if row is None:
        return None
    return {"id": row["id"], "ts": row["ts"], "method": row["method"], "params": json.loads(row["params"]),
            "table": pd.read_json(io.StringIO(row["themes"]), orient="records"),
            "assignments": {int(k): v for k, v in json.loads(row["assignments"]).items()}}

"""Notice, cheaply, what other processes committed: the workbench's live team view.

On SQLite a persistent connection reads ``PRAGMA data_version``, which changes only when another
connection commits, so an idle poll costs one pragma. When it changed (and always on a server
database, where there is no such pragma) the coding and codebook logs are read past the last
ids seen: a few rows, never a scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select

from elc.store import schema as s


@dataclass
class TeamChanges:
    coders: list[str] = field(default_factory=list)  # other coders who committed coding actions
    codebook: bool = False  # the codebook was edited (by anyone but this coder's own calls)

    def __bool__(self) -> bool:
        return bool(self.coders or self.codebook)


class TeamWatch:
    def __init__(self, engine: Engine, coder: str):
        self.engine = engine
        self.coder = coder
        self._raw = engine.raw_connection() if engine.dialect.name == "sqlite" else None
        self._version = self._data_version()
        with engine.connect() as conn:
            self._action = conn.execute(select(func.max(s.coding_actions.c.id))).scalar() or 0
            self._codebook = conn.execute(select(func.max(s.codebook_log.c.id))).scalar() or 0

    def _data_version(self) -> int | None:
        if self._raw is None:
            return None
        driver = self._raw.driver_connection
        assert driver is not None  # an open pool connection always has its DBAPI connection
        return int(driver.execute("PRAGMA data_version").fetchone()[0])

    def poll(self) -> TeamChanges:
        """What others committed since the last poll (empty when nothing did)."""
        if self._raw is not None:
            version = self._data_version()
            if version == self._version:
                return TeamChanges()
            self._version = version
        a, b = s.coding_actions, s.codebook_log
        with self.engine.connect() as conn:
            actions = conn.execute(select(a.c.id, a.c.coder).where(a.c.id > self._action)).fetchall()
            edits = conn.execute(select(b.c.id, b.c.coder).where(b.c.id > self._codebook)).fetchall()
        if actions:
            self._action = max(r[0] for r in actions)
        if edits:
            self._codebook = max(r[0] for r in edits)
        return TeamChanges(sorted({r[1] for r in actions} - {self.coder}),
                           any(r[1] != self.coder for r in edits))

    def close(self) -> None:
        if self._raw is not None:
            self._raw.close()
            self._raw = None

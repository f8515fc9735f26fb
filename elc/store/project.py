"""The project: one database holding a programme, its sources, segments and codings.

Queries return pandas DataFrames (the analysis boundary). The SQL of each area's writes lives
beside this module (codings, codebook, sources, suggestions, deid_review ...), called by the
layer that owns the rules (ingest, coding, deid, suggest); this module holds the shared reads,
the transaction contexts and the programme/codebook set-up.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, func, select

from elc.domain import PALETTE, CodeSpec, Community, OpenQuestion, Programme, Touchpoint, ChangeSpec
from elc.errors import ProjectError
from elc.store import database, deid_state, engines, originals_pg, schema as s, sidecar
from elc.store.kpis import kpis_by_change, replace_measures

PROJECT_SUFFIX = ".elc"


class Project:
    """An open elc project. Use :func:`elc.open_project` or :meth:`Project.create`."""

    def __init__(self, engine: Engine, location: str):
        self.engine = engine
        self.target = location  # what opens it again (a URL may carry a password)
        self.location = database.shown(location)  # what messages and outputs show: never a password
        self._texts: dict[int, str] = {}
        self._closed = False

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def open(cls, target: str | Path) -> "Project":
        """Open a project file or URL; projects opened twice in one process share one engine."""
        where = database.shown(target)
        engine = engines.acquire(target)
        try:
            database.check_and_migrate(engine, where)
            deid_state.migrate_key(engine)
            if engine.dialect.name == "postgresql":
                originals_pg.ensure(engine)  # a project made before the schema existed
        except BaseException:
            engines.release(engine)
            raise
        return cls(engine, str(target))

    @classmethod
    def create(cls, target: str | Path, programme: Programme, codebook: list[CodeSpec] | None = None,
               overwrite: bool = False) -> "Project":
        """Create a project; a SQLite file is built aside and moved into place whole."""
        if database.is_url(target):
            engine = database.make_engine(target)
            database.initialise(engine)
            if engine.dialect.name == "postgresql":
                with engine.begin() as conn:
                    originals_pg.create(conn)  # reviewers only: closed to PUBLIC
            engines.register(target, engine)
            project = cls(engine, str(target))
            project._seed(programme, codebook or [])
            return project
        path = Path(target)
        if path.exists() and not overwrite:
            raise ProjectError(f"{path}: already exists (choose another name or pass --force)")
        if overwrite and engines.holds(path):
            raise ProjectError(f"{path}: is open in this process; close it before replacing it")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".elc-new-", suffix=PROJECT_SUFFIX, dir=path.parent)
        os.close(fd)
        os.unlink(tmp)
        try:
            engine = database.make_engine(tmp)
            database.initialise(engine)
            cls(engine, tmp)._seed(programme, codebook or [])
            database.checkpoint(engine)
            engine.dispose()
            for extra in ("-wal", "-shm"):
                Path(tmp + extra).unlink(missing_ok=True)
            if overwrite:
                for extra in ("-wal", "-shm"):
                    Path(str(path) + extra).unlink(missing_ok=True)
                sidecar.remove(path)  # the replaced project's originals and pseudonym key
            os.replace(tmp, path)
        finally:
            for extra in ("", "-wal", "-shm"):
                Path(tmp + extra).unlink(missing_ok=True)
        return cls.open(path)

    def close(self) -> None:
        """Checkpoint the WAL into the main file (so the .elc alone is the whole project), then
        close; the shared engine is disposed when the last project using it closes."""
        if self._closed:
            return
        self._closed = True
        self._texts.clear()
        database.checkpoint(self.engine)  # a busy reader elsewhere: the WAL stays, SQLite replays it
        engines.release(self.engine)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextmanager
    def transaction(self):
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def write(self):
        """One write transaction (the write lock is taken at once, so what it reads is current);
        cached source texts are dropped afterwards, whether it committed or not."""
        try:
            with self.engine.begin() as conn:
                yield conn
        finally:
            self._texts.clear()

    def checkpoint(self) -> bool:
        """Fold the WAL into the project file now (best effort; see :func:`database.checkpoint`)."""
        return database.checkpoint(self.engine)

    # ------------------------------------------------------------------ meta
    def meta_get(self, key: str, default=None):
        with self.engine.connect() as conn:
            row = conn.execute(select(s.meta.c.value).where(s.meta.c.key == key)).first()
        return json.loads(row[0]) if row else default

    def meta_set(self, key: str, value, conn=None) -> None:
        def _do(c):
            c.execute(s.meta.delete().where(s.meta.c.key == key))
            c.execute(s.meta.insert().values(key=key, value=json.dumps(value)))
        if conn is not None:
            _do(conn)
        else:
            with self.engine.begin() as c:
                _do(c)

    # ------------------------------------------------------------------ programme
    def _seed(self, programme: Programme, codebook: list[CodeSpec]) -> None:
        ts = database.now()
        with self.engine.begin() as conn:
            self.meta_set("programme", {
                "name": programme.name, "focus_question": programme.focus_question,
                "phases": programme.phases, "source_path": programme.source_path,
            }, conn)
            for i, c in enumerate(programme.communities):
                conn.execute(s.communities.insert().values(
                    key=c.key, name=c.name, family=c.family, target_n=c.target_n,
                    description=c.description, position=i))
            for i, q in enumerate(programme.questions):
                conn.execute(s.questions.insert().values(family=q.family, position=i, text=q.text))
            position = 0
            for tp in programme.touchpoints:
                conn.execute(s.codes.insert().values(
                    name=tp.name, kind="touchpoint", family=tp.family, position=position,
                    colour=PALETTE[position % len(PALETTE)], definition=tp.description,
                    keywords=json.dumps(list(tp.keywords)), created_at=ts))
                position += 1
            ids: dict[str, int] = {}
            for spec in sorted(codebook, key=lambda c: c.parent is not None):
                if spec.kind == "touchpoint" and spec.name in {t.name for t in programme.touchpoints}:
                    conn.execute(s.codes.update().where(s.codes.c.name == spec.name).values(
                        definition=spec.definition or s.codes.c.definition,
                        keywords=json.dumps(list(spec.keywords))))
                    continue
                res = conn.execute(s.codes.insert().values(
                    name=spec.name, kind=spec.kind, family=spec.family, position=position,
                    parent_id=ids.get(spec.parent) if spec.parent else None,
                    colour=spec.colour or PALETTE[position % len(PALETTE)],
                    definition=spec.definition, keywords=json.dumps(list(spec.keywords)),
                    created_at=ts))
                ids[spec.name] = database.inserted_id(res)
                position += 1
            for i, ch in enumerate(programme.changes):
                res = conn.execute(s.changes.insert().values(
                    position=i, title=ch.title, rationale=ch.rationale, owner=ch.owner,
                    measures="[]", created_at=ts))
                cid = database.inserted_id(res)
                replace_measures(conn, cid, list(ch.measures))
                for name in ch.codes:
                    code_id = conn.execute(select(s.codes.c.id).where(s.codes.c.name == name)).scalar()
                    if code_id is not None:
                        conn.execute(s.change_links.insert().values(change_id=cid, kind="code", ref=str(code_id)))

    @property
    def programme(self) -> Programme:
        info = self.meta_get("programme", {})
        comms = self.communities()
        codes = self.codes()
        tps = codes[codes.kind == "touchpoint"]
        with self.engine.connect() as conn:
            qs = conn.execute(select(s.questions).order_by(s.questions.c.position)).mappings().all()
            chs = conn.execute(select(s.changes).order_by(s.changes.c.position)).mappings().all()
        measures = {cid: [k.measure for k in ks] for cid, ks in kpis_by_change(self).items()}
        return Programme(
            name=info.get("name", ""), focus_question=info.get("focus_question", ""),
            communities=[Community(r.key, r.name, r.family, r.target_n, r.description) for r in comms.itertuples()],
            touchpoints=[Touchpoint(r.name, r.family, r.definition, tuple(r.keywords)) for r in tps.itertuples()],
            questions=[OpenQuestion(q["text"], q["family"]) for q in qs],
            phases=info.get("phases", []),
            changes=[ChangeSpec(c["title"], c["rationale"], c["owner"], tuple(measures.get(c["id"], []))) for c in chs],
            source_path=info.get("source_path", ""),
        )

    def community_id(self, key_or_name: str, conn=None) -> int | None:
        low = key_or_name.strip().lower()
        df = self.communities()
        hit = df[(df.key.str.lower() == low) | (df.name.str.lower() == low)]
        return int(hit.id.iloc[0]) if len(hit) else None

    # ------------------------------------------------------------------ reads
    def _frame(self, stmt) -> pd.DataFrame:
        with self.engine.connect() as conn:
            res = conn.execute(stmt)
            columns = list(res.keys())
            rows = res.cursor.fetchall() if res.cursor is not None else []  # plain tuples: ~10x faster
        return pd.DataFrame(rows, columns=columns)

    def communities(self) -> pd.DataFrame:
        c, p, src = s.communities, s.participants, s.sources
        n_part = (select(func.count()).select_from(p).where(p.c.community_id == c.c.id)
                  .correlate(c).scalar_subquery())
        n_src = (select(func.count()).select_from(src.join(p, src.c.participant_id == p.c.id))
                 .where(p.c.community_id == c.c.id).correlate(c).scalar_subquery())
        return self._frame(select(c.c.id, c.c.key, c.c.name, c.c.family, c.c.target_n, c.c.description,
                                  n_part.label("participants"), n_src.label("interviews"))
                           .order_by(c.c.position))

    def codes(self, include_archived: bool = False) -> pd.DataFrame:
        c, k = s.codes, s.codings
        n = (select(func.count()).select_from(k).where((k.c.code_id == c.c.id) & (k.c.active == 1))
             .correlate(c).scalar_subquery())
        stmt = select(c, n.label("n_codings")).order_by(
            (c.c.kind != "touchpoint"), c.c.position)
        if not include_archived:
            stmt = stmt.where(c.c.archived == 0)
        df = self._frame(stmt)
        df["keywords"] = df["keywords"].map(json.loads) if len(df) else df["keywords"]
        return df

    def code_id(self, name_or_id) -> int | None:
        df = self.codes()
        if isinstance(name_or_id, int) or str(name_or_id).isdigit():
            hit = df[df.id == int(name_or_id)]
        else:
            hit = df[df.name.str.lower() == str(name_or_id).strip().lower()]
        return int(hit.id.iloc[0]) if len(hit) else None

    def participants(self) -> pd.DataFrame:
        p, c, src = s.participants, s.communities, s.sources
        n_src = (select(func.count()).select_from(src).where(src.c.participant_id == p.c.id)
                 .correlate(p).scalar_subquery())
        df = self._frame(select(p.c.id, c.c.key.label("community"), c.c.name.label("community_name"),
                                c.c.family, p.c.attributes, n_src.label("interviews"))
                         .select_from(p.outerjoin(c, p.c.community_id == c.c.id)).order_by(p.c.id))
        df["attributes"] = df["attributes"].map(json.loads) if len(df) else df["attributes"]
        return df

    def sources(self) -> pd.DataFrame:
        src, p, c = s.sources, s.participants, s.communities
        df = self._frame(
            select(src.c.id, src.c.name, src.c.participant_id, c.c.key.label("community"), src.c.format,
                   src.c.interview_date, src.c.interviewer, src.c.method, src.c.imported_at,
                   func.length(src.c.text).label("n_chars"), src.c.deidentified)
            .select_from(src.outerjoin(p, src.c.participant_id == p.c.id).outerjoin(c, p.c.community_id == c.c.id))
            .order_by(src.c.id))
        return df

    def source_text(self, source_id: int) -> str:
        if source_id not in self._texts:
            with self.engine.connect() as conn:
                text = conn.execute(select(s.sources.c.text).where(s.sources.c.id == source_id)).scalar()
            if text is None:
                raise ProjectError(f"{self.location}: no source with id {source_id}")
            self._texts[source_id] = text
        return self._texts[source_id]

    def _attach_text(self, df: pd.DataFrame) -> pd.DataFrame:
        if not len(df):
            df["text"] = pd.Series(dtype=str)
            return df
        needed = [int(x) for x in df.source_id.unique() if int(x) not in self._texts]
        if needed:
            with self.engine.connect() as conn:
                for sid, text in conn.execute(select(s.sources.c.id, s.sources.c.text)
                                              .where(s.sources.c.id.in_(needed))).tuples():
                    self._texts[sid] = text
        texts = self._texts
        df["text"] = [texts[sid][a:b] for sid, a, b in zip(df.source_id, df.start, df.end)]
        return df

    def segments(self, source_id: int | None = None, kind: str | None = "sentence",
                 role: str | None = None, with_text: bool = True) -> pd.DataFrame:
        g, src, p, c = s.segments, s.sources, s.participants, s.communities
        stmt = (select(g, src.c.participant_id, c.c.key.label("community"))
                .select_from(g.join(src, g.c.source_id == src.c.id)
                             .outerjoin(p, src.c.participant_id == p.c.id)
                             .outerjoin(c, p.c.community_id == c.c.id))
                .order_by(g.c.source_id, g.c.start, g.c.kind.desc()))
        if source_id is not None:
            stmt = stmt.where(g.c.source_id == source_id)
        if kind is not None:
            stmt = stmt.where(g.c.kind == kind)
        if role is not None:
            stmt = stmt.where(g.c.role == role)
        df = self._frame(stmt)
        return self._attach_text(df) if with_text else df

    def codings(self, coder: str | None = None, source_id: int | None = None,
                code_id: int | None = None, with_text: bool = True) -> pd.DataFrame:
        k, cd, src, p, c = s.codings, s.codes, s.sources, s.participants, s.communities
        stmt = (select(k.c.id, k.c.source_id, src.c.participant_id, c.c.key.label("community"),
                       k.c.start, k.c.end, k.c.code_id, cd.c.name.label("code"), cd.c.kind.label("code_kind"),
                       k.c.valence, k.c.coder, k.c.memo, k.c.origin, k.c.created_at, k.c.updated_at)
                .select_from(k.join(cd, k.c.code_id == cd.c.id).join(src, k.c.source_id == src.c.id)
                             .outerjoin(p, src.c.participant_id == p.c.id)
                             .outerjoin(c, p.c.community_id == c.c.id))
                .where(k.c.active == 1).order_by(k.c.source_id, k.c.start, k.c.id))
        if coder is not None:
            stmt = stmt.where(k.c.coder == coder)
        if source_id is not None:
            stmt = stmt.where(k.c.source_id == source_id)
        if code_id is not None:
            stmt = stmt.where(k.c.code_id == code_id)
        df = self._frame(stmt)
        return self._attach_text(df) if with_text else df

    def coders(self) -> list[str]:
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(select(s.codings.c.coder).distinct().order_by(s.codings.c.coder))]

    def coded_segments(self, coder: str | None = None) -> pd.DataFrame:
        """Participant sentences with the codes overlapping them: the unit of analysis.

        One row per (segment, code); a coding over several sentences counts for each.
        """
        segs = self.segments(role="participant", with_text=False)
        cods = self.codings(coder=coder, with_text=False)
        if not len(segs) or not len(cods):
            return pd.DataFrame(columns=["segment_id", "source_id", "participant_id", "community",
                                         "code_id", "code", "code_kind", "valence", "coder"])
        merged = segs[["id", "source_id", "start", "end", "participant_id", "community"]].merge(
            cods[["source_id", "start", "end", "code_id", "code", "code_kind", "valence", "coder"]],
            on="source_id", suffixes=("", "_c"))
        overlap = (merged.start < merged.end_c) & (merged.start_c < merged.end)
        out = merged[overlap].rename(columns={"id": "segment_id"})
        return out[["segment_id", "source_id", "participant_id", "community", "code_id", "code",
                    "code_kind", "valence", "coder"]].drop_duplicates().reset_index(drop=True)

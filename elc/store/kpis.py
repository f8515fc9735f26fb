"""KPIs as editable records, and the provider's monthly returns against them.

A KPI belongs to a change (or to none: a programme-wide measure). Any empty field is *missing*:
the specification flags it rather than printing a placeholder.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import func, select

from elc.errors import ElcError
from elc.store import database, schema as s
from elc.store.ordered import reorder_by_text

#: The fields a commissioner fills in; ``measure`` is always present.
EDITABLE = ("measure", "unit", "better", "baseline", "baseline_source", "baseline_date", "threshold",
            "data_source", "frequency", "owner", "change_id")
#: What the specification needs before a KPI can be signed off.
REQUIRED = ("baseline", "baseline_source", "baseline_date", "threshold", "data_source", "frequency", "owner")
BETTER = ("higher", "lower")


@dataclass(frozen=True)
class Kpi:
    id: int
    change_id: int | None
    position: int
    measure: str
    unit: str
    better: str
    baseline: float | None
    baseline_source: str
    baseline_date: str
    threshold: float | None
    data_source: str
    frequency: str
    owner: str
    updated_by: str
    updated_at: str

    @property
    def missing(self) -> list[str]:
        """The required fields not yet filled in, in a fixed order."""
        return [f for f in REQUIRED if getattr(self, f) in (None, "")]


@dataclass(frozen=True)
class KpiReturn:
    kpi_id: int
    period: str  # YYYY-MM
    value: float
    source: str
    imported_by: str
    imported_at: str


_KPI_FIELDS = [f.name for f in fields(Kpi)]


def _kpi(r) -> Kpi:
    values = {k: r[k] for k in _KPI_FIELDS}
    for k in ("baseline", "threshold"):
        values[k] = None if values[k] is None else float(values[k])
    values["change_id"] = None if values["change_id"] is None else int(values["change_id"])
    return Kpi(**values)


def kpis(project) -> list[Kpi]:
    """Every KPI, in change order then position."""
    t = s.kpis
    with project.engine.connect() as conn:
        rows = conn.execute(select(t).order_by(t.c.change_id, t.c.position, t.c.id)).mappings().all()
    return [_kpi(r) for r in rows]


def kpis_by_change(project) -> dict[int | None, list[Kpi]]:
    out: dict[int | None, list[Kpi]] = {}
    for k in kpis(project):
        out.setdefault(k.change_id, []).append(k)
    return out


def get_kpi(project, kpi_id: int) -> Kpi:
    with project.engine.connect() as conn:
        r = conn.execute(select(s.kpis).where(s.kpis.c.id == int(kpi_id))).mappings().first()
    if r is None:
        raise ElcError(f"no KPI with id {kpi_id} (see 'elc kpi list PROJECT')")
    return _kpi(r)


def _check(values: dict) -> dict:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ElcError(f"cannot set {', '.join(sorted(unknown))} on a KPI (fields: {', '.join(EDITABLE)})")
    if "better" in values and values["better"] not in ("", *BETTER):
        raise ElcError(f"'better' is one of {', '.join(BETTER)} (not '{values['better']}')")
    if "measure" in values and not str(values["measure"] or "").strip():
        raise ElcError("a KPI needs a measure")
    return values


def add_kpi(project, measure: str, change_id: int | None = None, by: str = "", **values) -> int:
    values = _check({"measure": measure, **values})
    t = s.kpis
    with project.write() as conn:
        position = conn.execute(select(func.coalesce(func.max(t.c.position), -1))
                                .where(t.c.change_id.is_(None) if change_id is None else t.c.change_id == change_id)
                                ).scalar() + 1
        return int(conn.execute(t.insert().values(change_id=change_id, position=position, updated_by=by,
                                                  updated_at=database.now(), **values)).inserted_primary_key[0])


def update_kpi(project, kpi_id: int, by: str = "", **values) -> Kpi:
    """Set fields of a KPI (``None``/"" clears an optional field); committed at once."""
    values = _check(values)
    with project.write() as conn:
        n = conn.execute(s.kpis.update().where(s.kpis.c.id == int(kpi_id)).values(
            updated_by=by, updated_at=database.now(), **values)).rowcount
    if not n:
        raise ElcError(f"no KPI with id {kpi_id} (see 'elc kpi list PROJECT')")
    return get_kpi(project, kpi_id)


def remove_kpi(project, kpi_id: int) -> None:
    """Delete a KPI; refused while it has returns (they are evidence of what happened)."""
    with project.write() as conn:
        n = conn.execute(select(func.count()).select_from(s.kpi_returns)
                         .where(s.kpi_returns.c.kpi_id == int(kpi_id))).scalar()
        if n:
            raise ElcError(f"KPI {kpi_id} has {n} monthly return(s); it cannot be removed")
        if not conn.execute(s.kpis.delete().where(s.kpis.c.id == int(kpi_id))).rowcount:
            raise ElcError(f"no KPI with id {kpi_id} (see 'elc kpi list PROJECT')")


def replace_measures(conn, change_id: int, measures: list[str], by: str = "") -> None:
    """Make ``measures`` the change's KPIs, in order, inside the caller's write transaction.

    A KPI whose measure text is unchanged keeps its record (baseline, threshold ...); one that
    is no longer named is deleted unless it has returns, in which case it is kept, unlinked."""
    t = s.kpis
    for kpi_id in reorder_by_text(conn, t, "measure", change_id, measures, by):
        has_returns = conn.execute(select(func.count()).select_from(s.kpi_returns)
                                   .where(s.kpi_returns.c.kpi_id == kpi_id)).scalar()
        if has_returns:
            conn.execute(t.update().where(t.c.id == kpi_id).values(change_id=None))
        else:
            conn.execute(t.delete().where(t.c.id == kpi_id))


def set_fields_by_measure(conn, change_id: int, fields: dict[str, dict], by: str = "") -> None:
    """Inside the caller's transaction: set the named fields of the change's KPIs, by measure text
    (a changes file giving a KPI's baseline, threshold ...); fields not named are left alone."""
    t = s.kpis
    for measure, values in fields.items():
        if values:
            conn.execute(t.update().where((t.c.change_id == change_id) & (t.c.measure == measure)).values(
                updated_by=by, updated_at=database.now(), **_check(dict(values))))


def unlink_change_kpis(conn, change_id: int) -> None:
    """A change is being deleted: drop its KPIs without returns, keep (unlinked) those with."""
    replace_measures(conn, change_id, [])


# ---------------------------------------------------------------------------- returns
def returns(project, kpi_id: int | None = None) -> list[KpiReturn]:
    t = s.kpi_returns
    rows = database.read_rows(project, t, (t.c.kpi_id, t.c.period), kpi_id=kpi_id)
    return [KpiReturn(int(r["kpi_id"]), r["period"], float(r["value"]), r["source"], r["imported_by"],
                      r["imported_at"]) for r in rows]


def put_returns(project, rows: list[tuple[int, str, float]], source: str, by: str = "") -> tuple[int, int]:
    """Store (kpi_id, period, value) rows in one transaction: all or none.

    A month already returned is replaced (a provider's corrected return). Returns (added, replaced)."""
    t = s.kpi_returns
    added = replaced = 0
    now = database.now()
    with project.write() as conn:
        known = {int(i) for i in conn.execute(select(s.kpis.c.id)).scalars()}
        for kpi_id, period, value in rows:
            if int(kpi_id) not in known:
                raise ElcError(f"no KPI with id {kpi_id}")
            hit = conn.execute(t.update().where((t.c.kpi_id == int(kpi_id)) & (t.c.period == period)).values(
                value=float(value), source=source, imported_by=by, imported_at=now)).rowcount
            if hit:
                replaced += 1
            else:
                conn.execute(t.insert().values(kpi_id=int(kpi_id), period=period, value=float(value),
                                               source=source, imported_by=by, imported_at=now))
                added += 1
    return added, replaced

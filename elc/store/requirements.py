"""Requirements (shall-statements) of each change and the party responsible for meeting each.

Schema 3 moved them out of a JSON meta value into the ``requirements`` table so each one can
carry its own responsible party (a duty of hospital estates is not the provider's).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from elc.errors import ElcError
from elc.store import database, schema as s
from elc.store.ordered import reorder_by_text

PARTIES = ("provider", "trust", "commissioner", "partner")


@dataclass(frozen=True)
class Requirement:
    id: int
    change_id: int
    position: int
    text: str
    responsible: str  # one of PARTIES, or "" when not yet set
    responsible_detail: str
    updated_by: str
    updated_at: str


def _row(r) -> Requirement:
    return Requirement(int(r["id"]), int(r["change_id"]), int(r["position"]), r["text"], r["responsible"] or "",
                       r["responsible_detail"] or "", r["updated_by"] or "", r["updated_at"])


def check_party(party: str) -> str:
    party = (party or "").strip().lower()
    if party and party not in PARTIES:
        raise ElcError(f"responsible party '{party}' is not one of {', '.join(PARTIES)}")
    return party


def requirements_by_change(project) -> dict[int, list[Requirement]]:
    """Every change's requirements in order."""
    t = s.requirements
    with project.engine.connect() as conn:
        rows = conn.execute(select(t).order_by(t.c.change_id, t.c.position, t.c.id)).mappings().all()
    out: dict[int, list[Requirement]] = {}
    for r in rows:
        out.setdefault(int(r["change_id"]), []).append(_row(r))
    return out


def get_requirement(project, requirement_id: int) -> Requirement:
    t = s.requirements
    with project.engine.connect() as conn:
        r = conn.execute(select(t).where(t.c.id == int(requirement_id))).mappings().first()
    if r is None:
        raise ElcError(f"no requirement with id {requirement_id}")
    return _row(r)


def replace_requirements(conn, change_id: int, texts: list[str], by: str = "") -> None:
    """Make ``texts`` the change's requirements, in order, inside the caller's write transaction.

    A requirement whose text is unchanged keeps its id and responsible party."""
    gone = reorder_by_text(conn, s.requirements, "text", change_id, texts, by)
    if gone:
        conn.execute(s.requirements.delete().where(s.requirements.c.id.in_(gone)))


def delete_requirements(conn, change_id: int) -> None:
    conn.execute(s.requirements.delete().where(s.requirements.c.change_id == change_id))


def set_responsible(project, requirement_id: int, party: str, detail: str = "", by: str = "") -> Requirement:
    """Set who is responsible for meeting a requirement (committed at once)."""
    party = check_party(party)
    t = s.requirements
    with project.write() as conn:
        n = conn.execute(t.update().where(t.c.id == int(requirement_id)).values(
            responsible=party, responsible_detail=(detail or "").strip(), updated_by=by,
            updated_at=database.now())).rowcount
    if not n:
        raise ElcError(f"no requirement with id {requirement_id}")
    return get_requirement(project, requirement_id)

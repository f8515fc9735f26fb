"""Equality and group breakdowns: the matrix and the changes' evidence by a participant attribute.

The committee asks "is the impact greater on any particular group?". For each touchpoint (or
change) and each value of an attribute (area, age band, sex, ethnicity, disability, service used)
this gives the participants asked (coded, and their guide has the touchpoint), and how many of
them said it needs to improve / works well. Small numbers are suppressed so nobody can be
identified: any count from 1 to ``SUPPRESS_BELOW - 1`` is shown as ``<5``, and where a row total
is shown and only one cell of the row is hidden, the next smallest cell is withheld too
(complementary suppression), so the hidden one cannot be worked out by subtraction. A withheld
cell is shown as ``c`` (as the ONS marks confidential cells), never as ``<5``: it may be 10, and
the table must not say otherwise. Participants without a value for the attribute form a "not
recorded" group.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from elc.insights.units import asks, coded_units
from elc.store.attributes import ATTRIBUTES, attribute_key, participant_attributes
from elc.store.evidence_reads import participant_coding

SUPPRESS_BELOW = 5
WITHHELD = "c"  # a count hidden only so that a small one cannot be worked out from the total
NOT_RECORDED = "not recorded"


def suppress_row(values: list[int], total_shown: bool = True, below: int = SUPPRESS_BELOW) -> list[str]:
    """Counts as text with small-number suppression (see the module docstring)."""
    small = [0 < int(v) < below for v in values]
    withheld = [False] * len(values)
    if total_shown and sum(small) == 1 and len(values) > 1:
        others = [i for i in range(len(values)) if not small[i]]
        withheld[min(others, key=lambda i: (int(values[i]), i))] = True
    return [f"<{below}" if s else WITHHELD if w else str(int(v)) for v, s, w in zip(values, small, withheld)]


@dataclass
class Breakdown:
    attribute: str
    groups: list[str]
    rows: pd.DataFrame      # one row per (row, group): row, group, of, raised, to_improve, working_well (true counts)

    def table(self) -> pd.DataFrame:
        """The printable table: per row, per group ``↓ti ↑ww of N``, and ``All``, suppressed."""
        out = []
        for name, g in self.rows.groupby("row", sort=False):
            g = g.set_index("group").reindex(self.groups).fillna(0)
            rec = {"row": name}
            cols = {}
            for col in ("of", "to_improve", "working_well"):
                cols[col] = suppress_row(list(g[col].astype(int)))
            for i, grp in enumerate(self.groups):
                if int(g["of"].iloc[i]) == 0 and not int(g["raised"].iloc[i]):
                    rec[grp] = "not asked" if not g["asked"].iloc[i] else "-"
                    continue
                rec[grp] = f"↓{cols['to_improve'][i]} ↑{cols['working_well'][i]} of {cols['of'][i]}"
            rec["All"] = (f"↓{int(g.to_improve.sum())} ↑{int(g.working_well.sum())} of {int(g['of'].sum())}"
                          if int(g["of"].sum()) >= SUPPRESS_BELOW or not int(g["of"].sum()) else f"<{SUPPRESS_BELOW}")
            out.append(rec)
        return pd.DataFrame(out, columns=["row", *self.groups, "All"])


def _known_key(attribute: str) -> str:
    """The canonical key of ``attribute``; one clear line when there is none."""
    key = attribute_key(attribute)
    if key is None:
        from elc.store.attributes import AttributeValueError

        raise AttributeValueError(f"unknown attribute '{attribute}' (known: {', '.join(ATTRIBUTES)})")
    return key


def _people(project, attribute: str, coder: str | None = None) -> pd.DataFrame:
    key = _known_key(attribute)
    attrs = participant_attributes(project)[["participant_id", key]].rename(columns={key: "group"})
    coded = participant_coding(project, coder)
    coded = coded[coded.codings > 0][["participant_id", "community", "family"]]
    people = coded.merge(attrs, on="participant_id", how="left")
    people["group"] = people["group"].fillna(NOT_RECORDED)
    return people


def _groups(people: pd.DataFrame) -> list[str]:
    vals = sorted(v for v in people.group.unique() if v != NOT_RECORDED)
    return vals + ([NOT_RECORDED] if (people.group == NOT_RECORDED).any() else [])


def _count(rows_spec, people: pd.DataFrame, units: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """rows_spec: list of (row name, code ids, code families)."""
    out = []
    for name, code_ids, families in rows_spec:
        hit = units[np.isin(units.code_id.to_numpy(dtype=float), list(code_ids))] if len(units) else units
        asked_people = people[[any(asks(f, fam) for f in families) for fam in people.family]]
        for grp in groups:
            mine = asked_people[asked_people.group == grp]
            ids = set(mine.participant_id)
            h = hit[hit.participant_id.isin(ids)] if len(hit) else hit
            ti = set(h.participant_id[h.valence == "to-improve"]) if len(h) else set()
            ww = set(h.participant_id[h.valence == "working-well"]) if len(h) else set()
            out.append({"row": name, "group": grp, "asked": bool(len(ids)),
                        "of": len(ids), "raised": int(h.participant_id.nunique()) if len(h) else 0,
                        "to_improve": len(ti), "working_well": len(ww)})
    return pd.DataFrame(out, columns=["row", "group", "asked", "of", "raised", "to_improve", "working_well"])


def matrix_by(project, attribute: str, kind="touchpoint", coder: str | None = None) -> Breakdown:
    """Every touchpoint (or theme code) broken down by ``attribute``."""
    kinds = (kind,) if isinstance(kind, str) else tuple(kind)
    people = _people(project, attribute, coder)
    groups = _groups(people)
    codes = project.codes()
    codes = codes[codes.kind.isin(kinds)]
    units = coded_units(project, coder)
    spec = [(r.name, {int(r.id)}, [r.family]) for r in codes.itertuples()]
    return Breakdown(_known_key(attribute), groups, _count(spec, people, units, groups))


def changes_by(project, attribute: str, coder: str | None = None) -> Breakdown:
    """Each high-impact change's evidence (its linked codes) broken down by ``attribute``."""
    from elc.insights.changes import changes as list_changes

    people = _people(project, attribute, coder)
    groups = _groups(people)
    codes = project.codes()
    fam = dict(zip(codes.id.astype(int), codes.family))
    units = coded_units(project, coder)
    spec = [(f"{i}. {ch['title']}", set(ch["code_ids"]), [fam.get(int(c)) for c in ch["code_ids"]])
            for i, ch in enumerate(list_changes(project).to_dict("records"), 1)]
    return Breakdown(_known_key(attribute), groups, _count(spec, people, units, groups))


__all__ = ["SUPPRESS_BELOW", "WITHHELD", "NOT_RECORDED", "suppress_row", "Breakdown", "matrix_by", "changes_by"]

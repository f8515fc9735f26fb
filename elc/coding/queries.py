"""Queries over coded interviews, as QDA tools offer them: code co-occurrence, code x group
matrices (community or any participant attribute), and boolean/phrase/proximity text search;
saved queries and named sets of interviews.

The unit is the participant sentence (as everywhere in elc's analysis): two codes co-occur on a
sentence both overlap, and a cell counts participants (people), with the sentences behind it
kept so the workbench can show them. Results are DataFrames; nothing here writes but the saved
queries and sets, which live in the project's meta table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from elc.errors import ElcError

# ----------------------------------------------------------------------------- matrices


def _units(project, coder: str | None, sources: list[int] | None) -> pd.DataFrame:
    units = project.coded_segments(coder=coder)
    units = units[units.code_kind != "category"]
    if sources is not None:
        units = units[units.source_id.isin(sources)]
    return units


def cooccurrence(project, coder: str | None = None, sources: list[int] | None = None) -> pd.DataFrame:
    """Pairs of codes applied to the same participant sentence.

    Columns: code_a, code_b (code_a < code_b), sentences (how many sentences carry both),
    participants (how many people), segment_ids (the sentences, for retrieving the passages).
    """
    units = _units(project, coder, sources)[["segment_id", "participant_id", "code"]].drop_duplicates()
    pairs = units.merge(units, on=["segment_id", "participant_id"], suffixes=("_a", "_b"))
    pairs = pairs[pairs.code_a < pairs.code_b]
    if pairs.empty:
        return pd.DataFrame(columns=["code_a", "code_b", "sentences", "participants", "segment_ids"])
    out = pairs.groupby(["code_a", "code_b"]).agg(
        sentences=("segment_id", "nunique"), participants=("participant_id", "nunique"),
        segment_ids=("segment_id", lambda x: sorted(set(int(v) for v in x))))
    return out.reset_index().sort_values(["participants", "sentences"], ascending=False, kind="stable") \
        .reset_index(drop=True)


def recorded_attributes(project) -> list[str]:
    """The breakdown attributes (:mod:`elc.store.attributes`) at least one participant has."""
    from elc.store.attributes import ATTRIBUTES, participant_attributes

    table = participant_attributes(project)
    return [a for a in ATTRIBUTES if table[a].notna().any()]


def participant_groups(project, by: str) -> pd.Series:
    """participant id -> group: ``community``, or the value of a participant attribute read as
    ``elc attributes`` and the breakdowns read it (aliases such as "age" allowed; missing values
    are "not recorded")."""
    from elc.store.attributes import attribute_key, participant_attributes

    people = project.participants()
    if by == "community":
        return pd.Series(people.community.fillna("no community").values, index=people.id.values)
    recorded = recorded_attributes(project)
    key = attribute_key(by)
    if key not in recorded:
        raise ElcError(f"no participant has the attribute '{by}'"
                       + (f" (attributes: {', '.join(recorded)})" if recorded else " (no attributes are recorded yet)"))
    table = participant_attributes(project).set_index("participant_id")[key]
    return table.fillna("not recorded").astype(str)


def code_by_group(project, by: str = "community", coder: str | None = None,
                  sources: list[int] | None = None) -> pd.DataFrame:
    """Participants per code and group (community or an attribute), with the group's size.

    Columns: code, group, participants, of (people in the group with a coded interview),
    segment_ids. A participant counts once per cell however many sentences they have there.
    """
    units = _units(project, coder, sources)
    groups = participant_groups(project, by)
    units = units.assign(group=units.participant_id.map(groups))
    coded_people = units.drop_duplicates("participant_id")
    of = coded_people.groupby("group").participant_id.nunique()
    if units.empty:
        return pd.DataFrame(columns=["code", "group", "participants", "of", "segment_ids"])
    out = units.groupby(["code", "group"]).agg(
        participants=("participant_id", "nunique"),
        segment_ids=("segment_id", lambda x: sorted(set(int(v) for v in x)))).reset_index()
    out["of"] = out.group.map(of).astype(int)
    return out[["code", "group", "participants", "of", "segment_ids"]]


# ----------------------------------------------------------------------------- text search


@dataclass(frozen=True)
class _Term:
    words: tuple[str, ...]  # one word, or a phrase


@dataclass(frozen=True)
class _Op:
    op: str  # AND OR NOT NEAR
    args: tuple = ()
    distance: int = 0


_TOKEN = re.compile(r'"([^"]*)"|(\()|(\))|(NEAR/\d+)|([^\s()"]+)')
_WORD = re.compile(r"[\w']+")


def _tokens(query: str) -> list[str | tuple[str, ...]]:
    out: list = []
    for phrase, lp, rp, near, bare in _TOKEN.findall(query):
        if lp or rp:
            out.append(lp or rp)
        elif near:
            out.append(near)
        elif bare in ("AND", "OR", "NOT"):
            out.append(bare)
        else:
            words = tuple(w.lower() for w in _WORD.findall(phrase if phrase or not bare else bare))
            if words:
                out.append(words)
            elif phrase == "" and not bare:
                raise ElcError('an empty "" phrase in the search')
    return out


def parse_query(query: str):
    """A boolean query: words, "phrases", AND (or nothing), OR, NOT, parentheses, A NEAR/n B.

    Precedence, loosest first: OR, AND, NOT, NEAR.
    """
    toks = _tokens(query)
    if not toks:
        raise ElcError("type something to search for")
    pos = 0

    def peek():
        return toks[pos] if pos < len(toks) else None

    def take():
        nonlocal pos
        pos += 1
        return toks[pos - 1]

    def atom():
        t = peek()
        if t is None:
            raise ElcError(f"the search “{query}” ends too early")
        if t == "(":
            take()
            node = disj()
            if peek() != ")":
                raise ElcError(f"a “(” in “{query}” is not closed")
            take()
            return node
        if t == "NOT":
            take()
            return _Op("NOT", (atom(),))
        if isinstance(t, tuple):
            take()
            node = _Term(t)
            while isinstance(peek(), str) and peek().startswith("NEAR/"):
                n = int(take()[5:])
                right = peek()
                if not isinstance(right, tuple):
                    raise ElcError(f"NEAR/{n} needs a word or phrase on each side")
                take()
                node = _Op("NEAR", (node, _Term(right)), n)
            return node
        raise ElcError(f"unexpected “{t}” in the search “{query}”")

    def conj():
        node = atom()
        while peek() is not None and peek() not in (")", "OR"):
            if peek() == "AND":
                take()
            node = _Op("AND", (node, atom()))
        return node

    def disj():
        node = conj()
        while peek() == "OR":
            take()
            node = _Op("OR", (node, conj()))
        return node

    node = disj()
    if peek() is not None:
        raise ElcError(f"unexpected “{peek()}” in the search “{query}”")
    return node


def _positions(words: list[str], phrase: tuple[str, ...]) -> list[int]:
    n = len(phrase)
    return [i for i in range(len(words) - n + 1) if tuple(words[i:i + n]) == phrase]


def _matches(node, words: list[str]) -> bool:
    if isinstance(node, _Term):
        return bool(_positions(words, node.words))
    if node.op == "AND":
        return all(_matches(a, words) for a in node.args)
    if node.op == "OR":
        return any(_matches(a, words) for a in node.args)
    if node.op == "NOT":
        return not _matches(node.args[0], words)
    return bool(_near_spans(node, words))


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Words between two (start, length) spans."""
    return b[0] - (a[0] + a[1]) if b[0] >= a[0] else a[0] - (b[0] + b[1])


def _near_spans(node, words: list[str]) -> list[tuple[int, int]]:
    """(start, length) of the right-hand term wherever "A NEAR/n B" holds: at most n words between."""
    if isinstance(node, _Term):
        return [(i, len(node.words)) for i in _positions(words, node.words)]
    left, right = node.args
    ls = _near_spans(left, words)
    return [(b, len(right.words)) for b in _positions(words, right.words)
            if any(_gap(a, (b, len(right.words))) <= node.distance for a in ls)]


def text_search(project, query: str, unit: str = "turn", role: str | None = "participant",
                sources: list[int] | None = None) -> pd.DataFrame:
    """Participant turns (or sentences) matching a boolean/phrase/proximity query.

    Columns: segment_id, source_id, participant_id, community, start, end, text.
    """
    node = parse_query(query)
    segs = project.segments(kind=unit, role=role)
    if sources is not None:
        segs = segs[segs.source_id.isin(sources)]
    keep = [(_matches(node, [w.lower() for w in _WORD.findall(t)])) for t in segs.text]
    hits = segs[keep] if len(segs) else segs
    return hits.rename(columns={"id": "segment_id"})[
        ["segment_id", "source_id", "participant_id", "community", "start", "end", "text"]].reset_index(drop=True)


# ----------------------------------------------------------------------------- saved queries and sets


@dataclass
class SavedQuery:
    name: str
    kind: str  # cooccurrence | by_group | text
    by: str = "community"
    text: str = ""
    set_name: str = ""  # restrict to a set of interviews ("" = all)
    extra: dict = field(default_factory=dict)


QUERY_KINDS = ("cooccurrence", "by_group", "text")


def saved_queries(project) -> list[SavedQuery]:
    return [SavedQuery(**q) for q in project.meta_get("saved_queries", [])]


def save_query(project, query: SavedQuery) -> None:
    if not query.name.strip():
        raise ElcError("a saved query needs a name")
    if query.kind not in QUERY_KINDS:
        raise ElcError(f"a query is one of {', '.join(QUERY_KINDS)} (not '{query.kind}')")
    if query.kind == "text":
        parse_query(query.text)
    with project.transaction() as conn:
        current = [q for q in project.meta_get("saved_queries", []) if q["name"] != query.name]
        current.append(query.__dict__)
        project.meta_set("saved_queries", current, conn)


def interview_sets(project) -> dict[str, list[int]]:
    return {k: [int(x) for x in v] for k, v in project.meta_get("interview_sets", {}).items()}


def save_set(project, name: str, source_ids: list[int]) -> None:
    """Name a set of interviews (sources) to run queries on; an empty list deletes it."""
    if not name.strip():
        raise ElcError("a set of interviews needs a name")
    known = set(project.sources().id.astype(int))
    missing = sorted(set(source_ids) - known)
    if missing:
        raise ElcError(f"no sources with ids {', '.join(map(str, missing))}")
    with project.transaction() as conn:
        sets = dict(project.meta_get("interview_sets", {}))
        if source_ids:
            sets[name] = sorted(set(int(x) for x in source_ids))
        else:
            sets.pop(name, None)
        project.meta_set("interview_sets", sets, conn)


def run_saved(project, query: SavedQuery, coder: str | None = None) -> pd.DataFrame:
    sources = interview_sets(project).get(query.set_name) if query.set_name else None
    if query.set_name and sources is None:
        raise ElcError(f"no set of interviews called '{query.set_name}'")
    if query.kind == "cooccurrence":
        return cooccurrence(project, coder, sources)
    if query.kind == "by_group":
        return code_by_group(project, query.by, coder, sources)
    return text_search(project, query.text, sources=sources)

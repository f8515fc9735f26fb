"""High-impact changes: what the programme proposes, linked to the codes and themes evidencing it.

A change has a title (imperative: "Avoid early morning pick-ups for passengers"), a rationale,
an owner, success measures and, optionally, requirements (shall-statements for the service
specification). Links point at codes (touchpoints or themes of the codebook) and at theme labels
of a theme run; :mod:`elc.insights.evidence` turns those links into the people who said it.

    cid = add_change(project, "Avoid early morning pick-ups", codes=["Early morning pick-ups"])
    link_change(project, cid, codes=["Getting ready for pick up"])
    load_changes_file(project, "corpora/llr-nepts/changes.yaml")

A changes file is YAML with a top-level ``changes:`` list; each item has ``title`` and optionally
``rationale``, ``owner``, ``measures``, ``requirements``, ``codes`` (code names) and ``themes``
(theme labels). An optional top-level ``programme:`` mapping may set ``options_considered`` and
``council_priorities`` for the specification's appendix. Loading it is all-or-nothing and matches existing changes by title, so loading
the same file twice updates rather than duplicates.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd

from elc.errors import ElcError, GuideError
from elc.store import changes as store
from elc.store.kpis import kpis_by_change, set_fields_by_measure
from elc.store.requirements import requirements_by_change
from elc.store.workshop import CANDIDATE, current_decisions

FIELDS = ("title", "rationale", "owner", "measures", "requirements")


class ChangeError(ElcError):
    """A change or a code/theme it names does not exist, or a field is invalid."""


class ChangesFileError(GuideError):
    """A changes YAML file is invalid (the message names the file and line)."""


# ---------------------------------------------------------------------------- reads
def _requirements(project) -> dict[str, list[str]]:
    return {str(cid): [r.text for r in rs] for cid, rs in requirements_by_change(project).items()}


def _measures(project) -> dict[int | None, list[str]]:
    return {cid: [k.measure for k in ks] for cid, ks in kpis_by_change(project).items()}


COLUMNS = ["id", "position", "title", "rationale", "owner", "measures", "requirements", "code_ids", "codes",
           "themes", "state", "merged_into", "votes", "priority", "decision_owner", "next_steps"]


def changes(project) -> pd.DataFrame:
    """The changes in order: id, position, title, rationale, owner, measures, requirements,
    code_ids, codes (names), themes (labels), and the workshop's decision on each: ``state``
    (candidate | endorsed | amended | merged | rejected | new), ``merged_into`` (a change id or
    None), ``votes``, ``priority`` (None until set), ``decision_owner``, ``next_steps``."""
    rows = store.change_rows(project)
    links = store.links(project)
    codes = project.codes(include_archived=True)
    names = dict(zip(codes.id.astype(str), codes.name))
    reqs = _requirements(project)
    measures = _measures(project)
    decided = current_decisions(project)
    out = []
    for r in rows:
        mine = [link for link in links if link.change_id == r.id]
        code_ids = [int(link.ref) for link in mine if link.kind == "code" and link.ref in names]
        d = decided.get(r.id)
        out.append({
            "id": r.id, "position": r.position, "title": r.title, "rationale": r.rationale, "owner": r.owner,
            "measures": list(measures.get(r.id, [])),
            "requirements": list(reqs.get(str(r.id), [])),
            "code_ids": code_ids, "codes": [names[str(c)] for c in code_ids],
            "themes": [link.ref for link in mine if link.kind == "theme"],
            "state": d.decision if d else CANDIDATE, "merged_into": d.merged_into if d else None,
            "votes": d.votes if d else None, "priority": d.priority if d else None,
            "decision_owner": d.owner if d else "", "next_steps": d.next_steps if d else "",
        })
    df = pd.DataFrame(out, columns=COLUMNS)
    for col in ("merged_into", "votes", "priority"):  # whole numbers or None, not floats with NaN
        df[col] = pd.Series([o[col] for o in out], dtype=object, index=df.index)
    return df


def get_change(project, change) -> dict:
    """One change as a dict (see :func:`changes`), by id or title."""
    cid = resolve_change(project, change)
    df = changes(project)
    return df[df.id == cid].iloc[0].to_dict()


def resolve_change(project, change) -> int:
    """A change id from an id (int or digits) or a title (exact, then unique prefix, any case)."""
    df = changes(project)
    if isinstance(change, int) or (isinstance(change, str) and change.strip().isdigit()):
        cid = int(change)
        if cid in set(df.id):
            return cid
        raise ChangeError(f"no change with id {cid} (see 'elc changes PROJECT')")
    want = str(change).strip().lower()
    titles = df.title.str.lower()
    hit = df[titles == want]
    if not len(hit):
        hit = df[titles.str.startswith(want)] if want else hit
    if len(hit) == 1:
        return int(hit.id.iloc[0])
    if len(hit) > 1:
        raise ChangeError(f"'{change}' matches {len(hit)} changes; use its id: "
                          + ", ".join(f"{i} ({t})" for i, t in zip(hit.id, hit.title)))
    raise ChangeError(f"no change titled '{change}'{_hint(change, list(df.title))}")


def _hint(name: str, known: list[str]) -> str:
    low = str(name).strip().lower()
    contains = [k for k in known if low and low in k.lower()]
    close = contains[:1] or difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
    if not close:
        lowered = {k.lower(): k for k in known}
        close = [lowered[c] for c in difflib.get_close_matches(low, list(lowered), n=1, cutoff=0.6)]
    return f" (did you mean '{close[0]}'?)" if close else ""


def _code_ids(project, names) -> list[int]:
    codes = project.codes()
    by_name = {n.lower(): int(i) for n, i in zip(codes.name, codes.id)}
    ids = []
    for name in names:
        key = str(name).strip()
        if key.isdigit() and int(key) in set(codes.id):
            ids.append(int(key))
        elif key.lower() in by_name:
            ids.append(by_name[key.lower()])
        else:
            raise ChangeError(f"unknown code '{name}'{_hint(key, list(codes.name))}")
    return list(dict.fromkeys(ids))


# ---------------------------------------------------------------------------- writes
def _clean_list(values, what: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out = []
    for v in values:
        if not isinstance(v, (str, int, float)) or isinstance(v, bool):
            raise ChangeError(f"{what} should be text, not {v!r}")
        if str(v).strip():
            out.append(str(v).strip())
    return out


def _set_requirements(project, cid: int, requirements: list[str] | None, conn) -> None:
    store.set_requirements(conn, cid, list(requirements or []))


def add_change(project, title: str, rationale: str = "", owner: str = "", measures=(), codes=(),
               themes=(), requirements=()) -> int:
    """Add a change at the end of the list (linked to ``codes`` and ``themes``); returns its id."""
    title = (title or "").strip()
    if not title:
        raise ChangeError("a change needs a title")
    if title.lower() in set(changes(project).title.str.lower()):
        raise ChangeError(f"a change titled '{title}' already exists (edit or link it instead)")
    code_ids = _code_ids(project, _clean_list(codes, "codes"))
    themes = _clean_list(themes, "themes")
    with project.write() as conn:
        cid = store.insert_change(conn, title, (rationale or "").strip(), (owner or "").strip(),
                                  _clean_list(measures, "measures"))
        store.link(conn, cid, code_ids, themes)
        if requirements:
            _set_requirements(project, cid, _clean_list(requirements, "requirements"), conn)
    return int(cid)


def update_change(project, change, **fields) -> None:
    """Edit a change's ``title``, ``rationale``, ``owner``, ``measures`` or ``requirements``."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ChangeError(f"cannot edit {', '.join(sorted(unknown))} (editable: {', '.join(FIELDS)})")
    cid = resolve_change(project, change)
    values = {}
    for key in ("title", "rationale", "owner"):
        if key in fields and fields[key] is not None:
            values[key] = str(fields[key]).strip()
    if "title" in values:
        if not values["title"]:
            raise ChangeError("a change needs a title")
        others = changes(project)
        others = others[others.id != cid]
        if values["title"].lower() in set(others.title.str.lower()):
            raise ChangeError(f"a change titled '{values['title']}' already exists")
    with project.write() as conn:
        store.update_row(conn, cid, **values)
        if fields.get("measures") is not None:
            store.set_measures(conn, cid, _clean_list(fields["measures"], "measures"))
        if fields.get("requirements") is not None:
            _set_requirements(project, cid, _clean_list(fields["requirements"], "requirements"), conn)


def remove_change(project, change) -> None:
    """Delete a change and its links."""
    cid = resolve_change(project, change)
    with project.write() as conn:
        store.delete_change(conn, cid)


def link_change(project, change, codes=(), themes=()) -> int:
    """Link a change to codes (names or ids) and theme labels; returns how many links were new."""
    cid = resolve_change(project, change)
    code_ids = _code_ids(project, _clean_list(codes, "codes"))
    themes = _clean_list(themes, "themes")
    if not code_ids and not themes:
        raise ChangeError("name at least one code (--code) or theme (--theme) to link")
    with project.write() as conn:
        return store.link(conn, cid, code_ids, themes)


def unlink_change(project, change, codes=(), themes=()) -> int:
    """Remove links from a change; returns how many were removed."""
    cid = resolve_change(project, change)
    refs = [("code", str(c)) for c in _code_ids(project, _clean_list(codes, "codes"))]
    refs += [("theme", t) for t in _clean_list(themes, "themes")]
    with project.write() as conn:
        return store.unlink(conn, cid, refs)


# ---------------------------------------------------------------------------- changes files
def read_changes_file(path: str | Path) -> list[dict]:
    """Parse and check a changes YAML file (without a project): a list of change dicts, each with
    its ``line``. Raises :class:`ChangesFileError` naming the file and line."""
    from elc.guides.loader import _read_yaml

    path = Path(path)
    try:
        data = _read_yaml(path)
    except GuideError as exc:
        raise ChangesFileError(path, exc.message, exc.line) from None
    items = data.get("changes")
    if not isinstance(items, list) or not items:
        raise ChangesFileError(path, "expected a non-empty 'changes:' list at the top level",
                               getattr(data, "line", 1))
    out: list[dict] = []
    seen: dict[str, int | None] = {}  # lowered title -> its line
    for i, item in enumerate(items, 1):
        line = getattr(item, "line", None)
        if not isinstance(item, dict):
            raise ChangesFileError(path, f"change {i} should be a mapping with a 'title'", line)
        unknown = set(item) - {"title", "rationale", "owner", "measures", "requirements", "codes", "themes"}
        if unknown:
            raise ChangesFileError(path, f"change {i} has unknown field(s) {', '.join(sorted(map(str, unknown)))} "
                                         "(expected title, rationale, owner, measures, requirements, codes, themes)", line)
        change = {"line": line}
        for key in ("title", "rationale", "owner"):
            value = item.get(key)
            if value is None:
                value = ""
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                raise ChangesFileError(path, f"change {i}: '{key}' should be text", line)
            change[key] = " ".join(str(value).split()) if key == "title" else str(value).strip()
        if not change["title"]:
            raise ChangesFileError(path, f"change {i} is missing 'title'", line)
        low = change["title"].lower()
        if low in seen:
            raise ChangesFileError(path, f"change {i} repeats the title '{change['title']}' (first at line {seen[low]})", line)
        seen[low] = line
        change["measures"], change["kpi_fields"] = _measures_of(path, i, change["title"], item.get("measures"), line)
        for key in ("requirements", "codes", "themes"):
            value = item.get(key)
            if value is None:
                value = []
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or any(not isinstance(v, (str, int, float)) or isinstance(v, bool)
                                                  for v in value):
                raise ChangesFileError(path, f"change {i} ('{change['title']}'): '{key}' should be a list of text", line)
            change[key] = [str(v).strip() for v in value if str(v).strip()]
        out.append(change)
    return out


KPI_FIELDS = {"unit": str, "better": str, "baseline": float, "baseline_source": str, "baseline_date": str,
              "threshold": float, "data_source": str, "frequency": str, "owner": str}


def _kpi_fields(path, where: str, entry: dict, line) -> tuple[str, dict]:
    """One measure written as a mapping: its text (``measure``) and the KPI fields it gives."""
    measure = entry.get("measure")
    if not isinstance(measure, str) or not measure.strip():
        raise ChangesFileError(path, f"{where}: a measure written as a mapping needs 'measure: TEXT'", line)
    values: dict[str, float | str] = {}
    for key, value in entry.items():
        if key == "measure" or value is None:
            continue
        kind = KPI_FIELDS.get(str(key))
        if kind is None:
            raise ChangesFileError(path, f"{where}: unknown KPI field '{key}' (fields: measure, "
                                         f"{', '.join(KPI_FIELDS)})", line)
        if kind is float:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ChangesFileError(path, f"{where}: '{key}' should be a number, not {value!r}", line)
            values[key] = float(value)
        else:
            values[key] = str(value).strip()
    if values.get("better", "") not in ("", "higher", "lower"):
        raise ChangesFileError(path, f"{where}: 'better' is higher or lower (not {values['better']!r})", line)
    return " ".join(measure.split()), values


def _measures_of(path, i: int, title: str, value, line) -> tuple[list[str], dict[str, dict]]:
    """A change's measures: text, or mappings giving the KPI record (baseline, threshold ...)."""
    if value is None:
        return [], {}
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, list):
        raise ChangesFileError(path, f"change {i} ('{title}'): 'measures' should be a list", line)
    texts, fields = [], {}
    for j, entry in enumerate(value, 1):
        where = f"change {i} ('{title}'), measure {j}"
        if isinstance(entry, dict):
            text, values = _kpi_fields(path, where, entry, getattr(entry, "line", line))
            fields[text] = values
        elif isinstance(entry, (str, int, float)) and not isinstance(entry, bool):
            text = str(entry).strip()
        else:
            raise ChangesFileError(path, f"{where} should be text or a mapping", line)
        if text:
            texts.append(text)
    return texts, fields


def read_programme_fields(path: str | Path) -> dict:
    """The optional top-level ``programme:`` mapping of a changes file (checked, text values)."""
    from elc.guides.loader import _read_yaml
    from elc.insights.programme_fields import FIELDS

    path = Path(path)
    try:
        data = _read_yaml(path)
    except GuideError as exc:
        raise ChangesFileError(path, exc.message, exc.line) from None
    block = data.get("programme") if isinstance(data, dict) else None
    if block is None:
        return {}
    line = getattr(block, "line", None)
    if not isinstance(block, dict):
        raise ChangesFileError(path, "'programme:' should be a mapping of options_considered, council_priorities", line)
    unknown = set(block) - set(FIELDS)
    if unknown:
        raise ChangesFileError(path, f"'programme:' has unknown field(s) {', '.join(sorted(map(str, unknown)))} "
                                     f"(expected {', '.join(FIELDS)})", line)
    out = {}
    for key, value in block.items():
        if value is not None and (not isinstance(value, (str, int, float)) or isinstance(value, bool)):
            raise ChangesFileError(path, f"programme '{key}' should be text", line)
        out[key] = "" if value is None else " ".join(str(value).split())
    return out


def load_changes_file(project, path: str | Path, replace: bool = False) -> list[int]:
    """Load a changes YAML file into ``project``: all of it or, on any error, none of it.

    Changes are matched to existing ones by title (any case) and updated; new ones are appended.
    Their code and theme links become exactly those the file names. With ``replace`` every
    change not in the file is removed. Returns the ids in file order.
    """
    path = Path(path)
    items = read_changes_file(path)
    fields = read_programme_fields(path)
    codes = project.codes()
    by_name = {n.lower(): int(i) for n, i in zip(codes.name, codes.id)}
    for i, ch in enumerate(items, 1):
        for name in ch["codes"]:
            if name.lower() not in by_name:
                raise ChangesFileError(path, f"change {i} ('{ch['title']}') names unknown code '{name}'"
                                             f"{_hint(name, list(codes.name))}", ch["line"])
    existing = changes(project)
    by_title = {t.lower(): int(i) for t, i in zip(existing.title, existing.id)}
    ids = []
    with project.write() as conn:
        for ch in items:
            values = {"title": ch["title"], "rationale": ch["rationale"], "owner": ch["owner"]}
            cid = by_title.get(ch["title"].lower())
            if cid is None:
                cid = store.insert_change(conn, **values)
            else:
                store.update_row(conn, cid, **values)
                store.clear_links(conn, cid)
            store.link(conn, cid, [by_name[n.lower()] for n in ch["codes"]], ch["themes"])
            store.set_requirements(conn, cid, list(ch["requirements"] or []))
            store.set_measures(conn, cid, list(ch["measures"] or []))
            set_fields_by_measure(conn, cid, ch.get("kpi_fields") or {})
            ids.append(cid)
        if replace:
            for cid in set(existing.id) - set(ids):
                store.delete_change(conn, int(cid))
        if fields:
            from elc.insights.programme_fields import set_programme_fields

            set_programme_fields(project, conn, **fields)
    return ids


def shall_statements(change: dict) -> list[str]:
    """The change's requirements, or one shall-statement made from its title."""
    if change.get("requirements"):
        return [r if r.endswith((".", "!", "?")) else r + "." for r in change["requirements"]]
    title = change["title"].strip().rstrip(".")
    return [f"The Provider shall {title[:1].lower() + title[1:]}."]


__all__ = ["ChangeError", "ChangesFileError", "changes", "get_change", "resolve_change", "add_change",
           "update_change", "remove_change", "link_change", "unlink_change", "read_changes_file",
           "load_changes_file", "shall_statements"]

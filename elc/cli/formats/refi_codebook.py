"""REFI-QDA codebooks (.qdc): the codes alone, both ways."""

from __future__ import annotations

from elc.cli.formats import Exporter, FormatOption, Imported, Importer


def repeated_note(paths: list[str]) -> list[str]:
    """Codes are told apart by their place in the tree: say where a name repeats."""
    if not paths:
        return []
    return [f"{len(paths)} codes share a name with another code; their paths: " + "; ".join(paths)]


def _write(project, target, options) -> str:
    from elc.exchange.refi import export_qdc

    export_qdc(project, target)
    return f"REFI-QDA codebook: {len(project.codes())} code(s)"


def _read(file, project, options) -> Imported:
    from elc.exchange.refi import import_qdc

    res = import_qdc(file, project, coder=options.get("coder") or "elc")
    notes = repeated_note(res.repeated)
    notes += [f"code '{old}' has a sibling of the same name; it was added as '{new}'" for old, new in res.renamed]
    return Imported(f"added {len(res.added)} code(s) from {file}; {len(res.skipped)} already in the project", notes)


FORMATS = (
    Exporter("qdc", "Write the codebook as REFI-QDA (.qdc).", (".qdc",), _write),
    Importer("qdc", "Add the codes of a REFI-QDA codebook FILE (.qdc) to PROJECT, reusing the codes it already has.",
             (".qdc",), _read, options=(FormatOption("coder", "Name recorded in the codebook log.", default="elc"),)),
)

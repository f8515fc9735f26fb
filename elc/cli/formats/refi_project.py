"""REFI-QDA projects (.qdpx): NVivo, ATLAS.ti, MAXQDA, QualCoder... both ways."""

from __future__ import annotations

from elc.cli.formats import Exporter, FormatOption, Imported, Importer


def _write(project, target, options) -> str:
    from elc.exchange.refi import export_qdpx

    export_qdpx(project, target)
    return (f"REFI-QDA project: {len(project.sources())} source(s), {len(project.codings(with_text=False))} "
            "coding(s)")


def _read(file, project, options) -> Imported:
    from elc.cli.formats.refi_codebook import repeated_note
    from elc.exchange.refi import import_qdpx

    res = import_qdpx(file, project, guide=options.get("guide"), force=bool(options.get("force")))
    notes = repeated_note(res.repeated)
    notes += [f"added community '{key}' named in the archive" for key in res.communities_added]
    return Imported(f"created {project} from {file}: {res.sources} source(s), {res.participants} participant(s), "
                    f"{res.users} user(s), {res.codes_added} code(s) added ({res.codes_matched} matched), "
                    f"{res.codings} coding(s)", notes + list(res.warnings))


FORMATS = (
    Exporter("qdpx", "Write a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder...", (".qdpx",),
             _write),
    Importer("qdpx", "Create PROJECT from a REFI-QDA project FILE (.qdpx) made by elc or another QDA tool.",
             (".qdpx",), _read, creates=True, options=(
                 FormatOption("guide", "Interview guide YAML: take the programme, communities and touchpoints from "
                              "it and merge the archive's codes into them by name.", kind="path"),
                 FormatOption("force", "Replace PROJECT if it exists.", kind="flag"))),
)

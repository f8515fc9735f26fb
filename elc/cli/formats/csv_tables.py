"""CSV tables: codings, segments, participants, codes and memos, one file each, in a folder."""

from __future__ import annotations

from elc.cli.formats import Exporter


def _write(project, target, options) -> str:
    from elc.export.csv_export import export_csv

    files = export_csv(project, target)
    return ", ".join(f.name for f in files.values())


FORMATS = (Exporter("csv", "Write codings.csv, segments.csv, participants.csv and codes.csv into this folder.", (),
                    _write),)

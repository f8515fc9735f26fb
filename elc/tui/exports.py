"""Reports and exports the workbench can write (from the command palette), as data.

Each entry names a library writer; the workbench asks where to write, runs it in a worker thread
and says where it went. The writers are the same ones the CLI verbs call (`elc report`, `elc spec`,
`elc export`), so a file written from here is identical to one written from the shell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ExportKind:
    id: str
    title: str
    suffix: str  # default file name ending; "/" for a folder
    write: Callable[[object, Path], Path]


def _file(write: Callable[[object, Path], object]) -> Callable[[object, Path], Path]:
    """A writer made whole-or-nothing (elc.atomic): a failed or interrupted write leaves no file."""
    def run(project, path: Path) -> Path:
        from elc.atomic import atomic_path

        with atomic_path(path) as tmp:
            write(project, tmp)
        return Path(path)
    return run


def _folder(write: Callable[[object, Path], object]) -> Callable[[object, Path], Path]:
    def run(project, path: Path) -> Path:
        from elc.atomic import atomic_dir

        with atomic_dir(path) as tmp:
            write(project, tmp)
        return Path(path)
    return run


def _workbook(project, path: Path):
    from elc.export.workbook import write_workbook

    return write_workbook(project, path)


def _html(project, path: Path):
    from elc.export.html import write_html

    return write_html(project, path)


def _spec(project, path: Path):
    from elc.export.spec import write_spec

    return write_spec(project, path)


def _qdpx(project, path: Path):
    from elc.exchange.refi import export_qdpx

    return export_qdpx(project, path)


def _csv(project, path: Path):
    from elc.export.csv_export import export_csv

    return export_csv(project, path)


EXPORTS: tuple[ExportKind, ...] = (
    ExportKind("workbook", "Workshop workbook (.xlsx)", "-workshop.xlsx", _file(_workbook)),
    ExportKind("html", "Workshop pack as HTML (folder)", "-pack/", _folder(_html)),
    ExportKind("spec", "Service specification draft (.docx)", "-specification.docx", _file(_spec)),
    ExportKind("qdpx", "REFI-QDA project for NVivo, ATLAS.ti, MAXQDA, QualCoder (.qdpx)", ".qdpx", _file(_qdpx)),
    ExportKind("csv", "CSV tables (folder)", "-csv/", _folder(_csv)),
)
BY_ID = {e.id: e for e in EXPORTS}


def default_target(project_location: str, kind: ExportKind) -> str:
    """Beside the project file (or in the working folder for a database URL)."""
    if "://" in project_location:
        base = Path.cwd() / "elc-project"
    else:
        p = Path(project_location)
        base = p.with_name(p.stem)
    return str(base) + kind.suffix.rstrip("/")

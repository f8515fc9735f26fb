"""Import transcripts: one module per format behind a small Importer protocol."""

from elc.ingest.base import ImportOptions
from elc.ingest.pipeline import ImportReport, import_files, importer_for, preview_files

__all__ = ["ImportOptions", "ImportReport", "import_files", "importer_for", "preview_files"]

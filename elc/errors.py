"""User-facing errors: each says, in one sentence, what was wrong, where, and what to do.

The CLI prints ``str(error)`` and exits non-zero; a traceback means a bug in elc.
"""

from __future__ import annotations

from pathlib import Path


class ElcError(Exception):
    """Base class for every error a user can cause and fix."""

    exit_code = 1


class ProjectError(ElcError):
    """The project file is missing, locked, corrupt or from a newer elc."""


class GuideError(ElcError):
    """An interview guide or codebook YAML file is invalid."""

    def __init__(self, path: str | Path, message: str, line: int | None = None):
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {message}")
        self.path, self.line, self.message = str(path), line, message


class ImportFileError(ElcError):
    """A transcript file could not be imported; the project is unchanged."""

    def __init__(self, path: str | Path, message: str):
        super().__init__(f"{path}: {message} (nothing was imported from this file)")
        self.path, self.message = str(path), message


class DuplicateSourceError(ImportFileError):
    """The same content was imported before (matched by content hash)."""


class CodingError(ElcError):
    """A coding action is not possible (bad span, unknown code, nothing to undo...)."""


class ExportError(ElcError):
    """An export could not be written."""

"""elc: Experience-Led Commissioning research for the NHS.

The public API::

    import elc
    project = elc.open_project("nepts.elc")
    project.participants(); project.segments(); project.codings()   # pandas DataFrames
"""

from __future__ import annotations

__version__ = "0.1.0"


def open_project(target):
    """Open an existing project file (or SQLAlchemy URL)."""
    from elc.store.project import Project

    return Project.open(target)


def new_project(target, guide, codebook=None, overwrite: bool = False):
    """Create a project from an interview-guide YAML file (and optionally a codebook YAML)."""
    from elc.guides import load_codebook, load_guide
    from elc.store.project import Project

    programme = load_guide(guide)
    codes = load_codebook(codebook) if codebook else None
    return Project.create(target, programme, codes, overwrite=overwrite)


__all__ = ["open_project", "new_project", "__version__"]

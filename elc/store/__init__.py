"""Project storage: schema, migrations and the Project read API (SQLite by default)."""

from elc.store.project import Project

__all__ = ["Project"]

"""The one error the themes layer raises for things a user can fix."""

from __future__ import annotations

from elc.errors import ElcError  # the project's base class: the CLI prints the message, no traceback


class ThemesError(ElcError):
    """Theme finding cannot run as asked (too few segments, a missing optional package...)."""


def missing_dependency(package: str, purpose: str, extra: str | None = None) -> ThemesError:
    """A clear message for an optional package that is not installed (BERTopic's ``NotInstalled`` idea)."""
    how = f"pip install elc[{extra}]" if extra else f"pip install {package}"
    return ThemesError(f"{purpose} needs the optional package '{package}', which is not installed: run `{how}`.")

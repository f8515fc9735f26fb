"""The one error the themes layer raises for things a user can fix."""

from __future__ import annotations

try:  # the project's base class, so the CLI prints the message instead of a traceback
    from elc.errors import ElcError as _Base
except ImportError:  # pragma: no cover - elc.errors is part of elc; keep the layer importable alone
    _Base = Exception


class ThemesError(_Base):
    """Theme finding cannot run as asked (too few segments, a missing optional package...)."""


def missing_dependency(package: str, purpose: str, extra: str | None = None) -> ThemesError:
    """A clear message for an optional package that is not installed (BERTopic's ``NotInstalled`` idea)."""
    how = f"pip install elc[{extra}]" if extra else f"pip install {package}"
    return ThemesError(f"{purpose} needs the optional package '{package}', which is not installed: run `{how}`.")

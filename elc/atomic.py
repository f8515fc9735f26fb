"""Outputs appear whole or not at all.

Every file or folder elc writes is built under a hidden temporary name in the target's own
folder (so the final rename stays on one file system) and renamed into place only when complete.
On any failure the temporary is removed and a failure to write (disk full, permissions, a
read-only folder, and the XML writers' errors that wrap them) becomes one line, not a traceback::

    with atomic_path("workshop.xlsx") as tmp:   # tmp ends in .xlsx too
        write_workbook(project, tmp)
    with atomic_dir("out/") as tmp:              # a new folder appears whole
        export_csv(project, tmp)
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from elc.errors import ElcError, ExportError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_failure(exc: BaseException | None) -> OSError | None:
    """The OSError behind ``exc`` (itself, or the cause/context an XML writer wrapped), if any."""
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, OSError):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def _one_line(target: Path, exc: BaseException) -> ExportError | None:
    failure = _write_failure(exc)
    lxml_error = type(exc).__module__.startswith("lxml")
    if failure is None and not lxml_error:
        return None
    if failure is not None and failure.errno in (errno.ENOSPC, errno.EDQUOT):
        reason = "the disk is full"
    elif failure is not None:
        reason = failure.strerror or failure.__class__.__name__
    else:  # lxml reports a failed write (usually a full disk) as a serialisation error
        reason = f"the writer failed ({type(exc).__name__}); is the disk full?"
    return ExportError(f"{target}: could not be written ({reason}); nothing was left behind")


def _release(exc: BaseException | None) -> None:
    """Drop the failed writer's frames now, quietly: otherwise its half-closed zip and XML
    streams complain at exit ("Exception ignored in ...") after the one line was printed."""
    import gc
    import sys
    import traceback

    hook = sys.unraisablehook
    sys.unraisablehook = lambda *_: None
    try:
        seen = 0
        while exc is not None and seen < 8:
            if exc.__traceback__ is not None:
                traceback.clear_frames(exc.__traceback__)
                exc.__traceback__ = None
            exc = exc.__cause__ or exc.__context__
            seen += 1
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _raise_as_line(target: Path, exc: BaseException, tmp: Path | None = None) -> None:
    if isinstance(exc, ElcError):
        if exc.__cause__ or exc.__context__:  # a writer's own one-line error over a failed write
            _release(exc.__cause__ or exc.__context__)
        if tmp is not None and str(tmp) in str(exc):  # name what the user asked for, not our temporary
            raise ExportError(str(exc).replace(str(tmp), str(target))) from None
        raise exc
    line = _one_line(target, exc)
    if line is not None:
        _release(exc)
        raise line from None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _sweep(folder: Path, prefix: str, suffix: str) -> None:
    """Remove temporaries a killed elc (kill -9, power cut) left for this target: their names carry
    the writer's process id, and that process is gone."""
    stale = []
    try:
        for path in folder.glob(f"{prefix}*{suffix}"):
            pid, _, rand = path.name[len(prefix):len(path.name) - len(suffix)].partition(".")
            if pid.isdigit() and rand and "." not in rand and not _alive(int(pid)):  # PREFIX PID.RAND SUFFIX
                stale.append(path)
    except OSError:
        return
    for path in stale:
        try:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        except OSError:
            pass


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """A temporary file path beside ``target`` (same suffix) that becomes ``target`` on success."""
    target = Path(target)
    if target.is_dir():
        raise ExportError(f"{target}: is a folder; give a file name")
    if not target.parent.exists():
        raise ExportError(f"{target.parent}: no such folder")
    prefix, suffix = f".{target.stem}.", f".part{target.suffix}"
    _sweep(target.parent, prefix, suffix)
    try:
        fd, name = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}.", suffix=suffix, dir=target.parent)
        os.close(fd)
    except OSError as exc:
        _raise_as_line(target, exc)
        raise
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        _raise_as_line(target, exc, tmp)
        raise


@contextmanager
def atomic_dir(target: str | Path) -> Iterator[Path]:
    """A temporary folder whose files end up in ``target``: a new folder is renamed into place
    whole; into an existing one each finished file is renamed only after all were written."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target}: is a file; give a folder")
    existing = target.is_dir()
    parent = target if existing else target.parent
    prefix = f".{target.name or 'out'}."
    try:
        parent.mkdir(parents=True, exist_ok=True)
        _sweep(parent, prefix, ".part")
        tmp = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}.", suffix=".part", dir=parent))
    except OSError as exc:
        _raise_as_line(target, exc)
        raise
    try:
        yield tmp
        mask = _umask()
        for path in tmp.rglob("*"):
            os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~mask)
        if existing:
            for path in sorted(tmp.iterdir()):
                if path.is_dir() and (target / path.name).is_dir():
                    shutil.rmtree(target / path.name)
                os.replace(path, target / path.name)
            tmp.rmdir()
        else:
            os.chmod(tmp, 0o777 & ~mask)
            os.rename(tmp, target)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        _raise_as_line(target, exc, tmp)
        raise


def write_text(target: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """``Path.write_text`` that leaves either the whole new file or the old one."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(target)

"""Zip archives: hardened reading of untrusted ones, byte-stable atomic writing of ours."""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from elc.errors import ElcError

# Limits for untrusted input. A real project is a few MB; these are far beyond any real one.
MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, checked for members over RATIO_FLOOR bytes
RATIO_FLOOR = 1024 * 1024


def _checked_size(path: Path, limit: int, what: str) -> int:
    """The size of ``path``, refused in one line when it is missing, a folder or over ``limit``."""
    if not path.exists():
        raise ElcError(f"{path}: no such file")
    if path.is_dir():
        raise ElcError(f"{path}: is a folder, not a {what}")
    size = path.stat().st_size
    if size > limit:
        raise ElcError(f"{path}: is {size / 1e6:.0f} MB, over the {limit / 1e6:.0f} MB limit for a {what}")
    return size


def read_limited_file(path: Path, limit: int, what: str) -> bytes:
    if _checked_size(path, limit, what) == 0:
        raise ElcError(f"{path}: is empty, not a {what}")
    return path.read_bytes()


def _bad_member_name(name: str) -> str | None:
    """Why a zip member name is unsafe, or None."""
    if "\x00" in name:
        return "contains a NUL character"
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm) or norm.startswith("//"):
        return "is an absolute path"
    if any(part == ".." for part in PurePosixPath(norm).parts) or any(p == ".." for p in norm.split("/")):
        return "points outside the archive (path traversal)"
    return None


@dataclass
class SafeArchive:
    """A zip archive checked member by member before anything is read from it."""

    path: Path
    zf: zipfile.ZipFile
    members: dict[str, zipfile.ZipInfo]

    @classmethod
    def open(cls, path: str | Path, what: str = "REFI-QDA project (.qdpx)") -> "SafeArchive":
        path = Path(path)
        _checked_size(path, MAX_TOTAL_BYTES, what)
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, zlib.error) as exc:
            raise ElcError(f"{path}: is not a {what} (not a readable zip archive: {exc})") from None
        try:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise ElcError(f"{path}: has {len(infos)} members, over the limit of {MAX_MEMBERS}")
            members: dict[str, zipfile.ZipInfo] = {}
            total = 0
            for info in infos:
                why = _bad_member_name(info.filename)
                if why:
                    raise ElcError(f"{path}: refused: member '{info.filename[:200]}' {why}")
                if info.filename in members:
                    raise ElcError(f"{path}: refused: member '{info.filename[:200]}' appears twice")
                if info.flag_bits & 0x1:
                    raise ElcError(f"{path}: member '{info.filename}' is encrypted; export it without a password")
                if info.file_size > MAX_MEMBER_BYTES:
                    raise ElcError(f"{path}: refused: member '{info.filename}' unpacks to "
                                   f"{info.file_size / 1e6:.0f} MB, over the {MAX_MEMBER_BYTES / 1e6:.0f} MB limit")
                if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise ElcError(f"{path}: refused: member '{info.filename}' is compressed "
                                   f"{info.file_size // max(info.compress_size, 1)}:1 (a zip bomb?)")
                total += info.file_size
                if total > MAX_TOTAL_BYTES:
                    raise ElcError(f"{path}: refused: the archive unpacks to over "
                                   f"{MAX_TOTAL_BYTES / 1e6:.0f} MB")
                if not info.is_dir():
                    members[info.filename.replace("\\", "/")] = info
        except BaseException:
            zf.close()
            raise
        return cls(path, zf, members)

    def close(self) -> None:
        self.zf.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def has(self, name: str) -> bool:
        return name in self.members

    def read(self, name: str) -> bytes:
        """A member's bytes, never more than its declared size or the member limit."""
        info = self.members[name]
        limit = min(info.file_size, MAX_MEMBER_BYTES)
        chunks: list[bytes] = []
        got = 0
        try:
            with self.zf.open(info) as fh:
                while True:
                    chunk = fh.read(1024 * 1024)
                    if not chunk:
                        break
                    got += len(chunk)
                    if got > limit:
                        raise ElcError(f"{self.path}: refused: member '{name}' unpacks to more than it declares")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error) as exc:
            raise ElcError(f"{self.path}: member '{name}' is damaged ({exc})") from None
        return b"".join(chunks)



def _publish(tmp: str, path: Path) -> None:
    """Give a finished temporary file the usual permissions and move it into place."""
    import os

    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, path)


def deterministic_zip(path: Path, entries: list[tuple[str, bytes]]) -> None:
    """Write a zip whose bytes depend only on ``entries`` (fixed timestamps and attributes).

    The archive is written beside ``path`` and moved into place, so a failed export leaves no
    half-written file.
    """
    import os
    import tempfile

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w") as zf:
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = 0o100644 << 16
                zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
        _publish(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes) -> None:
    import os
    import tempfile

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        _publish(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


"""Resource limits on what a small hostile file can make elc do: unpacked size, sheet size, line length.

Each check refuses in one line (ImportFileError naming the file) before the expensive step runs,
so a 1.6 KB file can never cost gigabytes or minutes. The limits sit far above any real transcript:
an 80,000-word interview is about 0.5 MB of text and 3 MB of Word XML.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from elc.errors import ImportFileError

MAX_UNPACKED_TOTAL = 120 * 1024 * 1024  # all members of a .docx/.xlsx together, once unpacked
MAX_UNPACKED_MEMBER = 64 * 1024 * 1024  # one member (word/document.xml, a sheet)
MAX_MEMBERS = 5_000
MAX_RATIO = 200  # unpacked / packed for one member above 1 MB: real Office XML stays under ~30
MAX_SHEET_ROWS = 500_000
MAX_SHEET_COLUMNS = 1_000
MAX_SHEET_CELLS = 5_000_000
MAX_LINE_CHARS = 1_000_000  # one line (or paragraph) of a transcript: ~170,000 words
_CHUNK = 1024 * 1024


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def check_zip(path: Path, what: str) -> None:
    """Refuse a .docx/.xlsx whose members unpack too far: declared sizes first, then the actual
    bytes while streaming each member (a forged header cannot hide a bomb)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise ImportFileError(path, f"is a .{what} with {len(infos):,} parts (over {MAX_MEMBERS:,}); refusing it")
            declared = 0
            for info in infos:
                declared += info.file_size
                if info.file_size > MAX_UNPACKED_MEMBER or declared > MAX_UNPACKED_TOTAL:
                    raise ImportFileError(path, f"unpacks to more than {_mb(min(info.file_size, declared))} "
                                                f"(limit {_mb(MAX_UNPACKED_MEMBER)} per part, "
                                                f"{_mb(MAX_UNPACKED_TOTAL)} in all); refusing it")
                if info.file_size > _CHUNK and info.file_size > MAX_RATIO * max(1, info.compress_size):
                    raise ImportFileError(path, f"has a part ({info.filename[:60]}) that unpacks "
                                                f"{info.file_size // max(1, info.compress_size):,} times "
                                                f"its packed size (a zip bomb?); refusing it")
            total = 0
            for info in infos:
                if info.is_dir():
                    continue
                seen = 0
                with zf.open(info) as fh:
                    while chunk := fh.read(_CHUNK):
                        seen += len(chunk)
                        total += len(chunk)
                        if seen > MAX_UNPACKED_MEMBER or total > MAX_UNPACKED_TOTAL:
                            raise ImportFileError(path, f"unpacks to more than its parts declare "
                                                        f"(over {_mb(MAX_UNPACKED_TOTAL)}); refusing it")
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:
        raise ImportFileError(path, f"is a damaged .{what} archive ({exc.__class__.__name__})") from None
    except Exception as exc:  # zlib.error, CRC failures: damaged, whatever the kind
        raise ImportFileError(path, f"is a damaged .{what} archive ({exc.__class__.__name__})") from None


def check_line_lengths(path: Path, lines) -> None:
    """Refuse a transcript with a line longer than MAX_LINE_CHARS (a binary or generated file)."""
    for n, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise ImportFileError(path, f"line {n:,} is {len(line):,} characters long (over "
                                        f"{MAX_LINE_CHARS:,}); is it a transcript?")


MIN_ALNUM_SHARE = 0.3  # of the non-space characters; real transcripts are above 0.8
_SHAPE_FROM = 20_000  # non-space characters before the share is judged


def check_transcript_shape(path: Path, texts) -> None:
    """Refuse a file whose turns are mostly punctuation (``[[[``, colons...): not a transcript,
    and each such character would cost a spaCy token."""
    import re

    total = alnum = 0
    for text in texts:  # two C-speed passes per turn: characters that are not space, letters or digits
        total += len(re.sub(r"\s+", "", text))
        alnum += len(text) - len(re.sub(r"[^\W_]+", "", text))
    if total > _SHAPE_FROM and alnum < MIN_ALNUM_SHARE * total:
        raise ImportFileError(path, f"is mostly punctuation ({alnum / total:.0%} letters or digits in "
                                    f"{total:,} characters); is it a transcript?")

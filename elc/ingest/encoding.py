"""Strict text decoding for every text-reading importer (txt, vtt, srt, csv).

Accepted: UTF-8 (with or without BOM), UTF-16 and UTF-32 with a BOM, and UTF-16/UTF-32 without
a BOM when the NUL pattern of the bytes says so unambiguously; anything else is refused with one
line. Whatever the route, the decoded text never holds a NUL: a file that would is refused, since
a NUL after every character is the mark of a wrong guess (UTF-32 read as UTF-16).
"""

from __future__ import annotations

import codecs
from pathlib import Path

from elc.errors import ImportFileError
from elc.ingest.limits import MAX_LINE_CHARS

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_SAMPLE = 64 * 1024


def _bom(data: bytes) -> tuple[int, str, str] | None:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return len(bom), codec, name
    return None


def _wide_guess(data: bytes) -> str | None:
    """UTF-32/UTF-16 without a BOM, from where the NULs fall in a sample (mostly-Latin text)."""
    sample = data[:_SAMPLE]
    n = len(sample)
    if n < 4:
        return None

    def zero_share(start: int, step: int) -> float:
        cells = sample[start::step]
        return cells.count(0) / max(1, len(cells))

    if len(data) % 4 == 0:
        if zero_share(2, 4) == 1.0 and zero_share(3, 4) == 1.0 and zero_share(0, 4) < 0.5:
            return "utf-32-le"
        if zero_share(0, 4) == 1.0 and zero_share(1, 4) == 1.0 and zero_share(3, 4) < 0.5:
            return "utf-32-be"
    if len(data) % 2 == 0:
        if zero_share(1, 2) > 0.6 and zero_share(0, 2) < 0.05:
            return "utf-16-le"
        if zero_share(0, 2) > 0.6 and zero_share(1, 2) < 0.05:
            return "utf-16-be"
    return None


def _no_nul(path: Path, text: str, how: str) -> str:
    if "\x00" in text:
        raise ImportFileError(path, f"holds NUL characters when read as {how} (a binary file, or the wrong "
                                    f"encoding: re-save it as UTF-8)")
    return _short_lines(path, text)


def _short_lines(path: Path, text: str) -> str:
    if len(text) > MAX_LINE_CHARS:
        from elc.ingest.limits import check_line_lengths

        check_line_lengths(path, text.splitlines())
    return text


def decode_text(path: Path, data: bytes, encoding: str | None = None) -> str:
    """Decode ``data`` strictly (see the module docstring) or raise ImportFileError."""
    bom = _bom(data)
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ImportFileError(path, f"cannot be read as {encoding} (unknown encoding)") from None
        if bom and bom[2] != "UTF-8" and not encoding.lower().replace("_", "-").startswith(bom[2].lower()):
            raise ImportFileError(path, f"starts with a {bom[2]} marker but --encoding {encoding} was given")
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ImportFileError(path, f"cannot be read as {encoding} (bad byte at position {exc.start})") from None
        return _no_nul(path, text.lstrip("\ufeff"), encoding)
    if bom:
        size, codec, name = bom
        try:
            text = data[size:].decode(codec)
        except UnicodeDecodeError as exc:
            raise ImportFileError(path, f"has a {name} marker but is not valid {name} "
                                        f"(bad byte at position {exc.start + size})") from None
        return _no_nul(path, text, name)
    if b"\x00" in data:
        wide = _wide_guess(data)
        if wide is None:
            raise ImportFileError(path, "looks like a binary file, not a text transcript (it holds NUL bytes)")
        name = wide[:6].upper()
        try:
            text = data.decode(wide)
        except UnicodeDecodeError:
            raise ImportFileError(path, f"looks like {name} without a marker but is not valid {name}; "
                                        f"re-save it as UTF-8") from None
        return _no_nul(path, text, f"{name} without a marker")
    try:
        return _short_lines(path, data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        hint = ""
        try:
            data.decode("cp1252")
            hint = " (it looks like Windows-1252: re-save it as UTF-8, or pass --encoding cp1252)"
        except UnicodeDecodeError:
            pass
        raise ImportFileError(path, f"is not UTF-8 text: bad byte at position {exc.start}{hint}") from None

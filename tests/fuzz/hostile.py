"""Builders of hostile files, shared by the fuzz suite and the bad-input tests.

Every builder is deterministic (a ``random.Random`` is passed in) and writes small files: the
bombs are small on disk and claim or unpack to far more.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

# identifiers planted in hostile inputs: none may appear in any project output
PLANTED = ("Margaret Thornton", "07700 900123", "943 476 5919", "margaret.thornton@example.com",
           "LE1 7RH", "Bartholomew Quennell")
PLANTED_CHECK = ("Thornton", "900123", "476 5919", "4765919", "example.com", "LE1 7RH", "Quennell")

TEXT = ("Interviewer: Can you tell me about the last journey?\n"
        "P01: The driver was late again, so I missed the clinic. It was the third time.\n"
        "Interviewer: And the booking?\n"
        "P01: Forty minutes on hold. Nobody rang back.\n")


def minimal_xlsx(rows: list[list[str]], dimension: str | None = None) -> bytes:
    """An .xlsx written by hand (inline strings), optionally claiming another sheet size."""
    def cell(r, c, v):
        col = ""
        c += 1
        while c:
            c, rem = divmod(c - 1, 26)
            col = chr(65 + rem) + col
        v = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f'<c r="{col}{r}" t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>'

    body = "".join(f'<row r="{r}">' + "".join(cell(r, c, v) for c, v in enumerate(row)) + "</row>"
                   for r, row in enumerate(rows, start=1))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f"{dim}<sheetData>{body}</sheetData></worksheet>")
    return _xlsx_zip(sheet)


def _xlsx_zip(sheet: str | bytes, compresslevel: int = 9) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                    '<Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                    "</Types>")
        zf.writestr("_rels/.rels",
                    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                    "</Relationships>")
        zf.writestr("xl/workbook.xml",
                    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels",
                    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                    "</Relationships>")
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return buf.getvalue()


def xlsx_bomb(unpacked_mb: int = 300) -> bytes:
    """A sheet whose XML unpacks to ``unpacked_mb`` MB of padding (a few hundred KB packed)."""
    head = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><sheetData>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head.encode())
            block = b" " * (1024 * 1024)
            for _ in range(unpacked_mb):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def docx_bomb(unpacked_mb: int = 150) -> bytes:
    """A .docx-shaped zip whose document.xml unpacks to ``unpacked_mb`` MB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                     b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
            block = b"a" * (1024 * 1024)
            for _ in range(unpacked_mb):
                fh.write(block)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buf.getvalue()


def lying_zip(data: bytes, member: str, claimed: int) -> bytes:
    """``data`` (a zip) with ``member``'s declared unpacked size forged to ``claimed`` bytes."""
    out = bytearray(data)
    name = member.encode()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(member)
    # local header: size at offset 22; central directory entry: size at offset 24
    lh = info.header_offset
    out[lh + 22:lh + 26] = claimed.to_bytes(4, "little")
    cd = bytes(out).rfind(b"PK\x01\x02", 0, len(out))
    while cd != -1:
        n = int.from_bytes(out[cd + 28:cd + 30], "little")
        if bytes(out[cd + 46:cd + 46 + n]) == name:
            out[cd + 24:cd + 28] = claimed.to_bytes(4, "little")
            break
        cd = bytes(out).rfind(b"PK\x01\x02", 0, cd)
    return bytes(out)


def yaml_anchor_bomb(levels: int = 9) -> str:
    lines = ['programme: bomb', 'focus_question: "q?"', 'notes:']
    lines.append('  a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]')
    for i in range(1, levels):
        prev = f"*a{i - 1}"
        lines.append(f"  a{i}: &a{i} [{', '.join([prev] * 9)}]")
    lines.append(f"  boom: *a{levels - 1}")
    return "\n".join(lines) + "\n"


def yaml_deep(depth: int = 5000) -> str:
    return "programme: deep\nnotes: " + "[" * depth + "]" * depth + "\n"


def flip_bytes(data: bytes, rng: random.Random, n: int = 8) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(n):
        i = rng.randrange(len(out))
        out[i] = rng.randrange(256)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, max(2, len(data)))]


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path

"""Text of every output a programme's demo produces, and the part of it elc wrote itself.

An output mixes three kinds of words: the participants' (quotes, and theme labels and keywords
found in what they said), the programme's (touchpoint, community, code and change names and
texts from its guide, codebook and changes file) and elc's own (headings, column headers, notes,
sentences around the numbers). :func:`generated` keeps only elc's own words, so a test can say
that no wording of one programme leaks into another's outputs.
"""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

QUOTED = re.compile(r"“[^”]*”")
_MD_ESCAPE = re.compile(r"\\([\\`*_\[\]|#])")
_SPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"…|\.\.\.")
_PIECES = re.compile(r"[,;/|·()\[\]]|\s[-–]\s")


def norm(text: str) -> str:
    return _SPACE.sub(" ", str(text)).strip().lower()


def xlsx_chunks(path: Path) -> list[str]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    out = [ws.title for ws in wb.worksheets]
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            out += [str(v) for v in row if isinstance(v, str) and v.strip()]
    wb.close()
    return out


def docx_chunks(path: Path) -> list[str]:
    import docx

    document = docx.Document(str(path))
    out = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            out += [c.text for c in row.cells if c.text.strip()]
    return out


def md_chunks(path: Path) -> list[str]:
    return [_MD_ESCAPE.sub(r"\1", line).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class _HtmlText(HTMLParser):
    SKIP = {"script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        self.chunks += [v for k, v in attrs if k in ("title", "alt", "aria-label") and v]

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.chunks.append(data)


def html_chunks(path: Path) -> list[str]:
    parser = _HtmlText()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.chunks


def _json_strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_json_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return [value] if isinstance(value, str) else []


def qde_chunks(path: Path) -> list[str]:
    """Text and attribute values of the REFI-QDA project.qde, and the strings of elc's extension
    file (not the interview texts the archive carries)."""
    import json

    from lxml import etree

    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("project.qde"))
        names = zf.namelist()
        out = [s for n in names if n.startswith("elc/") and n.endswith(".json")
               for s in _json_strings(json.loads(zf.read(n)))]
    for el in root.iter():
        if isinstance(el.tag, str):
            out += [v for k, v in el.attrib.items() if k in ("name", "description") and v.strip()]
            if el.text and el.text.strip():
                out.append(el.text)
    return out


STRIP = " ,;:.()[]-'\""


def _name_pattern(name: str) -> tuple[str, re.Pattern]:
    """A name as a whole-word pattern; ``{placeholders}`` (a rationale template) match a few words.
    Returns the literal text to look for first and the pattern."""
    parts = re.split(r"\{[^}]*\}", name)
    body = r"[^.;]{0,40}?".join(re.escape(part) for part in parts)
    return max(parts, key=len), re.compile(r"(?<!\w)" + body + r"(?!\w)")


def generated(chunks: list[str], names: list[str], keywords: list[str], sentences: set[str],
              spoken: str) -> list[str]:
    """What is left of each chunk once the participants' and the programme's words are taken out.

    Curly-quoted passages are quotes; other passages (between ellipses, then between punctuation)
    are taken for quotes when they are a whole stored sentence (``sentences``) or at least three
    words found verbatim in what was said (``spoken``: every interview's sentences, normalised).
    ``names`` (the programme's names and texts, theme labels) are cut out wherever they occur,
    longest first; ``keywords`` only where they stand alone between punctuation, as in a list of
    keywords, so "needs" is not cut from "Population needs"."""
    cut = sorted({norm(s).strip(STRIP) for s in names if s and len(norm(s).strip(STRIP)) > 1}, key=len, reverse=True)
    words = {norm(s).strip(STRIP) for s in keywords if s}
    bounded = [_name_pattern(s) for s in cut]

    def said(p: str) -> bool:
        return bool(p) and (p in sentences or (len(p.split()) >= 3 and p in spoken))

    out = []
    for chunk in dict.fromkeys(chunks):
        passages = [p for p in _ELLIPSIS.split(norm(QUOTED.sub(" ", chunk))) if not said(p.strip(STRIP))]
        for i, passage in enumerate(passages):
            for literal, rx in bounded:
                if literal in passage:
                    passage = rx.sub(" ; ", passage)
            passages[i] = passage
        pieces = [p.strip(STRIP) for passage in passages for p in _PIECES.split(passage)]
        kept = [p for p in pieces if p and p not in words and not said(p)]
        if kept:
            out.append(" ".join(kept))
    return out

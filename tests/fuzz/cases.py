"""Malformed inputs per format, generated from a fixed seed.

Each format has a valid base document carrying planted identifiers (in the text where the rules
find them deterministically, and in structured places: speaker labels, a respondent column, the
file name), and mutators: byte flips, truncation, re-encodings, NUL bytes, bombs, deep nesting,
huge dimensions. A case lists the planted strings that must never reach the project or an output:
after a mutation, only those whose surroundings the mutation left intact (a flipped digit makes
another number, which is then not the planted one).
"""

from __future__ import annotations

import codecs
import io
import random
import zipfile
from dataclasses import dataclass, field

from tests.fuzz import hostile

SEED = 20261207
NAME = "Margaret Thornton"
PHONE = "07700 900123"
NHS = "943 476 5919"
EMAIL = "m.thornton@example.com"
POSTCODE = "LE1 7RH"
# what is searched for in the project and outputs (case-insensitive)
CHECKS = {NAME: ("thornton",), PHONE: ("900123",), NHS: ("476 5919", "4765919"), EMAIL: ("m.thornton@",),
          POSTCODE: ("le1 7rh",)}
IN_TEXT = (PHONE, NHS, EMAIL, POSTCODE)  # found by the rules, whatever the NER model


@dataclass
class Case:
    fmt: str
    name: str  # what was done to it
    filename: str
    data: bytes
    planted: list[str] = field(default_factory=list)  # values that must not appear anywhere
    must_refuse: bool = False


def _text() -> str:
    return ("Interviewer: Thanks for talking to me. How was the booking?\n"
            f"P01: I rang from {PHONE} and waited forty minutes. My NHS number is {NHS}.\n"
            f"{NAME}: He was sat there in his coat from six. Write to {EMAIL}.\n"
            f"P01: We live at {POSTCODE}, the driver was kind but late again.\n"
            "Interviewer: And the journey home?\nP01: Three hours on the ward, [laughs] every time.\n")


def _vtt() -> str:
    return ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Interviewer>How was the booking?</v>\n\n"
            f"00:00:04.000 --> 00:00:09.000\n<v P01>I rang from {PHONE}, my NHS number is {NHS}.</v>\n\n"
            f"00:00:09.000 --> 00:00:12.000\n<v {NAME}>Write to {EMAIL}, we live at {POSTCODE}.</v>\n\n"
            "00:00:12.000 --> 00:00:15.000\n<v P01>The driver was kind but late.</v>\n")


def _srt() -> str:
    return ("1\n00:00:01,000 --> 00:00:04,000\nInterviewer: How was the booking?\n\n"
            f"2\n00:00:04,000 --> 00:00:09,000\nP01: I rang from {PHONE}, my NHS number is {NHS}.\n\n"
            f"3\n00:00:09,000 --> 00:00:12,000\n{NAME}: Write to {EMAIL}, we live at {POSTCODE}.\n\n"
            "4\n00:00:12,000 --> 00:00:15,000\nP01: The driver was kind but late.\n")


def _csv() -> str:
    return ("respondent,community,comment\n"
            f"{NAME},patients,The driver was late again.\n"
            f"{PHONE},patients,\"I waited \"\"forever\"\", at the\nhospital door; ring {NHS}.\"\n"
            f"{NHS},carers,My mum was left in the corridor. Email {EMAIL}.\n"
            f"P04,carers,\"We live at {POSTCODE}, far from the hospital.\"\n")


def _docx() -> bytes:
    import docx

    document = docx.Document()
    for line in _text().splitlines():
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _xlsx() -> bytes:
    rows = [row.split(",", 2) for row in ["respondent,community,comment",
                                          f"{NAME},patients,The driver was late again.",
                                          f"{PHONE},patients,I waited at the door; ring {NHS}.",
                                          f"P04,carers,We live at {POSTCODE}. Email {EMAIL}."]]
    return hostile.minimal_xlsx(rows)


def _guide() -> str:
    from tests.conftest import GUIDE

    return GUIDE.read_text(encoding="utf-8")


def _survives(original: bytes, mutated: bytes, planted: list[str], encoding: str = "utf-8") -> list[str]:
    """Planted values whose bytes and 12 bytes either side are unchanged at the same place."""
    out = []
    for value in planted:
        needle = value.encode(encoding)
        at = original.find(needle)
        while at != -1:
            a, b = max(0, at - 12), at + len(needle) + 12
            if mutated[a:b] == original[a:b]:
                out.append(value)
                break
            at = original.find(needle, at + 1)
    return out


def _flips(rng, fmt, filename, data, planted, n, structured=()):
    cases = []
    for i in range(n):
        mutated = hostile.flip_bytes(data, rng, rng.choice((1, 3, 16)))
        keep = _survives(data, mutated, [p for p in planted if p in IN_TEXT]) + list(structured)
        cases.append(Case(fmt, f"flip-{i}", filename, mutated, [p for p in keep if p.encode() in mutated]))
    return cases


def _truncations(rng, fmt, filename, data, planted, n):
    cases = []
    for i in range(n):
        mutated = hostile.truncate(data, rng)
        keep = [p for p in _survives(data, mutated, [p for p in planted if p in IN_TEXT]) if p.encode() in mutated]
        cases.append(Case(fmt, f"truncate-{i}", filename, mutated, keep))
    return cases


ENCODINGS = [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b""),
             ("utf-16-be", b""), ("utf-32-le", codecs.BOM_UTF32_LE), ("utf-32-be", codecs.BOM_UTF32_BE),
             ("utf-32-le", b""), ("utf-32-be", b""), ("utf-8", codecs.BOM_UTF8)]


def _text_family(fmt: str, suffix: str, text: str, rng: random.Random, flips: int, cuts: int) -> list[Case]:
    data = text.encode("utf-8")
    planted = [p for p in CHECKS if p in text]
    cases = [Case(fmt, "clean", f"P01-call{suffix}", data, planted)]
    for codec, bom in ENCODINGS:
        cases.append(Case(fmt, f"{codec}{'-bom' if bom else ''}", f"P01-call{suffix}", bom + text.encode(codec),
                          planted))
    cases.append(Case(fmt, "utf-32-as-utf-16-bom", f"P01-call{suffix}",
                      codecs.BOM_UTF16_LE + text.encode("utf-32-le"), [], must_refuse=True))
    nul = bytearray(data)
    for _ in range(20):
        nul.insert(rng.randrange(len(nul)), 0)
    cases.append(Case(fmt, "nul-bytes", f"P01-call{suffix}", bytes(nul), [], must_refuse=True))
    cases.append(Case(fmt, "cp1252", f"P01-call{suffix}", (text + "P01: caf\u00e9 \u2013 ok\n").encode("cp1252"),
                      [], must_refuse=True))
    cases.append(Case(fmt, "binary", f"P01-call{suffix}", bytes(rng.randrange(256) for _ in range(3000)), [],
                      must_refuse=True))
    cases.append(Case(fmt, "name-in-file-name", f"{NAME} call{suffix}", data, planted))
    cases.append(Case(fmt, "brackets-40k", f"P01-call{suffix}", data + b"P01: " + b"[" * 40_000 + b"\n", [],
                      must_refuse=(fmt == "txt")))
    cases.append(Case(fmt, "colon-lines", f"P01-call{suffix}", data + (b"P01: " + b":" * 95 + b"\n") * 400, []))
    cases.append(Case(fmt, "long-line", f"P01-call{suffix}", data + b"P01: " + b"ab " * 350_000 + b"\n", [],
                      must_refuse=True))
    cases += _flips(rng, fmt, f"P01-call{suffix}", data, planted, flips)
    cases += _truncations(rng, fmt, f"P01-call{suffix}", data, planted, cuts)
    return cases


def _zip_family(fmt: str, suffix: str, data: bytes, planted: list[str], rng: random.Random,
                flips: int, cuts: int, member: str) -> list[Case]:
    name = f"P01-call{suffix}"
    cases = [Case(fmt, "clean", name, data, planted), Case(fmt, "name-in-file-name", f"{NAME} call{suffix}", data, planted)]
    cases.append(Case(fmt, "lying-size", name, hostile.lying_zip(data, member, 10), [], must_refuse=True))
    cases.append(Case(fmt, "claims-4gb", name, hostile.lying_zip(data, member, 0xFFFFFFF0), [], must_refuse=True))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n, b in parts.items():
            if n != member:
                zf.writestr(n, b)
    cases.append(Case(fmt, "member-missing", name, buf.getvalue(), [], must_refuse=True))
    deep = b'<?xml version="1.0"?>' + b"<a>" * 100_000 + b"</a>" * 100_000
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in parts.items():
            zf.writestr(n, deep if n == member else b)
    cases.append(Case(fmt, "deep-xml", name, buf.getvalue(), [], must_refuse=True))
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                         for i in range(1, 10))
              + b"]><lolz>&lol9;</lolz>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in parts.items():
            zf.writestr(n, laughs if n == member else b)
    cases.append(Case(fmt, "billion-laughs", name, buf.getvalue(), [], must_refuse=True))
    cases.append(Case(fmt, "not-a-zip", name, b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(2000)), [],
                      must_refuse=True))
    cases += [Case(fmt, c.name, c.filename, c.data, []) for c in _flips(rng, fmt, name, data, [], flips)]
    cases += [Case(fmt, c.name, c.filename, c.data, []) for c in _truncations(rng, fmt, name, data, [], cuts)]
    return cases


def txt_cases(rng):
    return _text_family("txt", ".txt", _text(), rng, flips=10, cuts=5)


def vtt_cases(rng):
    cases = _text_family("vtt", ".vtt", _vtt(), rng, flips=8, cuts=4)
    cases.append(Case("vtt", "huge-timestamp", "P01.vtt",
                      b"WEBVTT\n\n99999999:00:00.000 --> 99999999:00:01.000\n<v P01>fine</v>\n", []))
    cases.append(Case("vtt", "unclosed-voice", "P01.vtt", b"WEBVTT\n\n00:01.000 --> 00:02.000\n<v " + b"a" * 5000 + b"\n", []))
    return cases


def srt_cases(rng):
    cases = _text_family("srt", ".srt", _srt(), rng, flips=8, cuts=4)
    cases.append(Case("srt", "huge-timestamp", "P01.srt",
                      b"1\n99999999:00:00,000 --> 99999999:00:01,000\nP01: fine\n", []))
    return cases


def csv_cases(rng):
    text = _csv()
    planted = list(CHECKS)  # every one, the name and numbers as respondent ids
    cases = _text_family("csv", ".csv", text, rng, flips=0, cuts=0)
    for c in cases:
        if c.name in ("brackets-40k", "colon-lines", "long-line"):
            c.planted = []
    data = text.encode()
    structured = [NAME]  # a flip elsewhere cannot make the respondent column keep a name
    cases += _flips(rng, "csv", "survey.csv", data, planted, 8, structured=structured)
    cases += _truncations(rng, "csv", "survey.csv", data, planted, 4)
    cases.append(Case("csv", "stray-quote", "survey.csv", b'respondent,comment\nP01,"fine"x\n', [], must_refuse=True))
    cases.append(Case("csv", "unclosed-quote", "survey.csv", b'respondent,comment\nP01,"never closed\nP02,ok\n', [],
                      must_refuse=True))
    cases.append(Case("csv", "extra-field", "survey.csv", b"respondent,comment\nP01,one, two\n", [], must_refuse=True))
    cases.append(Case("csv", "semicolons", "survey.csv",
                      text.replace(",", ";").replace('";"', '","').encode(), [NAME, PHONE]))
    many = "respondent,comment\n" + "".join(f'{NAME if i % 3 == 0 else PHONE},"line one, {i}\nline ""two"""\n'
                                            for i in range(80))
    cases.append(Case("csv", "80-quoted-rows", "survey.csv", many.encode(), [NAME, PHONE]))
    cases.append(Case("csv", "wide-row", "survey.csv", ("a," * 5000 + "comment\n" + "x," * 5000 + "fine\n").encode(), []))
    return cases


def docx_cases(rng):
    data = _docx()
    planted = [p for p in CHECKS if p in IN_TEXT]
    cases = _zip_family("docx", ".docx", data, planted, rng, flips=6, cuts=3, member="word/document.xml")
    cases.append(Case("docx", "bomb-150mb", "P01.docx", hostile.docx_bomb(150), [], must_refuse=True))
    return cases


def xlsx_cases(rng):
    data = _xlsx()
    planted = list(CHECKS)
    cases = _zip_family("xlsx", ".xlsx", data, planted, rng, flips=6, cuts=3, member="xl/worksheets/sheet1.xml")
    cases.append(Case("xlsx", "claims-whole-sheet", "survey.xlsx",
                      hostile.minimal_xlsx([["respondent", "comment"], [NAME, "The driver was late."]],
                                           "A1:XFD1048576"), [NAME]))
    cases.append(Case("xlsx", "far-cell", "survey.xlsx",
                      hostile.minimal_xlsx([["respondent", "comment"], [PHONE, "fine"]]).replace(
                          b'r="B2"', b'r="XFD1048576"'), []))
    cases.append(Case("xlsx", "bomb-200mb", "survey.xlsx", hostile.xlsx_bomb(200), [], must_refuse=True))
    cases.append(Case("xlsx", "wide", "survey.xlsx",
                      hostile.minimal_xlsx([["respondent", "comment"] + ["x"] * 1200]), [], must_refuse=True))
    return cases


def guide_cases(rng):
    text = _guide()
    data = text.encode()
    name = "guide.yaml"
    cases = [Case("guide", "clean", name, data)]
    cases.append(Case("guide", "anchor-bomb", name, hostile.yaml_anchor_bomb(9).encode(), must_refuse=True))
    cases.append(Case("guide", "deep-flow", name, hostile.yaml_deep(50_000).encode(), must_refuse=True))
    cases.append(Case("guide", "deep-block", name, ("programme: x\nnotes:\n" + "".join(
        "  " * i + f"k{i}:\n" for i in range(200))).encode(), must_refuse=True))
    cases.append(Case("guide", "400-digit-target", name, text.replace("target_n: 43", "target_n: " + "9" * 400).encode(),
                      must_refuse=True))
    cases.append(Case("guide", "5000-digit-target", name,
                      text.replace("target_n: 43", "target_n: " + "9" * 5000).encode(), must_refuse=True))
    start, end = text.index("phases:"), text.index("communities:")
    cases.append(Case("guide", "bad-phases", name, (text[:start] + "phases: [1, two, [3]]\n" + text[end:]).encode(),
                      must_refuse=True))
    cases.append(Case("guide", "huge", name, b"programme: x\nnotes: '" + b"a" * (3 * 2**20) + b"'\n", must_refuse=True))
    cases.append(Case("guide", "nul", name, data[:100] + b"\x00" + data[100:], must_refuse=True))
    cases.append(Case("guide", "utf-16", name, codecs.BOM_UTF16_LE + text.encode("utf-16-le"), must_refuse=True))
    cases.append(Case("guide", "python-tag", name, b"programme: !!python/object/apply:os.system ['true']\n",
                      must_refuse=True))
    cases += [Case("guide", c.name, name, c.data) for c in _flips(rng, "guide", name, data, [], 14)]
    cases += [Case("guide", c.name, name, c.data) for c in _truncations(rng, "guide", name, data, [], 8)]
    return cases


GENERATORS = {"txt": txt_cases, "docx": docx_cases, "vtt": vtt_cases, "srt": srt_cases, "csv": csv_cases,
              "xlsx": xlsx_cases, "guide": guide_cases}


def cases_for(fmt: str) -> list[Case]:
    return GENERATORS[fmt](random.Random(f"{SEED}-{fmt}"))

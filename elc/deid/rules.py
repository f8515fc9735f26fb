"""Pattern rules for UK identifiers: NHS numbers, phones, postcodes, emails, dates of birth,
street addresses and named organisations/places (care homes, taxi firms, named wards)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .lexicon import COMMON_WORDS, FILLERS, PLACE_PHRASES, PLACES, ROLE_WORDS, STREET_SUFFIXES
from .nhs import is_valid_nhs_number
from .spoken import spoken_digit_runs
from .types import Detection

# --------------------------------------------------------------------------- NHS numbers
_NHS = re.compile(r"(?<![\w+/.])(?<!\d[ -])\d(?:[ -]?\d){9}(?![ -]?\d)(?![\w/])")
_NHS_CONTEXT = re.compile(r"\bnhs\b|\bhealth (?:service )?number|\bnhs no\b", re.IGNORECASE)


def find_nhs_numbers(text: str) -> Iterator[Detection]:
    """Ten digits (3-3-4 or any single-space/hyphen grouping) passing the modulus 11 check."""
    for m in _NHS.finditer(text):
        raw = m.group()
        digits = re.sub(r"\D", "", raw)
        if not is_valid_nhs_number(digits):
            continue
        near_nhs = bool(_NHS_CONTEXT.search(text, max(0, m.start() - 60), m.start()))
        if digits[0] == "0" and not near_nhs:
            continue  # a national phone number shape; left to the phone rule
        yield Detection(m.start(), m.end(), "NHS_NUMBER", raw, "rule", 0.99 if near_nhs else 0.93)


# --------------------------------------------------------------------------- phone numbers
_PHONE_RUN = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?44\s?(?:\(\s?0\s?\)\s?)?|\(?\s?(?=0))"
    r"\d(?:(?:\s?[-–.]?\s?|\)\s?|\s\(?)\d)+"
)
_PHONE_CONTEXT = re.compile(
    r"\b(?:ring|rang|call|called|phone|phoned|number|no\.?|tel|telephone|mobile|landline|text"
    r"|on|line|contact)\b[^.?!\n]{0,20}$",
    re.IGNORECASE,
)
_LOCAL7 = re.compile(r"(?<![\w+/.:])\d{3}[ -]?\d{4}(?![\w/:]|[ -]?\d)")


def _national(digits: str, international: bool) -> str:
    return "0" + digits[2:] if international else digits


def _valid_national(nat: str) -> bool:
    if not nat.startswith("0") or nat.startswith("00"):
        return False
    if nat[1] not in "1235789":
        return False
    return len(nat) == 11 or (len(nat) == 10 and nat[1] in "18")


def find_phones(text: str) -> Iterator[Detection]:
    """UK landlines (01/02/03), mobiles (07), 08 numbers, +44/0044 and (0) forms, read-out digits."""
    for m in _PHONE_RUN.finditer(text):
        raw = m.group()
        international = raw.lstrip("(").lstrip().startswith(("+", "00")) and "44" in raw[:6]
        # walk digit by digit, remembering the end offset of each digit-group boundary
        best_end = None
        digits = ""
        skip_zero = False
        i = 0
        while i < len(raw):
            ch = raw[i]
            if ch == "(" and raw[i:].replace(" ", "").startswith("(0)") and international:
                skip_zero = True
            if ch.isdigit():
                if skip_zero and ch == "0":
                    skip_zero = False
                else:
                    digits += ch
                group_end = i + 1 == len(raw) or not raw[i + 1].isdigit()
                if group_end:
                    nat = _national(digits, international) if international else digits
                    if international and not digits.startswith(("44", "0044")):
                        pass
                    if _valid_national(nat):
                        best_end = i + 1
                    elif len(nat) > 11:
                        break
            i += 1
        if best_end is None:
            continue
        span = raw[:best_end].rstrip(" )-–.")
        start = m.start() + (len(raw) - len(raw.lstrip("( ")) if not international else 0)
        end = m.start() + len(span)
        yield Detection(start, end, "PHONE", text[start:end], "rule", 0.95)
    for s, e, digits in spoken_digit_runs(text):
        nat = "0" + digits[3:] if digits.startswith("+44") else digits
        if _valid_national(nat) or (len(nat) >= 10 and nat.startswith("0")):
            yield Detection(s, e, "PHONE", text[s:e], "rule", 0.9)
        elif len(nat) == 10 and is_valid_nhs_number(nat):
            yield Detection(s, e, "NHS_NUMBER", text[s:e], "rule", 0.9)
    for m in _LOCAL7.finditer(text):
        if _PHONE_CONTEXT.search(text, max(0, m.start() - 40), m.start()):
            yield Detection(m.start(), m.end(), "PHONE", m.group(), "rule", 0.75)


# --------------------------------------------------------------------------- postcodes
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])"
    r"(?:GIR\s?0AA|(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r"\s?[0-9][ABD-HJLNP-UW-Z]{2})"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def find_postcodes(text: str) -> Iterator[Detection]:
    """Full UK postcodes, any case, with or without the space ("LE2 7LX", "le27lx")."""
    for m in _POSTCODE.finditer(text):
        raw = m.group()
        inward = raw[-3:]
        if inward[1:].lower() in ("am", "pm") and not raw.isupper():
            continue  # "m1 3pm"-style time, not a postcode
        yield Detection(m.start(), m.end(), "POSTCODE", raw, "rule", 0.95)


# --------------------------------------------------------------------------- emails
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+%-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_SPOKEN_EMAIL = re.compile(
    r"\b[a-z0-9]+(?:\s*(?:\bdot\b|\bunderscore\b|\bhyphen\b|\bdash\b|[._-])\s*[a-z0-9]+)*"
    r"\s+(?:at|@)\s+[a-z0-9-]+(?:\s+dot\s+[a-z0-9-]+)*\s+dot\s+(?:com|net|org|uk|co\s+dot\s+uk"
    r"|org\s+dot\s+uk|nhs\s+dot\s+(?:uk|net)|ac\s+dot\s+uk|gov\s+dot\s+uk)\b",
    re.IGNORECASE,
)


def find_emails(text: str) -> Iterator[Detection]:
    """Written addresses (a@b.co.uk) and read-out ones ("jo dot smith at gmail dot com")."""
    for m in _EMAIL.finditer(text):
        yield Detection(m.start(), m.end(), "EMAIL", m.group(), "rule", 0.99)
    for m in _SPOKEN_EMAIL.finditer(text):
        start = m.start()
        first = m.group().split()[0].lower()
        if first in COMMON_WORDS or first in FILLERS:  # "is jo at ..." never starts the address
            continue
        yield Detection(start, m.end(), "EMAIL", m.group(), "rule", 0.9)


# --------------------------------------------------------------------------- dates of birth
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORD_WORDS = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth"
    r"|twenty[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirtieth"
    r"|thirty[\s-]first)"
)
_NUM_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|oh)"
_YEAR = rf"(?:(?:19|20)\d\d|'\d\d|\d\d(?![\d:])|nineteen(?:[\s-]{_NUM_WORDS}){{1,2}}|two thousand(?:\s+and)?(?:[\s-]{_NUM_WORDS}){{0,2}})"
_DAY = rf"(?:[0-3]?\d(?:st|nd|rd|th)?|{_ORD_WORDS})"
_DATE = re.compile(
    rf"(?<![\w/.-])(?:"
    rf"[0-3]?\d[/.-][01]?\d[/.-](?:\d{{4}}|\d{{2}})(?![\w/.-]|\.\d)"
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH_PLACEHOLDER}(?:,?\s+{_YEAR})?"
    rf"|{_MONTH_PLACEHOLDER}\s+(?:the\s+)?{_DAY}(?:,?\s+{_YEAR})?"
    rf")(?!\w)".replace("{_MONTH_PLACEHOLDER}", _MONTHS) if False else "",
)

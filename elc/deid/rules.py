"""Pattern rules for UK identifiers: NHS numbers, phones, postcodes, emails, dates of birth,
street addresses and named organisations/places (care homes, taxi firms, named wards)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .lexicon import COMMON_WORDS, FILLERS, PLACE_PHRASES, PLACES, ROLE_WORDS, STREET_SUFFIXES
from .nhs import is_valid_nhs_number
from .spoken import spoken_digit_runs
from .types import Detection
from .words import is_common

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
_LOCAL7 = re.compile(r"(?<![\w+/.:])(?<!\d[ -])\d{3}[ -]?\d{4}(?![\w/:]|[ -]?\d)")


def _valid_national(nat: str) -> bool:
    """A UK national number: 0 + 9 or 10 digits with a plausible second digit."""
    if len(nat) not in (10, 11) or not nat.startswith("0") or nat[1] not in "1235789":
        return False
    return len(nat) == 11 or nat[1] in "18"


def _phone_end(raw: str) -> int | None:
    """Offset in ``raw`` where the longest valid UK number ends (at a digit-group boundary)."""
    compact = raw.replace(" ", "")
    international = compact.startswith(("+44", "0044"))
    digits = ""
    best = None
    i = 0
    while i < len(raw):
        if international and raw.startswith("(", i):
            close = raw.find(")", i)
            if close != -1 and raw[i + 1:close].strip() == "0":
                i = close + 1
                continue
        ch = raw[i]
        if ch.isdigit():
            digits += ch
            if i + 1 == len(raw) or not raw[i + 1].isdigit():
                if international:
                    body = digits[4:] if digits.startswith("0044") else digits[2:]
                    nat = "0" + body
                else:
                    nat = digits
                if _valid_national(nat):
                    best = i + 1
                elif len(nat) > 11:
                    break
        i += 1
    return best


def find_phones(text: str) -> Iterator[Detection]:
    """UK landlines (01/02/03), mobiles (07), 08 numbers, +44/0044 and (0) forms, read-out digits."""
    for m in _PHONE_RUN.finditer(text):
        raw = m.group()
        end = _phone_end(raw)
        if end is None:
            continue
        lead = len(raw) - len(raw.lstrip())
        start = m.start() + lead
        stop = m.start() + len(raw[:end].rstrip(" -–."))
        if raw.lstrip().startswith("(") and ")" not in text[start:stop]:
            start += 1  # unbalanced "(" belongs to the prose
        yield Detection(start, stop, "PHONE", text[start:stop], "rule", 0.95)
    for s, e, digits in spoken_digit_runs(text):
        nat = "0" + digits[3:] if digits.startswith("+44") else digits
        nhs_ok = len(nat) == 10 and is_valid_nhs_number(nat)
        if nhs_ok and _NHS_CONTEXT.search(text, max(0, s - 60), s):
            yield Detection(s, e, "NHS_NUMBER", text[s:e], "rule", 0.9)
        elif nat.startswith("0") and len(nat) >= 10:
            yield Detection(s, e, "PHONE", text[s:e], "rule", 0.9 if _valid_national(nat) else 0.8)
        elif _valid_national("0" + nat):  # the leading "oh" left unsaid
            yield Detection(s, e, "PHONE", text[s:e], "rule", 0.75)
        elif nhs_ok:
            yield Detection(s, e, "NHS_NUMBER", text[s:e], "rule", 0.85)
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


# The 121 postcode areas in use: "it10th" has the shape of a postcode but no area "IT".
_POSTCODE_AREAS = frozenset("""AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA
    DD DE DG DH DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE
    KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG
    RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN
    WR WS WV YO ZE GIR""".split())


def _valid_area(raw: str) -> bool:
    area = re.match(r"[A-Za-z]+", raw)
    return area is not None and area.group().upper() in _POSTCODE_AREAS


def find_postcodes(text: str) -> Iterator[Detection]:
    """Full UK postcodes, any case, with or without the space ("LE2 7LX", "le27lx"), whose area
    exists (so "it10th" is not one)."""
    for m in _POSTCODE.finditer(text):
        raw = m.group()
        if not _valid_area(raw):
            continue
        inward = raw[-3:]
        if inward[1:].lower() in ("am", "pm") and not raw.isupper():
            continue  # "m1 3pm"-style time, not a postcode
        yield Detection(m.start(), m.end(), "POSTCODE", raw, "rule", 0.95)


# --------------------------------------------------------------------------- emails
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+%-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_SPELLED = r"[a-z0-9](?:[\s,]+[a-z0-9]\b){1,40}"  # "g m a i l", "j, o"
_SPOKEN_EMAIL = re.compile(
    r"\b[a-z0-9]+(?:\s*(?:\bdot\b|\bunderscore\b|\bhyphen\b|\bdash\b|[._-])\s*[a-z0-9]+)*"
    r"\s+(?:at|@)(?:\s+(?:sign|symbol))?\s+"
    rf"(?:{_SPELLED}|[a-z0-9-]+)(?:\s+dot\s+[a-z0-9-]+)*\s+dot\s+(?:com|net|org|uk|co\s+dot\s+uk"
    r"|org\s+dot\s+uk|nhs\s+dot\s+(?:uk|net)|ac\s+dot\s+uk|gov\s+dot\s+uk)\b",
    re.IGNORECASE,
)
# Pieces of an address read out letter by letter, before the part the pattern above matched.
_SPELL_WORDS = frozenset("""dot underscore hyphen dash capital small lower upper lowercase
    uppercase case double treble triple""".split())
_SPELL_TOKEN = re.compile(r"[A-Za-z0-9]+|[^\sA-Za-z0-9]")


def _spelled_start(text: str, start: int) -> int:
    """Move ``start`` left over a letter-by-letter spelling ("j, o, dot, s, m, i, t, h")."""
    tokens = list(_SPELL_TOKEN.finditer(text, max(0, start - 200), start))
    new_start = start
    letters = 0
    for tok in reversed(tokens):
        word = tok.group()
        if word in ",.-_":
            continue
        before = text[tok.start() - 1] if tok.start() else " "
        if before not in " \t\n,(\"“":
            break  # "it's": a letter hanging off a word is not spelling
        if len(word) == 1 and word.isalnum() or word.lower() in _SPELL_WORDS:
            if len(word) == 1:
                letters += 1
            new_start = tok.start()
            continue
        break
    return new_start if letters >= 2 else start


def find_emails(text: str) -> Iterator[Detection]:
    """Written addresses (a@b.co.uk) and read-out ones ("jo dot smith at gmail dot com"),
    including ones spelled letter by letter ("j, o, dot, s, m, i, t, h at g m a i l dot com")."""
    for m in _EMAIL.finditer(text):
        yield Detection(m.start(), m.end(), "EMAIL", m.group(), "rule", 0.99)
    for m in _SPOKEN_EMAIL.finditer(text):
        start = m.start()
        if m.group().split()[0].lower() in FILLERS:
            continue
        start = _spelled_start(text, start)
        yield Detection(start, m.end(), "EMAIL", text[start:m.end()], "rule", 0.9)


# --------------------------------------------------------------------------- dates of birth
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORD_WORDS = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth"
    r"|twenty[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirtieth"
    r"|thirty[\s-]first)"
)
_NUM_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|oh)"
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_UNITS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_YEAR = (rf"(?:(?:19|20)\d\d|'\d\d|\d\d(?![\d:])|nineteen(?:[\s-]{_NUM_WORDS}){{1,2}}"
         rf"|two thousand(?:\s+and)?(?:[\s-]{_NUM_WORDS}){{0,2}}|{_TENS}(?:[\s-]{_UNITS})?(?![\w-]))")
_DAY = rf"(?:[0-3]?\d(?:st|nd|rd|th)?|{_ORD_WORDS})"
_DATE = re.compile(
    r"(?<![\w/.-])(?:"
    r"[0-3]?\d[/.-][01]?\d[/.-](?:\d{4}|\d{2})(?![\w/-]|\.\d)"
    rf"|{_DAY}\s+(?:of\s+)?{_MONTHS}(?:,?\s+{_YEAR})?"
    rf"|{_MONTHS}\s+(?:the\s+)?{_DAY}(?:,?\s+{_YEAR})?"
    rf"|{_MONTHS},?\s+(?:of\s+)?(?:(?:19|20)\d\d|'\d\d)"
    r")(?![\w])",
    re.IGNORECASE,
)
# A birth cue: "birth" alone ("birth trauma", "since the birth") is not one.
_DOB_TRIGGER = re.compile(
    r"\b(?:born|d\.?\s?o\.?\s?b\b\.?|date[\s-]+of[\s-]+birth|birth[\s-]*date|birthday|b'?day"
    r"|(?:my|his|her|their|your)\s+birth)\b",
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(r"[0-3]?\d[/.-][01]?\d[/.-](\d{4}|\d{2})")
# A numeric date after a DOB phrase may follow a sentence break ("Date of birth? 03/09/1958").
_NUMERIC_WINDOW = 100
_BOUNDARY = re.compile(r"[.?!\n]\s|;")


def _dates(text: str) -> Iterator[re.Match]:
    for m in _DATE.finditer(text):
        g = m.group()
        # "may" alone after a number ("2 may be") is a verb, not a month
        if re.fullmatch(r"\d{1,2}\s+may", g, re.IGNORECASE) and not g[-3:].istitle():
            continue
        yield m


def find_dobs(text: str) -> Iterator[Detection]:
    """Dates within a short window of "born", "DOB", "date of birth" or "birthday", and full
    numeric dates a little further after such a phrase (even past a sentence break). A date with
    no birth cue is not a date of birth ("21st June 2015", "03/09/1958" in a story)."""
    triggers = [(t.start(), t.end()) for t in _DOB_TRIGGER.finditer(text)]
    for m in _dates(text):
        numeric = _NUMERIC_DATE.fullmatch(m.group())
        hit = False
        for ts, te in triggers:
            if te <= m.start() and m.start() - te <= (_NUMERIC_WINDOW if numeric else 60):
                gap = text[te:m.start()]
            elif m.end() <= ts and ts - m.end() <= 35:
                gap = text[m.end():ts]
            else:
                continue
            if _BOUNDARY.search(gap) and not (numeric and gap.count("\n") < 2):
                continue
            hit = True
            break
        if hit:
            yield Detection(m.start(), m.end(), "DOB", m.group(), "rule", 0.9)


# --------------------------------------------------------------------------- addresses
_SUFFIX = "|".join(sorted(STREET_SUFFIXES, key=len, reverse=True))
_ADDRESS = re.compile(
    r"(?<![\w/:.])"
    r"(?:(?:flat|apartment|apt|unit|room)\s+\d{1,4}[a-z]?\s*,?\s+(?:(?:number|no\.?)\s+)?)?"
    r"\d{1,4}[a-z]?(?:\s?[-–]\s?\d{1,4}[a-z]?)?,?\s+"
    r"((?:[A-Za-z][\w'’.-]*\s+){1,3}?)"
    rf"(?:{_SUFFIX})\b\.?",
    re.IGNORECASE,
)
_ADDRESS_STOP = COMMON_WORDS | FILLERS | frozenset(ROLE_WORDS) | frozenset(
    """bus buses number route minutes mins hours hrs days weeks times miles yards pounds quid
    percent people year years old o'clock am pm and or of to in on at by up down off out over
    round past from through along across behind near""".split()
)
_ADDRESS_OK = frozenset({"the", "st", "st.", "saint", "de", "la", "le", "upon", "on", "under"})


def find_addresses(text: str) -> Iterator[Detection]:
    """House number (optionally with a flat number) + street name + a street-type word."""
    for m in _ADDRESS.finditer(text):
        words = m.group(1).split()
        if not words:
            continue
        bad = False
        for k, w in enumerate(words):
            low = w.lower().strip(".,")
            if low in _ADDRESS_OK and (k > 0 or low in ("the", "st", "st.", "saint")):
                continue
            if low in _ADDRESS_STOP or low.isdigit():
                bad = True
                break
        if bad:
            continue
        end = m.end()
        if text[end - 1] == "." and text[m.start():end].rsplit(None, 1)[-1].lower() not in (
            "rd.", "st.", "ave.", "cl.", "dr.", "ln.", "ct.", "pl.", "cres.", "gdns.", "sq."
        ):
            end -= 1
        yield Detection(m.start(), end, "ADDRESS", text[m.start():end], "rule", 0.9)


# --------------------------------------------------------------------------- organisations
_CAP = r"[A-Z][\w'’&-]*"
_ORG_SUFFIX = (
    r"(?:Care\s+Home|Nursing\s+Home|Residential\s+Home|Retirement\s+Home|Rest\s+Home"
    r"|Care\s+Centre|Care\s+Services|Home\s+Care|Homecare|Medical\s+Centre|Health\s+Centre"
    r"|Medical\s+Practice|Medical\s+Group|Surgery|Practice|Taxis?|Cabs|Cars|Private\s+Hire"
    r"|Minibuses|Coaches|Travel|Transport|Ambulances|Ambulance\s+Service|Community\s+Transport"
    r"|Lodge|Manor|Court|House|Hall)"
)
_ORG_CAP = re.compile(rf"\b((?:{_CAP}\s+){{1,3}}){_ORG_SUFFIX}\b")
# Care homes are often "<invented word> <Grange|Meadows|View ...>": one or two capitalised words.
_CARE_HOME = re.compile(rf"\b((?:{_CAP}\s+){{1,2}})(?:Grange|Meadows|View|Lodge|Manor|Court|House)\b")
_ORG_LOWER_SUFFIX = re.compile(
    r"\b(?:care\s+home|nursing\s+home|residential\s+home|medical\s+centre|health\s+centre"
    r"|private\s+hire|taxis|cabs|surgery)\b"
)
_WORD_BEFORE = re.compile(r"([a-z][\w'’&-]*)\s+$")
_WARD = re.compile(rf"\b((?:{_CAP}\s+){{1,2}})(?:Ward|Unit|Suite|Wing|Building|Centre)\b")
_WARD_LOWER = re.compile(r"\b([a-z][a-z'’-]{3,})\s+(?:ward|unit)\b")
_GENERIC_FIRST = frozenset(
    """the a an my our his her their your this that these those local private same other usual
    normal regular nearest own different new old big small main general city county community
    council nhs hospital children's childrens maternity renal cardiac surgical medical acute
    assessment discharge day elderly stroke heart eye fracture cancer oncology dialysis
    intensive high critical respiratory orthopaedic women's womens men's mens emergency
    outpatient outpatients rehab rehabilitation diabetes diabetic mental minor major royal
    national one two three four five black yellow white blue red green some another every any
    which what whose that's it's there's good nice lovely posh bigger smaller residential
    nursing care transport ambulance taxi observation admissions admission recovery isolation
    covid frailty neuro neurology burns spinal trauma short-stay stay haematology chemo
    infusion endoscopy coronary postnatal antenatal labour neonatal paediatric psychiatric
    rehab ambulatory decisions decision same another different next previous first second
    third last accessible adapted wheelchair hackney minicab expensive cheap proper ordinary
    two-man specialist stroke kidney liver lung breast plastics ent ward wards unit""".split()
)


def _org_words_ok(words: list[str], lower: bool) -> bool:
    lows = [w.lower().strip("'’") for w in words]
    if not lows or lows[0] in _GENERIC_FIRST:
        return False
    for w in lows:
        if w in FILLERS or w in ROLE_WORDS or (lower and (w in COMMON_WORDS or w in _GENERIC_FIRST)):
            return False
        if w.endswith(("'s", "’s")) and w[:-2] in ROLE_WORDS:
            return False
    return True


def _named_start(text: str, m: re.Match, skip) -> tuple[int, list[str]]:
    """Start of the name in match ``m`` and its words, after leading words ``skip`` drops
    ("The Rosewood Care Home" -> "Rosewood Care Home")."""
    words = m.group(1).split()
    start = m.start()
    while words and skip(words[0].lower()):
        start = text.index(words[1], start + len(words[0])) if len(words) > 1 else m.end()
        words = words[1:]
    return start, words


def _care_home_skip(low: str) -> bool:
    return low in _GENERIC_FIRST or low in COMMON_WORDS or low in FILLERS


def _lower_suffix_start(text: str, m: re.Match) -> int | None:
    """Walk back over at most two name words that are not function/common words; None if none."""
    start = m.start()
    words = 0
    while words < 2:
        w = _WORD_BEFORE.search(text, max(0, start - 30), start)
        if not w or not _org_words_ok([w.group(1)], True) or is_common(w.group(1)):
            break  # "use taxis", "foot surgery": ordinary words, not a firm's name
        start = w.start(1)
        words += 1
    return start if words else None


def find_orgs(text: str) -> Iterator[Detection]:
    """Named care homes, GP surgeries, taxi/transport firms (ORG) and named wards (LOCATION)."""
    for pattern, skip in ((_ORG_CAP, _GENERIC_FIRST.__contains__), (_CARE_HOME, _care_home_skip)):
        for m in pattern.finditer(text):
            start, words = _named_start(text, m, skip)
            if words and _org_words_ok(words, False):
                yield Detection(start, m.end(), "ORG", text[start:m.end()], "rule", 0.85)
    for m in _ORG_LOWER_SUFFIX.finditer(text):
        begin = _lower_suffix_start(text, m)
        if begin is not None:
            yield Detection(begin, m.end(), "ORG", text[begin:m.end()], "rule", 0.75)
    for m in _WARD.finditer(text):
        words = m.group(1).split()
        if _org_words_ok(words, False) and words[0].lower() not in COMMON_WORDS:
            yield Detection(m.start(), m.end(), "LOCATION", m.group(), "rule", 0.8)
    for m in _WARD_LOWER.finditer(text):
        if _org_words_ok([m.group(1)], True) and not m.group(1).endswith("s"):
            yield Detection(m.start(), m.end(), "LOCATION", m.group(), "rule", 0.7)


# --------------------------------------------------------------------------- places
_PLACE_PHRASE = re.compile(
    r"(?<![\w'-])(?:" + "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p in
                                 sorted(PLACE_PHRASES, key=len, reverse=True)) + r")(?![\w'-])",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def find_places(text: str) -> Iterator[Detection]:
    """Towns, villages and districts of LLR (below county level) from a gazetteer, any case."""
    taken: list[tuple[int, int]] = []
    for m in _PLACE_PHRASE.finditer(text):
        taken.append((m.start(), m.end()))
        yield Detection(m.start(), m.end(), "LOCATION", m.group(), "rule", 0.8)
    for m in _WORD.finditer(text):
        w = m.group()
        if w.lower() in PLACES and not any(s <= m.start() < e for s, e in taken):
            score = 0.8 if w[0].isupper() else 0.7
            yield Detection(m.start(), m.end(), "LOCATION", w, "rule", score)


def rule_detections(text: str) -> list[Detection]:
    """Every pattern rule above, unmerged."""
    out: list[Detection] = []
    for finder in (find_emails, find_nhs_numbers, find_phones, find_postcodes, find_dobs,
                   find_addresses, find_orgs, find_places):
        out.extend(finder(text))
    return out

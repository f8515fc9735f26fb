"""What the detector knows about ordinary words: is a token an English word, a known given name,
a name that is also a word ("Mark", "Grace"), a medicine or condition, a brand or a technology?

The English word list comes from the ``english-words`` package (the GCIDE dictionary and the
lower-case entries of Webster's Second), read once and cached; British spellings and inflections
("behaviour", "questions", "organised") are folded onto it. Given names are taken out of it, so
"Karen" or "Natasha" stays a name while "pity", "error" or "walker" are words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import AMBIGUOUS_NAMES, COMMON_WORDS, FILLERS, FIRST_NAMES, MORE_FIRST_NAMES, SURNAMES, _words

GIVEN_NAMES = FIRST_NAMES | MORE_FIRST_NAMES
# Names that are ordinary words as well: never taken on the word alone.
WORDY_NAMES = AMBIGUOUS_NAMES | _words("""will may bill mark grace dawn sue rob dot ash joy hope
    faith rose pat jack don guy ray art drew frank miles chase hunter summer april june amber
    holly ivy ruby penny sandy crystal cliff dean dale glen heather daisy lily jasmine olive""")

# Brands, products, technology and services people name in feedback and interviews: never a
# person, never a place.
BRANDS_AND_TECH = _words(
    """twitter wikipedia instagram facebook whatsapp youtube google tiktok snapchat linkedin
    reddit zoom skype teams facetime netflix amazon ebay apple iphone ipad android samsung
    microsoft windows excel word powerpoint outlook gmail hotmail yahoo api python java
    javascript irb nvivo spss atlas qualtrics surveymonkey redcap dropbox onedrive sharepoint
    alexa siri velcro zimmer tena hoover lego xbox playstation nintendo kindle costa starbucks
    greggs tesco asda sainsbury sainsburys morrisons aldi lidl boots specsavers uber bolt
    deliveroo justeat bollywood hollywood netflix spotify ikea primark argos currys
    covid coronavirus nhs mindfulness pilates yoga zumba""")

# Conditions and medicines by their word shape; the list of names catches common ones.
_CLINICAL_SUFFIX = re.compile(
    r"(?:itis|osis|emia|aemia|algia|pathy|plasty|ectomy|otomy|scopy|gram|phobia|mania|"
    r"pam|zepam|zolam|zole|prazole|pine|pril|sartan|statin|olol|cillin|mycin|cycline|floxacin|"
    r"xetine|triptyline|oxetine|azine|idone|apine|oxacin|profen|amol|etamol|codone|morphine|"
    r"barb|bital|mab|nib|vir|azid|zid|tide|lukast|dronate)$",
    re.IGNORECASE,
)
CLINICAL_WORDS = _words(
    """dementia alzheimer alzheimers alzheimer's parkinson parkinsons parkinson's crohn crohns
    aphasia autism adhd bipolar bi-polar ptsd ocd copd covid diabetes diabetic asthma epilepsy
    insulin methadone methodone lanzo diazepam fluoxetine sertraline citalopram mirtazapine
    paracetamol ibuprofen aspirin warfarin metformin morphine codeine tramadol lithium
    olanzapine quetiapine risperidone aripiprazole clozapine lactulose oramorph zopiclone
    cbt emdr dbt sds msk slt ot hca cpn camhs cahms tms mbti rrlp pals
    echocardiogram tendonitis tendinitis achilles kegel coeliac stabilisation""")

# Tokens that stand for an identifier somebody already removed: never replaced again.
PLACEHOLDER = re.compile(
    r"^(?:x{1,5}|\*+|redacted|name|names|\?+|_+|-+|n/a|so-and-so(?:'s)?|such-and-such|whatsit|"
    r"whatshisname|whatshername|whatsername|thingy|thingummy|thingamajig|blah)$", re.IGNORECASE)

_VARIANTS = (
    ("our", "or"), ("ours", "ors"), ("ise", "ize"), ("ised", "ized"), ("ises", "izes"),
    ("ising", "izing"), ("isation", "ization"), ("yse", "yze"), ("tre", "ter"), ("ogue", "og"),
    ("ence", "ense"), ("lled", "led"), ("lling", "ling"), ("ae", "e"), ("oe", "e"),
)
_INFLECTIONS = (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"),
                ("ing", ""), ("ing", "e"), ("ly", ""), ("er", ""), ("est", ""), ("ness", ""),
                ("ment", ""), ("ful", ""), ("less", ""))


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    try:
        from english_words import get_english_words_set
    except ImportError:  # pragma: no cover - the package is a declared dependency
        return frozenset()
    words = set(get_english_words_set(["gcide"], lower=True, alpha=True))
    words.update(w for w in get_english_words_set(["web2"], lower=False, alpha=True) if w.islower())
    words -= GIVEN_NAMES - WORDY_NAMES
    words -= SURNAMES - WORDY_NAMES
    return frozenset(words)


def dictionary_loaded() -> bool:
    """Whether the English word list is available (it is a declared dependency)."""
    return bool(_dictionary())


def _norm(word: str) -> str:
    w = word.replace("’", "'").lower().strip("'-.")
    if w.endswith("'s"):
        w = w[:-2]
    return w


@lru_cache(maxsize=1)
def _wordy_surnames() -> frozenset[str]:
    """Surnames that are ordinary words too ("Walker", "Green", "Bell"), by the word list."""
    try:
        from english_words import get_english_words_set
    except ImportError:  # pragma: no cover
        return frozenset()
    words = set(get_english_words_set(["gcide"], lower=True, alpha=True))
    return frozenset(s for s in SURNAMES if s in words and s not in GIVEN_NAMES)


def is_given_name(word: str) -> bool:
    """A known given name or distinctive surname (not one that is also an ordinary word)."""
    w = _norm(word)
    return (w in GIVEN_NAMES or w in SURNAMES) and not is_wordy_name(w)


def is_wordy_name(word: str) -> bool:
    """A name that is also an ordinary word ("Mark", "Grace", "Sue", "Will", "Walker")."""
    w = _norm(word)
    return w in WORDY_NAMES or w in _wordy_surnames()


def is_clinical(word: str) -> bool:
    """A condition, medicine or clinical acronym by list or by word shape ("Isocarboxazid")."""
    w = _norm(word)
    if w in CLINICAL_WORDS:
        return True
    return len(w) > 5 and not is_given_name(w) and bool(_CLINICAL_SUFFIX.search(w))


def is_brand(word: str) -> bool:
    return _norm(word) in BRANDS_AND_TECH


def is_placeholder(word: str) -> bool:
    """"XXXX", "X", "*", "[Redacted]": an identifier someone already took out."""
    return bool(PLACEHOLDER.match(word.strip("[]()<>")))


_DOUBLED = re.compile(r"([bcdfgklmnprstvz])\1(?:ed|ing|er|est|y)$")


def _doubled_inflection(w: str) -> bool:
    """"flagged", "stopping", "bigger": an inflection that doubles the stem's last consonant."""
    m = _DOUBLED.search(w)
    return m is not None and m.start() >= 2 and w[:m.start() + 1] in _dictionary()


def is_common(word: str) -> bool:
    """An ordinary English word (any spelling, British or American, inflected or not) that is not
    a given name. Interjections and typed thanks ("Thankyou", "Hmmm") count as words."""
    w = _norm(word)
    if not w:
        return False
    if w in GIVEN_NAMES and w not in WORDY_NAMES:
        return False
    if w in COMMON_WORDS or w in FILLERS or w in BRANDS_AND_TECH or w in _INTERJECTIONS:
        return True
    if re.fullmatch(r"(h+m+|m+|a+h+|o+h+|a+w+|e+r+m*|u+m+|y+a+|ha(ha)+|lol+|x+o*x*)", w):
        return True
    if _doubled_inflection(w):
        return True
    words = _dictionary()
    if not words:
        return False
    return _in_dictionary(w, words)


def _variant_in(w: str, words) -> bool:
    """A spelling variant of ``w`` (British or American) is in ``words``."""
    return any(w.endswith(a) and (w[: -len(a)] + b) in words for a, b in _VARIANTS)


def _in_dictionary(w: str, words) -> bool:
    """``w`` (normalised) is in the dictionary as it is, as a spelling variant, as an inflection of
    a word there, or as a hyphenated compound of words there."""
    if w in words or w.replace("-", "") in words:
        return True
    if _variant_in(w, words):
        return True
    for a, b in _INFLECTIONS:
        if w.endswith(a) and len(w) - len(a) + len(b) >= 3:
            stem = w[: -len(a)] + b
            if stem in words or stem in COMMON_WORDS or _variant_in(stem, words):
                return True
    if "-" in w:
        return all(part in words or not part for part in w.split("-"))
    return False


_INTERJECTIONS = _words(
    """thankyou thanku thanx thx ty cheers nope yep yup nah aww awww wow woah whoa ooh oops
    hiya hey hi hello bye byebye ok okay okey alright pity shame cool perfect interesting
    brilliant fab fabulous lovely amazing awesome nothing nothin nothink nothng nothimg noting
    nought nowt mon tues weds thurs fri sat sun everything everybody everyone lunchtime teatime bedtime walker mobility
    unpaid elderly insulin metadata dataset datasets database software hardware online offline
    email emails website webpage app apps login wifi gran grandma grandad nanna nana mam mum mummy dad daddy""")

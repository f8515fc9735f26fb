"""Consistent replacement tags for a project: the same person always gets the same tag."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from typing import Any

from .lexicon import TITLES
from .roles import infer_role
from .types import Detection

TYPED_TAGS = {
    "NHS_NUMBER": "[NHS number]",
    "PHONE": "[phone]",
    "POSTCODE": "[postcode]",
    "EMAIL": "[email]",
    "DOB": "[date of birth]",
    "ADDRESS": "[address]",
    "LOCATION": "[place]",
    "ORG": "[organisation]",
}
PERSON_LABELS = frozenset({"PERSON", "CUSTOM"})
_STATE_VERSION = 2
_PUNCT = re.compile(r"[^\w\s'-]")
_TITLE_WORDS = frozenset(TITLES) | {"the"}
# Words that may lead a mention without being part of the name ("Dear Kath", "Thanks Jo").
_GREETINGS = frozenset("dear hi hello hiya hey thanks thank cheers regards love to".split())
_STAMP_OR_LABEL = re.compile(r"^(?:\d[\d:.]*|[a-z]{0,3}\d{1,3}|s\d+|p\d+)$")
# Short forms folded onto the full given names they may stand for ("Kath" -> "Kathleen").
NICKNAMES_OF: dict[str, tuple[str, ...]] = {
    "kath": ("kathleen", "katherine", "kathryn", "catherine"), "kathy": ("kathleen", "katherine"),
    "kate": ("katherine", "kathleen", "catherine"), "katie": ("katherine", "kathleen", "catherine"),
    "cath": ("catherine", "cathryn"), "jen": ("jennifer",), "jenny": ("jennifer",),
    "sue": ("susan", "suzanne"), "liz": ("elizabeth",), "lizzie": ("elizabeth",),
    "beth": ("elizabeth", "bethany"), "mike": ("michael",), "mick": ("michael",),
    "dave": ("david",), "davey": ("david",), "chris": ("christopher", "christine", "christina"),
    "matt": ("matthew",), "tom": ("thomas",), "tommy": ("thomas",), "bob": ("robert",),
    "rob": ("robert",), "robbie": ("robert",), "bill": ("william",), "will": ("william",),
    "billy": ("william",), "pat": ("patricia", "patrick"), "trish": ("patricia",),
    "tricia": ("patricia",), "trisha": ("patricia",), "jim": ("james",), "jimmy": ("james",),
    "jo": ("joanne", "joanna", "josephine"), "jackie": ("jacqueline",), "steve": ("stephen", "steven"),
    "kev": ("kevin",), "trev": ("trevor",), "nick": ("nicholas",), "nicky": ("nicola", "nicholas"),
    "vicky": ("victoria",), "vic": ("victoria", "victor"), "alex": ("alexander", "alexandra"),
    "sam": ("samantha", "samuel"), "tony": ("anthony",), "andy": ("andrew",), "pete": ("peter",),
    "ron": ("ronald",), "ken": ("kenneth",), "deb": ("deborah",), "debbie": ("deborah",),
    "mags": ("margaret",), "maggie": ("margaret",), "peggy": ("margaret",), "pam": ("pamela",),
    "sandy": ("sandra",), "bev": ("beverley",), "mandy": ("amanda",), "becky": ("rebecca",),
    "tash": ("natasha",), "tasha": ("natasha",), "gill": ("gillian",), "jules": ("julie", "julia"),
}


def normalise_name(surface: str) -> tuple[str, bool]:
    """Case-folded key without greetings, speaker labels, timestamps, titles or possessive 's,
    and whether a title was present ("Dear Kath," and "Kath's" both give "kath")."""
    s = surface.casefold().replace("’", "'")
    s = _PUNCT.sub(" ", s)
    words = s.split()
    while len(words) > 1 and (words[0] in _GREETINGS or _STAMP_OR_LABEL.match(words[0])):
        words = words[1:]
    if words and words[-1].endswith("'s"):
        words[-1] = words[-1][:-2]
    titled = False
    while len(words) > 1 and words[0].strip(".") in _TITLE_WORDS:
        titled = titled or words[0] != "the"
        words = words[1:]
    return " ".join(w.strip("'-") for w in words if w.strip("'-")), titled


class Pseudonymiser:
    """Maps identifiers to replacement tags, consistently across calls and transcripts.

    People (``PERSON`` and ``CUSTOM``) get numbered tags, by role when the context gives one
    (``[Daughter 1]``, ``[Driver 2]``, ``[Doctor 1]``) and ``[Person N]`` otherwise. A person
    keeps the tag of their first mention. Surname-only ("Mrs Hughes") and first-name-only
    mentions are linked to a full name when exactly one known person fits. Other labels get
    typed tags (``[phone]``, ``[postcode]`` ...). ``to_dict``/``from_dict`` round-trip the state.

    Names are never kept in clear: each word of a normalised name is replaced by a keyed hash
    (HMAC-SHA256 with a random per-mapping ``salt``) before it is stored or compared, so the state
    saved in a project file links mentions without spelling out who was mentioned. The salt is
    the pseudonym key: a file project keeps it in an owner-only ``<project>.key`` beside it, not
    in the project file (:mod:`elc.store.deid_state`), so the hashes in a shared ``.elc`` cannot
    be tested against a list of names.
    """

    def __init__(self, salt: str | None = None) -> None:
        self._people: list[dict[str, Any]] = []
        self._index: dict[str, int] = {}
        self._counters: dict[str, int] = {}
        self.salt = salt or secrets.token_hex(16)
        self._salt_bytes = self.salt.encode("ascii")
        self.state_token: str | None = None  # the project state this was read from (elc.store.deid_state)

    def _hash(self, key: str) -> str:
        """The stored form of a normalised name: one keyed hash per word, space-separated."""
        return " ".join(
            hmac.new(self._salt_bytes, w.encode("utf-8"), hashlib.sha256).hexdigest()[:20]
            for w in key.split()
        )

    # ------------------------------------------------------------------ state
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy of the mapping."""
        return {
            "version": _STATE_VERSION,
            "salt": self.salt,
            "counters": dict(self._counters),
            "people": [
                {"tag": p["tag"], "role": p["role"], "names": list(p["names"]),
                 "titled": sorted(p["titled"])}
                for p in self._people
            ],
        }

    @classmethod
    def from_dict(cls, state: dict[str, Any] | None) -> "Pseudonymiser":
        """Rebuild a pseudonymiser saved with ``to_dict`` (version-1 states, which held names in
        clear, are hashed on the way in)."""
        if not state:
            return cls()
        version = int(state.get("version", 1))
        if version > _STATE_VERSION:
            raise ValueError("pseudonym state was written by a newer elc")
        self = cls(state.get("salt"))  # version-1 states had none unless the key file supplied it

        def stored(name: str) -> str:
            return name if version >= 2 else self._hash(name)

        self._counters = {str(k): int(v) for k, v in state.get("counters", {}).items()}
        for p in state.get("people", []):
            rec = {"tag": p["tag"], "role": p.get("role", "Person"),
                   "names": [stored(n) for n in p["names"]],
                   "titled": {stored(n) for n in p.get("titled", ())}}
            self._people.append(rec)
            for n in rec["names"]:
                self._index.setdefault(n, len(self._people) - 1)
        return self

    def __len__(self) -> int:
        return len(self._people)

    @property
    def people(self) -> list[dict[str, Any]]:
        """Read-only view: one dict per person (tag, role, hashed names)."""
        return [dict(p, names=list(p["names"]), titled=sorted(p["titled"])) for p in self._people]

    def known(self, surface: str) -> str | None:
        """The tag already given to this exact name (after normalisation), else ``None``."""
        key, _ = normalise_name(surface)
        idx = self._index.get(self._hash(key)) if key else None
        return self._people[idx]["tag"] if idx is not None else None

    # ------------------------------------------------------------------ tags
    def person_tag(self, surface: str, role: str | None = None) -> str:
        """The tag for a person mention, creating one (with ``role`` if given) when new.

        Two people who share a name are kept apart when the text tells them apart: "my son John"
        and "Dr John" get different tags, and a nickname joins the one person it can stand for
        ("Kath" -> "Kathleen Brown")."""
        key, titled = normalise_name(surface)
        if not key:
            key = surface.casefold().strip() or "?"
        clear = key
        key = self._hash(key)
        idx = self._find(key, titled)
        if idx is not None and not self._role_fits(idx, role):
            idx = self._same_name_with_role(key, role)
        if idx is None and len(clear.split()) == 1:
            idx = self._by_nickname(clear, role)
        if idx is None:
            stem = role or "Person"
            self._counters[stem] = self._counters.get(stem, 0) + 1
            rec: dict[str, Any] = {"tag": f"[{stem} {self._counters[stem]}]", "role": stem, "names": [],
                   "titled": set()}
            self._people.append(rec)
            idx = len(self._people) - 1
        rec = self._people[idx]
        if key not in rec["names"]:
            rec["names"].append(key)
        if titled:
            rec["titled"].add(key)
        self._index.setdefault(key, idx)
        return rec["tag"]

    def tag(self, detection: Detection, text: str | None = None) -> str:
        """The replacement for one detection; ``text`` (the full original) lets roles be read."""
        if detection.label in PERSON_LABELS:
            role = infer_role(text, detection.start, detection.end) if text is not None else None
            return self.person_tag(detection.text, role)
        return TYPED_TAGS.get(detection.label, "[redacted]")

    def tags(self, text: str, detections: Sequence[Detection]) -> list[str]:
        """Tags for all detections of one text, in order; role-bearing and full-name mentions
        are registered first so later short mentions link to them."""
        order = sorted(
            range(len(detections)),
            key=lambda i: (
                detections[i].label not in PERSON_LABELS
                or infer_role(text, detections[i].start, detections[i].end) is None,
                -len(normalise_name(detections[i].text)[0].split()),
                detections[i].start,
            ),
        )
        out: list[str] = [""] * len(detections)
        for i in order:
            out[i] = self.tag(detections[i], text)
        return out

    # ------------------------------------------------------------------ linking
    def _role_fits(self, idx: int, role: str | None) -> bool:
        have = self._people[idx]["role"]
        return role is None or have == "Person" or have == role

    def _same_name_with_role(self, key: str, role: str | None) -> int | None:
        """Another person already known by ``key`` whose role fits (else ``None``: a new one)."""
        for i, p in enumerate(self._people):
            if key in p["names"] and self._role_fits(i, role):
                return i
        return None

    def _by_nickname(self, name: str, role: str | None) -> int | None:
        """The one known person whose given name ``name`` is a short form of."""
        fulls = {self._hash(f) for f in NICKNAMES_OF.get(name, ())}
        if not fulls:
            return None
        hits = [i for i, p in enumerate(self._people)
                if any(n.split()[0] in fulls for n in p["names"]) and self._role_fits(i, role)]
        return hits[0] if len(hits) == 1 else None

    def _find(self, key: str, titled: bool) -> int | None:
        if key in self._index:
            return self._index[key]
        tokens = key.split()
        if len(tokens) == 1:
            t = tokens[0]
            surname = [i for i, p in enumerate(self._people)
                       if any(len(n.split()) > 1 and n.split()[-1] == t for n in p["names"])]
            first = [i for i, p in enumerate(self._people)
                     if any(len(n.split()) > 1 and n.split()[0] == t for n in p["names"])]
            for group in ((surname, first) if titled else (first, surname)):
                if len(set(group)) == 1:
                    return group[0]
            return None
        first_tok, last_tok = tokens[0], tokens[-1]

        def compatible(p: dict[str, Any]) -> bool:
            return all(len(n.split()) == 1 or n == key for n in p["names"])

        by_surname = [i for i, p in enumerate(self._people)
                      if last_tok in p["titled"] and compatible(p)]
        if len(by_surname) == 1:
            return by_surname[0]
        by_first = [i for i, p in enumerate(self._people)
                    if first_tok in p["names"] and first_tok not in p["titled"] and compatible(p)]
        if len(by_first) == 1:
            return by_first[0]
        return None

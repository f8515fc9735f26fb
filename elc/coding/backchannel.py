"""Sentences with nothing to code: non-speech marks, fillers and telephone small talk.

"Next uncoded" should stop on what a participant said about the service, not on "[laughs]",
"Mm." or "Yes, yes I can hear you." Such sentences stay in the transcript and can still be coded
by hand; they are only skipped when moving to the next uncoded sentence.
"""

from __future__ import annotations

import re

_NON_SPEECH = re.compile(r"\[[^\]]*\]|\([^)]*\)")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
FILLERS = frozenset({"um", "umm", "uh", "er", "erm", "mm", "mmm", "mhm", "hmm", "ah", "oh", "yes", "yeah", "yep",
                     "yup", "ok", "okay", "right", "alright", "sure"})
PHATIC = frozenset({
    "i can hear you", "can hear you", "i can hear you now", "can you hear me", "you can hear me",
    "can you hear me now", "hello", "hi", "bye", "goodbye", "bye bye", "thank you", "thanks", "thanks very much",
    "thank you very much", "sorry", "pardon", "sorry pardon", "sorry what", "you're breaking up",
    "i'm here", "still there", "are you still there", "i'm still here",
})


def is_backchannel(text: str) -> bool:
    """True for a sentence holding only non-speech marks, fillers or phone small talk."""
    words = _WORD.findall(_NON_SPEECH.sub(" ", text).lower())
    rest = [w for w in words if w not in FILLERS]
    return not rest or " ".join(rest) in PHATIC

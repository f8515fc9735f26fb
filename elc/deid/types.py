"""The record every detector returns: a labelled character span of the original text."""

from __future__ import annotations

from dataclasses import dataclass

LABELS = (
    "PERSON",
    "NHS_NUMBER",
    "PHONE",
    "POSTCODE",
    "EMAIL",
    "DOB",
    "ADDRESS",
    "LOCATION",
    "ORG",
    "CUSTOM",
)
SOURCES = ("ner", "rule", "list")


@dataclass(frozen=True)
class Detection:
    """An identifier found in a text.

    ``start``/``end`` are Python ``str`` offsets into the text (``text[start:end] == self.text``).
    ``source`` says which detector found it (``ner``, ``rule`` or ``list``) and ``score``
    is a rough confidence in [0, 1].
    """

    start: int
    end: int
    label: str
    text: str
    source: str = "rule"
    score: float = 1.0

    def __post_init__(self) -> None:
        if self.label not in LABELS:
            raise ValueError(f"unknown identifier label {self.label!r}; expected one of {LABELS}")
        if self.source not in SOURCES:
            raise ValueError(f"unknown detection source {self.source!r}; expected one of {SOURCES}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")

    def overlaps(self, other: "Detection") -> bool:
        return self.start < other.end and other.start < self.end

    @property
    def length(self) -> int:
        return self.end - self.start

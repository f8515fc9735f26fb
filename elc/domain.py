"""Plain domain records shared by every layer. No I/O, no UI, no database."""

from __future__ import annotations

from dataclasses import dataclass, field

VALENCES = ("working-well", "to-improve", "neutral")
CODE_KINDS = ("touchpoint", "theme", "category")
FAMILIES = ("people", "staff")
SPEAKER_ROLES = ("interviewer", "participant", "other")

# A palette that reads on light and dark terminals alike (Okabe-Ito + Tableau extensions).
PALETTE = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
    "#8C6D31", "#17BECF", "#BCBD22", "#7F7F7F", "#9467BD", "#E377C2", "#2CA02C",
    "#FF7F0E", "#1F77B4", "#AEC7E8", "#FFBB78", "#98DF8A", "#C5B0D5",
)


@dataclass(frozen=True)
class Community:
    key: str
    name: str
    family: str
    target_n: int | None = None
    description: str = ""


@dataclass(frozen=True)
class Touchpoint:
    name: str
    family: str
    description: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpenQuestion:
    text: str
    family: str


@dataclass(frozen=True)
class CodeSpec:
    """A code as written in a codebook file (before it has a database id)."""

    name: str
    kind: str = "theme"
    definition: str = ""
    colour: str | None = None
    parent: str | None = None
    family: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChangeSpec:
    """A high-impact change as written in a programme file."""

    title: str
    rationale: str = ""
    owner: str = ""
    measures: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()


@dataclass
class Programme:
    """An ELC programme: the focus question, who was engaged, and the interview guides."""

    name: str
    focus_question: str
    communities: list[Community]
    touchpoints: list[Touchpoint]
    questions: list[OpenQuestion]
    phases: list[dict] = field(default_factory=list)
    changes: list[ChangeSpec] = field(default_factory=list)
    source_path: str = ""

    def community(self, key_or_name: str) -> Community | None:
        low = key_or_name.strip().lower()
        for c in self.communities:
            if low in (c.key.lower(), c.name.lower()):
                return c
        return None


@dataclass(frozen=True)
class Turn:
    """One speaker turn as an importer reads it, before de-identification."""

    speaker: str | None
    text: str
    ts_start: float | None = None
    ts_end: float | None = None


@dataclass
class RawTranscript:
    """What an importer hands to the ingest pipeline: one interview (or one respondent)."""

    name: str
    turns: list[Turn]
    participant: str | None = None
    community: str | None = None
    metadata: dict = field(default_factory=dict)

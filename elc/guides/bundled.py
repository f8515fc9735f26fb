"""The sample programmes that ship with elc, discovered from the package data.

A bundled programme is a folder ``elc/data/corpora/<slug>/`` (transcripts, ``manifest*.csv``,
optional ``codings-*.csv`` and ``changes.yaml``) with an interview guide of the same name in
``elc/data/interview_guides/<slug>.yaml`` and, optionally, ``elc/data/codebooks/<slug>.yaml``.
Nothing here names a programme: a folder added beside the others is a demo and a test case.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

#: The package data folder; an installed wheel carries it, so the demo builds from anywhere.
DATA = Path(str(resources.files("elc") / "data"))
#: The programme ``elc demo`` builds when none is named.
DEFAULT_PROGRAMME = "llr-nepts"


@dataclass(frozen=True)
class BundledProgramme:
    slug: str
    corpus: Path
    guide: Path
    codebook: Path | None

    @property
    def title(self) -> str:
        """The guide's ``programme:`` name (read on demand: the CLI lists slugs without parsing YAML)."""
        from elc.guides.loader import load_guide

        return load_guide(self.guide).name


def guide_for(corpus: Path, data: Path = DATA) -> Path:
    """The interview guide bundled for a corpus folder (by the folder's name)."""
    return data / "interview_guides" / f"{Path(corpus).name}.yaml"


def bundled_programmes(data: Path = DATA) -> list[BundledProgramme]:
    """Every corpus folder that has a matching interview guide, in name order."""
    root = data / "corpora"
    out = []
    for folder in sorted(root.iterdir() if root.is_dir() else []):
        guide = guide_for(folder, data)
        if folder.is_dir() and guide.is_file():
            codebook = data / "codebooks" / f"{folder.name}.yaml"
            out.append(BundledProgramme(folder.name, folder, guide, codebook if codebook.is_file() else None))
    return out

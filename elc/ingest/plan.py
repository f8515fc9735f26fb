"""The read-only half of an import: read each file, pick its participant and interviewer, and
describe the parse. ``elc import --dry-run`` stops here; the pipeline stores what it plans."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


from elc.domain import RawTranscript
from elc.errors import DuplicateSourceError, ElcError, ImportFileError
from elc.ingest import checks
from elc.ingest.base import ImportOptions
from elc.ingest.interviewers import Choice, choose, common_speakers
from elc.ingest.roles import classify_roles, normalise, stored_labels


@dataclass
class SourcePlan:
    transcript: RawTranscript
    participant: str | None
    interviewer: Choice
    roles: dict  # speaker label in the file -> interviewer / participant / other
    labels: dict  # speaker label in the file -> label stored

    @property
    def layout(self) -> str:
        return self.transcript.metadata.get("layout") or "rows"

    def speakers(self) -> list[tuple[str | None, str, str]]:
        """(label in the file, role, label stored), in order of first appearance."""
        return [(lb, self.roles.get(lb, "other"), stored) for lb, stored in self.labels.items()]

    def summary(self) -> str:
        """"otter-style: 83 turns, 2 speakers, timestamps kept" (counts of what is stored)."""
        tr = self.transcript
        speakers = len({t.speaker for t in tr.turns if t.speaker})
        stamps = "timestamps kept" if any(t.ts_start is not None for t in tr.turns) else "no timestamps"
        kind = "typed notes, one participant turn" if tr.metadata.get("method") == "notes" else \
            f"{len(tr.turns)} turns, {speakers} speaker{'s' if speakers != 1 else ''}, {stamps}"
        return f"{self.layout}: {kind}"


@dataclass
class FilePlan:
    path: Path
    digest: str
    metadata: dict
    sources: list[SourcePlan] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_files(project, paths: list[Path], options: ImportOptions,
               metadata_for: Callable[[Path], dict] | None, report) -> list[tuple[Path, str, list, dict]]:
    """Read every file; failures and duplicates go to ``report``, never raise."""
    from elc.ingest.pipeline import check_file, file_hash, importer_for
    from elc.store.coded_units import import_by_hash

    out = []
    for path in paths:
        with reported(report, path):
            data = check_file(path, options)
            importer = importer_for(path)
            digest = file_hash(data)
            del data
            prior = import_by_hash(project, digest)
            if prior:
                raise DuplicateSourceError(path, f"was already imported on {prior[1][:10]} (same content)")
            transcripts = importer.read(path, options)
            out.append((path, digest, transcripts, metadata_for(path) if metadata_for else {}))
    return out


@contextmanager
def reported(report, path: Path):
    """A file's refusal goes to ``report`` as one line (a duplicate as skipped); never raised."""
    try:
        yield
    except DuplicateSourceError as exc:
        report.skipped.append((str(path), str(exc)))
    except ElcError as exc:
        report.failed.append((str(path), str(exc)))
    except (OSError, MemoryError, ValueError) as exc:
        reason = f"could not be read ({exc.__class__.__name__}: {exc})"
        report.failed.append((str(path), str(ImportFileError(path, reason))))


def plan_files(project, paths: list[Path], options: ImportOptions,
               metadata_for: Callable[[Path], dict] | None, report) -> list[FilePlan]:
    """Read the batch, then decide roles with the whole batch in view (a speaker present in
    every file is the interviewer)."""
    from elc.ingest.pipeline import _participant_for
    from elc.store.interviewers import interviewer_keys

    read = read_files(project, paths, options, metadata_for, report)
    common = common_speakers([tr for _, _, trs, _ in read for tr in trs if "_parsed" in tr.metadata])
    given = {normalise(n) for n in options.interviewers}
    salt, keys = interviewer_keys(project)
    plans = []
    for path, digest, transcripts, metadata in read:
        plan = FilePlan(path, digest, metadata)
        try:  # a participant id that could name someone refuses this file only
            participants = [_participant_for(tr, path, options, metadata) for tr in transcripts]
        except ElcError as exc:
            report.failed.append((str(path), str(exc)))
            continue
        for tr, participant in zip(transcripts, participants):
            if "_parsed" in tr.metadata:
                choice = choose(tr, participant, given, salt, keys, metadata.get("interviewer"), common)
            else:  # CSV/XLSX rows: the question column speaks for the interviewer, as before
                asked = any(t.speaker == "Question" for t in tr.turns)
                choice = Choice(("Question",) if asked else (), "question column" if asked else "none: survey rows")
            roles = classify_roles(tr.turns, None, participant, interviewers=choice.labels)
            plan.sources.append(SourcePlan(tr, participant, choice, roles, stored_labels(tr.turns, roles, participant)))
            plan.warnings.extend(checks.check(path, tr))
            named = {t.speaker for t in tr.turns if t.speaker}
            if choice.how == "none found" and len(named) >= 2:
                plan.warnings.append(f"{path}: no interviewer found among its {len(named)} speakers (read as "
                                     f"{tr.metadata.get('layout')}); name one with --interviewer")
        plans.append(plan)
    return plans

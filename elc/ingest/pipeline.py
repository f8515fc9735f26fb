"""The ingest pipeline: read -> de-identify -> segment -> store, one transaction per file.

spaCy runs once over every speaker turn (``nlp.pipe``, batched); the same Doc feeds
de-identification (entities + rules) and segmentation (sentences, lemmas), so de-identification
costs little beyond the spaCy pass. Sentence offsets found on the original text are mapped through
the replacements into the stored, de-identified text. Text is immutable once stored.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from elc.domain import RawTranscript, Turn
from elc.errors import DuplicateSourceError, ElcError, ImportFileError
from elc.ingest.base import ImportOptions
from elc.ingest.docx import DocxImporter
from elc.ingest.identifiers import check_participant, screen_metadata, screen_source_metadata
from elc.ingest.limits import check_transcript_shape
from elc.ingest.subtitles import SrtImporter, VttImporter
from elc.ingest.tabular import NOTES_KEY, TabularImporter
from elc.ingest.text import TextImporter
from elc.nlp.pipeline import pipe_bounded
from elc.store import database, schema as s

IMPORTERS = (TextImporter(), DocxImporter(), VttImporter(), SrtImporter(), TabularImporter())

INTERVIEWER = re.compile(r"^(interviewer|int|i|q|question|researcher|facilitator|moderator|r\d{0,2}|res)\.?$", re.I)
PARTICIPANT_ID = re.compile(r"^[A-Z]{1,3}\d{1,4}$")
PARTICIPANT_WORDS = {"participant", "p", "respondent", "interviewee", "a", "answer", "patient", "carer", "driver",
                     "nurse", "crew", "staff", "escort", "controller", "planner", "manager"}
ROLE_WORDS = {"wife", "husband", "daughter", "son", "mum", "mother", "dad", "father", "partner", "friend",
              "carer", "nurse", "driver", "sister", "brother", "neighbour", "escort", "colleague", "staff",
              "interpreter", "grandson", "granddaughter", "crew", "speaker", "unknown", "other", "background"}
FILE_ID = re.compile(r"^([A-Za-z]{1,3}\d{1,4})(?=[-_ .]|$)")


def importer_for(path: Path):
    suffix = path.suffix.lower()
    for imp in IMPORTERS:
        if suffix in imp.suffixes:
            return imp
    known = sorted({x for imp in IMPORTERS for x in imp.suffixes})
    raise ImportFileError(path, f"has an unsupported file type '{suffix or '(none)'}' (elc reads {', '.join(known)})")


@dataclass
class ImportReport:
    imported: list[dict] = field(default_factory=list)  # file, sources, segments, words, detections
    skipped: list[tuple[str, str]] = field(default_factory=list)  # duplicates
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_file(path: Path, options: ImportOptions) -> bytes:
    if not path.exists():
        raise ImportFileError(path, "no such file")
    if path.is_dir():
        raise ImportFileError(path, "is a folder, not a file")
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(path, "is empty")
    if size > options.max_bytes:
        raise ImportFileError(path, f"is {size / 2**20:.0f} MB, over the {options.max_bytes / 2**20:.0f} MB limit "
                                    f"for one transcript (split it, or raise --max-mb)")
    return path.read_bytes()


# --------------------------------------------------------------------------- roles and labels
def classify_roles(turns: list[Turn], interviewer_hint: str | None = None,
                   participant_hint: str | None = None) -> dict[str | None, str]:
    """Map each speaker label to interviewer / participant / other."""
    words: dict[str | None, int] = {}
    for t in turns:
        words[t.speaker] = words.get(t.speaker, 0) + len(t.text.split())
    roles: dict[str | None, str] = {}
    if participant_hint and participant_hint in words:
        roles[participant_hint] = "participant"
    for label in words:
        if label in roles:
            continue
        low = (label or "").strip().lower()
        if label and (INTERVIEWER.match(low) or (interviewer_hint and low == interviewer_hint.lower())):
            roles[label] = "interviewer"
    candidates = [lb for lb in words if lb not in roles]
    if candidates and "participant" not in roles.values():
        def score(lb):
            text = (lb or "").strip()
            strong = PARTICIPANT_ID.match(text) or text.lower() in PARTICIPANT_WORDS
            return (1 if strong else 0, words[lb])
        main = max(candidates, key=score)
        roles[main] = "participant"
    for lb in candidates:
        roles.setdefault(lb, "other")
    return roles


def display_label(label: str | None, role: str, participant: str | None, others: dict[str, str]) -> str:
    """Speaker label as stored: interviewer/participant normalised, names never kept."""
    if role == "interviewer":
        return "Interviewer"
    if role == "participant":
        return participant or "Participant"
    text = (label or "").strip()
    if text.lower() in ROLE_WORDS or PARTICIPANT_ID.match(text):
        return text.capitalize() if text.islower() else text
    return others.setdefault(text, f"Speaker {len(others) + 2}")


# --------------------------------------------------------------------------- de-identification hook
class _NoDeid:
    """Used only when the caller turns de-identification off explicitly."""

    def detect_docs(self, docs):
        return [[] for _ in docs]


def _deid_tools(project, nlp, enabled: bool):
    if not enabled:
        return _NoDeid(), None
    from elc.deid import DEFAULT_ALLOW_LIST, Detector, Pseudonymiser

    names = project.meta_get("deid_extra_names", []) or []
    allow = project.meta_get("deid_allow_list", []) or []
    detector = Detector(nlp=nlp, extra_names=tuple(names), allow_list=tuple(DEFAULT_ALLOW_LIST) + tuple(allow))
    pseudonymiser = Pseudonymiser.from_dict(project.meta_get("deid_pseudonyms", {}) or {})
    return detector, pseudonymiser


def _apply(text, detections, pseudonymiser):
    if pseudonymiser is None or not detections:
        return text, []
    from elc.deid import apply

    return apply(text, detections, pseudonymiser)


def _offset_map(replacements):
    if not replacements:
        return None
    from elc.deid import OffsetMap

    return OffsetMap(replacements)


def _detector_of(detections, replacement) -> str:
    for d in detections:
        if d.start < replacement.end and replacement.start < d.end:
            return d.source
    return "rule"


# --------------------------------------------------------------------------- processing
@dataclass
class _Built:
    text: str
    segments: list[dict]
    detections: list[dict]
    words: int


def _lemmas(span, blocked: list[tuple[int, int]]) -> str:
    out = []
    for tok in span:
        if tok.is_stop or tok.is_punct or tok.is_space or tok.like_num:
            continue
        if any(a <= tok.idx < b for a, b in blocked):
            continue
        lemma = (tok.lemma_ or tok.text).lower().strip()
        if lemma and lemma.isascii() and any(ch.isalpha() for ch in lemma):
            out.append(lemma)
    return " ".join(out)


def _sentence_spans(doc, new_text: str, offsets):
    """Sentence spans in the de-identified text, stripped; fragments without a letter or digit
    (e.g. a lone "[" before "laughs]") are joined to the following sentence."""
    spans = []
    carry = None
    last_alnum = next((i for i in range(len(new_text) - 1, -1, -1) if new_text[i].isalnum()), -1)
    for sent in doc.sents:
        a, b = offsets.span(sent.start_char, sent.end_char) if offsets else (sent.start_char, sent.end_char)
        if carry is not None:
            a, carry = carry, None
        while a < b and new_text[a].isspace():
            a += 1
        while b > a and new_text[b - 1].isspace():
            b -= 1
        if b <= a:
            continue
        if not any(ch.isalnum() for ch in new_text[a:b]):
            if spans and b > last_alnum:  # nothing with a letter or digit follows (linear, not a rescan)
                prev_sent, pa, _ = spans[-1]
                spans[-1] = (prev_sent, pa, b)
            else:
                carry = a
            continue
        spans.append((sent, a, b))
    return _join_split_brackets(spans, new_text)


BRACKETED = re.compile(r"\[[^\[\]\n]{1,40}\]")


def _join_split_brackets(spans, text: str):
    """Never split inside "[Driver 1]" or "[laughs]": join sentences whose boundary falls inside one."""
    if len(spans) < 2 or "[" not in text:
        return spans
    starts, ends = [], []
    for m in BRACKETED.finditer(text):  # non-overlapping, in order: a bisect finds the one around x
        starts.append(m.start())
        ends.append(m.end())

    def inside(x: int) -> bool:
        i = bisect_left(starts, x) - 1
        return i >= 0 and x < ends[i]

    out = [spans[0]]
    for sent, a, b in spans[1:]:
        _, pa, pb = out[-1]
        if inside(a) or inside(pb):
            out[-1] = (out[-1][0], pa, b)
        else:
            out.append((sent, a, b))
    return out


def build_source(transcript: RawTranscript, docs: list, participant: str | None, detector, pseudonymiser,
                 interviewer_hint: str | None = None) -> _Built:
    roles = classify_roles(transcript.turns, interviewer_hint, participant)
    others: dict[str, str] = {}
    parts: list[str] = []
    segments: list[dict] = []
    detections: list[dict] = []
    pos = 0
    offset = 0
    last_question = ""
    words = 0
    # names found confidently in one turn are replaced wherever they recur in the interview
    all_dets = detector.detect_docs(docs)
    for turn_index, (turn, doc) in enumerate(zip(transcript.turns, docs)):
        role = roles.get(turn.speaker, "other")
        label = display_label(turn.speaker, role, participant, others)
        dets = all_dets[turn_index]
        new_text, repl = _apply(doc.text, dets, pseudonymiser)
        prefix = f"{label}: "
        turn_start = offset
        body_start = offset + len(prefix)
        line = prefix + new_text
        parts.append(line)
        turn_seg = {"kind": "turn", "position": pos, "start": turn_start, "end": turn_start + len(line),
                    "speaker": label, "role": role, "ts_start": turn.ts_start, "ts_end": turn.ts_end,
                    "question": last_question if role != "interviewer" else "", "lemmas": "", "_turn": turn_index}
        segments.append(turn_seg)
        pos += 1
        blocked = [(d.start, d.end) for d in dets]
        offsets = _offset_map(repl)
        for sent, a, b in _sentence_spans(doc, new_text, offsets):
            segments.append({"kind": "sentence", "position": pos, "start": body_start + a, "end": body_start + b,
                             "speaker": label, "role": role, "ts_start": turn.ts_start, "ts_end": turn.ts_end,
                             "question": turn_seg["question"], "lemmas": _lemmas(sent, blocked),
                             "_turn": turn_index})
            pos += 1
        for r in repl:
            detections.append({"start": body_start + r.new_start, "end": body_start + r.new_end,
                               "label": r.label, "replacement": r.replacement,
                               "entity_key": r.replacement, "detector": _detector_of(dets, r), "_original": r.original})
        if role == "interviewer":
            last_question = new_text[:300]
        words += len(doc)
        offset += len(line) + 2
    return _Built("\n\n".join(parts), segments, detections, words)


def _participant_for(transcript: RawTranscript, path: Path, options: ImportOptions,
                     metadata: dict) -> str | None:
    if options.participant:
        return check_participant(path, options.participant, "--participant")
    if metadata.get("participant"):
        return str(metadata["participant"]).strip()
    if transcript.participant:
        return transcript.participant.strip()
    m = FILE_ID.match(path.stem)
    if m:
        return m.group(1).upper()
    for t in transcript.turns:
        if t.speaker and PARTICIPANT_ID.match(t.speaker.strip()):
            return t.speaker.strip()
    return None


def _chunks(values: list, size: int = 500):
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _insert_returning_ids(conn, table, rows: list[dict]) -> list[int]:
    """Bulk insert (one round trip per batch on SQLite and PostgreSQL), ids in row order."""
    if not rows:
        return []
    res = conn.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows)
    return [r[0] for r in res]


def _store(project, conn, path: Path, digest: str, fmt: str, items: list[tuple], pseudonymiser,
           community_hint: str | None, metadata: dict, file_name: str | None = None) -> None:
    """Write one file's sources in bulk, inside the caller's transaction."""
    ts = database.now()
    imp_id = conn.execute(s.imports.insert().values(
        file_name=file_name or path.name, file_hash=digest, format=fmt, imported_at=ts, n_sources=len(items))
    ).inserted_primary_key[0]
    comms = project.communities()
    communities = {**{k.lower(): int(i) for k, i in zip(comms.key, comms.id)},
                   **{n.lower(): int(i) for n, i in zip(comms.name, comms.id)}}

    # participants: one look-up for all, then inserts for the new ones
    wanted: dict[str, int | None] = {}
    for transcript, participant, _ in items:
        community = community_hint or transcript.community
        community_id = None
        if community:
            community_id = communities.get(community.strip().lower())
            if community_id is None:
                known = ", ".join(sorted(comms.key))
                raise ImportFileError(path, f"names an unknown community '{community}' (known: {known})")
        if participant and (participant not in wanted or wanted[participant] is None):
            wanted[participant] = community_id
    existing: dict[str, int | None] = {}
    for chunk in _chunks(list(wanted)):
        existing.update(conn.execute(select(s.participants.c.id, s.participants.c.community_id)
                                     .where(s.participants.c.id.in_(chunk))).fetchall())
    attributes = json.dumps(metadata.get("attributes", {}))
    new = [{"id": pid, "community_id": cid, "attributes": attributes, "created_at": ts}
           for pid, cid in wanted.items() if pid not in existing]
    if new:
        conn.execute(s.participants.insert(), new)
    for pid, cid in wanted.items():
        if pid in existing and existing[pid] is None and cid is not None:
            conn.execute(s.participants.update().where(s.participants.c.id == pid).values(community_id=cid))

    # sources: refuse any text already in the project
    hashes = [hashlib.sha256(built.text.encode("utf-8")).hexdigest() for _, _, built in items]
    if len(set(hashes)) < len(hashes):
        raise DuplicateSourceError(path, "contains the same interview text twice")
    for chunk in _chunks(hashes):
        if conn.execute(select(s.sources.c.id).where(s.sources.c.content_hash.in_(chunk))).first():
            raise DuplicateSourceError(path, "has the same text as a source already in the project")
    base_meta = {k: v for k, v in metadata.items() if k not in ("attributes", "participant", "community")}
    source_rows = []
    for (transcript, participant, built), content_hash in zip(items, hashes):
        meta = {**transcript.metadata, **base_meta}
        source_rows.append({
            "import_id": imp_id, "name": transcript.name, "participant_id": participant,
            "content_hash": content_hash, "text": built.text, "format": fmt,
            "interview_date": meta.pop("interview_date", None), "method": meta.pop("method", None) or "telephone",
            "interviewer": meta.pop("interviewer", None), "imported_at": ts,
            "metadata": json.dumps(meta, default=str), "deidentified": 1 if pseudonymiser is not None else 0})
    source_ids = _insert_returning_ids(conn, s.sources, source_rows)

    # segments: turns first (their ids are the sentences' parents), then sentences, in bulk
    def clean(seg):
        return {k: v for k, v in seg.items() if not k.startswith("_")}

    turn_rows, turn_keys = [], []
    for source_id, (_, _, built) in zip(source_ids, items):
        for seg in built.segments:
            if seg["kind"] == "turn":
                turn_rows.append({**clean(seg), "source_id": source_id, "parent_id": None})
                turn_keys.append((source_id, seg["_turn"]))
    turn_ids = dict(zip(turn_keys, _insert_returning_ids(conn, s.segments, turn_rows)))
    sentences = [{**clean(seg), "source_id": source_id, "parent_id": turn_ids[(source_id, seg["_turn"])]}
                 for source_id, (_, _, built) in zip(source_ids, items)
                 for seg in built.segments if seg["kind"] == "sentence"]
    for chunk in _chunks(sentences, 5000):
        conn.execute(s.segments.insert(), chunk)
    from elc.deid.originals import store_detections  # originals go to the sidecar, never here

    for source_id, (_, _, built) in zip(source_ids, items):
        if built.detections:
            store_detections(project, conn, source_id, built.detections)
    if pseudonymiser is not None:
        project.meta_set("deid_pseudonyms", pseudonymiser.to_dict(), conn)


def import_files(project, paths: Iterable[str | Path], options: ImportOptions | None = None,
                 deidentify: bool = True, metadata_for: Callable[[Path], dict] | None = None,
                 progress: Callable[[Path, int, int], None] | None = None, nlp=None) -> ImportReport:
    """Import each file in its own transaction; a bad file is reported and leaves the project unchanged."""
    from elc.nlp import load_nlp

    options = options or ImportOptions()
    paths = [Path(p) for p in paths]
    report = ImportReport()
    if options.community and project.community_id(options.community) is None:
        known = ", ".join(project.communities().key)
        raise ElcError(f"unknown community '{options.community}' (known: {known})")
    nlp = nlp or load_nlp()
    detector, pseudonymiser = _deid_tools(project, nlp, deidentify)
    for i, path in enumerate(paths):
        state = pseudonymiser.to_dict() if pseudonymiser is not None else None
        try:
            summary = _import_one(project, path, options, nlp, detector, pseudonymiser,
                                  metadata_for(path) if metadata_for else {})
            report.imported.append(summary)
            state = None
        except DuplicateSourceError as exc:
            report.skipped.append((str(path), str(exc)))
        except ElcError as exc:
            report.failed.append((str(path), str(exc)))
        except (OSError, MemoryError, ValueError) as exc:
            reason = f"could not be read ({exc.__class__.__name__}: {exc})"
            report.failed.append((str(path), str(ImportFileError(path, reason))))
        if state is not None:  # the file was refused: forget the pseudonyms it minted
            pseudonymiser = type(pseudonymiser).from_dict(state)
        if progress:
            progress(path, i + 1, len(paths))
    return report


def _safe_names(names: list[str], nlp, detector, pseudonymiser) -> list[str]:
    """File or source names with identifiers replaced, like the text (no-op without de-identification)."""
    if pseudonymiser is None:
        return names
    parts = [n.rpartition(".") if "." in n[-6:] else (n, "", "") for n in names]
    spaced = [re.sub(r"[_.#-]", " ", stem) for stem, _, _ in parts]  # same length: offsets hold
    out = []
    for (stem, dot, suffix), doc in zip(parts, nlp.pipe(spaced, batch_size=256)):
        # lower-case slugs ("crew-kpi-burnout") are descriptions, not names: people need a capital
        personal = [d for d in detector.detect_doc(doc) if d.label in NAME_LABELS and
                    (d.label not in ("PERSON", "CUSTOM") or any(w[:1].isupper() for w in d.text.split()))]
        new_stem, _ = _apply(stem, personal, pseudonymiser)
        out.append(new_stem + dot + suffix)
    return out


# what a file name may not carry; places and organisations ("...-harborough.txt") may stay
NAME_LABELS = {"PERSON", "CUSTOM", "NHS_NUMBER", "PHONE", "EMAIL", "DOB", "POSTCODE", "ADDRESS"}


PARALLEL_MIN_TURNS = 4000  # below this, starting worker processes costs more than it saves


def _processes(texts: list[str]) -> int:
    """Two spaCy worker processes for big files (e.g. a 10,000-row survey export), else one."""
    import os

    if len(texts) < PARALLEL_MIN_TURNS:
        return 1
    return max(1, min(2, len(os.sched_getaffinity(0))))


def _import_one(project, path: Path, options: ImportOptions, nlp, detector, pseudonymiser, metadata: dict) -> dict:
    data = check_file(path, options)
    importer = importer_for(path)
    digest = file_hash(data)
    with project.engine.connect() as conn:
        prior = conn.execute(select(s.imports.c.imported_at).where(s.imports.c.file_hash == digest)).first()
    if prior:
        raise DuplicateSourceError(path, f"was already imported on {prior[0][:10]} (same content)")
    transcripts = importer.read(path, options)
    notes = [n for tr in transcripts for n in tr.metadata.pop(NOTES_KEY, [])]
    metadata = screen_metadata(path, metadata, nlp, detector, pseudonymiser)
    screen_source_metadata(transcripts, nlp, detector, pseudonymiser)
    items = []
    words = 0
    all_turns = [t.text for tr in transcripts for t in tr.turns]
    check_transcript_shape(path, all_turns)
    docs = iter(pipe_bounded(nlp, all_turns, batch_size=256, n_process=_processes(all_turns)))
    for tr in transcripts:
        participant = _participant_for(tr, path, options, metadata)
        tr_docs = [next(docs) for _ in tr.turns]
        built = build_source(tr, tr_docs, participant, detector, pseudonymiser,
                             interviewer_hint=metadata.get("interviewer"))
        words += built.words
        items.append((tr, participant, built))
    fmt = path.suffix.lower().lstrip(".")
    # file names can identify people too ("Margaret Thornton call.docx")
    *names, file_name = _safe_names([tr.name for tr, _, _ in items] + [path.name], nlp, detector, pseudonymiser)
    for (tr, _, _), name in zip(items, names):
        tr.name = name
    with project.engine.begin() as conn:
        _store(project, conn, path, digest, fmt, items, pseudonymiser, options.community or metadata.get("community"),
               metadata, file_name=file_name)
    project._texts.clear()
    return {"file": str(path), "sources": len(items), "words": words,
            "segments": sum(sum(1 for g in b.segments if g["kind"] == "sentence") for _, _, b in items),
            "detections": sum(len(b.detections) for _, _, b in items), "notes": notes}

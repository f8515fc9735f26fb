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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from elc.domain import RawTranscript
from elc.errors import DuplicateSourceError, ElcError, ImportFileError
from elc.ingest.base import ImportOptions
from elc.ingest.docx import DocxImporter
from elc.ingest.identifiers import check_participant, screen_dicts, screen_metadata
from elc.ingest.limits import check_transcript_shape
from elc.ingest.sentences import _sentence_spans
from elc.ingest.roles import (  # noqa: F401  (re-exported: other layers import them from here)
    INTERVIEWER, PARTICIPANT_ID, PARTICIPANT_WORDS, ROLE_WORDS, classify_roles, display_label, is_generic)
from elc.ingest.subtitles import SrtImporter, VttImporter
from elc.ingest.tabular import NOTES_KEY, TabularImporter
from elc.ingest.text import TextImporter
from elc.nlp.pipeline import pipe_bounded
from elc.store import database, sources as stored_sources
from elc.store.coded_units import import_by_hash
from elc.store.refi import add_import

IMPORTERS = (TextImporter(), DocxImporter(), VttImporter(), SrtImporter(), TabularImporter())

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
    imported: list[dict] = field(default_factory=list)  # file, sources, segments, turns, words, detections, summary
    skipped: list[tuple[str, str]] = field(default_factory=list)  # duplicates
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # parsed, but looks wrong (one line each)
    plans: list = field(default_factory=list)  # FilePlan per file read (layout, speakers, roles)

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


# --------------------------------------------------------------------------- de-identification hook
class _NoDeid:
    """Used only when the caller turns de-identification off explicitly."""

    def detect_docs(self, docs):
        return [[] for _ in docs]


def _deid_tools(project, nlp, enabled: bool, conn=None):
    """Detector and pseudonymiser from one consistent read of the project's de-identification
    state; the pseudonymiser carries its ``state_token`` so the store step can tell whether
    another process changed that state meanwhile (see :mod:`elc.store.deid_state`)."""
    if not enabled:
        return _NoDeid(), None
    from elc.deid import DEFAULT_ALLOW_LIST, Detector, Pseudonymiser
    from elc.store import deid_state

    if conn is None:
        with project.engine.connect() as c:
            state = deid_state.read(c)
    else:
        state = deid_state.read(conn)
    from elc.deid.review import place_policy

    detector = Detector(nlp=nlp, extra_names=tuple(state.names),
                        allow_list=tuple(DEFAULT_ALLOW_LIST) + tuple(state.allow), places=place_policy(project))
    if conn is None:
        with project.engine.connect() as c:
            pseudonymiser = Pseudonymiser.from_dict(deid_state.with_key(c, state.pseudonyms))
    else:
        pseudonymiser = Pseudonymiser.from_dict(deid_state.with_key(conn, state.pseudonyms))
    pseudonymiser.state_token = state.token
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


def _with_speaker_names(transcript: RawTranscript, docs: list, all_dets: list, detector) -> list:
    """Speakers named in the file's labels are known names: find them in every turn's text too."""
    from elc.ingest.roles import speaker_names

    names = speaker_names(transcript.turns)
    if not names or not hasattr(detector, "propagate"):
        return all_dets
    from elc.deid.types import Detection

    known = detector.confident_names([Detection(0, len(n), "PERSON", n, "list", 1.0) for n in names])
    return [detector.propagate(doc.text, dets, known) for doc, dets in zip(docs, all_dets)]


def build_source(transcript: RawTranscript, docs: list, participant: str | None, detector, pseudonymiser,
                 interviewer_hint: str | None = None, roles: dict | None = None) -> _Built:
    roles = roles if roles is not None else classify_roles(transcript.turns, interviewer_hint, participant)
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
    all_dets = _with_speaker_names(transcript, docs, all_dets, detector)
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
        return check_participant(path, metadata["participant"], "the manifest")
    if transcript.participant:
        return transcript.participant.strip()
    m = FILE_ID.match(path.stem)
    if m:
        return m.group(1).upper()
    for t in transcript.turns:
        if t.speaker and PARTICIPANT_ID.match(t.speaker.strip()):
            return t.speaker.strip()
    return None


def _community_ids(project) -> tuple[dict[str, int], str]:
    """Community id by lower-cased key or name, and the known keys (for the message)."""
    comms = project.communities()
    ids = {**{k.lower(): int(i) for k, i in zip(comms.key, comms.id)},
           **{n.lower(): int(i) for n, i in zip(comms.name, comms.id)}}
    return ids, ", ".join(sorted(comms.key))


def _wanted_participants(project, path: Path, items: list[tuple], community_hint: str | None) -> dict[str, int | None]:
    """Participant id -> community id (None when unknown) for the file's sources; an unknown
    community name refuses the file."""
    communities, known = _community_ids(project)
    wanted: dict[str, int | None] = {}
    for transcript, participant, _ in items:
        community = community_hint or transcript.community
        community_id = None
        if community:
            community_id = communities.get(community.strip().lower())
            if community_id is None:
                raise ImportFileError(path, f"names an unknown community '{community}' (known: {known})")
        if participant and (participant not in wanted or wanted[participant] is None):
            wanted[participant] = community_id
    return wanted


def _store_participants(conn, wanted: dict[str, int | None], metadata: dict, ts: str) -> None:
    """One look-up for all, inserts for the new ones, a community for known ones that had none."""
    existing = stored_sources.participant_communities(conn, list(wanted))
    attributes = json.dumps(metadata.get("attributes", {}))
    stored_sources.add_participants(conn, [{"id": pid, "community_id": cid, "attributes": attributes, "created_at": ts}
                                           for pid, cid in wanted.items() if pid not in existing])
    for pid, cid in wanted.items():
        if pid in existing and existing[pid] is None and cid is not None:
            stored_sources.set_participant_community(conn, pid, cid)


def _new_text_hashes(conn, path: Path, items: list[tuple]) -> list[str]:
    """Content hashes of the file's sources; refuses any text already in the file or the project."""
    hashes = [hashlib.sha256(built.text.encode("utf-8")).hexdigest() for _, _, built in items]
    if len(set(hashes)) < len(hashes):
        raise DuplicateSourceError(path, "contains the same interview text twice")
    if stored_sources.any_source_with_hash(conn, hashes):
        raise DuplicateSourceError(path, "has the same text as a source already in the project")
    return hashes


def _source_rows(imp_id: int, fmt: str, items: list[tuple], hashes: list[str], metadata: dict, ts: str,
                 deidentified: bool) -> list[dict]:
    base_meta = {k: v for k, v in metadata.items() if k not in ("attributes", "participant", "community")}
    rows = []
    for (transcript, participant, built), content_hash in zip(items, hashes):
        meta = {**transcript.metadata, **base_meta}
        rows.append({
            "import_id": imp_id, "name": transcript.name, "participant_id": participant,
            "content_hash": content_hash, "text": built.text, "format": fmt,
            "interview_date": meta.pop("interview_date", None), "method": meta.pop("method", None) or "telephone",
            "interviewer": meta.pop("interviewer", None), "imported_at": ts,
            "metadata": json.dumps(meta, default=str), "deidentified": 1 if deidentified else 0})
    return rows


def _store_segments(conn, source_ids: list[int], items: list[tuple]) -> None:
    """Turns first (their ids are the sentences' parents), then sentences, in bulk."""
    def clean(seg):
        return {k: v for k, v in seg.items() if not k.startswith("_")}

    turn_rows, turn_keys = [], []
    for source_id, (_, _, built) in zip(source_ids, items):
        for seg in built.segments:
            if seg["kind"] == "turn":
                turn_rows.append({**clean(seg), "source_id": source_id, "parent_id": None})
                turn_keys.append((source_id, seg["_turn"]))
    turn_ids = dict(zip(turn_keys, stored_sources.add_turns(conn, turn_rows)))
    stored_sources.add_sentences(conn, [
        {**clean(seg), "source_id": source_id, "parent_id": turn_ids[(source_id, seg["_turn"])]}
        for source_id, (_, _, built) in zip(source_ids, items)
        for seg in built.segments if seg["kind"] == "sentence"])


def _store(project, conn, path: Path, digest: str, fmt: str, items: list[tuple], pseudonymiser,
           community_hint: str | None, metadata: dict, file_name: str | None = None) -> None:
    """Write one file's sources in bulk, inside the caller's transaction."""
    ts = database.now()
    imp_id = add_import(conn, file_name or path.name, digest, fmt, ts, len(items))
    wanted = _wanted_participants(project, path, items, community_hint)
    _store_participants(conn, wanted, metadata, ts)
    hashes = _new_text_hashes(conn, path, items)
    source_ids = stored_sources.add_sources(
        conn, _source_rows(imp_id, fmt, items, hashes, metadata, ts, pseudonymiser is not None))
    _store_segments(conn, source_ids, items)
    from elc.deid.originals import store_detections  # originals go to the sidecar, never here

    for source_id, (_, _, built) in zip(source_ids, items):
        if built.detections:
            store_detections(project, conn, source_id, built.detections)
    if pseudonymiser is not None:
        from elc.store import deid_state

        deid_state.save_pseudonyms(conn, pseudonymiser.to_dict())  # its key stays in the key file


def _checked_options(project, options: ImportOptions | None) -> ImportOptions:
    options = options or ImportOptions()
    if options.community and project.community_id(options.community) is None:
        known = ", ".join(project.communities().key)
        raise ElcError(f"unknown community '{options.community}' (known: {known})")
    return options


def preview_files(project, paths: Iterable[str | Path], options: ImportOptions | None = None,
                  metadata_for: Callable[[Path], dict] | None = None) -> ImportReport:
    """Read and plan every file (layout, speakers, roles, turns, warnings) without storing
    anything: the project is not written to."""
    from elc.ingest.plan import plan_files

    options = _checked_options(project, options)
    report = ImportReport()
    report.plans = plan_files(project, [Path(p) for p in paths], options, metadata_for, report)
    report.warnings = [w for plan in report.plans for w in plan.warnings]
    return report


def import_files(project, paths: Iterable[str | Path], options: ImportOptions | None = None,
                 deidentify: bool = True, metadata_for: Callable[[Path], dict] | None = None,
                 progress: Callable[[Path, int, int], None] | None = None, nlp=None) -> ImportReport:
    """Import each file in its own transaction; a bad file is reported and leaves the project unchanged.

    The batch is read first (cheap) so the interviewer can be recognised across files; then each
    file is processed and stored in turn, so memory holds one file's spaCy docs at a time."""
    from elc.ingest.plan import reported
    from elc.nlp import load_nlp
    from elc.store.interviewers import remember_interviewers

    paths = [Path(p) for p in paths]
    report = preview_files(project, paths, options, metadata_for)
    options = options or ImportOptions()
    done = len(paths) - len(report.plans)
    nlp = nlp or load_nlp()
    for plan in report.plans:
        path = plan.path
        # fresh from the project for each file: other processes may have changed names or tags,
        # and a refused file's minted pseudonyms are forgotten
        with reported(report, path):
            detector, pseudonymiser = _deid_tools(project, nlp, deidentify)
            report.imported.append(_import_one(project, plan, options, nlp, detector, pseudonymiser))
        done += 1
        if progress:
            progress(path, done, len(paths))
    if report.imported and options.interviewers:
        remember_interviewers(project, options.interviewers)  # recognised in later imports too
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


def _safe_texts(texts: list[str], nlp, detector, pseudonymiser) -> list[str]:
    """Header strings (titles, keywords) with identifiers replaced, like the text."""
    if pseudonymiser is None or not texts:
        return texts
    out = []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=256)):
        out.append(_apply(text, [d for d in detector.detect_doc(doc) if d.label in NAME_LABELS], pseudonymiser)[0])
    return out


def _header_metadata(sp, nlp, detector, pseudonymiser) -> dict:
    """Header lines as source metadata: speaker names replaced by their stored labels, then
    de-identified; the header's speaker list is kept only as a count."""
    parsed = sp.transcript.metadata.get("_parsed")
    meta = {"speakers": {stored: role for _, role, stored in sp.speakers()},
            "interviewer_found_by": sp.interviewer.how}
    if parsed is None:
        return meta
    h = parsed.header
    names = sorted({*(lb for lb in sp.labels if lb), *h.speakers}, key=len, reverse=True)
    labels = {re.sub(r"\s+", " ", lb.casefold()): stored for lb, stored in sp.labels.items() if lb}

    def unname(text: str) -> str:
        for name in names:
            text = re.sub(rf"(?<![\w]){re.escape(name)}(?![\w])",
                          labels.get(re.sub(r"\s+", " ", name.casefold()), "[Speaker]"), text, flags=re.I)
        return text

    fields = ([("title", h.title)] if h.title else []) + \
             ([("transcribed_by", h.transcribed_by)] if h.transcribed_by else []) + \
             [("keywords", k) for k in h.keywords] + [("header", ln) for ln in h.lines]
    safe = _safe_texts([unname(v) for _, v in fields], nlp, detector, pseudonymiser)
    for (key, _), value in zip(fields, safe):
        if key in ("keywords", "header"):
            meta.setdefault(key, []).append(value)
        else:
            meta[key] = value
    if h.speakers:
        meta["header_speakers"] = len(h.speakers)
    if h.events:
        meta["transcription_events"] = h.events
    return meta


def _deid_changed(conn, pseudonymiser) -> bool:
    from elc.store import deid_state

    return deid_state.token(conn) != getattr(pseudonymiser, "state_token", None)


def _import_one(project, plan, options: ImportOptions, nlp, detector, pseudonymiser) -> dict:
    path = plan.path
    prior = import_by_hash(project, plan.digest)  # an earlier file of this batch may have had the same bytes
    if prior:
        raise DuplicateSourceError(path, f"was already imported on {prior[1][:10]} (same content)")
    names_read = [sp.transcript.name for sp in plan.sources]
    notes = [n for sp in plan.sources for n in sp.transcript.metadata.pop(NOTES_KEY, [])]
    metadata_read = [dict(sp.transcript.metadata) for sp in plan.sources]
    manifest = dict(plan.metadata)
    named = str(manifest.pop("interviewer", "") or "").strip()  # coded below, never stored in clear

    def build(detector, pseudonymiser):
        """De-identify and segment the file with one de-identification state (nothing mutated, so it
        can run again when another process changed that state meanwhile)."""
        items, meta, words = [], [], 0
        screened = screen_metadata(path, manifest, nlp, detector, pseudonymiser)
        all_turns = [t.text for sp in plan.sources for t in sp.transcript.turns]
        check_transcript_shape(path, all_turns)
        docs = iter(pipe_bounded(nlp, all_turns, batch_size=256, n_process=_processes(all_turns)))
        del all_turns
        for sp, read in zip(plan.sources, metadata_read):
            tr = sp.transcript
            tr.metadata = read
            tr_docs = [next(docs) for _ in tr.turns]  # one source's docs at a time
            built = build_source(tr, tr_docs, sp.participant, detector, pseudonymiser, roles=sp.roles)
            del tr_docs
            words += built.words
            kept = {k: v for k, v in read.items() if not k.startswith("_")}
            screen_dicts([kept], nlp, detector, pseudonymiser)  # what the importer found beside the turns
            meta.append({**kept, **_header_metadata(sp, nlp, detector, pseudonymiser)})
            items.append((tr, sp.participant, built))
        # file names can identify people too ("Margaret Thornton call.docx")
        *names, file_name = _safe_names(names_read + [path.name], nlp, detector, pseudonymiser)
        return items, meta, names, words, file_name, screened

    items, meta, names, words, file_name, metadata = build(detector, pseudonymiser)
    fmt = path.suffix.lower().lstrip(".")
    with project.engine.begin() as conn:  # the write lock: the de-identification state is fixed now
        if pseudonymiser is not None and _deid_changed(conn, pseudonymiser):
            # another process added a name, allowed a term or minted tags meanwhile: build again
            detector, pseudonymiser = _deid_tools(project, nlp, True, conn)
            items, meta, names, words, file_name, metadata = build(detector, pseudonymiser)
        for (tr, _, _), m, name in zip(items, meta, names):
            tr.metadata, tr.name = m, name
        if named and not is_generic(named):  # a manifest naming the interviewer: never stored in clear
            from elc.store.interviewers import interviewer_code

            metadata["interviewer"] = interviewer_code(conn, named)
        elif named:
            metadata["interviewer"] = named
        _store(project, conn, path, plan.digest, fmt, items, pseudonymiser,
               options.community or metadata.get("community"), metadata, file_name=file_name)
    project._texts.clear()
    return {"file": str(path), "sources": len(items), "words": words,
            "segments": sum(sum(1 for g in b.segments if g["kind"] == "sentence") for _, _, b in items),
            "turns": sum(sum(1 for g in b.segments if g["kind"] == "turn") for _, _, b in items),
            "detections": sum(len(b.detections) for _, _, b in items),
            "summary": [sp.summary() for sp in plan.sources], "notes": notes}

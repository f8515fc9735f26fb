"""Turns and sentences of an imported text, as the ingest pipeline stores them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K")  # whatever the caller keys its texts by


def _turns(text: str) -> list[dict]:
    """Speaker turns of a stored text: ``Label: body`` lines; unlabelled lines continue a turn."""
    from elc.ingest.base import SPEAKER, TIMESTAMP, parse_timestamp

    turns: list[dict] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        line_start = pos
        pos += len(line)
        content = line.rstrip("\r\n")
        if not content.strip():
            continue
        lead = len(content) - len(content.lstrip())
        rest = content[lead:]
        offset = lead
        ts = None
        m = TIMESTAMP.match(rest)
        if m and (m.group(0).strip().startswith(("[", "(")) or SPEAKER.match(rest[m.end():])):
            try:
                ts = parse_timestamp(m.group("ts"))
            except ValueError:
                ts = None
            offset += m.end()
            rest = rest[m.end():]
        label = None
        body = 0
        m = SPEAKER.match(rest)
        if m:
            label = (m.group("label") or m.group("label2")).strip()
            if len(label.split()) > 4 or label.lower().startswith(("http", "www")):
                label = None
            body = line_start + offset + m.end()
        end = line_start + len(content.rstrip())
        if label:
            turns.append({"label": label, "start": line_start, "body": body, "end": end, "ts": ts})
        elif turns:
            turns[-1]["end"] = end
        else:
            turns.append({"label": None, "start": line_start, "body": line_start + lead, "end": end, "ts": ts})
    return turns


def _sentence_spans(doc, body: str):
    """(sentence, start, end) in ``body``, as the ingest pipeline cuts them."""
    from elc.ingest.pipeline import _sentence_spans as ingest_spans

    return ingest_spans(doc, body, None)


def _tag_pattern():
    """elc's de-identification tags ("[Husband 1]", "[place]"...), which stand for names."""
    try:
        from elc.deid.pseudonymiser import TYPED_TAGS
        typed = sorted({t.strip("[]") for t in TYPED_TAGS.values()} | {"redacted"})
    except ImportError:
        typed = ["redacted", "place", "phone", "postcode", "email", "address", "organisation", "NHS number",
                 "date of birth"]
    alternatives = "|".join(re.escape(t) for t in typed)
    return re.compile(r"\[(?:[A-Z][\w'-]*(?: [\w'-]+){0,3} \d{1,4}|" + alternatives + r")\]")


def _mask_tags(body: str, pattern) -> tuple[str, list[tuple[int, int]]]:
    """``body`` with each tag replaced by a same-length name-like word, and the tags' spans.

    The text was segmented before de-identification, when those places held names; masking
    the brackets keeps spaCy from cutting sentences at them, and their spans stay out of lemmas.
    """
    spans = [(m.start(), m.end()) for m in pattern.finditer(body)]
    if not spans:
        return body, spans
    blocked = []
    for a, b in spans:  # a word glued to a tag ("Y[organisation]") is one token: keep it out too
        while a > 0 and not body[a - 1].isspace():
            a -= 1
        blocked.append((a, b))
    parts, last = [], 0
    for a, b in spans:
        parts.append(body[last:a])
        parts.append("X" + "x" * (b - a - 1))
        last = b
    parts.append(body[last:])
    return "".join(parts), blocked


MAX_PIECE = 2000  # characters of one turn spaCy sees at once; longer turns are cut at line ends


def _pieces(body: str) -> list[tuple[int, str]]:
    """(offset, text) pieces of a turn body, each at most MAX_PIECE characters, cut at a line end
    (else a space) so a transcript with no speaker labels does not become one giant Doc."""
    out, start = [], 0
    while len(body) - start > MAX_PIECE:
        cut = body.rfind("\n", start + 1, start + MAX_PIECE)
        if cut <= start:
            cut = body.rfind(" ", start + 1, start + MAX_PIECE)
        cut = cut + 1 if cut > start else start + MAX_PIECE
        out.append((start, body[start:cut]))
        start = cut
    out.append((start, body[start:]))
    return out


@dataclass
class _Plan:
    key: object
    text: str
    turns: list[dict]
    roles: dict
    chunks: list[tuple[int, int, str, list]]  # turn index, offset in body, masked piece, blocked spans


def _plan(key, text: str, participant: str | None, pattern) -> _Plan:
    from elc.domain import Turn
    from elc.ingest.pipeline import classify_roles

    turns = _turns(text)
    roles = classify_roles([Turn(t["label"], text[t["body"]:t["end"]]) for t in turns])
    if participant and any(t["label"] == participant for t in turns):
        roles = {lb: ("participant" if lb == participant else ("interviewer" if r == "interviewer" else "other"))
                 for lb, r in roles.items()}
    chunks = []
    for i, t in enumerate(turns):
        for offset, piece in _pieces(text[t["body"]:t["end"]]):
            masked, spans = _mask_tags(piece, pattern)
            chunks.append((i, offset, masked, spans))
    return _Plan(key, text, turns, roles, chunks)


def _sentences(doc, masked: str, spans: list) -> list[tuple[int, int, str]]:
    """(start, end, lemmas) of each sentence of one piece: the Doc itself is not kept."""
    from elc.ingest.pipeline import _lemmas

    return [(a, b, _lemmas(sent, spans)) for sent, a, b in _sentence_spans(doc, masked)]


def _build(plan: _Plan, results: list) -> list[dict]:
    segs: list[dict] = []
    by_turn: dict[int, list] = {}
    for (i, offset, _, _), sentences in zip(plan.chunks, results):
        by_turn.setdefault(i, []).append((offset, sentences))
    position, last_question = 0, ""
    for i, t in enumerate(plan.turns):
        role = plan.roles.get(t["label"], "other")
        speaker = t["label"] or "Participant"
        question = last_question if role != "interviewer" else ""
        turn = {"kind": "turn", "position": position, "start": t["start"], "end": t["end"], "speaker": speaker,
                "role": role, "ts_start": t["ts"], "ts_end": None, "question": question, "lemmas": "",
                "_sentences": []}
        position += 1
        for offset, sentences in by_turn.get(i, []):
            for a, b, lemmas in sentences:
                turn["_sentences"].append({"kind": "sentence", "position": position, "start": t["body"] + offset + a,
                                           "end": t["body"] + offset + b, "speaker": speaker, "role": role,
                                           "ts_start": t["ts"], "ts_end": None, "question": question,
                                           "lemmas": lemmas})
                position += 1
        if role == "interviewer":
            last_question = plan.text[t["body"]:t["end"]][:300]
        segs.append(turn)
    return segs


BATCH_CHARS = 32_000  # characters per spaCy batch: its working memory grows with the tokens in a batch


def segment_stream(items: Iterable[tuple[K, str, str | None]], nlp) -> Iterator[tuple[K, str, list[dict]]]:
    """(key, text, turn segments with their sentences) for each (key, text, participant), in order.

    One text at a time: it is read from ``items`` only when the previous one is stored, its pieces
    go through ``nlp.pipe`` in batches of about BATCH_CHARS characters (a batch of 64 two-thousand
    character pieces took 470 MB), and only each piece's sentences are kept, not its Doc.
    """
    pattern = _tag_pattern()
    for key, text, participant in items:
        plan = _plan(key, text, participant, pattern)
        pieces = [c[2] for c in plan.chunks]
        mean = sum(map(len, pieces)) / len(pieces) if pieces else 1
        batch = max(4, min(256, int(BATCH_CHARS // max(mean, 1))))
        results = [_sentences(doc, masked, spans)
                   for doc, (_, _, masked, spans) in zip(nlp.pipe(pieces, batch_size=batch), plan.chunks)]
        yield key, text, _build(plan, results)

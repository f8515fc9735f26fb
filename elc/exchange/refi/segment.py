"""Turns and sentences of an imported text, as the ingest pipeline stores them."""

from __future__ import annotations

import re

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
        m = SPEAKER.match(rest)
        if m:
            label = (m.group("label") or m.group("label2")).strip()
            if len(label.split()) > 4 or label.lower().startswith(("http", "www")):
                label = None
        end = line_start + len(content.rstrip())
        if label:
            turns.append({"label": label, "start": line_start, "body": line_start + offset + m.end(), "end": end,
                          "ts": ts})
        elif turns:
            turns[-1]["end"] = end
        else:
            turns.append({"label": None, "start": line_start, "body": line_start + lead, "end": end, "ts": ts})
    return turns


def _sentence_spans(doc, body: str):
    """(sentence, start, end) in ``body``, as the ingest pipeline cuts them."""
    try:
        from elc.ingest.pipeline import _sentence_spans as ingest_spans
    except ImportError:  # an older pipeline: plain spaCy sentences, whitespace stripped
        ingest_spans = None
    if ingest_spans is not None:
        return ingest_spans(doc, body, None)
    spans = []
    for sent in doc.sents:
        a, b = sent.start_char, sent.end_char
        while a < b and body[a].isspace():
            a += 1
        while b > a and body[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((sent, a, b))
    return spans


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


def segments(texts: list[tuple[str, str | None]], nlp) -> list[list[dict]]:
    """Turn and sentence segments (with lemmas) for each (text, participant), as ingest stores them."""
    from elc.domain import Turn
    from elc.ingest.pipeline import _lemmas, classify_roles

    pattern = _tag_pattern()
    plans = []
    bodies: list[str] = []
    blocked: list[list[tuple[int, int]]] = []
    for text, participant in texts:
        turns = _turns(text)
        roles = classify_roles([Turn(t["label"], text[t["body"]:t["end"]]) for t in turns])
        if participant and any(t["label"] == participant for t in turns):
            roles = {lb: ("participant" if lb == participant else ("interviewer" if r == "interviewer" else "other"))
                     for lb, r in roles.items()}
        plans.append((text, turns, roles))
        for t in turns:
            masked, spans = _mask_tags(text[t["body"]:t["end"]], pattern)
            bodies.append(masked)
            blocked.append(spans)
    docs = iter(nlp.pipe(bodies, batch_size=256)) if bodies else iter(())
    out: list[list[dict]] = []
    n_turn = 0
    for text, turns, roles in plans:
        segs: list[dict] = []
        position = 0
        last_question = ""
        for t in turns:
            doc = next(docs)
            role = roles.get(t["label"], "other")
            speaker = t["label"] or "Participant"
            question = last_question if role != "interviewer" else ""
            turn = {"kind": "turn", "position": position, "start": t["start"], "end": t["end"], "speaker": speaker,
                    "role": role, "ts_start": t["ts"], "ts_end": None, "question": question, "lemmas": "",
                    "_sentences": []}
            position += 1
            body, tags = bodies[n_turn], blocked[n_turn]
            n_turn += 1
            for sent, a, b in _sentence_spans(doc, body):
                turn["_sentences"].append({"kind": "sentence", "position": position, "start": t["body"] + a,
                                           "end": t["body"] + b, "speaker": speaker, "role": role,
                                           "ts_start": t["ts"], "ts_end": None, "question": question,
                                           "lemmas": _lemmas(sent, tags)})
                position += 1
            if role == "interviewer":
                last_question = text[t["body"]:t["end"]][:300]
            segs.append(turn)
        out.append(segs)
    return out


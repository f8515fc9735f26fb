"""Values that reach the project from outside the transcript text: participant ids, manifest
fields, sheet columns. Each is either a safe pseudonymous value, de-identified like the text,
or refused; never stored as given when it could name someone.
"""

from __future__ import annotations

import re
from pathlib import Path

from elc.errors import ImportFileError

# Letters then digits (P07, R00001, PT-012, S3f9a-R0001) or a short number; six digits at most
# in the last group, so no phone, NHS number or date of birth passes as an id.
SAFE_ID = re.compile(r"^(?:[A-Za-z][A-Za-z0-9]{0,5}[-_])?[A-Za-z]{0,4}\d{1,6}$")
SAFE_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
# personal identifiers a field value may not carry (places and organisations may stay: "Rutland")
PERSONAL = {"PERSON", "CUSTOM", "NHS_NUMBER", "PHONE", "EMAIL", "DOB", "POSTCODE", "ADDRESS"}


def is_safe_id(value: str) -> bool:
    """True for a value that can stand as a pseudonymous participant id as it is."""
    value = value.strip()
    return bool(SAFE_ID.match(value)) and sum(ch.isdigit() for ch in value) <= 8


def check_participant(path: Path, value: str | None, where: str) -> str | None:
    """Refuse a participant id given by the user or a manifest that is not pseudonymous."""
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    if not is_safe_id(value):
        raise ImportFileError(path, f"the participant id from {where} is not a pseudonymous id (use letters then "
                                    f"up to 6 digits, e.g. P12; names and phone or NHS numbers are refused)")
    return value


def check_date(value) -> str | None:
    """A date kept only when it looks like one (digits and separators); else dropped."""
    if value is None:
        return None
    text = str(value).strip()
    return text if SAFE_DATE.match(text) else None


def deidentify_values(values: list[str], nlp, detector, pseudonymiser) -> list[str]:
    """Free field values (interviewer, attributes) with personal identifiers replaced like the text."""
    if pseudonymiser is None or not values:
        return values
    from elc.deid import apply

    out = []
    for value, doc in zip(values, nlp.pipe(values, batch_size=256)):
        dets = [d for d in detector.detect_doc(doc) if d.label in PERSONAL]
        out.append(apply(value, dets, pseudonymiser)[0] if dets else value)
    return out


def screen_metadata(path: Path, metadata: dict, nlp, detector, pseudonymiser) -> dict:
    """A manifest row made safe to store: id checked, date checked, free values de-identified."""
    if not metadata:
        return metadata
    out = dict(metadata)
    if out.get("participant") is not None:
        out["participant"] = check_participant(path, out["participant"], "the manifest")
    if "interview_date" in out:
        out["interview_date"] = check_date(out["interview_date"])
    attrs = dict(out.get("attributes") or {})
    keys = [k for k, v in attrs.items() if isinstance(v, str) and v.strip()]
    free = [("interviewer", out.get("interviewer")), ("method", out.get("method"))]
    free = [(k, v) for k, v in free if isinstance(v, str) and v.strip()]
    values = deidentify_values([v for _, v in free] + [attrs[k] for k in keys], nlp, detector, pseudonymiser)
    for (k, _), v in zip(free, values):
        out[k] = v
    for k, v in zip(keys, values[len(free):]):
        attrs[k] = v
    if "attributes" in out:
        out["attributes"] = attrs
    return out


def screen_dicts(dicts: list[dict], nlp, detector, pseudonymiser) -> None:
    """What an importer found beside the turns (header blocks, speaker lists, titles) is stored as
    source metadata: the text values (and lists of them) of these dicts are de-identified in
    place, like the manifest's, in one batch."""
    slots: list[tuple[dict, str, int | None]] = []  # (metadata dict, key, index in a list or None)
    for meta in dicts:
        for key, value in meta.items():
            if isinstance(value, str) and value.strip() and key != "interview_date":
                slots.append((meta, key, None))
            elif isinstance(value, (list, tuple)):
                meta[key] = list(value)
                slots += [(meta, key, i) for i, v in enumerate(value) if isinstance(v, str) and v.strip()]
    if not slots:
        return
    values = [m[k] if i is None else m[k][i] for m, k, i in slots]
    for (m, k, i), new in zip(slots, deidentify_values(values, nlp, detector, pseudonymiser)):
        if i is None:
            m[k] = new
        else:
            m[k][i] = new

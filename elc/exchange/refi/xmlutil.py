"""REFI-QDA XML basics: namespaces, GUIDs, lexical forms, marker lines and safe parsing."""

from __future__ import annotations

import datetime as _dt
import json
import re
import uuid

from elc.errors import ElcError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PROJECT_XSD_URL = "http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
CODEBOOK_XSD_URL = "http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"

# The namespace of every GUID elc mints; a project's own namespace is derived from its identity.
ELC_NAMESPACE = uuid.UUID("6f1c0a4e-3d0b-5f55-9a51-2b8f4c1e7e10")

MARKER_PREFIX = "elc:"

MAX_XML_BYTES = 200 * 1024 * 1024

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_HEX = re.compile(r"^#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")


# ----------------------------------------------------------------------------- GUIDs
def project_namespace(created: str | None, name: str) -> uuid.UUID:
    """A namespace unique to one project and stable across exports (from its creation stamp)."""
    return uuid.uuid5(ELC_NAMESPACE, f"project:{created or ''}:{name}")

def make_guid(namespace: uuid.UUID, kind: str, key) -> str:
    return str(uuid.uuid5(namespace, f"{kind}:{key}"))


def fixed_guid(key: str) -> str:
    """A GUID that is the same in every elc project (valence codes)."""
    return str(uuid.uuid5(ELC_NAMESPACE, key))


def norm_guid(value: str | None) -> str | None:
    """GUIDs compare case-insensitively and with or without braces."""
    if value is None:
        return None
    value = value.strip()
    if not _GUID.match(value):
        return None
    return value.strip("{}").lower()


# ----------------------------------------------------------------------------- text values
def xml_str(value) -> str:
    """Text XML 1.0 can hold: control characters dropped, None as ''."""
    if value is None:
        return ""
    text = str(value)
    return _ILLEGAL_XML.sub("", text) if _ILLEGAL_XML.search(text) else text


def colour_hex(value) -> str | None:
    """``#RRGGBB`` (a ``#RGB`` colour is expanded), or None if ``value`` is not a colour."""
    if not isinstance(value, str):
        return None
    m = _HEX.match(value.strip())
    if not m:
        return None
    digits = m.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return "#" + digits


def xsd_datetime(value) -> str | None:
    """An ISO timestamp as xsd:dateTime in UTC written ``...Z`` (QualCoder strips ``T`` and ``Z``
    and writes its own ``Z`` back, so an offset such as ``+00:00`` would come back invalid);
    naive timestamps are taken as UTC. None if ``value`` is not a timestamp."""
    if not value:
        return None
    try:
        parsed = _dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    return parsed.isoformat(timespec="microseconds" if parsed.microsecond else "seconds") + "Z"


def parse_datetime(value: str | None) -> str | None:
    """An xsd:dateTime read back as elc stores timestamps (ISO, UTC, microseconds); None if it is not one."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith("Z"):  # "...+00:00Z" is what QualCoder re-exports from an offset: the offset wins
        text = text[:-1] if re.search(r"[+-]\d\d:\d\d$", text[:-1]) else text[:-1] + "+00:00"
    try:
        parsed = _dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_dt.timezone.utc)
    return parsed.astimezone(_dt.timezone.utc).isoformat(timespec="microseconds")


# ----------------------------------------------------------------------------- markers
def with_marker(text: str | None, data: dict | None) -> str:
    """``text`` with a final ``elc:{...}`` line carrying ``data`` (omitted when ``data`` is empty)."""
    text = xml_str(text)
    if not data:
        return text
    line = MARKER_PREFIX + json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"{text}\n{line}" if text else line


def split_marker(text: str | None) -> tuple[str, dict]:
    """(human text, marker data) from a Description; data is {} when there is no valid marker."""
    if not text:
        return "", {}
    lines = text.split("\n")
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip()
        if not line:
            continue
        if line.startswith(MARKER_PREFIX + "{"):
            try:
                data = json.loads(line[len(MARKER_PREFIX):])
            except ValueError:
                return text, {}
            if isinstance(data, dict):
                return "\n".join(lines[:i]), data
        break
    return text, {}


# ----------------------------------------------------------------------------- untrusted input
def one_line_errors(func):
    """Re-raise an ElcError whose text (names from an untrusted file) spans lines as one line."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ElcError as exc:
            text = str(exc)
            if "\n" in text or "\r" in text or len(text) > 2000:
                flat = " ".join(text.split())[:2000]
                try:
                    again = type(exc)(flat)
                except TypeError:
                    again = ElcError(flat)
                raise again from None
            raise

    return wrapper


def local(tag) -> str:
    """An element's name without its namespace."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def kids(element, name: str) -> list:
    return [c for c in element if local(c.tag) == name]


def kid(element, name: str):
    for c in element:
        if local(c.tag) == name:
            return c
    return None


def kid_text(element, name: str) -> str | None:
    c = kid(element, name)
    return None if c is None else (c.text or "")


def parse_xml(data: bytes, where: str):
    """Parse untrusted XML: no DTD, no entities, no external references, no network."""
    import defusedxml
    from defusedxml.ElementTree import ParseError, fromstring

    if len(data) > MAX_XML_BYTES:
        raise ElcError(f"{where}: is {len(data) / 1e6:.0f} MB, over the {MAX_XML_BYTES / 1e6:.0f} MB limit")
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        raise ElcError(f"{where}: refused: the XML declares a DTD (entity declarations can expand "
                       f"without bound or read local files; REFI-QDA files have none)") from None
    except defusedxml.EntitiesForbidden:
        raise ElcError(f"{where}: refused: the XML declares entities (possible entity-expansion attack)") from None
    except defusedxml.ExternalReferenceForbidden:
        raise ElcError(f"{where}: refused: the XML refers to an external resource") from None
    except defusedxml.DefusedXmlException as exc:
        raise ElcError(f"{where}: refused: unsafe XML ({exc.__class__.__name__})") from None
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise ElcError(f"{where}: is not well-formed XML (line {line}, column {col})") from None




def to_bytes(root) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


"""REFI-QDA codebooks (``.qdc``, QDA-XML Codebook 1.0): export a project's codes, import codes.

The export is valid against ``Codebook.xsd``: nested ``Code`` elements with ``color``,
``isCodable`` and the definition as ``Description``; the code kinds (touchpoints per family,
themes, categories) as ``Sets``; keywords in an ``elc:`` marker line of the Description. The
valence codes (see :mod:`elc.export.refi_xml`) are included so another tool can code valence.

The import adds the file's codes to an existing project, skipping names it already has (their
children are attached to the existing code). It checks the whole file before changing anything
and writes in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from elc.errors import ElcError
from elc.export import refi_xml as rx

MAX_QDC_BYTES = 50 * 1024 * 1024


def codebook_xml(project) -> bytes:
    """The project's codebook as QDA-XML Codebook bytes."""
    import elc
    from lxml import etree

    namespace = rx.project_namespace(project)
    book = rx.export_codebook(project, namespace)

    def tag(name: str) -> str:
        return f"{{{rx.CODEBOOK_NS}}}{name}"

    root = etree.Element(tag("CodeBook"), nsmap={None: rx.CODEBOOK_NS, "xsi": rx.XSI_NS})
    root.set(f"{{{rx.XSI_NS}}}schemaLocation", f"{rx.CODEBOOK_NS} {rx.CODEBOOK_XSD_URL}")
    root.set("origin", f"elc {elc.__version__}")
    codes = etree.SubElement(root, tag("Codes"))
    rx.build_code_elements(codes, book.roots, tag)
    if book.sets:
        sets = etree.SubElement(root, tag("Sets"))
        for guid, name, marker, members in book.sets:
            st = etree.SubElement(sets, tag("Set"), {"guid": guid, "name": rx.xml_str(name)})
            etree.SubElement(st, tag("Description")).text = rx.with_marker(
                f"elc code kind: {name}", marker)
            for member in members:
                etree.SubElement(st, tag("MemberCode"), {"guid": member})
    return rx.to_bytes(root)


def export_qdc(project, path: str | Path) -> Path:
    """Write the project's codebook to ``path`` (a .qdc file), atomically."""
    path = Path(path)
    rx.write_atomic(path, codebook_xml(project))
    return path


@dataclass
class QdcImport:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)


@rx.one_line_errors
def read_qdc(path: str | Path) -> tuple[list[rx.ParsedCode], dict]:
    """Parse a .qdc file (untrusted): its codes in document order and elc's code kinds."""
    path = Path(path)
    data = rx.read_limited_file(path, MAX_QDC_BYTES, "REFI-QDA codebook (.qdc)")
    root = rx.parse_xml(data, str(path))
    if rx.local(root.tag) != "CodeBook":
        raise ElcError(f"{path}: is not a REFI-QDA codebook (the root element is "
                       f"<{rx.local(root.tag)}>, expected <CodeBook>)")
    codes_el = rx.kid(root, "Codes")
    if codes_el is None or not rx.kids(codes_el, "Code"):
        raise ElcError(f"{path}: the codebook has no codes")
    parsed = rx.parse_codes(codes_el, str(path))
    kinds = rx.parse_kind_sets(rx.kid(root, "Sets"), "guid")
    return parsed, kinds


def import_qdc(path: str | Path, project, coder: str = "elc") -> QdcImport:
    """Add the codes of a .qdc file to ``project`` (an open Project), skipping existing names."""
    parsed, kinds = read_qdc(path)
    with project.engine.begin() as conn:
        result = rx.insert_codes(conn, parsed, kinds, coder, Path(path).name)
    return QdcImport(added=result.added, skipped=result.matched, renamed=result.renamed)


__all__ = ["export_qdc", "import_qdc", "codebook_xml", "read_qdc", "QdcImport"]

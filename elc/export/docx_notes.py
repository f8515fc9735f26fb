"""Real Word footnotes for a python-docx document (python-docx has no footnote API).

Adds the ``word/footnotes.xml`` part (with the separator and continuation-separator footnotes
Word requires, ids -1 and 0), relates it to the document, declares it in the settings, and puts
``w:footnoteReference`` runs in the text. Word numbers footnotes itself, so they renumber when
the commissioner edits the draft. Built with python-docx's OPC layer and lxml only.
"""

from __future__ import annotations

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from elc.export.safety import xml_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
SEPARATORS = (-1, 0)  # the separator and continuation separator Word draws above footnotes

_HEAD = (f'<w:footnotes xmlns:w="{W}">'
         '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
         'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
         '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
         'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>')


def _esc(text: str) -> str:
    return xml_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def footnote_xml(i: int, text: str) -> str:
    return (f'<w:footnote w:id="{i}"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
            '<w:r><w:rPr><w:vertAlign w:val="superscript"/><w:sz w:val="18"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:rPr><w:sz w:val="18"/></w:rPr><w:t xml:space="preserve"> {_esc(text)}</w:t></w:r></w:p>'
            "</w:footnote>")


def add_reference(paragraph, i: int) -> None:
    """Append a footnote reference mark (superscript, numbered by Word) for footnote ``i``."""
    run = paragraph.add_run()
    r_pr = run._r.get_or_add_rPr()
    r_pr.append(parse_xml(f'<w:vertAlign xmlns:w="{W}" w:val="superscript"/>'))
    run._r.append(parse_xml(f'<w:footnoteReference xmlns:w="{W}" w:id="{int(i)}"/>'))


def add_footnotes(document, notes: list[str]) -> None:
    """Add the footnotes part holding ``notes`` (footnote ``k`` is ``notes[k - 1]``)."""
    blob = (_HEAD + "".join(footnote_xml(i, t) for i, t in enumerate(notes, 1)) + "</w:footnotes>").encode("utf-8")
    package = document.part.package
    part = Part(PackURI("/word/footnotes.xml"), CT_FOOTNOTES, blob, package)
    document.part.relate_to(part, RT.FOOTNOTES)
    settings = document.settings.element
    if settings.find(qn("w:footnotePr")) is None:
        pr = parse_xml(f'<w:footnotePr xmlns:w="{W}"><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>')
        compat = settings.find(qn("w:compat"))
        if compat is not None:
            compat.addprevious(pr)
        else:
            settings.append(pr)


__all__ = ["add_footnotes", "add_reference", "footnote_xml", "CT_FOOTNOTES", "SEPARATORS"]

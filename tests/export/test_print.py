"""The printed pack for the whole bundled sample stays under 30 A4 pages: the HTML through headless
Chromium, the workbook's pack sheets through LibreOffice (each skipped when the tool is absent)."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from elc.export.printing import chromium, html_to_pdf, office_to_pdf, pdf_pages, soffice

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpora" / "llr-nepts"
BUDGET = 30

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """Every interview of the sample with the sample's own coding and changes (as `elc demo`, without themes)."""
    from elc import new_project
    from elc.coding.coded_tables import apply_segment_codings
    from elc.export.data import collect
    from elc.ingest import ImportOptions, import_files
    from elc.ingest.manifest import read_manifests
    from elc.insights.changes import load_changes_file

    if chromium() is None and soffice() is None:
        pytest.skip("neither chromium nor LibreOffice is installed")
    folder = tmp_path_factory.mktemp("print")
    manifest = read_manifests(CORPUS)
    p = new_project(folder / "sample.elc", REPO / "interview_guides" / "llr-nepts.yaml",
                    REPO / "codebooks" / "llr-nepts.yaml")
    report = import_files(p, [CORPUS / f for f in sorted(manifest)], ImportOptions(),
                          metadata_for=lambda path: manifest[path.name])
    assert not report.failed, report.failed
    for table in sorted(CORPUS.glob("codings-*.csv")):
        with open(table, newline="", encoding="utf-8") as fh:
            assert next(csv.reader(fh))
        apply_segment_codings(p, table)
    load_changes_file(p, CORPUS / "changes.yaml")
    data = collect(p)
    yield p, data, folder
    p.close()


def test_html_pack_prints_under_30_pages(sample):
    from elc.export.html import write_html

    if chromium() is None:
        pytest.skip("chromium is not installed")
    p, data, folder = sample
    index = write_html(p, folder / "html", data=data)
    pages = pdf_pages(html_to_pdf(index, folder / "pack.pdf"))
    # summary, matrix, one page per community and per change, risks
    assert 2 + len(data.communities) + len(data.changes) <= pages < BUDGET


def test_workbook_pack_sheets_print_under_30_pages(sample):
    from elc.export.workbook import APPENDIX_SHEETS, write_workbook

    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    p, data, folder = sample
    path = write_workbook(p, folder / "pack.xlsx", data=data)
    book = openpyxl.load_workbook(path)
    for name in APPENDIX_SHEETS:
        del book[name]
    book.save(folder / "pack-sheets.xlsx")
    pages = pdf_pages(office_to_pdf(folder / "pack-sheets.xlsx", folder))
    assert len(data.communities) + len(data.changes) <= pages < BUDGET

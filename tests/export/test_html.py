"""The HTML pack: one self-contained index.html with the matrix values and no external scripts."""

import re
from html.parser import HTMLParser

import pytest

from tests.insights import _pack


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self.scripts, self.links = {}, [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "td" and "data-touchpoint" in a:
            self.cells[(a["data-touchpoint"], a["data-community"])] = a
        if tag == "script":
            self.scripts.append(a)
        if tag in ("link", "img", "iframe"):
            self.links.append(a)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    import elc
    from elc.export.html import write_html

    p = elc.open_project(_pack.shared(tmp_path_factory))
    path = write_html(p, tmp_path_factory.mktemp("html") / "pack")
    p.close()
    assert path.name == "index.html"
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def appendix(page, tmp_path_factory):
    folder = sorted(tmp_path_factory.getbasetemp().glob("html*"))[0] / "pack"
    return (folder / "appendix.html").read_text(encoding="utf-8")


def test_matrix_values(page):
    parser = _Cells()
    parser.feed(page)
    cell = parser.cells[("Getting ready for pick up", "patients")]
    assert (cell["data-to-improve"], cell["data-working-well"], cell["data-interviewed"]) == ("3", "1", "3")
    assert float(cell["data-balance"]) == -0.5
    assert parser.cells[("Journey home", "carers")]["data-to-improve"] == "1"


def test_self_contained(page, appendix):
    for text in (page, appendix):
        parser = _Cells()
        parser.feed(text)
        assert parser.scripts and not [s for s in parser.scripts if "src" in s]
        assert not parser.links
        assert not re.search(r"<script[^>]+src\s*=", text, re.I)
    # no chart without KPI returns, so no plotly.js either (tests/export/test_pack.py has the charts)
    assert "Plotly.newPlot" not in page


def test_content(page, appendix):
    assert "What needs to happen so that eligible patients" in page
    assert "Avoid early morning pick-ups" in page and "thin evidence" in page
    assert "missing voice: Drivers" in page
    assert "No theme run is stored" in appendix
    assert "P03, People who use non-emergency transport" in page
    # stored text is escaped, never markup
    assert '=HYPERLINK(&quot;http://example.invalid&quot;' in appendix
    assert 'href="appendix.html"' in page


def test_pack_states_review_state_groups_and_open_questions(page, appendix):
    assert "de-identification detections" in page or "de-identified" in page
    for section in ('id="open-questions"', 'id="groups"', 'id="quotes"', 'id="codebook"'):
        assert section in appendix
    assert 'id="risks"' in page
    assert "not asked" in page  # staff touchpoints for patients, never a zero


def test_print_stylesheet(page):
    assert "@page { size: A4;" in page and "@page wide { size: A4 landscape;" in page
    assert "break-before: page" in page
    # every section of the pack is a printed page; the matrix one is landscape
    assert page.count('<section class="page') >= 1 + 1 + 5 + 3
    assert '<section class="page wide" id="matrix">' in page

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


def test_matrix_values(page):
    parser = _Cells()
    parser.feed(page)
    cell = parser.cells[("Getting ready for pick up", "patients")]
    assert (cell["data-to-improve"], cell["data-working-well"], cell["data-interviewed"]) == ("3", "1", "3")
    assert float(cell["data-balance"]) == -0.5
    assert parser.cells[("Journey home", "carers")]["data-to-improve"] == "1"


def test_self_contained(page):
    parser = _Cells()
    parser.feed(page)
    assert parser.scripts and not [s for s in parser.scripts if "src" in s]
    assert not parser.links
    assert not re.search(r"<script[^>]+src\s*=", page, re.I)
    assert "Plotly.newPlot" in page and len(page) > 1_000_000  # plotly.js is inline


def test_content(page):
    assert "What needs to happen so that eligible patients" in page
    assert "Avoid early morning pick-ups" in page and "thin evidence" in page
    assert "missing voice: Drivers" in page
    assert "No theme run is stored" in page
    assert "P03, People who use non-emergency transport" in page
    # stored text is escaped, never markup
    assert '=HYPERLINK(&quot;http://example.invalid&quot;' in page


def test_pack_states_review_state_groups_and_open_questions(page):
    assert "de-identification detections" in page or "de-identified" in page
    for section in ('id="open-questions"', 'id="groups"', 'id="risks"'):
        assert section in page
    assert "not asked" in page  # staff touchpoints for patients, never a zero

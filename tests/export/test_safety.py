"""safe_cell: no text can become a spreadsheet formula; numbers pass through."""

import datetime

import pytest

from elc.export.safety import FORMULA_PREFIXES, is_neutralised, safe_cell, safe_xlsx_cell


@pytest.mark.parametrize("text", ["=1+1", '=HYPERLINK("http://x","y")', "+44 7700", "-2+3", "@SUM(A1)",
                                  "\tcmd", "\r=1", "\uff1dSUM(A1)"])
def test_formula_like_text_is_prefixed(text):
    assert safe_cell(text) == "'" + text
    assert is_neutralised(safe_cell(text))


@pytest.mark.parametrize("value", [3, -3, 2.5, -0.5, 0, None, True, "plain text", "", "a=b", "'quoted",
                                   datetime.date(2020, 3, 18)])
def test_everything_else_is_unchanged(value):
    assert safe_cell(value) is value or safe_cell(value) == value


def test_xlsx_cell_drops_control_characters_before_checking():
    assert safe_xlsx_cell("\x01=cmd") == "'=cmd"
    assert safe_xlsx_cell("ok\x00") == "ok"
    assert FORMULA_PREFIXES[:4] == ("=", "+", "-", "@")

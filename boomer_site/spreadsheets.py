"""CSV cells a spreadsheet opens as text: a value starting like a formula (=, +, -, @, tab, CR)
gets a leading quote, so `=HYPERLINK(…)` typed into a title is shown, never run."""
from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_escaped(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value

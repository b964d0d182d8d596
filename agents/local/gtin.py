"""GTIN (EAN/UPC) check-digit arithmetic, kept free of any decoder import."""

from __future__ import annotations

import re
from dataclasses import dataclass


def gtin_valid(code: str) -> bool:
    """True for a GTIN-8/12/13/14 (EAN-8, UPC-A, EAN-13, ITF-14) with a correct check digit."""
    if not code.isdigit() or len(code) not in (8, 12, 13, 14) or not code.isascii():
        return False
    body, check = code[:-1], int(code[-1])
    # Weights 3,1,3,1... from the digit next to the check digit leftwards.
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def upce_to_upca(code: str) -> str | None:
    """Expand an 8-digit UPC-E (number system + 6 digits + check) to its 12-digit UPC-A."""
    if len(code) != 8 or not code.isdigit() or code[0] not in "01":
        return None
    ns, d, check = code[0], code[1:7], code[7]
    last = d[5]
    if last in "012":
        manufacturer, product = d[0:2] + last + "00", "00" + d[2:5]
    elif last == "3":
        manufacturer, product = d[0:3] + "00", "000" + d[3:5]
    elif last == "4":
        manufacturer, product = d[0:4] + "0", "0000" + d[4]
    else:
        manufacturer, product = d[0:5], "0000" + last
    return ns + manufacturer + product + check


def isbn10_to_isbn13(isbn10: str) -> str | None:
    """The 978-prefixed EAN-13 of a valid ISBN-10 (last char may be X), else None."""
    isbn10 = isbn10.upper()
    if len(isbn10) != 10 or not isbn10[:9].isdigit() or not isbn10.isascii() or not (isbn10[9].isdigit() or isbn10[9] == "X"):
        return None
    total = sum((10 - i) * int(d) for i, d in enumerate(isbn10[:9])) + (10 if isbn10[9] == "X" else int(isbn10[9]))
    if total % 11:
        return None
    body = "978" + isbn10[:9]
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


_SEP = r"[ \-]?"
# The human-readable digits printed under EAN/UPC bars, in their usual groupings
# (or run together), standing alone: not part of a longer number or word.
_PRINTED_GTIN = re.compile(
    r"(?<![\w.,/-])(?<!\d[ -])(?:"
    rf"\d{_SEP}\d{{6}}{_SEP}\d{{6}}"                      # EAN-13: 9 780306 406157
    rf"|\d{_SEP}\d{{5}}{_SEP}\d{{5}}{_SEP}\d"             # UPC-A: 0 45496 43052 8
    rf"|\d{{4}}{_SEP}\d{{4}}"                             # EAN-8: 9638 5074
    r")(?![\w.,/-]|[ -]\d)"
)
_ISBN = re.compile(r"\bISBN(?:-1[03])?\s*:?\s*((?:\d[ -]?){9}[\dXx](?:[ -]?\d){0,3})(?![\w-])", re.I)
# Numbers that are labelled as something else are not product codes.
_OTHER_NUMBER = re.compile(
    r"\b(?:tel|phone|fax|call|serial|s/?n|sn|lot|batch|order|ref|model|part|p/?n|invoice|tracking|acct|account|"
    r"imei|sku|item|id|no|nr|exp|expires|best|date|mfg|mfd)\b[\s.:#]*$",
    re.I,
)
# Eight digits are common on packaging (dates, part numbers): an EAN-8 must stand
# alone on its line, as under the bars, or follow a barcode label.
_CODE_LABEL = re.compile(r"\b(?:upc|ean|gtin|barcode)\b[\s.:#-]*$", re.I)


@dataclass(frozen=True)
class PrintedCode:
    gtin: str
    text: str  # as read, e.g. "0 45496 43052 8"


def printed_gtin(lines: list[str]) -> PrintedCode | None:
    """A GTIN from barcode digits that OCR read, only if its check digit holds.

    UPC-A (12 digits, or 13 with a leading 0), EAN-13 and EAN-8, and ISBN-10/13
    after an "ISBN" label (ISBN-10 becomes its 978 EAN-13). OCR may split the
    digit groups into separate lines, so neighbouring all-digit lines are tried
    joined too. A code with a wrong check digit is a misread: never returned.
    """
    candidates = list(lines)
    for i in range(len(lines)):
        for j in range(i + 2, min(i + 4, len(lines)) + 1):
            group = lines[i:j]
            if all(re.fullmatch(r"\d{1,7}", part.strip()) for part in group):
                candidates.append(" ".join(part.strip() for part in group))
    for text in candidates:
        for m in _ISBN.finditer(text):
            raw = re.sub(r"[ -]", "", m.group(1)).upper()
            code = isbn10_to_isbn13(raw) if len(raw) == 10 else raw
            if code and len(code) == 13 and code[:3] in ("978", "979") and gtin_valid(code):
                return PrintedCode(code, " ".join(m.group(0).split()))
        for m in _PRINTED_GTIN.finditer(text):
            if _OTHER_NUMBER.search(text[: m.start()]):
                continue
            code = re.sub(r"[ -]", "", m.group(0))
            if len(code) == 8 and text.strip() != m.group(0) and not _CODE_LABEL.search(text[: m.start()]):
                continue
            if len(code) == 13 and code.startswith("0"):
                code = code[1:]  # UPC-A, as barcodes.read_barcodes reports it
            if gtin_valid(code):
                return PrintedCode(code, m.group(0))
    return None

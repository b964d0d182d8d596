"""GTIN (EAN/UPC) check-digit arithmetic, kept free of any decoder import."""

from __future__ import annotations


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

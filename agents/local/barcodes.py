"""Barcode reading (zxing-cpp) and GTIN check-digit validation."""

from __future__ import annotations

from dataclasses import dataclass

import zxingcpp
from PIL import Image

from .gtin import gtin_valid, upce_to_upca
from .imaging import downscale

__all__ = ["Barcode", "gtin_valid", "read_barcodes", "upce_to_upca"]

RETRY_MAX_SIDE = 1600
GTIN_FORMATS = frozenset({"EAN-13", "EAN-8", "UPC-A", "UPC-E"})


@dataclass(frozen=True)
class Barcode:
    text: str
    format: str
    is_gtin: bool


def _normalise(text: str, fmt: str) -> tuple[str, str, bool]:
    """Return (text, format, is_gtin) in the shape resellers expect.

    zxing-cpp 3 reports UPC-A symbols as EAN-13 with a leading 0 (they are the
    same bars), so any 13-digit code starting with 0 is reported as 12-digit UPC-A.
    """
    if fmt in ("EAN-13", "UPC-A") and len(text) == 13 and text.startswith("0"):
        text, fmt = text[1:], "UPC-A"
    if fmt not in GTIN_FORMATS:
        return text, fmt, False
    if fmt == "UPC-E":
        expanded = upce_to_upca(text)
        return text, fmt, expanded is not None and gtin_valid(expanded)
    expected_len = {"EAN-13": 13, "EAN-8": 8, "UPC-A": 12}[fmt]
    return text, fmt, len(text) == expected_len and gtin_valid(text)


def _decode(img: Image.Image) -> list[Barcode]:
    found = []
    for result in zxingcpp.read_barcodes(img):
        if not result.text:
            continue
        text, fmt, is_gtin = _normalise(result.text.strip(), str(result.format))
        found.append(Barcode(text=text, format=fmt, is_gtin=is_gtin))
    return found


def read_barcodes(img: Image.Image) -> list[Barcode]:
    """Decode every barcode in the photo, GTINs first, de-duplicated by text.

    Large phone photos sometimes only decode once shrunk (the bars get crisper
    relative to sensor noise), so a 1600 px copy is tried when nothing is found.
    """
    found = _decode(img)
    if not found and max(img.size) > RETRY_MAX_SIDE:
        found = _decode(downscale(img, RETRY_MAX_SIDE))
    unique: dict[str, Barcode] = {}
    for barcode in found:
        unique.setdefault(barcode.text, barcode)
    return sorted(unique.values(), key=lambda b: not b.is_gtin)

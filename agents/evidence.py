"""Where each identity field came from, and whether a deterministic read agrees.

Every provider's answer is checked against the offline reads (decoded barcodes, text read on
the photos, the seller's notes): a field is

- `verified` when a deterministic check agrees (the barcode decodes with a valid check digit,
  the value is printed on the item and OCR read it, the notes say so),
- `seen` when the model saw it and nothing confirms it,
- `contradicted` when a deterministic read disagrees (its barcode is not the decoded one, OCR
  read another brand).

The result, per field `{"value", "source", "status"}`, is kept in `Product.analysis["evidence"]`;
the review desk shows it and approval asks the reviewer to edit or confirm a contradicted field.
"""
from __future__ import annotations

from agents.local.gtin import gtin_valid
from agents.local.text_facts import fold

VERIFIED, SEEN, CONTRADICTED = "verified", "seen", "contradicted"
FIELDS = ("name", "brand", "model", "category", "barcode")
# What the offline reads name their sources, and whether that source is a deterministic read.
LOCAL_SOURCES = {"barcode": ("barcode decoded", VERIFIED), "ocr": ("text read on the photos", VERIFIED),
                 "notes": ("the seller's notes", VERIFIED)}


def _norm(value: str | None) -> str:
    return " ".join(fold(value or "").lower().split())


def _digits(value: str | None) -> str:
    return "".join(ch for ch in value or "" if ch.isdigit())


def _in_text(value: str, text: str) -> bool:
    return bool(value) and _norm(value) in text


def local_evidence(*, values: dict, sources: dict) -> dict:
    """The offline provider's own fields: deterministic reads are verified, inferences seen."""
    evidence = {}
    for name, value in values.items():
        if not value:
            continue
        raw = str(sources.get(name) or "")
        parts = [LOCAL_SOURCES.get(part) for part in raw.split("+")]
        if raw and all(parts):
            evidence[name] = {"value": value, "source": " and ".join(p[0] for p in parts), "status": VERIFIED}
        else:
            evidence[name] = {"value": value, "source": raw or "inferred", "status": SEEN}
    return evidence


def model_evidence(*, values: dict, claims: dict, decoded_barcode: str | None, text_read: list[str],
                   notes: str, offline: dict) -> dict:
    """A remote model's fields checked against the offline reads.

    `claims[field]` is what the model said it saw (e.g. "photo 2: label"); `offline` holds the
    offline provider's values for the same fields (brand/model read on the item)."""
    ocr_text, notes_text = _norm(" ".join(text_read)), _norm(notes)
    evidence = {}
    for name, value in values.items():
        if not value:
            continue
        said = claims.get(name) or "seen on the photos"
        value = str(value)
        if name == "barcode":
            evidence[name] = _barcode(value, decoded_barcode, ocr_text, notes_text, said)
            continue
        known = offline.get(name)
        if _in_text(value, notes_text):
            evidence[name] = {"value": value, "source": "the seller's notes", "status": VERIFIED}
        elif _in_text(value, ocr_text):
            evidence[name] = {"value": value, "source": "text read on the photos", "status": VERIFIED}
        elif name in ("brand", "model") and known and _norm(known) != _norm(value):
            evidence[name] = {"value": value, "source": said, "status": CONTRADICTED,
                              "conflict": f"read on the item: {known}"}
        else:
            evidence[name] = {"value": value, "source": said, "status": SEEN}
    return evidence


def _barcode(value: str, decoded: str | None, ocr_text: str, notes_text: str, said: str) -> dict:
    digits = _digits(value)
    if decoded:
        if _digits(decoded) == digits or _digits(decoded).lstrip("0") == digits.lstrip("0"):
            return {"value": value, "source": "barcode decoded", "status": VERIFIED}
        return {"value": value, "source": said, "status": CONTRADICTED, "conflict": f"decoded: {decoded}"}
    if not gtin_valid(digits):
        return {"value": value, "source": said, "status": CONTRADICTED, "conflict": "the check digit does not hold"}
    if digits in _digits(ocr_text) or digits in _digits(notes_text):
        return {"value": value, "source": "printed digits read (check digit valid)", "status": VERIFIED}
    return {"value": value, "source": said, "status": SEEN}


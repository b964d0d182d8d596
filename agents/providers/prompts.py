"""The words BOOMER says to a remote model. The system prompt and the photos come first and are
the same for every step of an item, so the provider's prompt cache serves them again."""
from __future__ import annotations

import json

from agents.providers.base import DraftRequest
from marketplaces.platforms import MARKETPLACES, PLATFORMS

SYSTEM = (
    "You help a reseller list second-hand items on eBay, Facebook Marketplace and Mercari. "
    "State only what the photos, the decoded barcodes, the text read on the item or the seller's notes show. "
    "When something cannot be told from them, give null and say why: a wrong fact on a listing costs the "
    "seller a return, an unknown one costs nothing. Never guess a model number, size, capacity or year. "
    "Answer only by calling the tool you are asked to call."
)

GRADES = (
    "NEW: unused, unworn, in the original packaging, sealed or with tags. "
    "LIKE_NEW: used very little, no visible wear. "
    "GOOD: used, light wear, fully working. "
    "FAIR: visible wear or defects that do not stop it working. "
    "POOR: damaged, not working or for parts."
)


def _offline(analysis: dict) -> str:
    lines = []
    for code in analysis.get("barcodes", []):
        lines.append(f"- barcode decoded ({code.get('format')}): {code.get('text')}")
    for index, quality in enumerate(analysis.get("photo_quality", []), start=1):
        issues = ", ".join(quality.get("issues", [])) or "ok"
        lines.append(f"- photo {index} ({quality.get('width')}x{quality.get('height')}): {issues}")
    text = analysis.get("text_read", [])
    if text:
        lines.append("- text read on the photos (OCR): " + " | ".join(text[:80]))
    return "\n".join(lines) or "- nothing decoded or read"


def item(*, notes: str, analysis: dict) -> str:
    return (
        "Identify the item in the photos above (numbered from 1 in the order shown) and grade its condition.\n"
        "What BOOMER read without a model:\n" + _offline(analysis) + "\n"
        f"The seller's notes: {notes.strip() or '(none)'}\n"
        "Call record_item.\n"
        "identity: for each field give the value with its evidence (which photo, the text as printed, the barcode "
        "or the notes), or null with the reason it is unknown.\n"
        "condition: " + _grading()
    )


def condition(*, notes: str, analysis: dict) -> str:
    return (
        "Grade the condition of the item in the photos above.\n"
        "What BOOMER read without a model:\n" + _offline(analysis) + "\n"
        f"The seller's notes: {notes.strip() or '(none)'}\n"
        "Call record_condition: " + _grading()
    )


def _grading() -> str:
    return (
        "the grade on this scale: " + GRADES + " (null if the photos cannot show it). Consider the photos and "
        "the seller's notes both; a defect the notes deny is not a defect. List every defect with where it is, "
        "how bad, and the photo that shows it."
    )


def facts(request: DraftRequest) -> dict:
    """Everything a listing may state: the identity, the condition and the seller's notes."""
    return {
        "name": request.name, "brand": request.brand, "model": request.model, "category": request.category,
        "barcode": request.barcode, "attributes": request.attributes, "grade": request.grade,
        "defects": list(request.defects), "notes": request.notes,
        "price": str(request.price) if request.price is not None else None, "currency": request.currency,
    }


def listings(*, facts: dict, feedback: str = "") -> str:
    limits = "; ".join(f"{PLATFORMS[code].label}: title at most {PLATFORMS[code].title_max} characters, "
                       f"description at most {PLATFORMS[code].description_max}" for code in MARKETPLACES)
    text = (
        "Write one listing per marketplace for this item. Facts (JSON; null = unknown):\n"
        + json.dumps(facts, ensure_ascii=False, indent=1) + "\n"
        f"Limits: {limits}.\n"
        "State the condition and every defect plainly. Use no fact that is not above: no number, model code, "
        "size or year of your own. Do not state the price. Call record_listings."
    )
    if feedback:
        text += f"\nYour previous listings stated things that are not in the facts ({feedback}). Remove them."
    return text

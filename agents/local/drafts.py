"""Per-marketplace listing drafts (title, description, price) from known facts only."""

from __future__ import annotations

from decimal import Decimal

from marketplaces.platforms import MARKETPLACES, PLATFORMS

from .condition_rules import says_sealed
from .gtin import gtin_valid
from .text_facts import fold

# Title and description limits per marketplace, from the platform registry.
PLATFORM_LIMITS: dict[str, dict[str, int]] = {
    code: {"title": PLATFORMS[code].title_max, "description": PLATFORMS[code].description_max}
    for code in MARKETPLACES
}

CONDITION_LABELS: dict[str | None, str] = {
    "NEW": "New",
    "LIKE_NEW": "Used – like new",
    "GOOD": "Used – good",
    "FAIR": "Used – fair",
    "POOR": "For parts or not working",
    None: "Condition not yet assessed – see photos",
}
_ATTRIBUTE_ORDER = ("capacity", "color", "size")
_CODE_KEYS = ("gtin", "barcode")


def cut_on_word(text: str, limit: int) -> str:
    """Longest whole-word prefix within limit (a single over-long word is hard-cut)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    space = cut.rfind(" ")
    result = cut[:space] if space > 0 else text[:limit]
    return result.rstrip(" ,;:/-–|&+")


def _contains(haystack: str, needle: str) -> bool:
    return fold(needle).lower() in fold(haystack).lower()


def condition_label(grade: str | None, notes: str) -> str:
    if grade == "NEW" and says_sealed(notes):
        return "New, sealed"
    return CONDITION_LABELS.get(grade, CONDITION_LABELS[None])


def _core_title(name: str | None, brand: str | None, model: str | None, category: str | None) -> str:
    """Name with brand in front and model after it when the name lacks them."""
    core = name or ""
    if model and not _contains(core, model):
        core = f"{core} {model}"
    if brand and not _contains(core, brand):
        core = f"{brand} {core}"
    if not core.strip() and category:
        core = category.split(">")[-1]
    return " ".join(core.split()) or "Item"


def _title(core: str, attributes: dict, grade: str | None, notes: str, limit: int) -> str:
    extras = []
    for key in _ATTRIBUTE_ORDER:
        value = attributes.get(key)
        if value and not _contains(core, str(value)):
            extras.append(f"Size {value}" if key == "size" else str(value))
    if grade == "NEW":
        extras.append("New Sealed" if says_sealed(notes) else "New")
    return cut_on_word(" ".join([core, *extras]), limit)


def _fit(text: str, limit: int) -> str:
    """Cut a multi-line text at a word boundary, keeping its line breaks."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    boundary = max(cut.rfind(" "), cut.rfind("\n"))
    return (cut[:boundary] if boundary > 0 else cut).rstrip() + "…"


def _description(
    core: str, brand, model, attributes: dict, barcode, grade, defects: list[dict], notes: str
) -> str:
    lines = [core, "", f"Condition: {condition_label(grade, notes)}" if grade else CONDITION_LABELS[None] + "."]
    if defects:
        lines.append("Known defects:")
        for defect in defects:
            kind = str(defect.get("type") or "defect").replace("_", " ").capitalize()
            detail = defect.get("detail")
            lines.append(f"- {kind}: {detail}" if detail else f"- {kind}")
    elif grade:
        lines.append("No defects noted by the seller.")

    details = []
    if brand:
        details.append(f"Brand: {brand}")
    if model:
        details.append(f"Model: {model}")
    code = barcode or attributes.get("gtin") or attributes.get("barcode")
    if code:
        code = str(code).strip()
        details.append(f"GTIN: {code}" if code.isdigit() and gtin_valid(code) else f"Barcode: {code}")
    for key in _ATTRIBUTE_ORDER:
        if attributes.get(key):
            details.append(f"{key.capitalize()}: {attributes[key]}")
    for key, value in attributes.items():
        if key not in _ATTRIBUTE_ORDER and key not in _CODE_KEYS and value not in (None, ""):
            details.append(f"{str(key).replace('_', ' ').capitalize()}: {value}")
    if details:
        lines += ["", "Details:", *details]
    return "\n".join(lines)


def compose_drafts(
    *,
    name: str | None,
    brand: str | None,
    model: str | None,
    category: str | None,
    attributes: dict,
    barcode: str | None,
    grade: str | None,
    defects: list[dict],
    price: Decimal | None,
    currency: str,
    notes: str,
) -> dict[str, dict]:
    """Title/description/price for each platform in PLATFORM_LIMITS.

    Only facts passed in are stated; condition is spelled out in words and every
    defect is listed. Notes are used for wording only ("sealed"), never copied,
    since they may hold private remarks. ``currency`` is accepted for the
    caller's convenience; the price is passed through untouched.
    """
    del currency  # price text is rendered by each marketplace, not in the copy
    attributes = dict(attributes or {})
    notes = notes or ""
    core = _core_title(name, brand, model, category)
    description = _description(core, brand, model, attributes, barcode, grade, list(defects or []), notes)
    return {
        platform: {
            "title": _title(core, attributes, grade, notes, limits["title"]),
            "description": _fit(description, limits["description"]),
            "price": price,
        }
        for platform, limits in PLATFORM_LIMITS.items()
    }

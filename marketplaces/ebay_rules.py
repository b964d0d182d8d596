"""What eBay checks before it lists an item, as plain functions: no HTTP, no Django.

eBay's vocabulary (category aspects, condition ids) comes from `ebay_catalog`; these functions
decide what to send and say in plain words what eBay would refuse. Sources: the Sell Inventory
API's ConditionEnum and "Item condition ID and name values", the Taxonomy API's aspect
constraints (aspectMode, itemToAspectCardinality, aspectMaxLength).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# eBay's ConditionEnum ↔ condition id. The refurbished ids (2000, 2010, 2020, 2030, 2500) are for
# pre-approved sellers only, so BOOMER never chooses them.
CONDITION_IDS: dict[str, str] = {
    "NEW": "1000",
    "NEW_OTHER": "1500",
    "NEW_WITH_DEFECTS": "1750",
    "LIKE_NEW": "2750",
    "PRE_OWNED_EXCELLENT": "2990",
    "USED_EXCELLENT": "3000",
    "PRE_OWNED_FAIR": "3010",
    "USED_VERY_GOOD": "4000",
    "USED_GOOD": "5000",
    "USED_ACCEPTABLE": "6000",
    "FOR_PARTS_OR_NOT_WORKING": "7000",
}
CONDITION_ENUMS: dict[str, str] = {cid: enum for enum, cid in CONDITION_IDS.items()}
RESTRICTED_CONDITION_IDS = frozenset({"2000", "2010", "2020", "2030", "2500"})
# eBay ignores conditionDescription for these (and warns).
NEW_FAMILY = frozenset({"NEW", "LIKE_NEW", "NEW_OTHER", "NEW_WITH_DEFECTS"})
# How eBay shows them on most categories (3000 reads "Used", or "Pre-owned - Good" in clothing).
CONDITION_LABELS: dict[str, str] = {
    "NEW": "New", "NEW_OTHER": "Open box", "NEW_WITH_DEFECTS": "New with defects", "LIKE_NEW": "Like New",
    "PRE_OWNED_EXCELLENT": "Pre-owned - Excellent", "USED_EXCELLENT": "Used", "PRE_OWNED_FAIR": "Pre-owned - Fair",
    "USED_VERY_GOOD": "Very Good", "USED_GOOD": "Good", "USED_ACCEPTABLE": "Acceptable",
    "FOR_PARTS_OR_NOT_WORKING": "For parts or not working",
}
# BOOMER grade → eBay conditions, nearest first. A used grade never becomes a new-family
# condition other than LIKE_NEW (that would promise an unused item); 3000 is eBay's plain
# "Used" in most categories, so it stands in for any working used grade.
_NEAREST: dict[str, tuple[str, ...]] = {
    "NEW": ("NEW", "NEW_OTHER", "LIKE_NEW", "PRE_OWNED_EXCELLENT", "USED_EXCELLENT"),
    "LIKE_NEW": ("LIKE_NEW", "PRE_OWNED_EXCELLENT", "USED_EXCELLENT", "USED_VERY_GOOD", "USED_GOOD"),
    "GOOD": ("USED_GOOD", "USED_EXCELLENT", "USED_VERY_GOOD", "USED_ACCEPTABLE", "PRE_OWNED_FAIR"),
    "FAIR": ("USED_ACCEPTABLE", "PRE_OWNED_FAIR", "USED_GOOD", "USED_EXCELLENT"),
    "POOR": ("FOR_PARTS_OR_NOT_WORKING", "USED_ACCEPTABLE", "PRE_OWNED_FAIR"),
}
MAX_CONDITION_DESCRIPTION = 1000
MAX_TITLE = 80
MIN_PHOTO_EDGE = 500
# Brand values that are no brand: eBay pairs brand with MPN, and refuses an MPN without a real brand.
NO_BRAND = frozenset({"", "unbranded", "generic", "does not apply", "n/a", "na", "unknown", "none", "no brand"})
# facts keys → the aspect names they may fill (compared without case, spaces or punctuation)
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "colour": ("color", "main colour", "main color"),
    "color": ("colour", "main colour", "main color"),
    "mpn": ("manufacturer part number", "part number"),
    "model": ("model number",),
    "type": ("product type",),
    "size": ("size (men's)", "size (women's)"),
}
_PLAIN_POLICIES = {"fulfillment_policy_id": "shipping", "payment_policy_id": "payment",
                   "return_policy_id": "returns"}


@dataclass(frozen=True)
class CategorySuggestion:
    id: str
    name: str
    path: str


@dataclass(frozen=True)
class Aspect:
    """One item specific of a category, from getItemAspectsForCategory."""

    name: str
    required: bool
    recommended: bool
    selection_only: bool
    values: tuple[str, ...] = ()
    multi: bool = False
    max_length: int | None = None


@dataclass(frozen=True)
class Problem:
    """Something eBay would refuse: `field` names where to fix it ("aspects.Type", "category",
    "condition", "photos", "title", "price", "policies", "location", "package", "listing")."""

    field: str
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "message": self.message}


# --- condition ---------------------------------------------------------------------------------
def condition_label(condition: str) -> str:
    return CONDITION_LABELS.get(condition, condition.replace("_", " ").capitalize())


def nearest_condition(grade: str, allowed: list[str]) -> str | None:
    """The allowed eBay condition nearest to a BOOMER grade, or None (no grade, nothing near)."""
    allowed_set = {c for c in allowed if CONDITION_IDS.get(c) not in RESTRICTED_CONDITION_IDS}
    for condition in _NEAREST.get((grade or "").upper(), ()):
        if condition in allowed_set:
            return condition
    return None


def condition_description(defects: list[str] | str, condition: str) -> str:
    """The defects as one text of at most 1000 characters; "" for the new family (eBay ignores it)."""
    if condition in NEW_FAMILY:
        return ""
    items = [defects] if isinstance(defects, str) else list(defects or [])
    parts = []
    for item in items:
        text = " ".join(str(item).split()).rstrip(".")
        if text:
            parts.append(text[0].upper() + text[1:] + ".")
    text = " ".join(parts)
    if len(text) <= MAX_CONDITION_DESCRIPTION:
        return text
    cut = text[: MAX_CONDITION_DESCRIPTION - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;.") + "…"


# --- item specifics ----------------------------------------------------------------------------
def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def _as_values(value) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, (list, tuple)) else [value]
    return [" ".join(str(v).split()) for v in values if str(v).strip()]


def _fact_for(aspect_name: str, facts: dict) -> list[str]:
    by_key = {_key(k): v for k, v in facts.items()}
    wanted = _key(aspect_name)
    if wanted in by_key:
        return _as_values(by_key[wanted])
    for fact_key, names in _SYNONYMS.items():
        if fact_key in by_key and wanted in {_key(n) for n in names}:
            return _as_values(by_key[fact_key])
    return []


def _allowed_value(aspect: Aspect, value: str) -> str | None:
    """eBay's own spelling of `value` when it is one of the aspect's listed values."""
    folded = value.casefold()
    return next((v for v in aspect.values if " ".join(v.split()).casefold() == folded), None)


def aspect_values(aspect: Aspect, values: list[str]) -> list[str]:
    """The values eBay would take for this aspect: listed values in eBay's spelling; for
    SELECTION_ONLY nothing else; never longer than aspectMaxLength; one unless MULTI."""
    chosen: list[str] = []
    for value in _as_values(values):
        listed = _allowed_value(aspect, value)
        if listed is None and aspect.selection_only:
            continue
        value = listed or value
        if aspect.max_length and len(value) > aspect.max_length:
            continue  # cutting it would make up a value
        if value not in chosen:
            chosen.append(value)
    return chosen if aspect.multi else chosen[:1]


def fill_aspects(aspects: list[Aspect], facts: dict) -> tuple[dict[str, list[str]], list[Aspect]]:
    """Item specifics from what BOOMER knows (brand, model, mpn, type, colour, size, …), matched
    by aspect name without regard to case, with a few synonyms. Returns (filled, the required
    and recommended aspects left for the reviewer)."""
    filled: dict[str, list[str]] = {}
    unfilled: list[Aspect] = []
    for aspect in aspects:
        values = aspect_values(aspect, _fact_for(aspect.name, facts))
        if values:
            filled[aspect.name] = values
        elif aspect.required or aspect.recommended:
            unfilled.append(aspect)
    return filled, unfilled


# --- identifiers -------------------------------------------------------------------------------
def _gtin_valid(code: str) -> bool:
    if not code.isascii() or not code.isdigit() or len(code) not in (8, 12, 13, 14):
        return False
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(code[:-1])))
    return (10 - total % 10) % 10 == int(code[-1])


def _isbn10_valid(code: str) -> bool:
    if len(code) != 10 or not code[:9].isdigit() or not code.isascii() or not (code[9].isdigit() or code[9] == "X"):
        return False
    total = sum((10 - i) * int(d) for i, d in enumerate(code[:9])) + (10 if code[9] == "X" else int(code[9]))
    return total % 11 == 0


def real_brand(brand: str) -> bool:
    return " ".join((brand or "").split()).casefold() not in NO_BRAND


def identifiers(barcode: str, brand: str = "", mpn: str = "") -> dict[str, str]:
    """The product identifiers eBay takes: the barcode as upc (UPC-A, 12 digits), isbn (ISBN-13
    starting 978/979, or ISBN-10) or ean (EAN-13, EAN-8), only when its check digit holds; the
    brand when it is a real one, and the mpn only with it (eBay validates the pair)."""
    found: dict[str, str] = {}
    code = re.sub(r"[\s-]", "", barcode or "").upper()
    if _isbn10_valid(code):
        found["isbn"] = code
    elif _gtin_valid(code):
        if len(code) == 12:
            found["upc"] = code
        elif len(code) == 13 and code[:3] in ("978", "979"):
            found["isbn"] = code
        elif len(code) == 13 and code.startswith("0"):
            found["upc"] = code[1:]  # a UPC-A written as EAN-13
        elif len(code) in (8, 13):
            found["ean"] = code
    if real_brand(brand):
        found["brand"] = " ".join(brand.split())
        if mpn and real_brand(mpn):
            found["mpn"] = " ".join(mpn.split())
    return found


# --- preflight ---------------------------------------------------------------------------------
def _choices(values, limit: int = 8) -> str:
    values = list(values)
    shown = ", ".join(values[:limit])
    return shown + (", …" if len(values) > limit else "")


def _category_name(fields: dict) -> str:
    path = ((fields.get("category") or {}).get("path") or "").strip()
    return path.rsplit(">", 1)[-1].strip() if path else "this category"


def aspect_problems(aspects: list[Aspect], given: dict, category: str = "this category") -> list[Problem]:
    """What eBay would refuse in the item specifics `given` ({name: [values]})."""
    by_key = {_key(k): _as_values(v) for k, v in (given or {}).items()}
    problems = []
    for aspect in aspects:
        values = by_key.get(_key(aspect.name), [])
        field = f"aspects.{aspect.name}"
        if not values:
            if aspect.required:
                if aspect.selection_only and aspect.values:
                    problems.append(Problem(field, f"eBay needs {aspect.name} for {category}: choose one of "
                                                   f"{_choices(aspect.values)}."))
                else:
                    problems.append(Problem(field, f"eBay needs {aspect.name} for {category}: type it in."))
            continue
        if aspect.selection_only:
            wrong = [v for v in values if _allowed_value(aspect, v) is None]
            if wrong:
                problems.append(Problem(field, f"eBay does not accept “{wrong[0]}” as {aspect.name} for {category}: "
                                               f"choose one of {_choices(aspect.values)}."))
                continue
        too_long = [v for v in values if aspect.max_length and len(v) > aspect.max_length]
        if too_long:
            problems.append(Problem(field, f"{aspect.name} is longer than the {aspect.max_length} characters "
                                           f"eBay allows: shorten “{too_long[0]}”."))
        elif not aspect.multi and len(values) > 1:
            problems.append(Problem(field, f"eBay takes one {aspect.name} for {category}, not {len(values)}."))
    return problems


def preflight(*, fields: dict, title: str, price, photo_sizes: list[tuple[int, int]], aspects: list[Aspect],
              allowed_conditions: list[str], category_is_leaf: bool, account: dict) -> list[Problem]:
    """Everything eBay checks at publish time that BOOMER can check first, in plain words.
    `fields` is the draft's platform_fields, `account` the eBay account's stored settings."""
    fields = fields or {}
    problems: list[Problem] = []
    category = fields.get("category") or {}
    name = _category_name(fields)
    if not category.get("id"):
        problems.append(Problem("category", "Choose an eBay category for this item."))
    elif not category_is_leaf:
        problems.append(Problem("category", f"eBay lists items only in the most specific categories: {name} has "
                                            "subcategories, choose one of them."))
    else:
        problems += aspect_problems(aspects, fields.get("aspects") or {}, name)

    condition = (fields.get("condition") or {}).get("enum", "")
    if not condition:
        problems.append(Problem("condition", "Choose the item's condition for eBay."))
    elif allowed_conditions and condition not in allowed_conditions:
        usable = [condition_label(c) for c in allowed_conditions if CONDITION_IDS.get(c)]
        problems.append(Problem("condition", f"eBay does not allow “{condition_label(condition)}” in {name}: "
                                             f"choose one of {_choices(usable)}."))

    longest = max((max(w, h) for w, h in photo_sizes), default=0)
    if not photo_sizes:
        problems.append(Problem("photos", "eBay needs at least one photo."))
    elif longest < MIN_PHOTO_EDGE:
        problems.append(Problem("photos", f"eBay needs a photo at least {MIN_PHOTO_EDGE} pixels on its long side; "
                                          f"the largest here is {longest}."))

    title = (title or "").strip()
    if not title:
        problems.append(Problem("title", "eBay needs a title."))
    elif len(title) > MAX_TITLE:
        problems.append(Problem("title", f"eBay titles are at most {MAX_TITLE} characters; this one has {len(title)}."))

    try:
        amount = Decimal(str(price)) if price not in (None, "") else None
    except InvalidOperation:
        amount = None
    if amount is None or amount <= 0:
        problems.append(Problem("price", "eBay needs a price above zero."))

    problems += account_problems(account, fields)
    return problems


def account_problems(account: dict, fields: dict | None = None) -> list[Problem]:
    """The seller's side: business policies, the item location, package size for calculated shipping."""
    account = account or {}
    if not account:
        return [Problem("account", "Connect an eBay account first.")]
    problems = []
    missing = [plain for key, plain in _PLAIN_POLICIES.items() if not account.get(key)]
    if missing:
        problems.append(Problem("policies", f"Choose the eBay business policies for {', '.join(missing)} "
                                            "in the eBay account settings."))
    if not account.get("merchant_location_key"):
        problems.append(Problem("location", "eBay needs the item location: add the seller's address and "
                                            "reconnect the eBay account."))
    if account.get("calculated_shipping"):
        package = (fields or {}).get("package") or {}
        if not all(package.get(k) for k in ("weight_oz", "length_in", "width_in", "height_in")):
            problems.append(Problem("package", "The shipping policy uses calculated shipping: eBay needs the "
                                               "package weight and size."))
    return problems


# --- eBay's own errors -------------------------------------------------------------------------
_ITEM_SPECIFIC = re.compile(r"item specific (?P<name>.+?) (?:is missing|is invalid|has an invalid value|"
                            r"has too many values|is too long|was not)", re.I)
_PARAMETER_FIELDS = {
    "categoryid": "category", "category": "category", "condition": "condition", "conditionid": "condition",
    "conditiondescription": "condition", "fulfillmentpolicyid": "policies", "paymentpolicyid": "policies",
    "returnpolicyid": "policies", "merchantlocationkey": "location", "price": "price",
    "pricingsummary.price": "price", "title": "title", "product.title": "title", "imageurls": "photos",
    "product.imageurls": "photos", "packageweightandsize": "package",
}
_ERROR_FIELDS = {25003: "price", 25005: "category", 25007: "policies", 25008: "policies", 25009: "policies",
                 25014: "photos", 25015: "photos", 25020: "package", 25021: "condition"}
_WORD_FIELDS = (("item specific", "aspects"), ("category", "category"), ("condition", "condition"),
                ("policy", "policies"), ("location", "location"), ("item.country", "location"),
                ("picture", "photos"), ("photo", "photos"), ("image", "photos"), ("title", "title"),
                ("price", "price"), ("package", "package"))


def _error_field(error: dict, text: str) -> str:
    if match := _ITEM_SPECIFIC.search(text):
        return f"aspects.{match.group('name').strip()}"
    for parameter in error.get("parameters") or []:
        field = _PARAMETER_FIELDS.get(str(parameter.get("name", "")).lower())
        if field:
            return field
    try:
        field = _ERROR_FIELDS.get(int(error.get("errorId")))
    except (TypeError, ValueError):
        field = None
    if field:
        return field
    lowered = text.lower()
    return next((f for word, f in _WORD_FIELDS if word in lowered and f != "aspects"), "listing")


def map_publish_errors(errors: list[dict]) -> list[Problem]:
    """eBay's errors[] (errorId, message, longMessage, parameters) → the field each one names."""
    problems: list[Problem] = []
    for error in errors or []:
        text = str(error.get("longMessage") or error.get("message") or "eBay refused the listing.")
        text = re.sub(r"^A user error has occurred\.\s*", "", text).strip() or "eBay refused the listing."
        problem = Problem(_error_field(error, text), text)
        if problem not in problems:
            problems.append(problem)
    return problems

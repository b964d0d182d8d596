"""The eBay draft's own fields — category, item specifics, condition, identifiers — filled from the
product's identity with eBay's catalog (marketplaces/ebay_catalog.py) and rules (ebay_rules.py).

Never guessed: an aspect without a fact behind it stays empty and is listed for the reviewer; a
catalog that cannot be read leaves the category unknown (the preflight says so) instead of
failing the pipeline. What a reviewer chose (a category, an aspect's value) is kept when BOOMER
fills the draft again.
"""
from __future__ import annotations

import logging

from django.conf import settings

from marketplaces import ebay_catalog, ebay_rules
from marketplaces.adapters.base import AdapterError
from products.models import Product, ProductCondition

log = logging.getLogger(__name__)

SUGGESTIONS_KEPT = 5
# Identity fields the aspects are matched against (ebay_rules.fill_aspects matches names and synonyms).
IDENTITY_FACTS = ("brand", "model")


def marketplace_of(credentials: dict | None) -> str:
    return (credentials or {}).get("marketplace_id") or "EBAY_US"


def catalog_available(credentials: dict | None) -> bool:
    """eBay's catalog needs the app's keys: the environment's, or a connected account's."""
    credentials = credentials or {}
    return bool((settings.EBAY_CLIENT_ID and settings.EBAY_CLIENT_SECRET)
                or (credentials.get("client_id") and credentials.get("client_secret")))


def catalog_kwargs(credentials: dict | None) -> dict:
    return {"marketplace_id": marketplace_of(credentials), "credentials": credentials}


def product_facts(product: Product) -> dict[str, str]:
    """What is known about the item, by name: its attributes and identity (blank ones left out)."""
    facts = {}
    attributes = product.attributes if isinstance(product.attributes, dict) else {}  # the admin takes any JSON
    for name, value in attributes.items():
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
            facts[str(name).strip().lower()] = str(value).strip()
    for name in IDENTITY_FACTS:
        value = (getattr(product, name) or "").strip()
        if value:
            facts[name] = value
    return facts


def category_query(product: Product) -> str:
    """What eBay's category suggestions are asked with: the item's name and its own category's leaf."""
    leaf = (product.category or "").split(">")[-1].strip()
    words = product.name or " ".join(p for p in (product.brand, product.model) if p)
    if leaf and leaf.lower() not in words.lower():
        return f"{words} {leaf}".strip()
    return words


def _grade_and_defects(product: Product) -> tuple[str, list[str]]:
    condition = ProductCondition.objects.filter(product=product).first()
    if condition is None:
        return "", []
    defects = condition.defects if isinstance(condition.defects, list) else [condition.defects]
    return condition.grade or "", [text for text in map(defect_text, defects) if text]


def defect_text(defect) -> str:
    """One defect as the condition step wrote it ({"type": "scratch", "detail": "…"}) in words."""
    if not isinstance(defect, dict):
        return str(defect or "").strip()
    kind = str(defect.get("type") or "").replace("_", " ").strip()
    detail = str(defect.get("detail") or "").strip()
    if kind and detail and kind.lower() not in detail.lower():
        return f"{kind.capitalize()}: {detail}"
    return detail or kind


def _suggested_category(product: Product, credentials: dict | None) -> dict:
    query = category_query(product)
    if not query:
        return {"id": "", "path": "", "chosen_by": "boomer", "suggestions": [],
                "error": "nothing identifies the item yet to ask eBay for a category"}
    suggestions = ebay_catalog.suggest_categories(query, **catalog_kwargs(credentials))
    listed = [{"id": s.id, "path": s.path} for s in suggestions[:SUGGESTIONS_KEPT]]
    if not listed:
        return {"id": "", "path": "", "chosen_by": "boomer", "suggestions": [],
                "error": f"eBay suggested no category for “{query}”"}
    return {**listed[0], "chosen_by": "boomer", "suggestions": listed}


def ebay_fields_fill(*, product: Product, current: dict | None = None, credentials: dict | None = None) -> dict:
    """The eBay draft's platform_fields for `product`; `current` is what the draft holds now."""
    current = dict(current or {})
    kept_category = current.get("category") if (current.get("category") or {}).get("chosen_by") == "reviewer" else None
    reviewer_aspects = {name: values for name, values in (current.get("aspects") or {}).items()
                        if name in (current.get("aspects_by_reviewer") or [])}
    grade, defects = _grade_and_defects(product)
    fields = {"aspects": {}, "condition": {}, "identifiers": {}, "condition_description": ""}
    aspects, allowed = [], []
    if kept_category:
        fields["category"] = kept_category
    elif not catalog_available(credentials):
        fields["category"] = {"id": "", "path": "", "chosen_by": "boomer", "suggestions": [],
                              "error": "no eBay app keys (EBAY_CLIENT_ID) and no eBay account connected"}
    else:
        try:
            fields["category"] = _suggested_category(product, credentials)
        except AdapterError as exc:
            log.warning("product %s: eBay's category suggestions could not be read: %s", product.pk, exc.message)
            fields["category"] = {"id": "", "path": "", "chosen_by": "boomer", "suggestions": [],
                                  "error": f"eBay's catalog could not be read: {exc.message}"}
    category_id = fields["category"].get("id")
    if category_id and catalog_available(credentials) and fields["category"].get("leaf", True):
        try:
            aspects = ebay_catalog.item_aspects(category_id, **catalog_kwargs(credentials))
            allowed = ebay_catalog.allowed_conditions(category_id, **catalog_kwargs(credentials))
            fields["category"] = {k: v for k, v in fields["category"].items() if k != "error"}  # read now
        except AdapterError as exc:
            log.warning("product %s: eBay's aspects for %s could not be read: %s", product.pk, category_id, exc.message)
            fields["category"] = {**fields["category"], "error": f"eBay's catalog could not be read: {exc.message}"}
    reviewer_cleared = [name for name in current.get("aspects_by_reviewer") or [] if name not in reviewer_aspects]
    dropped = []
    if aspects:  # the reviewer's values are checked again against this category's aspects
        reviewer_aspects, dropped = _reviewer_values_kept(aspects, reviewer_aspects)
        reviewer_cleared = [name for name in reviewer_cleared if name in {aspect.name for aspect in aspects}]
    facts = product_facts(product)
    filled, _unfilled = ebay_rules.fill_aspects(aspects, facts) if aspects else ({}, [])
    filled = {name: values for name, values in filled.items() if name not in reviewer_cleared}
    fields["aspects"] = {**filled, **reviewer_aspects}
    if reviewer_aspects or reviewer_cleared:
        fields["aspects_by_reviewer"] = sorted({*reviewer_aspects, *reviewer_cleared})
    chosen = current.get("condition") or {}
    if chosen.get("chosen_by") == "reviewer" and (not allowed or chosen.get("enum") in allowed):
        enum = chosen["enum"]  # the reviewer's, while the category allows it
    else:
        if chosen.get("chosen_by") == "reviewer":
            dropped.append(f"Condition: “{ebay_rules.condition_label(chosen.get('enum', ''))}” is not one this "
                           "category allows")
        enum = ebay_rules.nearest_condition(grade, allowed) if grade and allowed else None
    if dropped:
        fields["aspects_dropped"] = dropped
    if enum:
        fields["condition"] = {"enum": enum, "id": ebay_rules.CONDITION_IDS.get(enum, ""),
                               **({"chosen_by": "reviewer"} if enum == chosen.get("enum") and
                                  chosen.get("chosen_by") == "reviewer" else {})}
        fields["condition_description"] = ebay_rules.condition_description(defects, enum) if defects else ""
    fields["identifiers"] = ebay_rules.identifiers(product.barcode or "", product.brand or "", facts.get("mpn", ""))
    if "package" in current:  # the reviewer's, asked for calculated shipping
        fields["package"] = current["package"]
    return fields


def _reviewer_values_kept(aspects: list, values: dict[str, list[str]]) -> tuple[dict[str, list[str]], list[str]]:
    """The reviewer's aspect values this category takes (in eBay's spelling), and, in words, the
    ones it does not (an aspect it has not, a value not among its choices, too long)."""
    by_name = {aspect.name: aspect for aspect in aspects}
    kept, dropped = {}, []
    for name, given in values.items():
        aspect = by_name.get(name)
        if aspect is None:
            dropped.append(f"{name}: this category has no such item specific")
            continue
        taken = ebay_rules.aspect_values(aspect, given)
        if taken:
            kept[name] = taken
        refused = [value for value in given if not ebay_rules.aspect_values(aspect, [value])]
        if refused:
            dropped.append(f"{name}: “{', '.join(refused)}” is not a value this category takes")
        elif len(taken) < len(given):
            dropped.append(f"{name}: this category takes one value; “{taken[0]}” was kept")
    return kept, dropped


def ebay_category_choose(*, product: Product, current: dict, category_id: str, credentials: dict | None) -> dict:
    """The reviewer's category, the specifics refilled for it; the reviewer's own aspect values
    carried over where the new category takes them. A suggestion's path is the one eBay gave with
    it (suggestions are leaves); a typed id's is read from eBay (AdapterError when eBay does not
    know it)."""
    category_id = str(category_id).strip()
    suggestions = (current.get("category") or {}).get("suggestions") or []
    suggested = next((s for s in suggestions if s.get("id") == category_id), None)
    if suggested is not None:
        path, is_leaf = suggested.get("path", ""), True
    else:
        path, is_leaf = ebay_catalog.category_path(category_id, **catalog_kwargs(credentials))
    chosen = {"id": category_id, "path": path, "chosen_by": "reviewer", "suggestions": suggestions,
              **({} if is_leaf else {"leaf": False, "error": "not a leaf category: eBay lists only in the most "
                                                             "specific categories, choose one below it"})}
    return ebay_fields_fill(product=product, current={**current, "category": chosen}, credentials=credentials)


def ebay_aspects_set(*, current: dict, values: dict[str, list[str]]) -> dict:
    """The reviewer's aspect values (already validated) over what BOOMER filled; an empty list
    clears the aspect (and BOOMER does not fill it again)."""
    aspects = {**(current.get("aspects") or {}), **values}
    by_reviewer = sorted({*(current.get("aspects_by_reviewer") or []), *values})
    kept = {k: v for k, v in current.items() if k != "aspects_dropped"}
    return {**kept, "aspects": {k: v for k, v in aspects.items() if v}, "aspects_by_reviewer": by_reviewer}


def ebay_condition_set(*, product: Product, current: dict, condition: str, allowed: list[str]) -> dict:
    """The reviewer's condition (a ConditionEnum value the category allows). Raises ValueError
    naming the allowed ones, as eBay shows them."""
    _grade, defects = _grade_and_defects(product)
    wanted = str(condition or "").strip().upper()
    if wanted not in allowed:
        shown = ", ".join(f"{ebay_rules.condition_label(c)} ({c})" for c in allowed) or "none could be read"
        raise ValueError(f"{condition!r} is not a condition this eBay category allows: choose one of {shown}")
    return {**current, "condition": {"enum": wanted, "id": ebay_rules.CONDITION_IDS.get(wanted, ""),
                                     "chosen_by": "reviewer"},
            "condition_description": ebay_rules.condition_description(defects, wanted) if defects else ""}


def ebay_specifics_validate(*, aspects: list, values: dict) -> dict[str, list[str]]:
    """The reviewer's item specifics checked against the category's aspects, in eBay's spelling.

    Raises ValueError naming the aspect or value eBay would refuse."""
    by_name = {aspect.name.lower(): aspect for aspect in aspects}
    cleaned = {}
    for name, given in values.items():
        aspect = by_name.get(str(name).strip().lower())
        if aspect is None:
            known = ", ".join(a.name for a in aspects[:30])
            raise ValueError(f"eBay has no item specific {name!r} for this category (it has: {known})")
        if not isinstance(given, (str, list)) or not all(isinstance(v, (str, int, float)) for v in given):
            raise ValueError(f"{aspect.name}: give a text value or a list of them")
        given = [given] if isinstance(given, str) else given
        given = [str(v).strip() for v in given if str(v).strip()]
        if not given:  # an empty value clears an optional aspect
            if aspect.required:
                raise ValueError(f"eBay needs {aspect.name} for this category: give a value")
            cleaned[aspect.name] = []
            continue
        if len(given) > 1 and not aspect.multi:
            raise ValueError(f"{aspect.name} takes one value, not {len(given)}")
        spelled = []
        for value in given:
            if aspect.selection_only:
                match = next((v for v in aspect.values if v.lower() == value.lower()), None)
                if match is None:
                    shown = ", ".join(aspect.values[:20]) + (" …" if len(aspect.values) > 20 else "")
                    raise ValueError(f"{value!r} is not an allowed value of {aspect.name}: choose one of {shown}")
                value = match
            if aspect.max_length and len(value) > aspect.max_length:
                raise ValueError(f"{aspect.name} allows {aspect.max_length} characters; {value!r} has {len(value)}")
            spelled.append(value)
        cleaned[aspect.name] = spelled
    return cleaned

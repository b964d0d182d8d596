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
    if aspects:  # a value the reviewer gave for another category's aspect does not carry over
        known = {aspect.name for aspect in aspects}
        reviewer_aspects = {name: values for name, values in reviewer_aspects.items() if name in known}
    facts = product_facts(product)
    filled, _unfilled = ebay_rules.fill_aspects(aspects, facts) if aspects else ({}, [])
    fields["aspects"] = {**filled, **reviewer_aspects}
    if reviewer_aspects:
        fields["aspects_by_reviewer"] = sorted(reviewer_aspects)
    enum = ebay_rules.nearest_condition(grade, allowed) if grade and allowed else None
    if enum:
        fields["condition"] = {"enum": enum, "id": ebay_rules.CONDITION_IDS.get(enum, "")}
        fields["condition_description"] = ebay_rules.condition_description(defects, enum) if defects else ""
    fields["identifiers"] = ebay_rules.identifiers(product.barcode or "", product.brand or "", facts.get("mpn", ""))
    if "package" in current:  # the reviewer's, asked for calculated shipping
        fields["package"] = current["package"]
    return fields


def ebay_category_choose(*, product: Product, current: dict, category_id: str, credentials: dict | None) -> dict:
    """The reviewer's category: its path read again from eBay (AdapterError when eBay does not know
    it), the specifics refilled for it; the reviewer's own aspect values carried over."""
    category_id = str(category_id).strip()
    path, is_leaf = ebay_catalog.category_path(category_id, **catalog_kwargs(credentials))
    suggestions = (current.get("category") or {}).get("suggestions") or []
    chosen = {"id": category_id, "path": path, "chosen_by": "reviewer", "suggestions": suggestions,
              **({} if is_leaf else {"leaf": False, "error": "not a leaf category: eBay lists only in the most "
                                                             "specific categories, choose one below it"})}
    return ebay_fields_fill(product=product, current={**current, "category": chosen}, credentials=credentials)


def ebay_aspects_set(*, current: dict, values: dict[str, list[str]]) -> dict:
    """The reviewer's aspect values (already validated) over what BOOMER filled."""
    aspects = {**(current.get("aspects") or {}), **values}
    by_reviewer = sorted({*(current.get("aspects_by_reviewer") or []), *values})
    return {**current, "aspects": {k: v for k, v in aspects.items() if v}, "aspects_by_reviewer": by_reviewer}


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
        if not given:
            raise ValueError(f"{aspect.name}: give a value")
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

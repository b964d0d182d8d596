"""Preflight: what each platform would refuse, found before the reviewer approves.

eBay: eBay's own rules (marketplaces/ebay_rules.py `preflight`) with the category's data from its
catalog — a leaf category, every required aspect with an allowed value, a condition the category
allows, a photo with a long edge of 500 px, title ≤ 80, price > 0, the account's policies and
location. Facebook and Mercari: their required fields (title, price, a condition and a category
from their vocabularies, photos). A platform the seller has not connected is not checked here:
its publish fails at once and says to connect it. The result is kept on the draft (platform_fields
["preflight"]) for the desk, and computed afresh on approval.
"""
from __future__ import annotations

from dataclasses import asdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from listings.ebay_fields import catalog_available, catalog_kwargs
from listings.models import ListingDraft
from listings.platform_categories import category_hint
from marketplaces import ebay_catalog, ebay_rules
from marketplaces.adapters import facebook as facebook_adapter
from marketplaces.adapters import mercari as mercari_adapter
from marketplaces.adapters.base import AdapterError
from marketplaces.credentials import account_secrets
from marketplaces.models import MarketplaceAccount
from marketplaces.platforms import platform_get
from products.models import Product, ProductCondition

Problem = ebay_rules.Problem
# What eBay checks without its catalog: still checked when the category data cannot be read.
EBAY_BASIC = ("title", "price", "photos", "policies", "location", "package", "account")
MERCARI_PRICE = (Decimal(1), Decimal(2000))
MERCARI_FORMATS = ("jpg", "jpeg", "png")


def account_credentials(*, owner, platform: str) -> dict | None:
    """The seller's decrypted credentials for `platform`, or None when not connected."""
    account = MarketplaceAccount.objects.filter(owner=owner, platform=platform).first()
    return account_secrets(account) if account is not None else None


def _grade(product: Product) -> str:
    condition = ProductCondition.objects.filter(product=product).first()
    return (condition.grade or "") if condition else ""


def _common(product: Product, draft: ListingDraft | None, price, label: str, title_max: int) -> list[Problem]:
    problems = []
    title = (draft.title if draft else product.title).strip()
    if not title:
        problems.append(Problem("title", f"{label} needs a title"))
    elif len(title) > title_max:
        problems.append(Problem("title", f"{label} allows {title_max} characters in a title; this one has {len(title)}"))
    if price is None or Decimal(price) <= 0:
        problems.append(Problem("price", f"{label} needs a price above 0"))
    return problems


def _category(product: Product, draft: ListingDraft | None, platform: str) -> list[Problem]:
    """Facebook's and Mercari's category, mapped from BOOMER's or picked by the reviewer."""
    if (((draft.platform_fields if draft else None) or {}).get("category") or {}).get("path"):
        return []
    return [Problem("category", f"{platform.capitalize()} needs a category: {category_hint(platform, product)}")]


def _facebook(product, draft, price, credentials) -> list[Problem]:
    problems = _common(product, draft, price, "Facebook", platform_get("facebook").title_max)
    if facebook_adapter.CONDITIONS.get(_grade(product)) is None:
        problems.append(Problem("condition", "Facebook needs a condition: grade the item (New, Like new, Good, "
                                             "Fair or Poor)"))
    problems += _category(product, draft, "facebook")
    if not (product.brand or "").strip():
        # Facebook's catalog refuses an item with none of brand, gtin or mpn; BOOMER sends the brand.
        problems.append(Problem("brand", "Facebook needs the item's brand: add it to the item's identity"))
    if not product.images.exists():
        problems.append(Problem("photos", "Facebook needs at least one photo"))
    return problems


def _mercari(product, draft, price, credentials) -> list[Problem]:
    problems = _common(product, draft, price, "Mercari", platform_get("mercari").title_max)
    if price is not None and Decimal(price) > 0:
        whole = Decimal(price).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if not MERCARI_PRICE[0] <= whole <= MERCARI_PRICE[1]:
            problems.append(Problem("price", f"Mercari takes whole-dollar prices from ${MERCARI_PRICE[0]} to "
                                             f"${MERCARI_PRICE[1]}; this one is ${whole}"))
    description = (draft.description if draft else "") or ""
    if len(description) > platform_get("mercari").description_max:
        problems.append(Problem("description", f"Mercari allows {platform_get('mercari').description_max} "
                                               f"characters in a description; this one has {len(description)}"))
    if mercari_adapter.CONDITIONS.get(_grade(product)) is None:
        problems.append(Problem("condition", "Mercari needs a condition: grade the item (New, Like new, Good, "
                                             "Fair or Poor)"))
    problems += _category(product, draft, "mercari")
    formats = [image.format.lower() for image in product.images.all()]
    if not any(f in MERCARI_FORMATS for f in formats):
        problems.append(Problem("photos", "Mercari needs at least one JPEG or PNG photo"))
    return problems


def fields_checked(draft: ListingDraft | None) -> dict:
    """A draft's platform fields without the stored preflight result (what the preflight checks)."""
    return {k: v for k, v in ((draft.platform_fields if draft else None) or {}).items() if k != "preflight"}


def _ebay(product, draft, price, credentials) -> list[Problem]:
    fields = fields_checked(draft)
    sizes = [(image.width, image.height) for image in product.images.all()]
    title = draft.title if draft else product.title

    def rules(**catalog) -> list[Problem]:
        return ebay_rules.preflight(fields=fields, title=title, price=price, photo_sizes=sizes, account=credentials,
                                    **catalog)

    def basic() -> list[Problem]:
        return [p for p in rules(aspects=[], allowed_conditions=[], category_is_leaf=True) if p.field in EBAY_BASIC]

    if not fields:
        # A draft written before BOOMER read eBay's rules (the approval fills it first when eBay's catalog
        # can be read): it goes into the account's category as before, if the account names one.
        if (credentials or {}).get("category_id"):
            return basic()
        return [Problem("category", "The eBay category is unknown (this draft was written before BOOMER read "
                                    "eBay's categories): pick a suggestion or type a category id"), *basic()]
    category = fields.get("category") or {}
    if not category.get("id"):
        reason = category.get("error") or "BOOMER could not find one"
        return [Problem("category", f"The eBay category is unknown ({reason}): pick a suggestion or type a "
                                    "category id"), *basic()]
    if not catalog_available(credentials):
        return [Problem("category", "eBay's catalog cannot be read without the app keys (EBAY_CLIENT_ID)"), *basic()]
    # Whether it is a leaf was learnt when it was chosen (eBay suggests only leaves; a typed id was read).
    is_leaf = category.get("leaf", True) is not False
    if not is_leaf:
        return rules(aspects=[], allowed_conditions=[], category_is_leaf=False)
    try:
        aspects = ebay_catalog.item_aspects(category["id"], **catalog_kwargs(credentials))
        allowed = ebay_catalog.allowed_conditions(category["id"], **catalog_kwargs(credentials))
    except AdapterError as exc:
        return [Problem("category", f"eBay's data for category {category['id']} could not be read "
                                    f"({exc.message}): try again"), *basic()]
    return rules(aspects=aspects, allowed_conditions=allowed, category_is_leaf=is_leaf)


CHECKS = {"ebay": _ebay, "facebook": _facebook, "mercari": _mercari}


def platform_preflight(*, product: Product, platform: str, draft: ListingDraft | None = None,
                       price=None, credentials: dict | None | bool = False) -> list[Problem]:
    """What `platform` would refuse of this item. `credentials` False: read the seller's account."""
    check = CHECKS.get(platform)
    if credentials is False:
        credentials = account_credentials(owner=product.owner, platform=platform)
    if check is None or credentials is None:
        return []
    if draft is None:
        draft = ListingDraft.objects.filter(product=product, platform=platform).first()
    if price is None:
        price = draft.price if draft and draft.price is not None else product.recommended_price
    return check(product, draft, price, credentials)


def product_preflight(*, product: Product, platforms: list[str], price=None) -> dict[str, list[Problem]]:
    """Per chosen platform, what it would refuse (platforms without problems left out)."""
    found = {platform: platform_preflight(product=product, platform=platform, price=price) for platform in platforms}
    return {platform: problems for platform, problems in found.items() if problems}


def problem_names(problems: list[Problem]) -> list[str]:
    """The fields a reviewer must supply: an aspect by its name ("Type"), anything else by its field."""
    names = [p.field.split(".", 1)[1] if p.field.startswith("aspects.") else p.field for p in problems]
    return list(dict.fromkeys(names))


def problems_text(found: dict[str, list[Problem]]) -> str:
    return "; ".join(f"{platform_get(platform).label}: {p.message}" for platform, problems in found.items()
                     for p in problems)


def draft_preflight_store(*, draft: ListingDraft, credentials: dict | None | bool = False) -> list[Problem]:
    """Check the draft again and keep the result on it, for the desk."""
    problems = platform_preflight(product=draft.product, platform=draft.platform, draft=draft, credentials=credentials)
    checked = credentials is not None and (credentials is not False or MarketplaceAccount.objects.filter(
        owner=draft.product.owner, platform=draft.platform).exists())
    draft.platform_fields = {**(draft.platform_fields or {}), "preflight": {
        "checked": bool(checked), "checked_at": timezone.now().isoformat(),
        "problems": [asdict(p) for p in problems]}}
    ListingDraft.objects.filter(pk=draft.pk).update(platform_fields=draft.platform_fields)
    return problems


ACCOUNT_FIELDS = ("account", "policies", "location", "package")


def draft_preflight_now(*, draft: ListingDraft) -> dict:
    """The draft's stored preflight with the seller's side read afresh: the account's policies,
    location and package need change when the seller reconnects or picks policies, not when the
    draft does. A draft never checked (no account then, connected now) is checked in full."""
    stored = (draft.platform_fields or {}).get("preflight") or {}
    credentials = account_credentials(owner=draft.product.owner, platform=draft.platform)
    if credentials is not None and not stored.get("checked"):
        draft_preflight_store(draft=draft, credentials=credentials)
        return draft.platform_fields["preflight"]
    if draft.platform != "ebay" or credentials is None:
        return stored
    fields = fields_checked(draft)
    problems = [p for p in stored.get("problems") or [] if p.get("field") not in ACCOUNT_FIELDS]
    problems += [asdict(p) for p in ebay_rules.account_problems(credentials, fields)]
    return {**stored, "problems": problems}

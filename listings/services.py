"""The reviewer's decisions: approve (one Listing per chosen platform, then the publish saga)
and reject; and a person's edit of a draft."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from listings import ebay_fields
from listings.models import Listing, ListingDraft, Policy
from listings.platform_categories import category_choose, draft_category_fill
from listings.preflight import (
    account_credentials,
    draft_preflight_store,
    fields_checked,
    problem_names,
    problems_text,
    product_preflight,
)
from listings.publishing import publish_saga_start
from marketplaces import ebay_catalog
from marketplaces.adapters.base import AdapterError
from marketplaces.platforms import MARKETPLACES
from products.models import Product
from products.services import IllegalTransition, product_transition


class ApprovalError(ValueError):
    """The approval asks for something that cannot be done (no platform, no price...)."""


class PreflightRefused(ApprovalError):
    """A chosen platform would refuse the item: `missing` names the fields per platform."""

    def __init__(self, found: dict):
        super().__init__(f"not approved — the platform would refuse it: {problems_text(found)}")
        self.problems = found
        self.missing = {platform: problem_names(problems) for platform, problems in found.items()}


class CatalogUnavailable(ApprovalError):
    """eBay's catalog could not be read to check what the reviewer gave: try again."""


def approval_stage_check(*, product: Product) -> None:
    """IllegalTransition (409) unless the product is in review: checked before anything the
    approval carries (item specifics, a condition) is written to its drafts."""
    if not can_proceed(product.approve):
        raise IllegalTransition(product, "approve")


def product_approve(*, product_id: int, by, platforms: list[str], price: Decimal | None = None,
                    policy: str = Policy.BEST_EFFORT, confirm: list[str] | tuple = ()) -> Product:
    """PENDING → PUBLISHING, with one DRAFT Listing per platform taken from its draft.

    An identity field a deterministic read contradicts (its barcode is not the decoded one…)
    must have been edited by the reviewer or be named in `confirm`. An eBay draft written before
    BOOMER read eBay's rules (no platform_fields) is filled first, outside the approval's
    transaction, so what it found stays on the draft even when the approval is refused."""
    if "ebay" in platforms:
        draft_ebay_fields_fill_empty(product_id=product_id)
    return _product_approve(product_id=product_id, by=by, platforms=platforms, price=price, policy=policy,
                            confirm=confirm)


def draft_ebay_fields_fill_empty(*, product_id: int) -> ListingDraft | None:
    """Fill an eBay draft that has no fields yet (made before this change), when eBay's catalog can
    be read for the seller's connected account; otherwise leave it to the preflight."""
    draft = ListingDraft.objects.select_related("product").filter(product_id=product_id, platform="ebay").first()
    if draft is None or fields_checked(draft):
        return None
    credentials = account_credentials(owner=draft.product.owner, platform="ebay")
    if credentials is None or not ebay_fields.catalog_available(credentials):
        return None
    return draft_ebay_fields_fill(draft=draft)


@transaction.atomic
def _product_approve(*, product_id: int, by, platforms: list[str], price: Decimal | None,
                     policy: str, confirm: list[str] | tuple) -> Product:
    chosen = list(dict.fromkeys(platforms))
    unknown = [p for p in chosen if p not in MARKETPLACES]
    if not chosen:
        raise ApprovalError("choose at least one platform")
    if unknown:
        raise ApprovalError(f"unknown platform(s): {', '.join(unknown)}")
    if policy not in Policy.values:
        raise ApprovalError(f"unknown policy {policy!r}: use {' or '.join(Policy.values)}")
    if price is not None and price <= 0:
        raise ApprovalError("the price must be more than 0")
    unconfirmed = [name for name in Product.objects.get(pk=product_id).contradicted_fields() if name not in confirm]
    if unconfirmed:
        raise ApprovalError(f"contradicted by what was read on the item: {', '.join(unconfirmed)} — "
                            "edit the field, or confirm it to approve")
    drafts = {d.platform: d for d in ListingDraft.objects.filter(product_id=product_id, platform__in=chosen)}
    missing_price = [p for p in chosen if price is None and (p not in drafts or drafts[p].price is None)]
    if missing_price:
        raise ApprovalError(f"no price for {', '.join(missing_price)}: give one (no comparable sales to suggest it)")
    found = product_preflight(product=Product.objects.get(pk=product_id), platforms=chosen, price=price)
    if found:
        raise PreflightRefused(found)
    product = product_transition(product_id=product_id, transition="approve", by=by,
                                 reason=f"approved for {', '.join(chosen)} ({policy})")
    approved_at = timezone.now()
    for platform in chosen:
        draft = drafts.get(platform)
        # A product sent back to review keeps its listing rows: they are reused, not doubled.
        Listing.objects.update_or_create(product=product, platform=platform, defaults={
            "approved_at": approved_at, "policy": policy, "title": draft.title if draft else product.title,
            "description": draft.description if draft else "",
            "price": price if price is not None else draft.price, "currency": product.currency,
            "platform_fields": fields_checked(draft),
        })
    publish_saga_start(product=product, platforms=chosen)
    return product


def product_reject(*, product_id: int, by, reason: str) -> Product:
    if not reason.strip():
        raise ApprovalError("say why the item is rejected")
    return product_transition(product_id=product_id, transition="reject", by=by, reason=reason.strip())


def draft_update(*, draft: ListingDraft, title: str, description: str, price) -> ListingDraft:
    """A person's edit: kept even if the agent writes drafts again."""
    draft.title, draft.description, draft.price = title, description, price
    draft.edited = True
    draft.version += 1
    draft.save()
    draft_preflight_store(draft=draft)
    return draft


def _ebay_draft(product_id: int) -> tuple[ListingDraft, dict | None]:
    draft = ListingDraft.objects.select_related("product").filter(product_id=product_id, platform="ebay").first()
    if draft is None:
        raise ApprovalError("this item has no eBay draft")
    return draft, account_credentials(owner=draft.product.owner, platform="ebay")


def draft_item_specifics_set(*, product_id: int, specifics: dict[str, dict]) -> ListingDraft | None:
    """The reviewer's item specifics ({"ebay": {"Type": "…"}}), checked against the category's
    aspects and kept on the draft (they survive a refused approval); the preflight runs again."""
    unknown = [platform for platform in specifics if platform != "ebay"]
    if unknown:
        raise ApprovalError(f"item specifics are for eBay only, not {', '.join(map(repr, unknown))}")
    if not specifics.get("ebay"):
        return None
    draft, credentials = _ebay_draft(product_id)
    category_id = ((draft.platform_fields or {}).get("category") or {}).get("id")
    if not category_id:
        raise ApprovalError("the eBay category is unknown: choose it before giving item specifics")
    try:
        aspects = ebay_catalog.item_aspects(category_id, **ebay_fields.catalog_kwargs(credentials))
    except AdapterError as exc:
        if exc.permanent:  # a category eBay has no specifics for, no app keys: trying again changes nothing
            raise ApprovalError(f"eBay's item specifics for category {category_id} cannot be read: "
                                f"{exc.message}") from exc
        raise CatalogUnavailable(f"eBay's item specifics for category {category_id} could not be read "
                                 f"({exc.message}): try again") from exc
    try:
        values = ebay_fields.ebay_specifics_validate(aspects=aspects, values=specifics["ebay"])
    except ValueError as exc:
        raise ApprovalError(f"eBay: {exc}") from None
    draft.platform_fields = ebay_fields.ebay_aspects_set(current=draft.platform_fields or {}, values=values)
    draft.save(update_fields=["platform_fields", "updated_at"])
    draft_preflight_store(draft=draft, credentials=credentials)
    return draft


def draft_conditions_set(*, product_id: int, conditions: dict[str, str]) -> ListingDraft | None:
    """The reviewer's eBay condition ({"ebay": "USED_GOOD"}, a ConditionEnum value), for an item
    whose grade is near none the category allows: checked against the category's allowed
    conditions and kept on the draft as the reviewer's (a refill keeps it while it is allowed)."""
    unknown = [platform for platform in conditions if platform != "ebay"]
    if unknown:
        raise ApprovalError(f"conditions are for eBay only (the others follow the grade), not "
                            f"{', '.join(map(repr, unknown))}")
    if not conditions.get("ebay"):
        return None
    draft, credentials = _ebay_draft(product_id)
    category_id = ((draft.platform_fields or {}).get("category") or {}).get("id")
    if not category_id:
        raise ApprovalError("the eBay category is unknown: choose it before the condition")
    try:
        allowed = ebay_catalog.allowed_conditions(category_id, **ebay_fields.catalog_kwargs(credentials))
    except AdapterError as exc:
        if exc.permanent:
            raise ApprovalError(f"eBay's conditions for category {category_id} cannot be read: {exc.message}") from exc
        raise CatalogUnavailable(f"eBay's conditions for category {category_id} could not be read "
                                 f"({exc.message}): try again") from exc
    try:
        draft.platform_fields = ebay_fields.ebay_condition_set(product=draft.product, current=draft.platform_fields or {},
                                                               condition=conditions["ebay"], allowed=allowed)
    except ValueError as exc:
        raise ApprovalError(f"eBay: {exc}") from None
    draft.save(update_fields=["platform_fields", "updated_at"])
    draft_preflight_store(draft=draft, credentials=credentials)
    return draft


def draft_ebay_category_set(*, product_id: int, category_id: str) -> ListingDraft:
    """The reviewer's eBay category: its path and specifics read again from eBay."""
    draft, credentials = _ebay_draft(product_id)
    try:
        draft.platform_fields = ebay_fields.ebay_category_choose(
            product=draft.product, current=draft.platform_fields or {}, category_id=category_id,
            credentials=credentials)
    except AdapterError as exc:
        if exc.permanent:
            raise ApprovalError(f"eBay does not know category {category_id!r}: {exc.message}") from exc
        raise CatalogUnavailable(f"eBay's catalog could not be read ({exc.message}): try again") from exc
    draft.save(update_fields=["platform_fields", "updated_at"])
    draft_preflight_store(draft=draft, credentials=credentials)
    return draft


def draft_categories_set(*, product_id: int, categories: dict[str, str]) -> None:
    """The reviewer's category per platform ({"mercari": "Men > Jeans"}, {"ebay": "112529"}): kept on
    the draft (it survives a refused approval) and the draft checked again."""
    unknown = [platform for platform in categories if platform not in MARKETPLACES]
    if unknown:
        raise ApprovalError(f"categories for unknown platform(s): {', '.join(map(repr, unknown))}")
    for platform, chosen in categories.items():
        chosen = str(chosen or "").strip()
        if not chosen:
            raise ApprovalError(f"{platform}: give a category")
        if platform == "ebay":
            draft_ebay_category_set(product_id=product_id, category_id=chosen)
            continue
        draft = ListingDraft.objects.select_related("product").filter(product_id=product_id, platform=platform).first()
        if draft is None:
            raise ApprovalError(f"this item has no {platform} draft")
        try:
            draft.platform_fields = category_choose(platform=platform, current=draft.platform_fields, path=chosen)
        except ValueError as exc:
            raise ApprovalError(str(exc)) from None
        draft.save(update_fields=["platform_fields", "updated_at"])
        draft_preflight_store(draft=draft)


PACKAGE_FIELDS = ("weight_oz", "length_in", "width_in", "height_in")


def draft_package_set(*, product_id: int, package: dict) -> ListingDraft:
    """The package's weight (ounces) and size (inches) eBay needs for calculated shipping."""
    draft, credentials = _ebay_draft(product_id)
    values = {}
    for name in PACKAGE_FIELDS:
        value = package.get(name)
        if value in (None, ""):
            continue
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ApprovalError(f"the package's {name.replace('_', ' ')} must be a number, not {value!r}") from None
        if not number.is_finite() or number <= 0:
            raise ApprovalError(f"the package's {name.replace('_', ' ')} must be more than 0")
        values[name] = float(value)
    draft.platform_fields = {**(draft.platform_fields or {}), "package": values}
    draft.save(update_fields=["platform_fields", "updated_at"])
    draft_preflight_store(draft=draft, credentials=credentials)
    return draft


def product_drafts_refresh(*, product: Product) -> None:
    """A person changed the identity or the grade: the eBay draft's fields and the Facebook and
    Mercari categories are filled again from them (the reviewer's choices kept) and every draft is
    checked again."""
    for draft in ListingDraft.objects.filter(product=product).select_related("product"):
        if draft.platform == "ebay":
            draft_ebay_fields_fill(draft=draft)
        else:
            draft_preflight_store(draft=draft_category_fill(draft=draft))


def draft_ebay_fields_fill(*, draft: ListingDraft) -> ListingDraft:
    """BOOMER fills the eBay draft's category, specifics, condition and identifiers (the
    reviewer's choices kept), then checks it."""
    credentials = account_credentials(owner=draft.product.owner, platform="ebay")
    draft.platform_fields = ebay_fields.ebay_fields_fill(product=draft.product, current=draft.platform_fields or {},
                                                         credentials=credentials)
    draft.save(update_fields=["platform_fields", "updated_at"])
    draft_preflight_store(draft=draft, credentials=credentials)
    return draft

"""The publish saga: an approval goes live on each chosen platform.

    approve → chord([publish(listing) for each platform], settle(product))

Each step is idempotent: a listing already LIVE is not published again, adapters publish by
SKU / stored idempotency key. Work on one listing is serialised across workers by an advisory
lock (listings/locks.py), so a message delivered twice at once waits, then finds the listing
LIVE; a publish arriving after its product left publishing (back in review, sold) does
nothing. A step that fails for good records it on the listing (FAILED, with the reason the
reviewer sees) instead of raising, so the chord's callback (listings/settling.py) always runs.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

from celery import chord
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from boomer_site.celery import PRIORITY
from boomer_site.tasking import task_signature
from listings.locks import listing_lock
from listings.models import Listing, ListingStatus
from listings.moves import IllegalListingMove, listing_transition
from listings.notify import account_attention_notify
from marketplaces.adapters import AdapterError, ListingData
from marketplaces.adapters.media import media_of
from marketplaces.breakers import account_call
from marketplaces.models import MarketplaceAccount
from marketplaces.platforms import platform_get
from products.models import ProductCondition, Stage

log = logging.getLogger(__name__)

LIVE_STAGES = (Stage.PUBLISHED, Stage.ACTIVE)


def publish_saga_start(*, product, platforms: list[str] | None = None) -> None:
    """Queue the publish chord once the approval is committed (tasks by name: no import cycle)."""
    rows = list(product.listings.filter(**({"platform__in": platforms} if platforms else {}))
                .values_list("pk", "platform"))
    product_id = product.pk
    transaction.on_commit(lambda: chord(
        [task_signature("listings.publish", listing_id, priority=PRIORITY["high"], queue=platform_get(platform).queue)
         for listing_id, platform in rows],
        # Settling outranks every publish: a product goes ACTIVE as soon as its own copies are
        # live, not after the backlog of later approvals.
        task_signature("listings.settle", product_id, priority=0),
    ).apply_async())


# --- what the adapters get --------------------------------------------------------------------
def listing_data(listing: Listing, *, require_price: bool = True) -> ListingData:
    """The listing read once into the plain values adapters take (they never touch the ORM)."""
    product = listing.product
    try:
        grade = product.condition.grade or ""
    except ProductCondition.DoesNotExist:  # not assessed yet
        grade = ""
    price = listing.price if listing.price is not None else product.recommended_price
    if price is None and require_price:
        raise AdapterError("The listing has no price", permanent=True)
    return ListingData(
        sku=product.sku, title=listing.title, description=listing.description or "",
        price=Decimal(price) if price is not None else None, currency=listing.currency or "USD", grade=grade,
        brand=product.brand or "", category=product.category or "",
        idempotency_key=str(listing.idempotency_key), external_id=listing.external_id or "",
        listing_url=listing.listing_url or "", created_at=listing.created_at, owner_id=product.owner_id,
        **_platform_data(listing),
    )


def _platform_data(listing: Listing) -> dict:
    """The approved draft's platform fields (eBay's category, specifics, condition, identifiers)."""
    fields = listing.platform_fields or {}
    category = fields.get("category") or {}
    return {"category_id": str(category.get("id") or ""), "category_path": category.get("path") or "",
            "aspects": dict(fields.get("aspects") or {}), "condition": (fields.get("condition") or {}).get("enum", ""),
            "condition_description": fields.get("condition_description") or "",
            "identifiers": dict(fields.get("identifiers") or {}), "package": dict(fields.get("package") or {})}


def product_media(product):
    """The product's photos, in their display order, as adapters take them."""
    return media_of(image.image for image in product.images.all().order_by("position", "id"))


def listing_account(listing: Listing) -> MarketplaceAccount:
    owner = listing.product.owner
    account = MarketplaceAccount.objects.filter(owner=owner, platform=listing.platform).first()
    if account is None:
        raise AdapterError(
            f"no {listing.get_platform_display()} account connected for {owner.get_username()}: "
            f"manage.py connect_marketplace {listing.platform} --user {owner.get_username()}", permanent=True)
    return account


def listing_call(listing: Listing, action: str, *args):
    """The platform's `action` (publish, withdraw, fetch_status) for the listing's owner, behind
    the breakers (marketplaces/breakers.py: an error of the seller's own account counts for that
    account, not for the platform). When it marks the account as needing attention, the seller
    is told once."""
    account = listing_account(listing)
    try:
        return account_call(account, action, *args)
    except AdapterError as exc:
        if exc.details.get("account_attention") == "new":
            account_attention_notify(account=account, product=listing.product)
        raise


def _listing(listing_id: int) -> Listing:
    return Listing.objects.select_related("product__owner", "product__condition").get(pk=listing_id)


# --- one listing ---------------------------------------------------------------------------
def listing_publish(*, listing_id: int) -> str:
    """Put one listing live. Raises AdapterError for the task to retry or give up."""
    with listing_lock(listing_id):
        return _publish(listing_id)


def _publish(listing_id: int) -> str:
    listing = _listing(listing_id)
    if listing.product.stage not in (Stage.PUBLISHING, *LIVE_STAGES):
        return listing.status  # a late delivery: the product went back to review, sold or expired
    if listing.status == ListingStatus.WITHDRAWN and listing.product.stage != Stage.PUBLISHING:
        return listing.status  # taken down on purpose; only a new approval lists it again
    if listing.status in (ListingStatus.DRAFT, ListingStatus.FAILED, ListingStatus.WITHDRAWN):
        listing = listing_transition(listing_id=listing_id, transition="start_publishing", reason="publishing")
    if listing.status != ListingStatus.PUBLISHING:
        return listing.status  # LIVE already (a second delivery), or sold/ended meanwhile
    Listing.objects.filter(pk=listing_id).update(attempts=F("attempts") + 1)
    listing = _listing(listing_id)
    try:
        data = listing_data(listing)
        result = listing_call(listing, "publish", data, product_media(listing.product))
    except AdapterError as exc:
        # The reviewer sees why it is waiting; the task decides whether to retry.
        Listing.objects.filter(pk=listing_id).update(last_error=f"waiting: {exc.message}"[:2000])
        _keep_problems(listing_id, exc)
        _keep_screenshot(listing_id, exc)
        raise
    days = settings.BOOMER_LISTING_DAYS
    listing_transition(listing_id=listing_id, transition="go_live", reason="published", fields={
        "external_id": result.external_id, "listing_url": result.listing_url, "last_error": "",
        "platform_fields": {k: v for k, v in (listing.platform_fields or {}).items() if k != "problems"},
        "failure_permanent": False, "ends_at": timezone.now() + timedelta(days=days)})
    return ListingStatus.LIVE


def _keep_problems(listing_id: int, exc: AdapterError) -> None:
    """The platform's refusal per field (eBay's errors mapped to what their parameters name):
    kept on the listing, and said in plain words in its last error."""
    problems = [p for p in (exc.details or {}).get("problems") or [] if isinstance(p, dict) and p.get("message")]
    if not problems:
        return
    listing = Listing.objects.get(pk=listing_id)
    words = "; ".join(f"{p.get('field') or 'listing'}: {p['message']}" for p in problems)
    Listing.objects.filter(pk=listing_id).update(
        platform_fields={**(listing.platform_fields or {}), "problems": problems},
        last_error=f"waiting: {exc.message} — {words}"[:2000])


def _with_problems(listing_id: int, error: str) -> str:
    """The failure in plain words with the fields the platform named (kept by _keep_problems)."""
    fields = Listing.objects.values_list("platform_fields", flat=True).filter(pk=listing_id).first() or {}
    words = "; ".join(f"{p.get('field') or 'listing'}: {p['message']}" for p in fields.get("problems") or []
                      if p.get("message"))
    return f"{words} — {error}" if words and words not in error else error


def _keep_screenshot(listing_id: int, exc: AdapterError) -> None:
    name = (exc.details or {}).get("screenshot")
    if name:
        Listing.objects.filter(pk=listing_id).update(screenshot=name)


def listing_publish_failed(*, listing_id: int, error: str, permanent: bool) -> None:
    """The last attempt failed: the listing is FAILED with the reason (retryable unless refused)."""
    with listing_lock(listing_id):
        try:
            if Listing.objects.filter(pk=listing_id, status=ListingStatus.DRAFT).exists():
                listing_transition(listing_id=listing_id, transition="start_publishing", reason="publishing")
            listing_transition(listing_id=listing_id, transition="fail", reason=_with_problems(listing_id, error)[:2000],
                               fields={"failure_permanent": permanent})
        except IllegalListingMove:
            log.info("listing %s already moved on; failure not recorded", listing_id)

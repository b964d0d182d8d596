"""Ending copies: a sale on one platform ends every other copy (the delist saga), a listing
past its end date ends, and compensation withdraws what went live. Every step is idempotent:
a copy already down is not taken down twice."""
from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from boomer_site.celery import PRIORITY
from boomer_site.models import AnalyticsEvent
from boomer_site.tasking import task_send
from listings.locks import listing_lock
from listings.models import Listing, ListingStatus, SaleSource
from listings.moves import IllegalListingMove, listing_transition, product_move
from listings.notify import Kind, product_notify
from listings.publishing import LIVE_STAGES, listing_call, listing_data
from marketplaces.platforms import platform_get
from products.models import Product

log = logging.getLogger(__name__)

OUTCOMES = {"withdraw": "withdraw", "end": "end", "expire": "end"}


def listing_withdraw(*, listing_id: int, outcome: str, reason: str) -> str:
    """Take one live copy down (compensation, a sale elsewhere, expiry); idempotent."""
    with listing_lock(listing_id):
        listing = Listing.objects.select_related("product__owner", "product__condition").get(pk=listing_id)
        if listing.status != ListingStatus.LIVE:
            return listing.status
        listing_call(listing, "withdraw", listing_data(listing))
        try:
            listing_transition(listing_id=listing_id, transition=OUTCOMES[outcome], reason=reason)
        except IllegalListingMove:
            pass
    return outcome


def withdraw_send(*, listing_id: int, outcome: str, reason: str, priority: str) -> None:
    """Queue `listing_withdraw` on the platform's queue once the caller's transaction commits."""
    platform = Listing.objects.values_list("platform", flat=True).get(pk=listing_id)
    transaction.on_commit(lambda: task_send("listings.withdraw", listing_id, outcome, reason,
                                            priority=PRIORITY[priority], queue=platform_get(platform).queue))


@transaction.atomic
def listing_sold(*, listing_id: int, by=None, price: Decimal | None = None,
                 source: str = SaleSource.SELLER) -> Listing:
    """A sale on one platform: that listing and the product are SOLD, every other copy ends
    (queued once this commits) and the seller is told. Raises IllegalListingMove unless LIVE.
    `source`: only a sale the platform confirmed feeds other sellers' comps (market/sources/own_sales.py)."""
    current = Listing.objects.get(pk=listing_id)
    listing = listing_transition(listing_id=listing_id, transition="mark_sold", by=by, reason="sold",
                                 fields={"sold_price": price or current.price, "sold_at": timezone.now(),
                                         "sale_source": source})
    if listing.product.stage in LIVE_STAGES:
        product_move(product_id=listing.product_id, transition="mark_sold",
                     reason=f"sold on {listing.get_platform_display()}")
    others = list(Listing.objects.filter(product_id=listing.product_id, status=ListingStatus.LIVE)
                  .exclude(pk=listing.pk).values_list("pk", flat=True))
    for other in others:
        withdraw_send(listing_id=other, outcome="end", reason=f"sold on {listing.get_platform_display()}",
                      priority="high")
    product = listing.product
    product_notify(product=product, kind=Kind.SOLD, event_key=f"sold:{product.pk}",
                   context={"sold": listing, "ended": list(Listing.objects.filter(pk__in=others))})
    return listing


def product_expire_check(*, product_id: int) -> None:
    """When every copy has ended without a sale, the product is EXPIRED and the seller told."""
    product = Product.objects.get(pk=product_id)
    statuses = set(product.listings.values_list("status", flat=True))
    if product.stage in LIVE_STAGES and statuses and statuses <= {ListingStatus.ENDED, ListingStatus.WITHDRAWN,
                                                                   ListingStatus.FAILED}:
        product_move(product_id=product_id, transition="expire", reason="every listing reached its end date")
        product_notify(product=product, kind=Kind.EXPIRED, event_key=f"expired:{product_id}")


def listing_status_sync(*, listing_id: int) -> str:
    """Ask the platform what became of a live listing; a sale starts the delist saga."""
    listing = Listing.objects.select_related("product__owner", "product__condition").get(pk=listing_id)
    if listing.status != ListingStatus.LIVE:
        return listing.status
    state = listing_call(listing, "fetch_status", listing_data(listing))
    return listing_state_apply(listing=listing, state=state)


def listing_state_apply(*, listing: Listing, state) -> str:
    """What the platform said of a live listing, applied: a sale starts the delist saga, an end
    may expire the product, an answer we do not know is only noted."""
    if state.status == "SOLD":
        listing_sold(listing_id=listing.pk, price=state.sold_price, source=SaleSource.PLATFORM)
    elif state.status == "ENDED":
        listing_transition(listing_id=listing.pk, transition="end", reason=f"ended on {listing.get_platform_display()}")
        product_expire_check(product_id=listing.product_id)
    elif state.status == "UNKNOWN":
        listing_status_unclear(listing=listing, raw=state.raw)
    return state.status


def listing_status_unclear(*, listing: Listing, raw: dict) -> None:
    """The platform's answer fits no state we know (a new status text, an item gone from the
    catalog): the listing stays LIVE — a guess could end a copy that sold and leave the others on
    sale. The reviewer sees it on the listing, and the audit trail keeps what was read, once per
    distinct answer (the sync asks again every cycle)."""
    note = f"status unclear on {listing.get_platform_display()}: {raw.get('reason') or 'an answer BOOMER does not know'}"
    log.warning("listing %s: %s", listing.pk, note)
    if listing.last_error == note:
        return
    Listing.objects.filter(pk=listing.pk).update(last_error=note[:2000])
    AnalyticsEvent.objects.create(event_type="listing.status_unknown", product_id=listing.product_id,
                                  listing_id=listing.pk, event_data={"platform": listing.platform, "raw": raw})

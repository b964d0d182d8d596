"""Beat's sweep of listings an approval left behind, so none waits forever.

A DRAFT listing of a product still publishing never got its publish: the approval committed but
sending its chord failed (the broker was away). Its saga is sent again. A listing PUBLISHING for
longer than every run and retry of a publish can take lost its messages: it is FAILED (a retry
can help), so the retry job publishes it again and reconcile settles its product.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from listings import selectors
from listings.models import Listing, ListingStatus
from listings.publishing import listing_publish_failed, publish_saga_start
from products.models import Product

log = logging.getLogger(__name__)


def listings_stuck_sweep(*, minutes: int | None = None) -> dict[str, int]:
    """Requeue stuck DRAFT listings (per product, one chord) and fail stuck PUBLISHING ones."""
    minutes = minutes if minutes is not None else settings.BOOMER_LISTING_STUCK_MINUTES
    before = timezone.now() - timedelta(minutes=minutes)
    drafts = selectors.listings_stuck(status=ListingStatus.DRAFT, before=before)
    by_product: dict[int, list[str]] = {}
    for product_id, platform in Listing.objects.filter(pk__in=drafts).values_list("product_id", "platform"):
        by_product.setdefault(product_id, []).append(platform)
    for product in Product.objects.filter(pk__in=by_product):
        log.warning("product %s: publish of %s never started; sent again", product.sku, by_product[product.pk])
        publish_saga_start(product=product, platforms=by_product[product.pk])
    # Touched, so the next sweep gives the saga sent now a whole bound before sending it again.
    Listing.objects.filter(pk__in=drafts).update(updated_at=timezone.now())
    publishing = selectors.listings_stuck(status=ListingStatus.PUBLISHING, before=before)
    for listing_id in publishing:
        listing_publish_failed(listing_id=listing_id, permanent=False,
                               error=f"publishing did not finish within {minutes} minutes (its work was lost); "
                                     "it is tried again")
    return {"requeued": len(drafts), "failed": len(publishing)}

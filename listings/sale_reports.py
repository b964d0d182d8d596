"""A platform told BOOMER of a sale (eBay's order notification): the live copies it names are
checked at once, through the same path as the beat's polling (`listings.sync_status` →
`delisting.listing_status_sync`), so the sale is confirmed by the platform's own order data and
the other copies end. Nothing is moved on the notification's word alone."""
from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from boomer_site.celery import PRIORITY
from boomer_site.tasking import task_send
from listings.models import Listing, ListingStatus
from marketplaces.platforms import platform_get


def platform_sale_reported(*, platform: str, skus=(), external_ids=(), owner_ids=None) -> list[int]:
    """Queue a high-priority status check of each LIVE copy on `platform` with one of the SKUs
    or platform ids (only the owners', when the message names the seller; all of the owners'
    live copies there when it names no item). The ids queued."""
    live = Listing.objects.filter(platform=platform, status=ListingStatus.LIVE)
    if owner_ids is not None:
        live = live.filter(product__owner_id__in=owner_ids)
    named = Q(product__sku__in=list(skus)) | Q(external_id__in=[i for i in external_ids if i])
    if skus or external_ids:
        live = live.filter(named)
    elif owner_ids is None:
        return []  # neither an item nor a seller: nothing to look at
    ids = list(live.values_list("pk", flat=True)[:200])
    queue = platform_get(platform).queue
    for listing_id in ids:
        transaction.on_commit(lambda listing_id=listing_id: task_send(
            "listings.sync_status", listing_id, priority=PRIORITY["high"], queue=queue))
    return ids

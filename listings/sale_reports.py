"""A platform told BOOMER of a sale (eBay's order notification): the live copies it names are
checked at once, through the same path as the beat's polling (`listings.sync_status` →
`delisting.listing_status_sync`), so the sale is confirmed by the platform's own order data and
the other copies end. Nothing is moved on the notification's word alone."""
from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q

from boomer_site.celery import PRIORITY
from boomer_site.models import AnalyticsEvent
from boomer_site.tasking import task_send
from listings.models import Listing, ListingStatus
from marketplaces import ebay_notifications
from marketplaces.adapters.base import AdapterError
from marketplaces.credentials import account_secrets
from marketplaces.models import MarketplaceAccount
from marketplaces.platforms import platform_get

log = logging.getLogger(__name__)
UNMATCHED = "sale_report.unmatched"


def sale_report_unmatched(*, platform: str, reason: str, **refs) -> None:
    """A sale message BOOMER could not tie to a live copy: logged and kept as an event (the
    polling may still find the sale), never dropped unseen."""
    log.warning("%s sale message not matched (%s): %s", platform, reason, refs)
    AnalyticsEvent.objects.create(event_type=UNMATCHED, event_data={"platform": platform, "reason": reason, **refs})


def platform_sale_reported(*, platform: str, skus=(), external_ids=(), owner_ids=None) -> list[int]:
    """Queue a high-priority status check of each LIVE copy on `platform` with one of the SKUs
    or platform ids (only the owners', when the message names the seller). The ids queued;
    none is recorded as unmatched."""
    live = Listing.objects.filter(platform=platform, status=ListingStatus.LIVE)
    if owner_ids is not None:
        live = live.filter(product__owner_id__in=owner_ids)
    live = live.filter(Q(product__sku__in=list(skus)) | Q(external_id__in=[i for i in external_ids if i]))
    ids = list(live.values_list("pk", flat=True)[:200]) if skus or external_ids else []
    if not ids:
        sale_report_unmatched(platform=platform, reason="no live copy has these items", skus=list(skus),
                              external_ids=list(external_ids))
    queue = platform_get(platform).queue
    for listing_id in ids:
        transaction.on_commit(lambda listing_id=listing_id: task_send(
            "listings.sync_status", listing_id, priority=PRIORITY["high"], queue=queue))
    return ids


def seller_sale_reported(*, platform: str, owner_ids) -> list[int]:
    """A message that names only the seller: one high-priority status cycle of each of their
    accounts on `platform` (eBay's orders read once), not one check per listing. The accounts queued."""
    accounts = list(MarketplaceAccount.objects.filter(platform=platform, owner_id__in=list(owner_ids))
                    .values_list("pk", flat=True))
    if not accounts:
        sale_report_unmatched(platform=platform, reason="no account of this seller", owner_ids=list(owner_ids))
    queue = platform_get(platform).queue
    for account_id in accounts:
        transaction.on_commit(lambda account_id=account_id: task_send(
            "listings.sync_account", account_id, priority=PRIORITY["high"], queue=queue))
    return accounts


def ebay_order_reported(*, order_id: str, seller_user_id: str = "") -> None:
    """eBay's ORDER_CONFIRMATION names the order: it is read in a task (`listings.sale_order`), not
    in the request that brought the message."""
    transaction.on_commit(lambda: task_send("listings.sale_order", order_id, seller_user_id,
                                            priority=PRIORITY["high"], queue=platform_get("ebay").queue))


def ebay_order_resolve(*, order_id: str, seller_user_id: str = "") -> list[int]:
    """Read the order with the account of the eBay user the message names, else with each
    connected eBay account until one owns it (eBay answers 404 to the others), and check the
    live copies of its items. The listing ids queued."""
    accounts = sorted(MarketplaceAccount.objects.filter(platform="ebay").order_by("pk"),
                      key=lambda a: not seller_user_id or a.external_user_id != seller_user_id)
    for account in accounts:
        try:
            items = ebay_notifications.order_items(account_secrets(account), order_id)
        except AdapterError as exc:
            if not exc.permanent:
                raise  # eBay is down or busy: the task tries again
            log.info("eBay order %s not read with account %s: %s", order_id, account.pk, exc.message)
            continue
        if items is not None:
            return platform_sale_reported(platform="ebay", skus=items[0], external_ids=items[1],
                                          owner_ids=[account.owner_id])
    sale_report_unmatched(platform="ebay", reason="no connected account owns the order", order_id=order_id,
                          seller_user_id=seller_user_id)
    return []

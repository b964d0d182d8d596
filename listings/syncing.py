"""The status sync beat runs every cycle: once per seller's account, not once per listing.

One task per account asks the platform about all of its live listings in one go (the adapter's
`fetch_statuses`: eBay's orders read once, Mercari's "my listings" in one browser), then applies
each answer as the per-listing sync does. A Redis lock per account skips a cycle while the
previous one for that account still runs (a slow platform, a long queue), instead of stacking
them.
"""
from __future__ import annotations

import logging

from django.conf import settings
from redis.exceptions import LockError

from boomer_site.breakers import redis_client
from listings.delisting import listing_state_apply
from listings.models import Listing, ListingStatus
from listings.moves import IllegalListingMove
from listings.publishing import listing_call, listing_data
from marketplaces.models import MarketplaceAccount

log = logging.getLogger(__name__)


def account_status_sync(*, account_id: int) -> dict[str, int] | str:
    """One status cycle for one account: how many of its live listings were found in each state,
    or "skipped" while the account's previous cycle still runs."""
    account = MarketplaceAccount.objects.get(pk=account_id)
    # No cycle runs past the hard time limit, so a lock a killed worker left lapses by then.
    lock = redis_client().lock(f"boomer:sync:account:{account_id}", timeout=settings.CELERY_TASK_TIME_LIMIT + 60,
                               blocking=False)
    if not lock.acquire():
        log.info("status sync of %s account %s skipped: its previous cycle still runs", account.platform, account_id)
        return "skipped"
    try:
        listings = list(Listing.objects.select_related("product__owner", "product__condition")
                        .filter(status=ListingStatus.LIVE, platform=account.platform, product__owner=account.owner_id)
                        .order_by("pk"))
        if not listings:
            return {}
        datas = {listing.pk: listing_data(listing) for listing in listings}
        states = listing_call(listings[0], "fetch_statuses", list(datas.values()))
        found: dict[str, int] = {}
        for listing in listings:
            state = states.get(datas[listing.pk].idempotency_key)
            if state is None:
                continue
            try:
                status = listing_state_apply(listing=listing, state=state)
            except IllegalListingMove as exc:  # it moved since it was read (marked sold, withdrawn)
                log.info("listing %s: %s; the platform's answer is not applied", listing.pk, exc)
                continue
            found[status] = found.get(status, 0) + 1
        return found
    finally:
        try:
            lock.release()
        except LockError:  # the cycle outlived its lock: its work is done, the next cycle may already run
            log.warning("account %s: status sync outlived its lock", account_id)

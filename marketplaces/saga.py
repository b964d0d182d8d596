"""The publish and delist sagas: approvals go live on each platform, sales end the other copies.

    approve → chord([publish(listing) for each platform], settle(product))

Each step is idempotent: a listing already LIVE is not published again, adapters publish by
SKU / stored idempotency key, a withdrawn listing is not withdrawn twice. Work on one listing
is serialised across workers by a PostgreSQL advisory lock (it dies with a killed worker's
connection), so a message delivered twice at once waits, then finds the listing LIVE; a
publish arriving after its product left publishing (back in review, sold) does nothing. The
seller is told once per event and approval round. A step that fails for good records it on
the listing (FAILED, with the reason the reviewer sees) instead of raising, so the chord's
callback always runs and decides per the approval's policy: `best_effort` keeps what went
live (back to review only if nothing did); `all_or_nothing` returns the product to review,
then withdraws what went live. A platform that is down is retried (its breaker fails fast
meanwhile), and FAILED listings that were not refused outright are tried again by beat
until the platform is back.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import timedelta

from celery import chord
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from boomer_site.celery import PRIORITY
from listings.models import Listing, ListingStatus, Notification, Policy
from listings.notifications import notification_create
from listings.services import IllegalListingMove, listing_mark_sold, listing_transition
from marketplaces.adapters import AdapterError, ListingData, adapter_for
from marketplaces.adapters.media import product_media
from marketplaces.breakers import call_with_breaker
from products.models import Product, Stage
from products.services import IllegalTransition, product_transition

log = logging.getLogger(__name__)

LIVE_STAGES = (Stage.PUBLISHED, Stage.ACTIVE)
LOCK_NAMESPACE = 0x5A6A  # first key of pg_advisory_lock(int, int): "listing work"


@contextmanager
def listing_lock(listing_id: int):
    """One worker at a time on a listing: a session advisory lock, waited for (a duplicate
    delivery then sees what the first one did). PostgreSQL drops it with the connection, so
    a worker killed mid-publish does not leave it held."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, listing_id])
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, listing_id])
        except DatabaseError:  # the connection is gone, and the lock with it
            log.warning("listing %s: advisory lock not released (connection lost)", listing_id)


# --- starting ------------------------------------------------------------------------------
def publish_saga_start(*, product: Product, platforms: list[str] | None = None) -> None:
    """Queue the publish chord once the approval is committed."""
    from marketplaces import tasks

    ids = list(product.listings.filter(**({"platform__in": platforms} if platforms else {}))
               .values_list("pk", flat=True))
    product_id = product.pk
    transaction.on_commit(lambda: chord(
        [tasks.publish_task.si(listing_id).set(priority=PRIORITY["high"]) for listing_id in ids],
        # Settling outranks every publish: a product goes ACTIVE as soon as its own copies are
        # live, not after the backlog of later approvals.
        tasks.settle_task.si(product_id).set(priority=0),
    ).apply_async())


# --- one listing -----------------------------------------------------------------------------
def _adapter(listing: Listing):
    from marketplaces.credentials import account_save, account_secrets
    from marketplaces.models_credentials import MarketplaceAccount

    owner = listing.product.owner
    account = MarketplaceAccount.objects.filter(owner=owner, platform=listing.platform).first()
    if account is None:
        raise AdapterError(
            f"no {listing.get_platform_display()} account connected for {owner.get_username()}: "
            f"manage.py connect_marketplace {listing.platform} --user {owner.get_username()}", permanent=True)
    return adapter_for(listing.platform, credentials=account_secrets(account),
                       on_credentials_change=lambda new: account_save(owner=owner, platform=listing.platform,
                                                                      secrets=new))


def listing_publish(*, listing_id: int) -> str:
    """Put one listing live. Raises AdapterError for the task to retry or give up."""
    with listing_lock(listing_id):
        return _publish(listing_id)


def _publish(listing_id: int) -> str:
    listing = Listing.objects.select_related("product__owner", "product__condition").get(pk=listing_id)
    if listing.product.stage not in (Stage.PUBLISHING, *LIVE_STAGES):
        return listing.status  # a late delivery: the product went back to review, sold or expired
    if listing.status == ListingStatus.WITHDRAWN and listing.product.stage != Stage.PUBLISHING:
        return listing.status  # taken down on purpose; only a new approval lists it again
    if listing.status in (ListingStatus.DRAFT, ListingStatus.FAILED, ListingStatus.WITHDRAWN):
        listing = listing_transition(listing_id=listing_id, transition="start_publishing", reason="publishing")
    if listing.status != ListingStatus.PUBLISHING:
        return listing.status  # LIVE already (a second delivery), or sold/ended meanwhile
    Listing.objects.filter(pk=listing_id).update(attempts=F("attempts") + 1)
    listing = Listing.objects.select_related("product__owner", "product__condition").get(pk=listing_id)
    try:
        data = ListingData.of(listing)
        adapter = _adapter(listing)
        # Photos are read inside the transaction-free zone: adapters never touch the ORM.
        result = call_with_breaker(listing.platform, adapter.publish, data, product_media(listing.product))
    except AdapterError as exc:
        # The reviewer sees why it is waiting; the task decides whether to retry.
        Listing.objects.filter(pk=listing_id).update(last_error=f"waiting: {exc.message}"[:2000])
        _keep_screenshot(listing_id, exc)
        raise
    days = settings.BOOMER_LISTING_DAYS
    listing_transition(listing_id=listing_id, transition="go_live", reason="published", fields={
        "external_id": result.external_id, "listing_url": result.listing_url, "last_error": "",
        "failure_permanent": False, "ends_at": timezone.now() + timedelta(days=days)})
    return ListingStatus.LIVE


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
            listing_transition(listing_id=listing_id, transition="fail", reason=error[:2000],
                               fields={"failure_permanent": permanent})
        except IllegalListingMove:
            log.info("listing %s already moved on; failure not recorded", listing_id)


# --- the product after its publishes ----------------------------------------------------------
def product_publish_settle(*, product_id: int) -> str:
    """Decide the product's stage from its listings, once none is still being published."""
    product = Product.objects.get(pk=product_id)
    listings = _this_round(list(product.listings.all()))
    if not listings or any(item.status in (ListingStatus.DRAFT, ListingStatus.PUBLISHING) for item in listings):
        return "unsettled"
    live = [item for item in listings if item.status == ListingStatus.LIVE]
    failed = [item for item in listings if item.status == ListingStatus.FAILED]
    policy = listings[0].policy
    compensate = failed and (policy == Policy.ALL_OR_NOTHING or not live)
    # PENDING with live copies left: a compensation interrupted by a withdraw that failed.
    if compensate and (product.stage == Stage.PUBLISHING or (product.stage == Stage.PENDING and live)):
        names = ", ".join(item.get_platform_display() for item in failed)
        # Back to review first: a late publish for this product then does nothing.
        _move(product_id, "return_to_review", f"not published: {names} failed"
              + ("; its live copies are withdrawn (all or nothing)" if live else ""))
        for item in live:
            listing_withdraw(listing_id=item.pk, outcome="withdraw", reason="all or nothing: compensating")
        notification_create(product=product, kind=Notification.Kind.PARTLY_FAILED,
                            event_key=f"partly_failed:{product_id}:{_round(product_id)}:{_stamp(listings)}")
        return "returned to review"
    if product.stage == Stage.PUBLISHING and live:
        _move(product_id, "mark_published", f"live on {', '.join(i.get_platform_display() for i in live)}")
    product.refresh_from_db()
    if product.stage == Stage.PUBLISHED and not failed:
        _move(product_id, "activate", "live on every chosen platform")
    if live and product.stage in LIVE_STAGES:
        kind = Notification.Kind.PARTLY_FAILED if failed else Notification.Kind.PUBLISHED
        notification_create(product=product, kind=kind,
                            event_key=f"{kind}:{product_id}:{_round(product_id)}:{_stamp(live)}")
    return "settled"


def _this_round(listings: list[Listing]) -> list[Listing]:
    """The listings of the latest approval: rows an earlier approval left for platforms not
    chosen this time do not count."""
    stamps = [item.approved_at for item in listings if item.approved_at]
    return [item for item in listings if item.approved_at == max(stamps)] if stamps else listings


def _stamp(listings) -> str:
    return "-".join(f"{item.platform}{item.pk}" for item in sorted(listings, key=lambda i: i.pk))


def _round(product_id: int) -> str:
    """Which approval this is (a product sent back to review can be approved again)."""
    from listings.models import AnalyticsEvent

    approval = (AnalyticsEvent.objects.filter(product_id=product_id, event_type="product.stage",
                                              event_data__transition="approve")
                .order_by("-id").values_list("pk", flat=True).first())
    return f"a{approval or 0}"


def _move(product_id: int, transition: str, reason: str) -> None:
    try:
        product_transition(product_id=product_id, transition=transition, reason=reason)
    except IllegalTransition as exc:
        log.info("product %s: %s", product_id, exc)


# --- ending copies -------------------------------------------------------------------------
OUTCOMES = {"withdraw": "withdraw", "end": "end", "expire": "end"}


def listing_withdraw(*, listing_id: int, outcome: str, reason: str) -> str:
    """Take one live copy down (compensation, a sale elsewhere, expiry); idempotent."""
    with listing_lock(listing_id):
        listing = Listing.objects.select_related("product__owner", "product__condition").get(pk=listing_id)
        if listing.status != ListingStatus.LIVE:
            return listing.status
        adapter = _adapter(listing)
        call_with_breaker(listing.platform, adapter.withdraw, ListingData.of(listing))
        try:
            listing_transition(listing_id=listing_id, transition=OUTCOMES[outcome], reason=reason)
        except IllegalListingMove:
            pass
    return outcome


def listing_sold(*, listing_id: int, by=None, price=None) -> Listing:
    """A sale on one platform: that listing and the product are SOLD, every other copy ends."""
    from marketplaces import tasks

    with transaction.atomic():
        listing = listing_mark_sold(listing_id=listing_id, by=by, price=price)
        others = list(Listing.objects.filter(product_id=listing.product_id, status=ListingStatus.LIVE)
                      .exclude(pk=listing.pk).values_list("pk", flat=True))
        for other in others:
            transaction.on_commit(lambda other=other: tasks.withdraw_task.apply_async(
                (other, "end", f"sold on {listing.get_platform_display()}"), priority=PRIORITY["high"]))
        product = listing.product
        notification_create(product=product, kind=Notification.Kind.SOLD, event_key=f"sold:{product.pk}",
                            context={"sold": listing, "ended": list(Listing.objects.filter(pk__in=others))})
    return listing


def product_expire_check(*, product_id: int) -> None:
    """When every copy has ended without a sale, the product is EXPIRED and the seller told."""
    product = Product.objects.get(pk=product_id)
    statuses = set(product.listings.values_list("status", flat=True))
    if product.stage in LIVE_STAGES and statuses and statuses <= {ListingStatus.ENDED, ListingStatus.WITHDRAWN,
                                                                   ListingStatus.FAILED}:
        _move(product_id, "expire", "every listing reached its end date")
        notification_create(product=product, kind=Notification.Kind.EXPIRED, event_key=f"expired:{product_id}")


# --- beat -----------------------------------------------------------------------------------
def listings_due_to_expire(limit: int = 500) -> list[int]:
    return list(Listing.objects.filter(status=ListingStatus.LIVE, ends_at__lte=timezone.now())
                .values_list("pk", flat=True)[:limit])


def listings_to_retry(limit: int = 200) -> list[int]:
    """FAILED listings a retry can still help (not refused), of products still publishing or live."""
    return list(Listing.objects.filter(status=ListingStatus.FAILED, failure_permanent=False,
                                       product__stage__in=[Stage.PUBLISHING, *LIVE_STAGES])
                .values_list("pk", flat=True)[:limit])


def listing_status_sync(*, listing_id: int) -> str:
    """Ask the platform what became of a live listing; a sale starts the delist saga."""
    listing = Listing.objects.select_related("product__owner", "product__condition").get(pk=listing_id)
    if listing.status != ListingStatus.LIVE:
        return listing.status
    adapter = _adapter(listing)
    state = call_with_breaker(listing.platform, adapter.fetch_status, ListingData.of(listing))
    if state.status == "SOLD":
        listing_sold(listing_id=listing_id, price=state.sold_price)
    elif state.status == "ENDED":
        listing_transition(listing_id=listing_id, transition="end", reason=f"ended on {listing.get_platform_display()}")
        product_expire_check(product_id=listing.product_id)
    return state.status


def copies_left_after_sale(limit: int = 200) -> list[int]:
    """LIVE copies of products already SOLD: a delist that failed for good, to be tried again."""
    return list(Listing.objects.filter(status=ListingStatus.LIVE, product__stage=Stage.SOLD)
                .values_list("pk", flat=True)[:limit])


def products_to_settle(limit: int = 200) -> list[int]:
    """Products still PUBLISHING although none of their listings is being published."""
    busy = Listing.objects.filter(status__in=[ListingStatus.DRAFT, ListingStatus.PUBLISHING],
                                  updated_at__gt=timezone.now() - timedelta(minutes=15))
    return list(Product.objects.filter(stage=Stage.PUBLISHING).exclude(listings__in=busy)
                .values_list("pk", flat=True)[:limit])

"""Thin tasks over marketplaces/saga.py: publishing, settling, ending copies, and beat jobs."""
from django.utils import timezone

from boomer_site.celery import PRIORITY
from boomer_site.tasking import boomer_task
from marketplaces import saga
from marketplaces.models import MarketData


def _publish_gave_up(listing_id, error, permanent=False):
    saga.listing_publish_failed(listing_id=listing_id, error=error, permanent=permanent)


@boomer_task(name="marketplaces.publish", queue="listing", give_up=_publish_gave_up, raise_on_give_up=False)
def publish_task(listing_id):
    return saga.listing_publish(listing_id=listing_id)


@boomer_task(name="marketplaces.settle", queue="listing")
def settle_task(product_id):
    return saga.product_publish_settle(product_id=product_id)


@boomer_task(name="marketplaces.withdraw", queue="listing")
def withdraw_task(listing_id, outcome="end", reason=""):
    result = saga.listing_withdraw(listing_id=listing_id, outcome=outcome, reason=reason)
    if outcome == "expire":
        from listings.models import Listing

        saga.product_expire_check(product_id=Listing.objects.values_list("product_id", flat=True).get(pk=listing_id))
    return result


@boomer_task(name="marketplaces.republish", queue="listing", give_up=_publish_gave_up)
def republish_task(listing_id):
    """Beat's second chance for a FAILED listing; on success the product is settled again."""
    from listings.models import Listing

    status = saga.listing_publish(listing_id=listing_id)
    saga.product_publish_settle(product_id=Listing.objects.values_list("product_id", flat=True).get(pk=listing_id))
    return status


@boomer_task(name="marketplaces.sync_status", queue="listing")
def sync_status_task(listing_id):
    return saga.listing_status_sync(listing_id=listing_id)


# --- beat ------------------------------------------------------------------------------------
@boomer_task(name="marketplaces.sync_platform", queue="default")
def sync_platform_task(platform):
    """Beat, per platform: check every live listing there for a sale or an end."""
    from listings.models import Listing, ListingStatus

    ids = Listing.objects.filter(platform=platform, status=ListingStatus.LIVE).values_list("pk", flat=True)
    for listing_id in ids.iterator():
        sync_status_task.apply_async((listing_id,), priority=PRIORITY["low"])


@boomer_task(name="marketplaces.expire_listings", queue="default")
def expire_listings_task():
    for listing_id in saga.listings_due_to_expire():
        withdraw_task.apply_async((listing_id, "expire", "listing period over"), priority=PRIORITY["low"])


@boomer_task(name="marketplaces.retry_failed_listings", queue="default")
def retry_failed_listings_task():
    for listing_id in saga.listings_to_retry():
        republish_task.apply_async((listing_id,), priority=PRIORITY["medium"])


@boomer_task(name="marketplaces.reconcile", queue="default")
def reconcile_task():
    """Beat: finish what a lost or dead-lettered step left half done — end copies still live
    after a sale, settle products whose publishes are all over."""
    for listing_id in saga.copies_left_after_sale():
        withdraw_task.apply_async((listing_id, "end", "sold elsewhere"), priority=PRIORITY["medium"])
    for product_id in saga.products_to_settle():
        settle_task.apply_async((product_id,), priority=PRIORITY["medium"])


@boomer_task(name="marketplaces.dead_letter_report", queue="default")
def dead_letter_report_task():
    """Beat, daily: tell the operators how many dead letters wait to be replayed."""
    from django.core.mail import mail_admins

    from boomer_site.models import DeadLetter

    waiting = DeadLetter.objects.filter(requeued_at__isnull=True)
    count = waiting.count()
    if count:
        lines = "\n".join(f"#{d.pk} {d.task_name}{tuple(d.args)}: {d.error[:120]}" for d in waiting[:50])
        mail_admins(f"{count} dead letter(s) waiting", f"Replay with manage.py requeue_dead_letters.\n\n{lines}")
    return count


@boomer_task(name="marketplaces.purge_expired_market_data", queue="default")
def purge_expired_market_data_task():
    """Beat, daily: market data past its 7 days is dropped (the L3 cleanup)."""
    deleted, _ = MarketData.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted

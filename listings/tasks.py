"""Thin tasks over the sagas (publishing, settling, delisting) and the beat jobs that keep the
copies in step. Services send these by name (boomer_site.tasking.task_send)."""
from boomer_site.celery import PRIORITY
from boomer_site.tasking import boomer_task
from listings import selectors
from listings.delisting import listing_status_sync, listing_withdraw, product_expire_check, withdraw_send
from listings.models import Listing
from listings.publishing import listing_publish, listing_publish_failed
from listings.sale_reports import ebay_order_resolve
from listings.settling import product_publish_settle
from listings.sweeping import listings_stuck_sweep
from listings.syncing import account_status_sync
from marketplaces.platforms import MARKETPLACES, platform_get


def _publish_gave_up(listing_id, error, permanent=False):
    listing_publish_failed(listing_id=listing_id, error=error, permanent=permanent)


def _product_of(listing_id) -> int:
    return Listing.objects.values_list("product_id", flat=True).get(pk=listing_id)


@boomer_task(name="listings.publish", queue="listing", give_up=_publish_gave_up, raise_on_give_up=False)
def publish_task(listing_id):
    return listing_publish(listing_id=listing_id)


@boomer_task(name="listings.settle", queue="listing")
def settle_task(product_id):
    return product_publish_settle(product_id=product_id)


@boomer_task(name="listings.withdraw", queue="listing")
def withdraw_task(listing_id, outcome="end", reason=""):
    result = listing_withdraw(listing_id=listing_id, outcome=outcome, reason=reason)
    if outcome == "expire":
        product_expire_check(product_id=_product_of(listing_id))
    return result


@boomer_task(name="listings.republish", queue="listing", give_up=_publish_gave_up)
def republish_task(listing_id):
    """A second chance for a FAILED listing (beat, or the admin); on success the product is settled again."""
    status = listing_publish(listing_id=listing_id)
    product_publish_settle(product_id=_product_of(listing_id))
    return status


@boomer_task(name="listings.sync_status", queue="listing")
def sync_status_task(listing_id):
    return listing_status_sync(listing_id=listing_id)


@boomer_task(name="listings.sale_order", queue="listing")
def sale_order_task(order_id, seller_user_id=""):
    """eBay's order notification: the order read, its live copies checked."""
    return ebay_order_resolve(order_id=order_id, seller_user_id=seller_user_id)


# --- beat ------------------------------------------------------------------------------------
@boomer_task(name="listings.sync_account", queue="listing")
def sync_account_task(account_id):
    return account_status_sync(account_id=account_id)


@boomer_task(name="listings.sync_platforms", queue="default")
def sync_platforms_task():
    """Beat: check the live listings on every marketplace for a sale or an end, one task per
    seller's account (listings/syncing.py)."""
    for account_id, platform in selectors.accounts_with_live_listings(MARKETPLACES):
        sync_account_task.apply_async((account_id,), priority=PRIORITY["low"], queue=platform_get(platform).queue)


@boomer_task(name="listings.expire_listings", queue="default")
def expire_listings_task():
    for listing_id in selectors.listings_due_to_expire():
        withdraw_send(listing_id=listing_id, outcome="expire", reason="listing period over", priority="low")


@boomer_task(name="listings.retry_failed_listings", queue="default")
def retry_failed_listings_task():
    for listing_id in selectors.listings_to_retry():
        republish_task.apply_async((listing_id,), priority=PRIORITY["medium"])


@boomer_task(name="listings.sweep_stuck", queue="default")
def sweep_stuck_task():
    """Beat: DRAFT listings whose publish was never sent go again; PUBLISHING ones that lost
    their work fail, to be retried (listings/sweeping.py)."""
    return listings_stuck_sweep()


@boomer_task(name="listings.reconcile", queue="default")
def reconcile_task():
    """Beat: finish what a lost or dead-lettered step left half done — end copies still live
    after a sale, settle products whose publishes are all over."""
    for listing_id in selectors.copies_left_after_sale():
        withdraw_send(listing_id=listing_id, outcome="end", reason="sold elsewhere", priority="medium")
    for listing_id in selectors.copies_live_off_sale():
        withdraw_send(listing_id=listing_id, outcome="withdraw", priority="medium",
                      reason="live while its product is not on sale (back in review, rejected or expired)")
    for product_id in selectors.products_to_settle():
        settle_task.apply_async((product_id,), priority=PRIORITY["medium"])

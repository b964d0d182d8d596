"""Beat's sweeps leave nothing stuck: an approval whose publish chord was never sent is published
after all, and a copy still live on a product back in review comes down."""
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from boomer_site.models import DeadLetter
from boomer_site.tasking import task_send
from listings.models import Listing, ListingStatus
from listings.services import product_approve
from products.models import Stage
from tests.conftest import wait_for
from tests.saga.conftest import approve, connect, listing, new_product, wait_listing, wait_sent, wait_stage

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_a_draft_listing_whose_publish_was_never_sent_is_published_by_the_sweeper(
        connected_seller, reviewer, servers, saga_worker):
    product = new_product(connected_seller)
    with transaction.atomic():
        product_approve(product_id=product.pk, by=reviewer, platforms=["ebay"])
        connection.run_on_commit.clear()  # the approval commits; sending its chord fails
    item = listing(product, "ebay")
    assert item.status == ListingStatus.DRAFT
    Listing.objects.filter(pk=item.pk).update(updated_at=timezone.now() - timedelta(hours=2))

    task_send("listings.sweep_stuck")

    wait_stage(product, Stage.ACTIVE)
    assert listing(product, "ebay").status == ListingStatus.LIVE
    assert servers.ebay.offers_created[product.sku] == 1
    wait_sent(product, "published")  # the saga has settled before the teardown


def test_a_listing_publishing_long_after_its_work_was_lost_fails_to_be_retried(
        connected_seller, reviewer, servers, saga_worker):
    from listings.sweeping import listings_stuck_sweep

    product = new_product(connected_seller)
    with transaction.atomic():
        product_approve(product_id=product.pk, by=reviewer, platforms=["ebay"])
        connection.run_on_commit.clear()
    item = listing(product, "ebay")
    Listing.objects.filter(pk=item.pk).update(status=ListingStatus.PUBLISHING,
                                              updated_at=timezone.now() - timedelta(hours=2))

    assert listings_stuck_sweep(minutes=60) == {"requeued": 0, "failed": 1}

    item.refresh_from_db()
    assert item.status == ListingStatus.FAILED and not item.failure_permanent
    assert "did not finish within 60 minutes" in item.last_error
    task_send("listings.retry_failed_listings")  # beat's retry job takes it from there
    wait_stage(product, Stage.ACTIVE)
    wait_sent(product, "published")


def test_a_live_copy_left_on_a_product_back_in_review_is_withdrawn(seller, reviewer, servers, saga_worker):
    connect(seller, servers, platforms=("ebay",))  # no Mercari account: refused for good
    servers.ebay.faults.status, servers.ebay.faults.fail_next, servers.ebay.faults.match = 503, 100, r"/withdraw$"
    product = new_product(seller)
    approve(product, reviewer, platforms=("ebay", "mercari"), policy="all_or_nothing")

    # All or nothing: back to review, but eBay refuses every withdraw and settling gives up.
    wait_for(lambda: DeadLetter.objects.filter(task_name="listings.settle").exists(), timeout=90,
             message="settling to give up")
    assert Listing.objects.get(product=product, platform="ebay").status == ListingStatus.LIVE
    assert Listing.objects.get(product=product, platform="ebay").product.stage == Stage.PENDING
    servers.ebay.faults.reset()

    task_send("listings.reconcile")

    wait_listing(product, "ebay", ListingStatus.WITHDRAWN)
    [offer] = [o for o in servers.ebay.offers.values() if o["sku"] == product.sku]
    assert offer["status"] != "PUBLISHED"
    assert Listing.objects.get(product=product, platform="ebay").product.stage == Stage.PENDING

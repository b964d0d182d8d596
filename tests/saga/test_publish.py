"""The publish saga with a real worker against the three platforms' contract servers:
approval → chord(publish per platform) → settle, the seller told once per event."""
import time

import pytest
from django.db import connection, transaction

from boomer_site.celery import app
from listings import tasks as saga_tasks
from listings.models import ListingStatus
from listings.publishing import publish_saga_start
from listings.selectors import listings_to_retry
from marketplaces import breakers
from marketplaces.models import MarketplaceAccount
from products.models import Stage
from tests.conftest import wait_for
from tests.saga.conftest import (
    SECRETS,
    Webhook,
    approve,
    connect,
    listing,
    new_product,
    notes,
    stage_history,
    stage_of,
    wait_listing,
    wait_sent,
    wait_stage,
    webhook_payload,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker, pytest.mark.usefixtures("saga_worker")]


def test_three_platform_approval_goes_live_everywhere_and_tells_the_seller_once(connected_seller, reviewer,
                                                                                 servers):
    product = new_product(connected_seller)
    approve(product, reviewer)

    wait_stage(product, Stage.ACTIVE)
    urls = {}
    for platform in ("ebay", "facebook", "mercari"):
        item = listing(product, platform)
        assert item.status == ListingStatus.LIVE, (platform, item.last_error)
        assert item.external_id and item.listing_url, platform
        assert item.ends_at is not None and item.attempts == 1 and item.last_error == ""
        urls[platform] = item.listing_url
    assert urls["ebay"] == f"https://www.ebay.com/itm/{listing(product, 'ebay').external_id}"
    assert urls["mercari"].startswith(servers.mercari.url + "/item/m")
    assert servers.ebay.offers_created[product.sku] == 1
    assert servers.facebook.items_created[product.sku] == 1
    assert len(servers.mercari.live_items()) == 1
    assert stage_history(product) == ["PUBLISHING", "PUBLISHED", "ACTIVE"]

    note = wait_sent(product, "published")
    assert notes(product).count() == 1
    for url in urls.values():
        assert url in note.body
    assert note.subject.startswith("Live: ")
    wait_for(lambda: len(servers.webhook.calls) >= 1, timeout=10, message="the webhook POST")
    time.sleep(0.5)  # nothing else arrives
    assert len(servers.webhook.calls) == 1
    call = servers.webhook.calls[0]
    assert Webhook.verifies(call)
    assert not Webhook.verifies(call, secret="another-secret")
    payload = webhook_payload(call)
    assert payload["event"] == "published" and payload["product"]["sku"] == product.sku
    assert {item["url"] for item in payload["listings"]} == set(urls.values())


def test_platform_down_opens_its_breaker_the_rest_goes_live_and_beat_retries_later(connected_seller, reviewer,
                                                                                    servers):
    servers.facebook.faults.down = True
    products = [new_product(connected_seller, model=f"WH-{n}") for n in range(2)]
    for product in products:
        approve(product, reviewer)

    for product in products:
        wait_stage(product, Stage.PUBLISHED, Stage.ACTIVE, Stage.PENDING)
        assert stage_of(product) == Stage.PUBLISHED  # not ACTIVE: one platform is missing
        for platform in ("ebay", "mercari"):
            assert listing(product, platform).status == ListingStatus.LIVE
        failed = wait_listing(product, "facebook", ListingStatus.FAILED)
        assert "Facebook" in failed.last_error, failed.last_error
        assert not failed.failure_permanent
        assert failed.attempts >= 1
    assert breakers.breaker_state("facebook") == "open"
    assert breakers.breaker_state("ebay") == "closed"
    for product in products:
        note = wait_sent(product, "partly_failed")
        assert "Facebook" in note.body and listing(product, "ebay").listing_url in note.body

    servers.facebook.faults.down = False
    time.sleep(2.5)  # past the breaker's reset timeout (2 s for the worker)
    saga_tasks.retry_failed_listings_task.delay()

    for product in products:
        wait_stage(product, Stage.ACTIVE)
        item = listing(product, "facebook")
        assert item.status == ListingStatus.LIVE and item.last_error == ""
        assert servers.facebook.items_created[product.sku] == 1
        assert stage_history(product) == ["PUBLISHING", "PUBLISHED", "ACTIVE"]
        wait_sent(product, "published")
        assert notes(product).count() == 2  # partly failed, then live everywhere
    assert breakers.breaker_state("facebook") == "closed"


def test_all_or_nothing_withdraws_what_went_live_when_one_platform_fails_for_good(seller, reviewer, servers):
    connect(seller, servers, platforms=("ebay", "facebook"))  # no Mercari account: refused for good
    product = new_product(seller)
    approve(product, reviewer, policy="all_or_nothing")

    wait_stage(product, Stage.PENDING)
    mercari = listing(product, "mercari")
    assert mercari.status == ListingStatus.FAILED and mercari.failure_permanent
    assert "no Mercari account" in mercari.last_error
    for platform in ("ebay", "facebook"):  # back in review first, then the copies come down
        wait_listing(product, platform, ListingStatus.WITHDRAWN)
    assert servers.ebay.count("POST", r"/offer/[^/]+/withdraw$") == 1
    assert servers.ebay.offers_created[product.sku] == 1
    assert product.sku not in servers.facebook.items  # deleted from the catalog
    assert servers.facebook.items_created[product.sku] == 1
    assert stage_history(product) == ["PUBLISHING", "PENDING"]
    from boomer_site.models import AnalyticsEvent

    back = AnalyticsEvent.objects.filter(product=product, event_data__transition="return_to_review").get()
    assert "Mercari" in back.event_data["reason"] and "withdrawn" in back.event_data["reason"]
    note = wait_sent(product, "partly_failed")
    assert notes(product).count() == 1
    assert "no Mercari account" in note.body
    assert len(servers.webhook.events("partly_failed")) == 1
    # Nothing for beat to retry: the product is back in review.
    assert not listings_to_retry()


def test_all_or_nothing_when_the_platform_answers_a_validation_error(connected_seller, reviewer, servers):
    servers.ebay.faults.status, servers.ebay.faults.fail_next, servers.ebay.faults.match = 400, 1, r"/offer$"
    product = new_product(connected_seller)
    approve(product, reviewer, platforms=("ebay", "facebook"), policy="all_or_nothing")

    wait_stage(product, Stage.PENDING)
    ebay = listing(product, "ebay")
    assert ebay.status == ListingStatus.FAILED and ebay.failure_permanent
    assert "eBay answered 400" in ebay.last_error
    wait_listing(product, "facebook", ListingStatus.WITHDRAWN)
    assert product.sku not in servers.facebook.items
    assert servers.ebay.offers_created[product.sku] == 0
    wait_sent(product, "partly_failed")
    assert notes(product).count() == 1


def test_a_publish_delivered_twice_makes_one_offer(connected_seller, reviewer, servers):
    servers.ebay.faults.delay_ms = 150  # both deliveries are in flight at once
    product = new_product(connected_seller)
    with transaction.atomic():
        from listings.services import product_approve

        product_approve(product_id=product.pk, by=reviewer, platforms=["ebay"])
        ebay_id = listing(product, "ebay").pk
        publish_saga_start(product=product, platforms=["ebay"])  # the whole chord a second time
        transaction.on_commit(lambda: saga_tasks.publish_task.apply_async((ebay_id,)))  # and one more publish

    wait_stage(product, Stage.ACTIVE)
    wait_sent(product, "published")
    time.sleep(2)  # let every duplicate finish
    item = listing(product, "ebay")
    assert item.status == ListingStatus.LIVE
    assert servers.ebay.offers_created[product.sku] == 1
    assert servers.ebay.count("POST", r"/offer$") == 1
    assert servers.ebay.count("POST", r"/publish$") == 1
    from boomer_site.models import AnalyticsEvent

    moves = AnalyticsEvent.objects.filter(listing=item, event_type="listing.status").order_by("id")
    assert [e.event_data["to"] for e in moves] == ["PUBLISHING", "LIVE"]
    assert notes(product).count() == 1
    assert len(servers.webhook.calls) == 1


def test_a_notification_is_sent_once_per_event(connected_seller, reviewer, servers):
    product = new_product(connected_seller)
    approve(product, reviewer, platforms=("ebay", "facebook"))
    wait_stage(product, Stage.ACTIVE)
    note = wait_sent(product, "published")
    wait_for(lambda: len(servers.webhook.calls) == 1, timeout=10, message="the webhook POST")

    assert saga_tasks.settle_task.delay(product.pk).get(timeout=60) == "settled"
    for platform in ("ebay", "facebook"):
        assert saga_tasks.publish_task.delay(listing(product, platform).pk).get(timeout=60) == ListingStatus.LIVE
    assert saga_tasks.settle_task.delay(product.pk).get(timeout=60) == "settled"
    from notifications.tasks import notification_send_task

    notification_send_task.delay(note.pk).get(timeout=60)  # the send itself, redelivered
    time.sleep(1)
    assert notes(product).count() == 1
    assert len(servers.webhook.calls) == 1
    assert servers.ebay.offers_created[product.sku] == 1
    assert servers.facebook.items_created[product.sku] == 1
    assert stage_history(product) == ["PUBLISHING", "PUBLISHED", "ACTIVE"]


def test_credentials_are_not_readable_in_the_database_or_the_logs(connected_seller, reviewer, servers, saga_log):
    servers.ebay.expire_tokens()  # the worker must refresh its eBay token with the stored secrets
    servers.ebay.faults.rate_limit_next, servers.ebay.faults.retry_after = 1, 0  # and log a retry
    product = new_product(connected_seller)
    approve(product, reviewer)
    wait_stage(product, Stage.ACTIVE)

    table = MarketplaceAccount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT platform, secret FROM {table}")  # noqa: S608 - a constant table name
        rows = cursor.fetchall()
    assert {platform for platform, _ in rows} == {"ebay", "facebook", "mercari"}
    for _, blob in rows:
        raw = bytes(blob)
        assert raw.startswith(b"B1")
        for secret in SECRETS:
            assert secret.encode() not in raw
    from boomer_site.models import DeadLetter

    for letter in DeadLetter.objects.all():
        for secret in SECRETS:
            assert secret not in letter.error + letter.traceback
    app.control.ping(timeout=0.5)
    time.sleep(0.5)  # the worker's last lines reach the file
    log = saga_log.read_text(errors="replace")
    assert "listings.publish" in log  # the log did record this module's runs
    for secret in SECRETS:
        assert secret not in log, secret

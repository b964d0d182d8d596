"""Beat's status sync asks each platform once per seller's account and cycle, not once per live
listing: eBay's orders are read once for all of an account's listings, Mercari's "my listings"
page in one browser, and a cycle that finds the previous one still running is skipped."""
import pytest

from boomer_site.tasking import task_send
from listings import tasks as saga_tasks
from listings.models import Listing, ListingStatus
from marketplaces.models import MarketplaceAccount
from products.models import Stage
from tests.conftest import wait_for
from tests.factories import listing_make, product_make
from tests.saga.conftest import approve, connect, listing, new_product, wait_listing, wait_sent, wait_stage

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_one_cycle_reads_an_accounts_ebay_orders_once_and_a_second_cycle_meanwhile_is_skipped(
        seller, reviewer, servers, saga_worker):
    connect(seller, servers, platforms=("ebay",))
    products = [new_product(seller) for _ in range(5)]
    for product in products:
        approve(product, reviewer, platforms=["ebay"])
    for product in products:
        wait_stage(product, Stage.ACTIVE)
        wait_sent(product, "published")
    sold = products[0]
    servers.ebay.add_order(sold.sku, price="95.00")
    servers.ebay.requests.clear()
    servers.ebay.faults.delay_ms = 1000  # a slow eBay: the cycle is still running when the next comes
    account = MarketplaceAccount.objects.get(owner=seller, platform="ebay")

    task_send("listings.sync_platforms")
    wait_for(lambda: servers.ebay.count("GET", r"/order$") == 1, timeout=60, interval=0.02,
             message="the cycle to read the orders")
    assert saga_tasks.sync_account_task.delay(account.pk).get(timeout=30) == "skipped"

    wait_listing(sold, "ebay", ListingStatus.SOLD, timeout=60)
    servers.ebay.faults.delay_ms = 0
    wait_stage(sold, Stage.SOLD)
    assert listing(sold, "ebay").sold_price == 95
    assert servers.ebay.count("GET", r"/order$") == 1  # once for the account, not once per listing
    assert all(listing(p, "ebay").status == ListingStatus.LIVE for p in products[1:])
    wait_sent(sold, "sold")


def test_mercari_statuses_come_from_one_my_listings_page_per_account(seller, servers, saga_worker):
    connect(seller, servers, platforms=("mercari",))
    listings = []
    for n, status in enumerate(("on_sale", "sold", "on_sale")):
        product = product_make(owner=seller, stage=Stage.ACTIVE, with_photo=True)
        item_id = f"m9{n:07d}"
        servers.mercari.items[item_id] = {"id": item_id, "title": product.name, "description": "x", "price": 80 + n,
                                          "condition": "Good", "photos": 1, "status": status}
        item = listing_make(product=product, platform="mercari", status=ListingStatus.LIVE)
        Listing.objects.filter(pk=item.pk).update(external_id=item_id)
        listings.append(item)
    account = MarketplaceAccount.objects.get(owner=seller, platform="mercari")

    found = saga_tasks.sync_account_task.delay(account.pk).get(timeout=120)

    assert found == {"LIVE": 2, "SOLD": 1}
    statuses = [Listing.objects.get(pk=item.pk).status for item in listings]
    assert statuses == [ListingStatus.LIVE, ListingStatus.SOLD, ListingStatus.LIVE]
    assert Listing.objects.get(pk=listings[1].pk).sold_price == 81
    assert servers.mercari.count("GET", r"/item/") == 0  # no item page each

    # The next cycle, on the session the first one kept: one page, nothing else.
    servers.mercari.mark_sold("m90000002")
    servers.mercari.requests.clear()
    assert saga_tasks.sync_account_task.delay(account.pk).get(timeout=120) == {"LIVE": 1, "SOLD": 1}
    assert servers.mercari.requests == [("GET", "/mypage/listings")]
    for item in (listings[1], listings[2]):
        wait_sent(item.product, "sold")

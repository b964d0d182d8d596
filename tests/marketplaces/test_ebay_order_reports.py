"""eBay's order notification names an order, not BOOMER's copy: the order is read with the named
seller's account, else with each connected eBay account in turn (one that cannot read it is
skipped), and an order no account owns is recorded, not dropped."""
from __future__ import annotations

import pytest

from boomer_site.models import AnalyticsEvent
from listings.models import Listing
from listings.sale_reports import UNMATCHED, ebay_order_resolve
from marketplaces.credentials import account_save
from marketplaces.models import MarketplaceAccount
from tests.factories import listing_make, product_make, user_make

pytestmark = pytest.mark.django_db


def ebay_account(username: str, refresh_token: str, user_id: str = "") -> MarketplaceAccount:
    owner = user_make(username)
    account = account_save(owner=owner, platform="ebay", secrets={"refresh_token": refresh_token})
    MarketplaceAccount.objects.filter(pk=account.pk).update(external_user_id=user_id)
    return account


def live_copy(owner, item_id: str) -> Listing:
    copy = listing_make(product=product_make(owner=owner), platform="ebay")
    Listing.objects.filter(pk=copy.pk).update(external_id=item_id)
    return copy


def test_an_account_that_cannot_read_the_order_is_skipped_for_the_next(ebay_server):
    ebay_account("revoked", "v^1.1#r^1#revoked-long-ago")  # eBay refuses its token (first by id)
    owner = ebay_account("owner", ebay_server.refresh_token).owner
    copy = live_copy(owner, "110000000777")
    ebay_server.add_order(copy.product.sku, legacy_item_id="110000000777")

    assert ebay_order_resolve(order_id=ebay_server.orders[-1]["orderId"]) == [copy.pk]
    assert not AnalyticsEvent.objects.filter(event_type=UNMATCHED).exists()


def test_the_named_sellers_account_is_asked_first(ebay_server):
    first = ebay_account("first", ebay_server.refresh_token)
    named = ebay_account("named", ebay_server.refresh_token, user_id="ma8vp1jySJC")
    mine, theirs = live_copy(named.owner, "110000000888"), live_copy(first.owner, "110000000999")
    ebay_server.add_order(mine.product.sku, legacy_item_id="110000000888")

    assert ebay_order_resolve(order_id=ebay_server.orders[-1]["orderId"], seller_user_id="ma8vp1jySJC") == [mine.pk]
    assert Listing.objects.get(pk=theirs.pk).status == "LIVE"


def test_an_order_no_account_owns_is_recorded(ebay_server):
    ebay_account("seller", ebay_server.refresh_token)

    assert ebay_order_resolve(order_id="27-00000-00001", seller_user_id="nobody") == []

    event = AnalyticsEvent.objects.get(event_type=UNMATCHED)
    assert event.event_data == {"platform": "ebay", "reason": "no connected account owns the order",
                                "order_id": "27-00000-00001", "seller_user_id": "nobody"}

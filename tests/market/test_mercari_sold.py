"""Mercari's sold search in real headless Chromium against BOOMER's copy of Mercari's markup."""
from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest

from boomer_site.breakers import redis_client
from market.politeness import throttle_key
from market.sources.base import Query, SourceError
from market.sources.mercari_sold import MercariSoldSource, _amount, _shipping, _sold_date
from tests.contract_servers.mercari_search import MercariSearchServer, mercari_item

pytestmark = pytest.mark.browser


@pytest.fixture
def server(settings):
    with MercariSearchServer(page_size=3) as server:
        settings.MERCARI_URL = server.url
        settings.MERCARI_TIMEOUT_MS = 3000
        settings.BOOMER_MARKET_MAX_PAGES = 2
        settings.BOOMER_SCRAPE_INTERVAL_SECONDS = 0.05
        server.items = [
            mercari_item("m10000000001", "Sony WH-1000XM4 headphones black", 145, shipping="free",
                         sold_on=date(2025, 3, 1), condition="Like new", original=170),
            mercari_item("m10000000002", "Sony WH-1000XM4 silver w/ case", "129.50", shipping="8.99", condition="Good"),
            mercari_item("m10000000003", "Sony WH-1000XM4 on sale now", 160, sold=False, promoted=True),
            mercari_item("m10000000004", "Sony WH-1000XM4 new sealed", 230, shipping=None, condition="New",
                         sold_on=date(2025, 2, 14)),
            mercari_item("m10000000005", "Sony WH-1000XM4 still listed", 150, sold=False),
            mercari_item("m10000000006", "Bose QC45", 120),
        ]
        yield server


def test_sold_cards_become_sold_comps(server):
    comps = MercariSoldSource().search(Query("Sony WH-1000XM4"))

    assert [c.item_id for c in comps] == ["m10000000001", "m10000000002", "m10000000004"]  # no promoted item on sale
    free, paid, unknown = comps
    assert free.source == "mercari_sold" and free.kind == "sold" and free.currency == "USD"
    assert free.title == "Sony WH-1000XM4 headphones black"
    assert free.price == Decimal("145")  # the current price, not the struck-out original
    assert (free.shipping, free.extra["shipping_paid_by"]) == (Decimal("0"), "seller")
    assert free.sold_at == date(2025, 3, 1) and free.condition == "Like new"
    assert free.url == f"{server.url}/item/m10000000001/"
    assert (paid.price, paid.shipping, paid.extra["shipping_paid_by"]) == (Decimal("129.50"), Decimal("8.99"), "buyer")
    assert paid.sold_at is None  # not shown on the card
    assert (unknown.shipping, unknown.extra["shipping_paid_by"]) == (None, "unknown")
    assert unknown.sold_at == date(2025, 2, 14) and unknown.condition == "New"
    assert server.searches[0] == {"keyword": "Sony WH-1000XM4", "status": "sold_out"}
    assert server.count("GET", r"^/thumbs/") == 0  # images are never fetched


def test_pages_are_followed_up_to_the_max_pages_setting(server, settings):
    server.items = [mercari_item(f"m2000000{i:04d}", f"Lego 75192 set {i}", 600 + i) for i in range(10)]

    comps = MercariSoldSource().search(Query("lego 75192"))
    assert len(comps) == 6 and [s.get("page") for s in server.searches] == [None, "2"]

    settings.BOOMER_MARKET_MAX_PAGES = 5
    server.searches.clear()
    assert len(MercariSoldSource().search(Query("lego 75192", limit=8))) == 8
    assert [s.get("page") for s in server.searches] == [None, "2", "3"]  # stops once it has enough


def test_the_query_condition_is_applied_to_the_cards(server):
    assert [c.item_id for c in MercariSoldSource().search(Query("Sony WH-1000XM4", condition="new"))] == ["m10000000004"]
    assert [c.item_id for c in MercariSoldSource().search(Query("Sony WH-1000XM4", condition="used"))] == [
        "m10000000001", "m10000000002"]


def test_each_page_load_waits_for_the_hosts_turn(server, settings):
    settings.BOOMER_SCRAPE_INTERVAL_SECONDS = 1.0
    server.items = [mercari_item(f"m2000000{i:04d}", f"Lego 75192 set {i}", 600 + i) for i in range(6)]
    host = server.url.removeprefix("http://")

    started = time.monotonic()
    MercariSoldSource().search(Query("lego 75192"))

    assert len(server.searches) == 2 and time.monotonic() - started >= 1.0  # two loads, an interval apart
    assert redis_client().pttl(throttle_key(host)) > 0  # the turn was taken in the shared Redis


def test_no_results_is_an_empty_answer(server):
    assert MercariSoldSource().search(Query("nothing like this at all")) == []


@pytest.mark.parametrize("fault, words", [
    ("no_container", "no results container"),
    ("empty_container", "stayed empty"),
    ("sign_in_redirect", "sign-in wall"),
    ("sign_in_modal", "sign-in wall"),
])
def test_pages_that_cannot_be_read_are_errors_not_no_comps(server, fault, words):
    server.fault_page = fault
    with pytest.raises(SourceError) as caught:
        MercariSoldSource().search(Query("Sony WH-1000XM4"))
    assert words in caught.value.message and caught.value.permanent is False


def test_429_is_retryable_with_retry_after(server):
    server.faults.rate_limit_next, server.faults.retry_after, server.faults.match = 1, 9, r"^/search"
    with pytest.raises(SourceError) as caught:
        MercariSoldSource().search(Query("Sony WH-1000XM4"))
    assert caught.value.permanent is False and caught.value.retry_after == 9.0


def test_server_errors_and_outages_are_retryable(server):
    server.faults.fail_next, server.faults.status = 1, 503
    with pytest.raises(SourceError) as caught:
        MercariSoldSource().search(Query("Sony WH-1000XM4"))
    assert caught.value.permanent is False and "503" in caught.value.message

    server.faults.down = True
    with pytest.raises(SourceError) as caught:
        MercariSoldSource().search(Query("Sony WH-1000XM4"))
    assert caught.value.permanent is False and "could not be read" in caught.value.message


def test_a_query_without_keywords_is_refused(server):
    with pytest.raises(SourceError) as caught:
        MercariSoldSource().search(Query(""))
    assert caught.value.permanent is True and server.searches == []


def test_card_text_parsing():
    assert _amount("$1,234") == Decimal("1234") and _amount("$12.50") == Decimal("12.50")
    assert _amount("$10 - $20") is None and _amount("") is None
    assert _shipping("Free shipping") == (Decimal("0"), "seller")
    assert _shipping("+$8.99 shipping") == (Decimal("8.99"), "buyer")
    assert _shipping("Shipping calculated at checkout") == (None, "unknown")
    assert _sold_date("2025-03-01") == date(2025, 3, 1)
    assert _sold_date("Sold 03/01/2025") == date(2025, 3, 1)
    assert _sold_date("Sold on Mar 1, 2025") == date(2025, 3, 1)
    assert _sold_date("Sold 3 days ago") is None

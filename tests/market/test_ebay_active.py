"""eBay active listings (Browse API, application token) against the local Browse contract server."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache

from market.sources.base import Query, SourceError
from market.sources.ebay_active import EbayActiveSource
from tests.contract_servers.ebay_browse import EbayBrowseServer, browse_item

SEARCH = r"/item_summary/search$"


@pytest.fixture
def server(settings):
    with EbayBrowseServer() as server:
        settings.EBAY_API_URL = server.url
        settings.EBAY_AUTH_URL = server.url
        settings.EBAY_CLIENT_ID = server.client_id
        settings.EBAY_CLIENT_SECRET = server.client_secret
        settings.EBAY_MARKETPLACE_ID = "EBAY_US"
        settings.BOOMER_MARKETPLACE_TIMEOUT = 2
        server.listings = [
            browse_item("1001", "Sony WH-1000XM4 Wireless Headphones Black", "178.00", condition_id="3000",
                        shipping="0.00", gtin="027242919419"),
            browse_item("1002", "Sony WH-1000XM4 Noise Cancelling - Silver", "149.99", condition_id="5000",
                        shipping="12.50"),
            browse_item("1003", "SONY WH-1000XM4 headphones NEW sealed", "248.00", condition_id="1000",
                        shipping=None, gtin="027242919419"),
            browse_item("1004", "Sony WH-1000XM4 for parts", "40.00", condition_id="7000"),
            browse_item("1005", "Sony WH-1000XM4 auction", "90.00", buying_options=("AUCTION",), bidCount=4),
            browse_item("1006", "Sony WH-1000XM4 case only", "19.00", category_id="15052"),
            browse_item("1007", "Bose QC45 headphones", "160.00"),
        ]
        yield server


def source() -> EbayActiveSource:
    return EbayActiveSource()


def test_keywords_category_and_condition_give_active_comps(server):
    comps = source().search(Query("Sony WH-1000XM4", category_id="112529", condition="used"))

    assert [c.item_id for c in comps] == ["v1|1001|0", "v1|1002|0"]  # not new, parts, auction, other category
    first, second = comps
    assert first.source == "ebay_active" and first.kind == "active"
    assert first.title == "Sony WH-1000XM4 Wireless Headphones Black"
    assert (first.price, first.shipping, first.currency) == (Decimal("178.00"), Decimal("0.00"), "USD")
    assert first.url == "https://www.ebay.com/itm/1001"
    assert first.condition == "Pre-Owned" and first.sold_at is None
    assert first.extra["total"] == 2 and first.extra["condition_id"] == "3000"
    assert first.extra["buying_options"] == ["FIXED_PRICE"] and first.extra["matched_by"] == "keywords"
    assert second.shipping == Decimal("12.50") and second.condition == "Good"
    [search] = server.searches
    assert search["q"] == "Sony WH-1000XM4" and search["category_ids"] == "112529"
    assert search["filter"] == "buyingOptions:{FIXED_PRICE},conditionIds:{2750|3000|4000|5000|6000}"
    assert search["marketplace"] == "EBAY_US" and search["limit"] == "60" and search["offset"] == "0"


def test_gtin_is_searched_when_known_and_calculated_shipping_is_unknown(server):
    engine = source()
    comps = engine.search(Query("Sony WH-1000XM4", gtin="027242919419", condition="new"))

    [comp] = comps
    assert comp.item_id == "v1|1003|0" and comp.shipping is None and comp.extra["shipping_type"] == "CALCULATED"
    assert comp.extra["matched_by"] == "gtin" and engine.last_total == 1
    [search] = server.searches
    assert search["gtin"] == "027242919419" and "q" not in search
    assert search["filter"] == "buyingOptions:{FIXED_PRICE},conditionIds:{1000}"


def test_a_gtin_nobody_listed_falls_back_to_keywords(server):
    engine = source()
    comps = engine.search(Query("Bose QC45", gtin="017817835019"))

    assert [c.item_id for c in comps] == ["v1|1007|0"]
    assert comps[0].extra["matched_by"] == "keywords" and engine.last_total == 1
    assert [("gtin" in s, "q" in s) for s in server.searches] == [(True, False), (False, True)]


def test_pages_are_followed_on_our_host_up_to_the_limit_and_total_is_kept(server):
    server.listings = [browse_item(str(5000 + i), f"Lego 75192 set #{i}", f"{600 + i}.00") for i in range(450)]
    engine = source()

    comps = engine.search(Query("lego 75192", limit=230))

    assert len(comps) == 230 and len({c.item_id for c in comps}) == 230
    assert {c.extra["total"] for c in comps} == {450} and engine.last_total == 450
    assert [(s["limit"], s["offset"]) for s in server.searches] == [("200", "0"), ("200", "200")]


def test_no_match_is_an_empty_answer_not_an_error(server):
    engine = source()
    assert engine.search(Query("nothing like this")) == []
    assert engine.last_total == 0


def test_converted_prices_and_auction_with_buy_it_now_are_marked(server):
    item = browse_item("2001", "Nintendo Switch OLED", "290.00", buying_options=("AUCTION", "FIXED_PRICE"), bidCount=3)
    item["price"].update(convertedFromValue="265.00", convertedFromCurrency="EUR")
    server.listings = [item]
    [comp] = source().search(Query("nintendo switch oled"))
    assert comp.flags == ("converted",) and comp.bids == 3 and comp.price == Decimal("290.00")


def test_the_app_token_is_cached_until_shortly_before_expiry(server):
    source().search(Query("Sony WH-1000XM4"))
    source().search(Query("Bose QC45"))  # another instance (another worker): the cache is shared

    assert server.token_requests == 1
    assert cache.get(source()._token_key()) in server.tokens


def test_a_short_lived_token_is_not_kept_past_its_life(server):
    server.token_ttl = 60  # cached for max(30, 60 - 60) seconds: never past the token's own life
    source().search(Query("Sony WH-1000XM4"))
    key = source()._token_key()
    assert 0 < cache._cache.get_client(key).ttl(cache.make_and_validate_key(key)) <= 30


def test_an_expired_token_is_refreshed_once(server):
    source().search(Query("Sony WH-1000XM4"))
    server.expire_tokens()

    comps = source().search(Query("Sony WH-1000XM4"))

    assert comps and server.token_requests == 2


def test_a_token_refused_twice_is_a_retryable_error(server):
    server.faults.fail_next, server.faults.status, server.faults.match = 2, 401, SEARCH
    with pytest.raises(SourceError) as caught:
        source().search(Query("Sony WH-1000XM4"))
    assert caught.value.permanent is False and "fresh application token" in caught.value.message
    assert server.token_requests == 2


def test_429_is_retryable_with_retry_after(server):
    server.faults.rate_limit_next, server.faults.retry_after, server.faults.match = 1, 7, SEARCH
    with pytest.raises(SourceError) as caught:
        source().search(Query("Sony WH-1000XM4"))
    assert caught.value.permanent is False and caught.value.retry_after == 7.0
    assert "429" in caught.value.message and "Too many requests" in caught.value.message


def test_a_server_error_is_retryable(server):
    server.faults.fail_next, server.faults.match = 1, SEARCH
    with pytest.raises(SourceError) as caught:
        source().search(Query("Sony WH-1000XM4"))
    assert caught.value.permanent is False and "500" in caught.value.message and "system error" in caught.value.message
    assert source().search(Query("Sony WH-1000XM4"))  # the next try answers


def test_a_slow_answer_is_a_retryable_timeout(server, settings):
    settings.BOOMER_MARKETPLACE_TIMEOUT = 0.3
    engine = source()
    engine._token()  # the token first, so the delay hits the search
    server.faults.delay_ms = 800
    with pytest.raises(SourceError) as caught:
        engine.search(Query("Sony WH-1000XM4"))
    assert caught.value.permanent is False and "in time" in caught.value.message


def test_an_outage_is_retryable(server):
    server.faults.down = True
    with pytest.raises(SourceError) as caught:
        source().search(Query("Sony WH-1000XM4"))
    assert caught.value.permanent is False and "could not be reached" in caught.value.message


def test_other_4xx_are_permanent_with_eBays_reason(server, settings):
    settings.EBAY_MARKETPLACE_ID = "EBAY_XX"
    with pytest.raises(SourceError) as caught:
        source().search(Query("Sony WH-1000XM4"))
    assert caught.value.permanent is True
    assert "400" in caught.value.message and "marketplace value 'EBAY_XX' is invalid" in caught.value.message


def test_missing_app_keys_name_the_setting(server, settings):
    settings.EBAY_CLIENT_SECRET = ""
    with pytest.raises(SourceError) as caught:
        source().search(Query("Sony WH-1000XM4"))
    assert caught.value.permanent is True and "set EBAY_CLIENT_SECRET" in caught.value.message
    assert server.token_requests == 0


def test_wrong_app_keys_are_permanent(server, settings):
    settings.EBAY_CLIENT_SECRET = "not-the-secret"
    with pytest.raises(SourceError) as caught:
        source().search(Query("Sony WH-1000XM4"))
    assert caught.value.permanent is True and "EBAY_CLIENT_ID" in caught.value.message


def test_an_empty_query_is_refused_before_any_request(server):
    with pytest.raises(SourceError) as caught:
        source().search(Query(""))
    assert caught.value.permanent is True and server.token_requests == 0

"""eBay's sold search: `parse_sold_page` on four real saved eBay pages, and EbaySoldSource in real
headless Chromium against a local server that serves those pages as `/sch/i.html?…`.

The pages live in shared/real_pages beside the repository (never copied into it). What the
parser must find is counted here independently, with regular expressions over the raw HTML.
"""
from __future__ import annotations

import asyncio
import re
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from market import politeness
from market.politeness import host_throttle
from market.sources import ebay_sold
from market.sources.base import Query, SourceError
from market.sources.ebay_sold import EbaySoldSource, money, parse_sold_page
from tests.contract_servers.base import ContractServer, Response

REPO = Path(__file__).resolve().parents[2]
PAGES = REPO.parent / "shared" / "real_pages"
BASE = "https://www.ebay.com"
PLACEHOLDER_ID = "2500219655424533"  # the hidden "Shop on eBay" cards (link /itm/123456)
CAPTCHA_PAGE = """<!DOCTYPE html><html><head><title>Security Measure | eBay</title></head><body>
<h1>Please verify yourself to continue</h1><form id="captcha_form" action="/splashui/captcha_submit" method="post">
<div id="captcha_loading"></div><button type="submit">Continue</button></form></body></html>"""
SIGN_IN_PAGE = """<html><head><title>Sign in or Register | eBay</title></head><body><form id="signin-form">
<input id="userid" name="userid"><input type="password" name="pass"><button>Continue</button></form></body></html>"""
ERROR_PAGE = "<html><head><title>eBay</title></head><body><h1>Something went wrong. Please try again.</h1></body></html>"


# --- the real pages and an independent reading of them ----------------------------------------------
@pytest.fixture(scope="module")
def real() -> dict[int, str]:
    assert PAGES.is_dir(), f"the saved eBay pages are missing: {PAGES}"
    return {n: (PAGES / f"ebay_sold_{n}.html").read_text(encoding="utf-8") for n in range(1, 5)}


LI_TAG = re.compile(r"<li\b[^>]*>")
S_CARD = re.compile(r"""\bclass=["']?s-card[\s"'>]""")
LISTING_ID = re.compile(r"""\bdata-listingid=["']?(\d+)""")


def expected_ids(html: str) -> list[str]:
    """Item ids of the sold cards, by regex: every `<li class="s-card …" data-listingid=…>` that
    is neither a "Shop on eBay" placeholder nor after the "fewer words" answer."""
    fewer_at = html.find("srp-river-answer--REWRITE_START")
    fewer_at = len(html) if fewer_at < 0 else fewer_at
    cards = [(m.start(), LISTING_ID.search(m.group())) for m in LI_TAG.finditer(html) if S_CARD.search(m.group())]
    assert all(listing for _, listing in cards)
    return [listing.group(1) for at, listing in cards if listing.group(1) != PLACEHOLDER_ID and at < fewer_at]


def count(html: str, pattern: str) -> int:
    fewer_at = html.find("srp-river-answer--REWRITE_START")
    return len(re.findall(pattern, html[:fewer_at] if fewer_at >= 0 else html))


# --- parsing -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n, cards, total, fewer", [(1, 60, 1800, False), (2, 60, 12000, False), (3, 60, 242, False),
                                                    (4, 0, 0, True)])
def test_every_sold_card_is_a_comp_and_nothing_else(real, n, cards, total, fewer):
    html = real[n]
    page = parse_sold_page(html, base_url=BASE)

    ids = expected_ids(html)
    assert len(ids) == cards
    assert [c.item_id for c in page.comps] == ids
    assert html.count(f"data-listingid={PLACEHOLDER_ID}") + html.count(f'data-listingid="{PLACEHOLDER_ID}"') == 2
    assert "123456" not in {c.item_id for c in page.comps}
    assert (page.has_results_container, page.fewer_words, page.blocked, page.result_count) == (True, fewer, "", total)
    # every comp: sold on eBay, dated as the caption says, with a title, a canonical link, a condition
    captions = re.findall(r">Sold  ([A-Z][a-z]{2} \d{1,2}, \d{4})<", html[:html.find("srp-river-answer--REWRITE_START")]
                          if fewer else html)
    assert len(captions) == cards
    assert [c.sold_at.strftime("%b %-d, %Y") for c in page.comps] == captions
    for comp in page.comps:
        assert (comp.source, comp.kind, comp.currency) == ("ebay_sold", "sold", "USD")
        assert comp.url == f"{BASE}/itm/{comp.item_id}"
        assert comp.title and comp.condition and "Opens in a new window" not in comp.title
        assert (comp.price is None) == ("price_range" in comp.flags)


def test_the_flags_match_what_the_pages_show(real):
    for n in range(1, 5):
        html, comps = real[n], parse_sold_page(real[n], base_url=BASE).comps
        flagged = {flag: sum(flag in c.flags for c in comps) for flag in ("best_offer", "auction", "price_range", "converted")}
        shown = {
            "best_offer": count(html, r">Best offer accepted<"),
            "auction": count(html, r">\d+ bids?<"),
            "price_range": count(html, r"""s-card__price["']?> to <"""),
            # converted: cards whose price is italic (a range has two italic pieces)
            "converted": count(html, r"italic large-1 s-card__price") - count(html, r"italic default s-card__price"),
        }
        assert flagged == shown, n
        free = [c for c in comps if c.shipping == 0]
        assert len(free) == count(html, r">Free delivery<"), n
    page2 = parse_sold_page(real[2], base_url=BASE).comps
    assert sum("converted" in c.flags for c in page2) == 8  # what the counts above must not both miss


def comp_by_id(page, item_id):
    [comp] = [c for c in page.comps if c.item_id == item_id]
    return comp


def test_cards_read_exactly_as_the_page_shows_them(real):
    page1, page2, page3 = (parse_sold_page(real[n], base_url=BASE) for n in (1, 2, 3))

    auction = comp_by_id(page1, "298061905615")
    assert auction.title == "Sony WH-1000XM4 Over the Ear Wireless Headset - Black - Used"
    assert (auction.price, auction.shipping, auction.sold_at) == (Decimal("117.50"), Decimal("13.38"), date(2026, 3, 3))
    assert (auction.bids, auction.flags, auction.condition) == (21, ("auction",), "Pre-Owned")
    assert auction.url == "https://www.ebay.com/itm/298061905615"

    offer = comp_by_id(page1, "267592515805")  # "$74.96" struck through, "$99.95" was, "Best offer accepted"
    assert offer.title == "Sony WH-1000XM4 Over the Ear Wireless Headset - Black, Used, with Case"
    assert (offer.price, offer.shipping, offer.flags, offer.extra["was"]) == (Decimal("74.96"), Decimal("13.05"),
                                                                              ("best_offer",), "99.95")

    new_listing = comp_by_id(page1, "267592141594")  # "New Listing" is a label before the title, not part of it
    assert new_listing.title == "Sony WH-1000XM4 Wireless Noise-Cancelling Over-the-Ear Headphones - Black"
    assert (new_listing.price, new_listing.shipping, new_listing.flags) == (Decimal("100.00"), Decimal("0"), ())

    refurbished = comp_by_id(page1, "388664912949")
    assert refurbished.title == "Sony WH-1000XM4 Wireless Noise-Canceling Stereo Headset | Black | Excellent"
    assert (refurbished.price, refurbished.shipping, refurbished.sold_at) == (Decimal("99.99"), Decimal("0"), date(2025, 8, 15))
    assert refurbished.condition == "Excellent - Refurbished"

    ranged = comp_by_id(page1, "257075349494")  # "$107.99 to $125.99", then "$159.99" struck through
    assert (ranged.price, ranged.flags, ranged.extra["price_range"]) == (None, ("price_range",), ["107.99", "125.99"])

    cards = comp_by_id(page2, "197681979388")  # "$1.49 to $1.69"
    assert cards.title == "2011 Pokemon Black & White Base Set Pick Your Card"
    assert (cards.price, cards.shipping, cards.sold_at) == (None, Decimal("0.79"), date(2025, 10, 11))
    assert cards.flags == ("price_range",) and cards.extra["price_range"] == ["1.49", "1.69"]

    split = comp_by_id(page2, "317481026699")  # "+$7.35 " and "delivery in 2-4 days" in two spans
    assert split.title == "1999 POKEMON BASE SET UNLIMITED #4 CHARIZARD-HOLO PSA 2"
    assert (split.price, split.shipping, split.sold_at, split.condition) == (Decimal("245.00"), Decimal("7.35"),
                                                                             date(2025, 11, 20), "New (Other)")

    converted = comp_by_id(page2, "157226785094")  # italic: converted from pounds, "+$22.11 shipping estimate"
    assert (converted.price, converted.shipping, converted.flags) == (Decimal("11.75"), Decimal("22.11"), ("converted",))
    assert converted.extra["location"] == "United Kingdom"
    assert comp_by_id(page2, "184461143089").flags == ("converted", "price_range")

    part = comp_by_id(page3, "377007281744")
    assert part.title == "2006 - 2010 Volkswagen New Beetle 2.5L Upper Engine Cover 07K103925 (For: 2006 Volkswagen Beetle)"
    assert (part.price, part.shipping, part.sold_at, part.condition) == (Decimal("69.99"), Decimal("0"), date(2026, 3, 7),
                                                                         "Pre-Owned")
    panels = comp_by_id(page3, "177856796311")
    assert (panels.price, panels.shipping, panels.extra["was"]) == (Decimal("1395.00"), Decimal("195.00"), "1500.00")
    car = comp_by_id(page3, "306799759810")  # an auctioned car: no shipping line at all
    assert (car.title, car.price, car.shipping, car.bids) == ("2006 Volkswagen Beetle-New 2.5 PZEV", Decimal("610.00"), None, 7)
    seller_line = comp_by_id(page3, "198073914417")  # the seller's subtitle first, the condition last
    assert (seller_line.condition, seller_line.flags) == ("Pre-Owned", ("best_offer",))


def test_next_page_stays_on_the_site_read(real):
    page = parse_sold_page(real[1], base_url="http://127.0.0.1:8123/")
    assert page.next_url == ("http://127.0.0.1:8123/sch/i.html?_nkw=Sony+WH-1000XM4+Headphones"
                             "&LH_Sold=1&LH_Complete=1&_pgn=2")
    assert page.comps[0].url == "http://127.0.0.1:8123/itm/298061905615"
    assert parse_sold_page(real[3], base_url=BASE).next_url.endswith("LH_ItemCondition=3000&_ipg=60&_pgn=5")
    assert parse_sold_page(real[4], base_url=BASE).next_url == ""  # no pagination under fewer-words results


def test_cards_after_a_fewer_words_answer_in_the_list_are_not_comps(real):
    """eBay may put the answer between cards: the cards before it match, the ones after do not."""
    html = real[1]
    ids = expected_ids(html)
    at = [m.start() for m in LI_TAG.finditer(html) if f"data-listingid={ids[10]}" in m.group()][0]
    answer = ('<li class="srp-river-answer srp-river-answer--REWRITE_START"><div class="section-notice">'
              "<span>Results matching fewer words</span></div></li>")
    page = parse_sold_page(html[:at] + answer + html[at:], base_url=BASE)

    assert page.fewer_words is True
    assert [c.item_id for c in page.comps] == ids[:10]
    assert page.skipped == {"fewer_words": 50}


def test_hidden_sponsored_footers_do_not_drop_cards(real):
    for n in (1, 2, 3):
        assert count(real[n], r"derosnopS|Sponsored|s-n06k270") > 0  # the pages do carry them
        assert len(parse_sold_page(real[n], base_url=BASE).comps) == 60


def test_walls_and_broken_pages_are_not_results(real):
    captcha = parse_sold_page(CAPTCHA_PAGE, base_url=BASE)
    assert (captcha.blocked, captcha.has_results_container, captcha.comps) == ("captcha", False, [])
    sign_in = parse_sold_page(SIGN_IN_PAGE, base_url=BASE)
    assert (sign_in.blocked, sign_in.has_results_container, sign_in.comps) == ("sign-in wall", False, [])
    broken = parse_sold_page(ERROR_PAGE, base_url=BASE)
    assert (broken.blocked, broken.has_results_container) == ("", False)
    assert parse_sold_page("", base_url=BASE).has_results_container is False
    # a real results page embeds a hidden reCAPTCHA frame and a "Sign in" link: not a wall
    assert 'recaptcha' in real[2] and parse_sold_page(real[2], base_url=BASE).blocked == ""


@pytest.mark.parametrize("text, site, expected", [
    ("$1,395.00", "USD", (Decimal("1395.00"), "USD")),
    ("+$7.35 ", "USD", (Decimal("7.35"), "USD")),
    ("US $20.00", "GBP", (Decimal("20.00"), "USD")),
    ("C $12.50", "USD", (Decimal("12.50"), "CAD")),
    ("£1,234.56", "GBP", (Decimal("1234.56"), "GBP")),
    ("EUR 1.234,50", "EUR", (Decimal("1234.50"), "EUR")),
    ("$9.99", "AUD", (Decimal("9.99"), "AUD")),
    ("Free", "USD", None),
])
def test_money(text, site, expected):
    assert money(text, site_currency=site) == expected


def test_search_url_filters(settings):
    settings.EBAY_WEB_URL = "https://www.ebay.com/"
    source = EbaySoldSource()
    q = parse_qs(urlparse(source.search_url(Query("Sony  WH-1000XM4", category_id="112529", condition="used"))).query)
    assert q == {"_nkw": ["Sony WH-1000XM4"], "LH_Sold": ["1"], "LH_Complete": ["1"], "_sacat": ["112529"],
                 "LH_ItemCondition": ["3000"]}
    q = parse_qs(urlparse(source.search_url(Query("", gtin="027242919891", condition="new"))).query)
    assert q["_nkw"] == ["027242919891"] and q["LH_ItemCondition"] == ["1000"] and "_sacat" not in q
    assert urlparse(source.search_url(Query("x"))).path == "/sch/i.html"
    with pytest.raises(SourceError) as raised:
        source.search_url(Query(""))
    assert raised.value.permanent


def test_the_browser_fetches_only_the_site_and_ebay_itself(settings):
    settings.EBAY_WEB_URL = "https://www.ebay.com"
    on_ebay = EbaySoldSource()
    assert on_ebay._allowed("www.ebay.com") and on_ebay._allowed("ir.ebaystatic.com")
    assert not on_ebay._allowed("googleads.g.doubleclick.net") and not on_ebay._allowed("ebayadservices.com")
    local = EbaySoldSource(base_url="http://127.0.0.1:8123")
    assert local._allowed("127.0.0.1") and not local._allowed("ir.ebaystatic.com")  # tests never leave the machine


# --- politeness ----------------------------------------------------------------------------------------
def test_host_throttle_spaces_requests_across_threads():
    host, interval, starts = f"throttle-test-{time.time_ns()}.example", 0.4, []
    lock = threading.Lock()

    def take():
        host_throttle(host, interval=interval)
        with lock:
            starts.append(time.monotonic())

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    starts.sort()
    assert len(starts) == 4
    assert all(b - a >= interval - 0.005 for a, b in zip(starts, starts[1:])), starts
    with pytest.raises(politeness.ThrottleTimeout) as raised:
        host_throttle(host, interval=interval, max_wait=0.01)  # the last turn is still running
    assert 0 < raised.value.retry_after <= interval + 0.05


# --- EbaySoldSource in real Chromium ---------------------------------------------------------------------
class SoldSearchSite(ContractServer):
    """Answers /sch/i.html with the page registered for (_nkw, _pgn); records every search."""

    def __init__(self):
        super().__init__()
        self.pages: dict[tuple[str, int], str] = {}
        self.searches: list[tuple[float, dict]] = []
        self.route("GET", r"/sch/i\.html", self._search)

    def _search(self, req) -> Response:
        self.searches.append((time.monotonic(), req.query))
        key = (" ".join(req.query.get("_nkw", "").lower().split()), int(req.query.get("_pgn") or 1))
        if key not in self.pages:
            return Response(404, "<html><body>no such page</body></html>")
        return Response(200, self.pages[key])


@pytest.fixture
def site(settings, real):
    with SoldSearchSite() as server:
        settings.EBAY_WEB_URL = server.url
        settings.BOOMER_SCRAPE_INTERVAL_SECONDS = 0.2
        settings.BOOMER_MARKET_MAX_PAGES = 2
        server.pages = {
            ("sony wh-1000xm4 headphones", 1): real[1],
            ("sony wh-1000xm4 headphones", 2): real[2],
            ("2006 volkswagen new beetle", 1): real[3],
            ("built peanut butter puff cups 12ct 17g protein", 1): real[4],
            ("wall", 1): CAPTCHA_PAGE,
            ("sign in", 1): SIGN_IN_PAGE,
            ("broken", 1): ERROR_PAGE,
        }
        yield server


@pytest.mark.browser
def test_search_reads_the_pages_in_chromium_and_follows_next(site, real):
    comps = EbaySoldSource().search(Query("Sony WH-1000XM4 Headphones", limit=500))

    # what Chromium shows is what the saved pages hold, page 1 then the page its "next" link names
    expected = parse_sold_page(real[1], base_url=site.url).comps + parse_sold_page(real[2], base_url=site.url).comps
    assert comps == expected and len(comps) == 120
    first, second = (query for _, query in site.searches)
    assert first == {"_nkw": "Sony WH-1000XM4 Headphones", "LH_Sold": "1", "LH_Complete": "1"}
    assert second["_pgn"] == "2"  # eBay's absolute next link, followed on the configured site
    assert site.count("GET", r"\.(png|jpe?g|webp|gif)$") == 0  # images are never fetched


@pytest.mark.browser
def test_search_stops_at_the_limit_and_at_max_pages(site, settings):
    comps = EbaySoldSource().search(Query("Sony WH-1000XM4 Headphones", limit=25))
    assert len(comps) == 25 and len(site.searches) == 1

    settings.BOOMER_MARKET_MAX_PAGES = 1
    assert len(EbaySoldSource().search(Query("Sony WH-1000XM4 Headphones", limit=500))) == 60
    assert len(site.searches) == 2


@pytest.mark.browser
def test_search_sends_category_and_condition(site):
    comps = EbaySoldSource().search(Query("2006 Volkswagen New Beetle", category_id="6001", condition="used", limit=60))

    assert len(comps) == 60
    [(_, query)] = site.searches
    assert (query["_sacat"], query["LH_ItemCondition"]) == ("6001", "3000")


@pytest.mark.browser
def test_only_fewer_words_results_is_an_empty_answer(site):
    assert EbaySoldSource().search(Query("Built Peanut Butter Puff Cups 12ct 17g Protein")) == []
    assert len(site.searches) == 1


@pytest.mark.browser
@pytest.mark.parametrize("words, reason", [("wall", "captcha"), ("sign in", "sign-in wall"),
                                           ("broken", "no results container"), ("not served", "no results container")])
def test_walls_and_missing_results_raise_a_retryable_error(site, words, reason):
    with pytest.raises(SourceError) as raised:
        EbaySoldSource().search(Query(words))
    assert reason in raised.value.message and raised.value.permanent is False


@pytest.mark.browser
def test_a_later_page_that_fails_keeps_the_earlier_comps_and_a_429_is_retryable(site):
    del site.pages[("sony wh-1000xm4 headphones", 2)]
    assert len(EbaySoldSource().search(Query("Sony WH-1000XM4 Headphones", limit=500))) == 60
    assert len(site.searches) == 2

    site.faults.rate_limit_next, site.faults.retry_after, site.faults.match = 1, 7, r"^/sch/"
    with pytest.raises(SourceError) as raised:
        EbaySoldSource().search(Query("Sony WH-1000XM4 Headphones"))
    assert "429" in raised.value.message and (raised.value.permanent, raised.value.retry_after) == (False, 7.0)


@pytest.mark.browser
def test_search_runs_inside_an_event_loop(site):
    async def in_loop():
        return EbaySoldSource().search(Query("2006 Volkswagen New Beetle", limit=5))

    assert [c.item_id for c in asyncio.run(in_loop())][:1] == ["377007281744"]


@pytest.mark.browser
def test_two_searches_on_one_host_are_an_interval_apart(site, settings, monkeypatch):
    settings.BOOMER_SCRAPE_INTERVAL_SECONDS = interval = 1.5
    turns = []

    def recorded(host, **kwargs):
        waited = host_throttle(host, **kwargs)
        turns.append(time.monotonic())
        return waited

    monkeypatch.setattr(ebay_sold, "host_throttle", recorded)
    results = []
    threads = [threading.Thread(target=lambda: results.append(EbaySoldSource().search(Query("2006 Volkswagen New Beetle",
                                                                                             limit=60))))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    assert [len(r) for r in results] == [60, 60]
    first, second = sorted(turns)
    assert second - first >= interval - 0.005  # the turns Redis granted: one per interval
    # As the site saw it: the second request came an interval after the first was allowed to go.
    # (Arrival gaps themselves also carry each browser's own delay between its turn and its request.)
    arrivals = sorted(at for at, _ in site.searches)
    assert len(arrivals) == 2 and arrivals[0] >= first and arrivals[1] >= first + interval - 0.005


@pytest.mark.browser
def test_a_missing_browser_is_a_permanent_error(site, settings):
    settings.BOOMER_CHROMIUM_PATH = "/nonexistent/chromium"
    with pytest.raises(SourceError) as raised:
        EbaySoldSource().search(Query("Sony WH-1000XM4 Headphones"))
    assert raised.value.permanent and not site.searches

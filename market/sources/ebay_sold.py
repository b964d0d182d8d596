"""Sold prices from eBay's public sold-items search, read in headless Chromium.

eBay closed the Finding API and Marketplace Insights, so the sold search page
(`/sch/i.html?_nkw=…&LH_Sold=1&LH_Complete=1`) is the only source of sold prices. Chromium
(Debian's, through Playwright's sync API, as the Mercari adapter drives it) fetches the page;
the parsing is plain lxml on the HTML (`parse_sold_page`), so it is tested on saved pages.

What the 2025–2026 markup (`li.s-card`) taught:
- Each result is `li.s-card` inside `div.srp-river-results` > `ul.srp-results`. Two hidden
  "Shop on eBay" placeholder cards (link /itm/123456) sit outside the results: never comps.
- Almost every card ends with a hidden "Sponsored" footer (as letters scattered over spans,
  a reversed word or an SVG), so that word says nothing and is not a filter.
- "Results matching fewer words" (`srp-river-answer--REWRITE_START`) starts cards that do not
  match the query: everything after it is dropped. A page may hold only those (0 results).
- The price row holds `span.s-card__price` pieces: "$1.49" " to " "$1.69" is a range (no
  price, flag price_range); italic pieces are converted from the seller's currency; a
  strikethrough price next to "Best offer accepted" is the asking price, not the paid one.
  A secondary strikethrough span after the price is the old list price (extra["was"]).
- Shipping is "+$13.38 delivery", "+$22.11 shipping estimate", "Free delivery", or split in
  two spans ("+$7.35 " + "delivery in 2-4 days"); read as the row's whole text.
- The caption "Sold  Mar 3, 2026" (two spaces) dates the sale; "21 bids" marks an auction.
- A card may carry two subtitles: the seller's own line, then the condition (the last one).

A captcha or sign-in page, or a page without the results container, raises SourceError: "try
later", never "no comps". A page that has the container and no matching card is an answer.

Settings: EBAY_WEB_URL (https://www.ebay.com), BOOMER_CHROMIUM_PATH (/usr/bin/chromium),
BOOMER_MARKET_MAX_PAGES (2), BOOMER_SCRAPE_INTERVAL_SECONDS (3, see market/politeness.py),
BOOMER_SCRAPE_TIMEOUT_SECONDS (30, one page load).
"""
from __future__ import annotations

import asyncio
import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode, urljoin, urlparse

import lxml.html
import redis
from django.conf import settings

from market.politeness import ThrottleTimeout, host_throttle
from marketplaces.adapters.mercari import CHROMIUM_ARGS
from marketplaces.adapters.transport import parse_retry_after

from .base import Comp, Query, Source, SourceError

log = logging.getLogger(__name__)

SOURCE = "ebay_sold"
CONDITION_FILTER = {"new": "1000", "used": "3000"}  # eBay's LH_ItemCondition values
PLACEHOLDER_TITLE = "shop on ebay"
BLOCKED_RETRY_AFTER = 900.0  # a captcha or sign-in wall does not lift in seconds
THROTTLE_MAX_WAIT = 120.0  # seconds a search may wait for its turn at eBay before giving up
# Only the page's HTML is read: no images, media or fonts, and no host outside eBay's own.
BLOCKED_RESOURCES = {"image", "media", "font"}
EBAY_HOST = re.compile(r"(^|\.)(ebay|ebaystatic|ebayimg|ebaydesc|ebayrtm)\.(com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})$")

_CLASS = 'contains(concat(" ", normalize-space(@class), " "), " {} ")'
RIVER = f"//div[{_CLASS.format('srp-river-results')}] | //ul[{_CLASS.format('srp-results')}]"
FEWER_WORDS = "results matching fewer words"
ITEM_ID = re.compile(r"/itm/(?:[^/?#]+/)?(\d{6,})")
SOLD_DATE = re.compile(r"\bSold\s+(?:([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})|(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4}))")
BIDS = re.compile(r"^(\d[\d,]*)\s+bids?$", re.I)
SHIPPING = re.compile(r"^\+\s*(.+?)\s+(?:delivery|shipping|postage)\b", re.I)
FREE_SHIPPING = re.compile(r"^free\s+(?:delivery|shipping|postage)\b", re.I)
MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
# Currency marks as eBay prints them, longest first; a bare "$" is the site's own dollar.
CURRENCY_MARKS = [("US $", "USD"), ("USD", "USD"), ("C $", "CAD"), ("CA $", "CAD"), ("CAD", "CAD"), ("AU $", "AUD"),
                  ("AUD", "AUD"), ("NZ $", "NZD"), ("HK $", "HKD"), ("S$", "SGD"), ("GBP", "GBP"), ("£", "GBP"),
                  ("EUR", "EUR"), ("€", "EUR"), ("CHF", "CHF"), ("PLN", "PLN"), ("zł", "PLN"), ("¥", "JPY")]
SITE_DOLLAR = {"ebay.ca": "CAD", "ebay.com.au": "AUD", "ebay.com.sg": "SGD", "ebay.com.hk": "HKD"}
SITE_CURRENCY = {"ebay.co.uk": "GBP", "ebay.de": "EUR", "ebay.fr": "EUR", "ebay.it": "EUR", "ebay.es": "EUR",
                 "ebay.ie": "EUR", "ebay.at": "EUR", "ebay.nl": "EUR", "ebay.be": "EUR", "ebay.ch": "CHF",
                 "ebay.pl": "PLN", **SITE_DOLLAR}


@dataclass
class SoldPage:
    comps: list[Comp] = field(default_factory=list)
    result_count: int | None = None  # the "1,800+ results" heading, when shown
    has_results_container: bool = False
    fewer_words: bool = False  # the page has a "Results matching fewer words" section
    next_url: str = ""  # the next results page, on base_url's site; '' on the last page
    blocked: str = ""  # '' or why the page is not a results page (captcha, sign-in wall)
    skipped: dict[str, int] = field(default_factory=dict)  # cards not taken, by reason


# --- parsing ---------------------------------------------------------------------------------------
def parse_sold_page(html: str, *, base_url: str) -> SoldPage:
    """The comps of one sold-search page. `base_url` is the site it was read from: item URLs
    are made canonical on it (`{base_url}/itm/<id>`) and the next-page link is kept on it."""
    base_url = base_url.rstrip("/")
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)  # lxml refuses a str with an encoding declaration
    page = SoldPage()
    if not html.strip():
        return page  # no results container
    doc = lxml.html.document_fromstring(html)
    rivers = doc.xpath(RIVER)
    page.has_results_container = bool(rivers)
    page.result_count = _result_count(doc)
    if not page.has_results_container:
        page.blocked = _blocked(doc)
    page.next_url = _next_url(doc, base_url)

    currency = _site_currency(base_url)
    scope = rivers[0] if rivers else doc
    marker = _fewer_words_marker(scope)
    page.fewer_words = marker is not None
    past_marker = False
    for el in scope.iter():  # document order: cards after the marker match fewer words
        if el is marker:
            past_marker = True
        if el.tag != "li" or not _has_class(el, "s-card"):
            continue
        reason, comp = ("fewer_words", None) if past_marker else _card(el, base_url=base_url, currency=currency)
        if comp is None:
            page.skipped[reason] = page.skipped.get(reason, 0) + 1
        else:
            page.comps.append(comp)
    return page


def _text(el) -> str:
    return " ".join(el.text_content().split()) if el is not None else ""


def _has_class(el, name: str) -> bool:
    return name in (el.get("class") or "").split()


def _result_count(doc) -> int | None:
    for heading in doc.xpath(f'//*[{_CLASS.format("srp-controls__count-heading")}]'):
        bold = heading.xpath(f'.//span[{_CLASS.format("BOLD")}]')
        digits = re.sub(r"\D", "", _text(bold[0]) if bold else _text(heading).split(" ")[0])
        if digits:
            return int(digits)
    return None


def _next_url(doc, base_url: str) -> str:
    for link in doc.xpath(f'//a[{_CLASS.format("pagination__next")}][@href]'):
        if link.get("aria-disabled") == "true":
            continue
        target = urlparse(urljoin(base_url + "/", link.get("href")))
        if target.path and target.path != "/":
            # eBay's links name eBay's own host: keep paging on the site we read (region, mirror)
            return f"{base_url}{target.path}" + (f"?{target.query}" if target.query else "")
    return ""


def _fewer_words_marker(scope):
    """The element that starts the "Results matching fewer words" section, if any."""
    marked = scope.xpath(f'.//*[{_CLASS.format("srp-river-answer--REWRITE_START")}]')
    if marked:
        return marked[0]
    for el in scope.iter():
        if isinstance(el.tag, str) and el.tag not in ("script", "style") and FEWER_WORDS in (el.text or "").lower():
            return el
    return None


def _blocked(doc) -> str:
    """Why a page without results is a wall, or ''. Only asked when the results container is
    missing: real results pages embed a hidden reCAPTCHA frame and a "Sign in" link."""
    title = _text(doc.find(".//title")).lower()
    body = _text(doc.find(".//body"))[:4000].lower()
    captcha_marks = doc.xpath('//*[contains(translate(@id, "CAPTCHA", "captcha"), "captcha") or '
                              'contains(translate(@class, "CAPTCHA", "captcha"), "captcha") or '
                              'contains(@action, "captcha") or contains(@src, "captcha") or contains(@src, "arkoselabs")]')
    if (captcha_marks or "captcha" in title or "security measure" in title or "pardon our interruption" in title
            or "verify yourself" in body or "verify you are a human" in body or "checking your browser" in body):
        return "captcha"
    if (doc.xpath('//input[@type="password"] | //form[@id="signin-form"] | //input[@id="userid"]')
            or title.startswith("sign in") or "sign in to continue" in body):
        return "sign-in wall"
    return ""


def _site_currency(base_url: str) -> str:
    host = (urlparse(base_url).hostname or "").lower()
    for site, currency in SITE_CURRENCY.items():
        if host == site or host.endswith("." + site):
            return currency
    return "USD"


def money(text: str, *, site_currency: str = "USD") -> tuple[Decimal, str] | None:
    """("$1,395.00") → (Decimal("1395.00"), "USD"); "EUR 12,50" → (12.50, "EUR"); None if no amount."""
    text = " ".join(text.replace("\xa0", " ").split())
    number = re.search(r"\d[\d.,]*", text)
    if not number:
        return None
    digits = number.group().rstrip(".,")
    if "," in digits and "." in digits:
        decimal_mark = "," if digits.rfind(",") > digits.rfind(".") else "."
    elif "," in digits:
        decimal_mark = "," if re.search(r",\d{1,2}$", digits) else "."
    else:
        decimal_mark = "."
    thousands = "." if decimal_mark == "," else ","
    digits = digits.replace(thousands, "").replace(decimal_mark, ".")
    try:
        amount = Decimal(digits)
    except InvalidOperation:
        return None
    marks = (text[:number.start()] + " " + text[number.end():]).strip()
    currency = next((code for mark, code in CURRENCY_MARKS if mark in marks), "")
    if not currency:  # a bare "$" is the site's dollar (USD unless the site is a dollar country's)
        currency = "USD" if "$" in marks and site_currency not in SITE_DOLLAR.values() else site_currency
    return amount, currency


def _sold_at(card) -> date | None:
    captions = card.xpath(f'.//*[{_CLASS.format("s-card__caption")}]') or card.xpath('.//*[@aria-label="Sold Item"]')
    for caption in captions:
        match = SOLD_DATE.search(_text(caption))
        if not match:
            continue
        month_name, day, year = (match.group(1), match.group(2), match.group(3)) if match.group(1) else \
            (match.group(5), match.group(4), match.group(6))
        month = MONTHS.get(month_name[:3].lower())
        if month:
            try:
                return date(int(year), month, int(day))
            except ValueError:
                return None
    return None


def _is_sold(card) -> bool:
    return any(_text(c).lower().startswith("sold") for c in card.xpath(f'.//*[{_CLASS.format("s-card__caption")}]')) \
        or bool(card.xpath('.//*[@aria-label="Sold Item"]'))


def _title(card) -> str:
    heads = card.xpath(f'.//*[{_CLASS.format("s-card__title")}]')
    if not heads:
        return ""
    parts = []
    for el in heads[0].iter():
        if el is heads[0] or not isinstance(el.tag, str):
            continue
        if _has_class(el, "clipped") or _has_class(el, "s-card__new-listing"):
            continue
        if el.getparent() is heads[0]:
            parts.append(el.text_content())
    return " ".join(" ".join(parts).split()) if parts else _text(heads[0])


def _item_id(card) -> str:
    for link in card.xpath(f'.//a[{_CLASS.format("s-card__link")}][@href] | .//a[@href]'):
        match = ITEM_ID.search(urlparse(link.get("href")).path)
        if match:
            return match.group(1)
    return card.get("data-listingid") or ""


def _rows(card) -> list:
    return card.xpath(f'.//*[{_CLASS.format("s-card__attribute-row")}]')


def _card(card, *, base_url: str, currency: str) -> tuple[str, Comp | None]:
    """One result card → ("", Comp), or (reason it is not a comp, None)."""
    title = _title(card)
    if title.lower() == PLACEHOLDER_TITLE:
        return "placeholder", None
    if not _is_sold(card):
        return "not_sold", None
    item_id = _item_id(card)
    if not item_id:
        return "no_item_id", None

    flags: list[str] = []
    extra: dict = {}
    price = shipping = bids = None
    shown_currency = currency
    for row in _rows(card):
        text = _text(row)
        pieces = row.xpath(f'.//span[{_CLASS.format("s-card__price")}]')
        if pieces and price is None and "price_range" not in flags:
            shown = " ".join(_text(p) for p in pieces)
            if any(_has_class(p, "italic") for p in pieces):
                flags.append("converted")
            amounts = [money(_text(p), site_currency=currency) for p in pieces]
            amounts = [a for a in amounts if a]
            if re.search(r"\bto\b", shown, re.I) or len(amounts) > 1:
                flags.append("price_range")
                extra["price_range"] = [str(a[0]) for a in amounts]
                shown_currency = amounts[0][1] if amounts else currency
            elif amounts:
                price, shown_currency = amounts[0]
            was = [s for s in row.xpath(f'.//span[{_CLASS.format("strikethrough")}]') if s not in pieces]
            if was and (found := money(_text(was[-1]), site_currency=currency)):
                extra["was"] = str(found[0])
            continue
        lowered = text.lower()
        if lowered == "best offer accepted":
            flags.append("best_offer")
        elif BIDS.match(text):
            bids = int(BIDS.match(text).group(1).replace(",", ""))
            flags.append("auction")
        elif shipping is None and FREE_SHIPPING.match(text):
            shipping = Decimal("0")
        elif shipping is None and (match := SHIPPING.match(text)):
            found = money(match.group(1), site_currency=currency)
            shipping = found[0] if found else None
        elif lowered in ("buy it now", "or best offer"):
            extra["format"] = text
        elif lowered.startswith("located in "):
            extra["location"] = text[len("located in "):]
    subtitles = card.xpath(f'.//*[{_CLASS.format("s-card__subtitle")}]')
    condition = _text(subtitles[-1]).split(" · ")[0] if subtitles else ""
    return "", Comp(source=SOURCE, title=title, price=price, shipping=shipping, currency=shown_currency,
                    url=f"{base_url}/itm/{item_id}", item_id=item_id, sold_at=_sold_at(card), condition=condition,
                    kind="sold", flags=tuple(flags), bids=bids, extra=extra)


# --- the source ------------------------------------------------------------------------------------
class EbaySoldSource(Source):
    name = SOURCE

    def __init__(self, *, base_url: str | None = None, max_pages: int | None = None):
        self.base_url = str(base_url or settings.EBAY_WEB_URL).rstrip("/")
        self.max_pages = int(max_pages if max_pages is not None else settings.BOOMER_MARKET_MAX_PAGES)
        self.chromium = str(settings.BOOMER_CHROMIUM_PATH)
        self.timeout_ms = int(float(settings.BOOMER_SCRAPE_TIMEOUT_SECONDS) * 1000)

    def search_url(self, query: Query) -> str:
        words = " ".join((query.keywords or query.gtin or "").split())
        if not words:
            raise SourceError("eBay sold search needs keywords or a GTIN", permanent=True)
        params = {"_nkw": words, "LH_Sold": "1", "LH_Complete": "1"}
        if query.category_id:
            params["_sacat"] = query.category_id
        if query.condition in CONDITION_FILTER:
            params["LH_ItemCondition"] = CONDITION_FILTER[query.condition]
        return f"{self.base_url}/sch/i.html?{urlencode(params)}"

    def search(self, query: Query) -> list[Comp]:
        url = self.search_url(query)
        if not os.path.exists(self.chromium):
            raise SourceError(f"eBay sold search: no browser at {self.chromium} (BOOMER_CHROMIUM_PATH)", permanent=True)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._read(url, max(1, query.limit))
        # Playwright's sync API refuses to run inside an event loop: give it a thread of its own.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ebay-sold") as pool:
            return pool.submit(self._read, url, max(1, query.limit)).result()

    # --- browser -----------------------------------------------------------------------------------
    def _read(self, url: str, limit: int) -> list[Comp]:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout
        from playwright.sync_api import sync_playwright

        comps: list[Comp] = []
        seen: set[str] = set()
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=self.chromium, headless=True, args=CHROMIUM_ARGS)
                try:
                    context = browser.new_context(user_agent=self._user_agent(browser.version), locale="en-US",
                                                  viewport={"width": 1280, "height": 900})
                    context.set_default_timeout(self.timeout_ms)
                    context.set_default_navigation_timeout(self.timeout_ms)
                    context.route("**/*", self._route)
                    page = context.new_page()
                    for number in range(1, self.max_pages + 1):
                        try:
                            result = self._load(page, url)
                        except SourceError as exc:
                            if not comps:
                                raise
                            # what the earlier pages showed is still true: keep it, read no further
                            log.warning("eBay sold search stopped at page %s (%s) with %s comps", number, exc.message, len(comps))
                            break
                        for comp in result.comps:
                            if comp.item_id not in seen:
                                seen.add(comp.item_id)
                                comps.append(comp)
                        if len(comps) >= limit or result.fewer_words or not result.next_url:
                            break
                        url = result.next_url
                finally:
                    browser.close()
        except PlaywrightTimeout:
            raise SourceError("eBay sold search did not answer in time", permanent=False)
        except PlaywrightError as exc:
            raise SourceError(f"eBay sold search: the browser failed ({str(exc).splitlines()[0]})", permanent=False)
        return comps[:limit]

    def _load(self, page, url: str) -> SoldPage:
        """One results page, or SourceError: a wall, no results container, 429, 5xx, no turn."""
        try:
            host_throttle(urlparse(url).netloc.lower(), max_wait=THROTTLE_MAX_WAIT)
        except ThrottleTimeout as exc:
            raise SourceError("eBay sold search: too many searches queued for eBay", permanent=False,
                              retry_after=exc.retry_after)
        except redis.RedisError as exc:
            raise SourceError(f"eBay sold search: no politeness clock (Redis: {exc})", permanent=False)
        response = page.goto(url, wait_until="domcontentloaded")
        status = response.status if response is not None else 200
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            raise SourceError("eBay sold search: eBay answered 429 (too many requests)", permanent=False,
                              retry_after=BLOCKED_RETRY_AFTER if retry_after is None else retry_after)
        if status >= 500:
            raise SourceError(f"eBay sold search: eBay answered {status}", permanent=False)
        result = parse_sold_page(page.content(), base_url=self.base_url)
        if result.has_results_container:
            return result
        final = urlparse(page.url)
        if not result.blocked and ("/splashui/" in final.path or "captcha" in final.path):
            result.blocked = "captcha"
        elif not result.blocked and (final.hostname or "").startswith("signin."):
            result.blocked = "sign-in wall"
        if result.blocked:
            raise SourceError(f"eBay sold search: {result.blocked}", permanent=False, retry_after=BLOCKED_RETRY_AFTER)
        answered = f" (eBay answered {status})" if status >= 400 else ""
        raise SourceError(f"eBay sold search: no results container{answered}", permanent=False)

    def _route(self, route) -> None:
        """Fetch only what reading the HTML needs: no images or fonts, no host outside eBay."""
        request = route.request
        host = (urlparse(request.url).hostname or "").lower()
        if request.resource_type in BLOCKED_RESOURCES or not self._allowed(host):
            route.abort()
        else:
            route.continue_()

    def _allowed(self, host: str) -> bool:
        own = (urlparse(self.base_url).hostname or "").lower()
        return host == own or bool(EBAY_HOST.search(own) and EBAY_HOST.search(host))

    @staticmethod
    def _user_agent(version: str) -> str:
        # Headless Chromium says "HeadlessChrome": name the same browser as a desktop one would.
        return f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{version} Safari/537.36"


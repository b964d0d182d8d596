"""Sold Mercari items from Mercari's own search (`/search/?keyword=…&status=sold_out`), read in
headless Chromium: Mercari has no public API and renders its results in the browser.

Every page load waits for `market.politeness.host_throttle(host)` first. A page without the
results container, one whose container never fills (neither cards nor the "no results" note),
and a sign-in wall are SourceErrors (try later), never "no comps"; "no results" is [].

Only cards with the sold badge are comps: the sold search also shows promoted items on sale.
The query's condition is applied to the cards ("new" keeps "New", "used" drops it; a card
without a condition is kept) since the sold search URL has no condition of its own here.

All selectors live in SELECTORS: when Mercari changes its markup, that is the one place to
update (tests/contract_servers/mercari_search.py is BOOMER's copy of the markup).
Settings: MERCARI_URL (https://www.mercari.com), MERCARI_TIMEOUT_MS (30000),
BOOMER_MARKET_MAX_PAGES (2: result pages read per search), BOOMER_CHROMIUM_PATH (/usr/bin/chromium);
the throttle's BOOMER_SCRAPE_INTERVAL_SECONDS.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode, urlparse

import redis
from django.conf import settings

from market.politeness import ThrottleTimeout, host_throttle
from marketplaces.adapters.mercari import CHROMIUM_ARGS
from marketplaces.adapters.transport import parse_retry_after

from .base import Comp, Query, Source, SourceError

SELECTORS = {
    "results": '[data-testid="SearchResults"]',
    "no_results": '[data-testid="SearchResultsEmpty"]',
    "card": '[data-testid="ItemContainer"]',
    "card_link": 'a[href*="/item/"]',
    "card_title": '[data-testid="ItemName"]',
    "card_price": '[data-testid="ItemPrice"]',
    "card_shipping": '[data-testid="ItemShipping"]',
    "card_condition": '[data-testid="ItemCondition"]',
    "card_sold_badge": '[data-testid="ItemSoldBadge"]',
    "card_sold_date": '[data-testid="ItemSoldDate"]',  # a <time datetime=…> when Mercari shows the date
    "next_page": 'a[data-testid="NextPage"]',
    "sign_in_wall": '[data-testid="SignInModal"], form[action^="/login"]',
}
SIGN_IN_PATHS = ("/login", "/signin", "/signup")
BLOCKED_RESOURCES = {"image", "media", "font"}  # a price read needs none of them
ITEM_ID = re.compile(r"/item/(m\d+)")
AMOUNT = re.compile(r"\$\s*([\d,]+(?:\.\d{1,2})?)")
DATE_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%b %d, %Y", "%B %d, %Y", "%Y-%m-%d")
# One round trip per page: every card's fields read in the page.
READ_CARDS = """(s) => {
  const container = document.querySelector(s.results);
  if (!container) return null;
  const text = (card, sel) => { const el = card.querySelector(sel); return el ? el.textContent.trim() : null; };
  const next = document.querySelector(s.next_page);
  return {
    next: next ? next.href : null,
    cards: Array.from(container.querySelectorAll(s.card)).map(card => {
      const link = card.querySelector(s.card_link);
      const date = card.querySelector(s.card_sold_date);
      return {
        href: link ? link.href : null, title: text(card, s.card_title), price: text(card, s.card_price),
        shipping: text(card, s.card_shipping), condition: text(card, s.card_condition),
        sold: !!card.querySelector(s.card_sold_badge),
        sold_date: date ? (date.getAttribute("datetime") || date.textContent.trim()) : null,
      };
    }),
  };
}"""


class MercariSoldSource(Source):
    name = "mercari_sold"
    currency = "USD"

    def __init__(self):
        self.base_url = str(settings.MERCARI_URL or "https://www.mercari.com").rstrip("/")
        self.timeout_ms = int(settings.MERCARI_TIMEOUT_MS)
        self.max_pages = int(settings.BOOMER_MARKET_MAX_PAGES)
        self.chromium = str(settings.BOOMER_CHROMIUM_PATH or "/usr/bin/chromium")

    def search_url(self, query: Query) -> str:
        keyword = query.keywords.strip() or query.gtin
        return f"{self.base_url}/search/?{urlencode({'keyword': keyword, 'status': 'sold_out'})}"

    def search(self, query: Query) -> list[Comp]:
        if not (query.keywords.strip() or query.gtin):
            raise SourceError("Mercari sold search: the query has no keywords", permanent=True)
        if query.limit <= 0:
            return []
        cards = self._read(self.search_url(query), query.limit, query.condition)
        return [comp for comp in (self._comp(card) for card in cards) if comp][:query.limit]

    # --- the browser ----------------------------------------------------------------------
    def _read(self, url: str, wanted: int, condition: str) -> list[dict]:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout
        from playwright.sync_api import sync_playwright

        cards: list[dict] = []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=self.chromium, headless=True, args=CHROMIUM_ARGS)
                try:
                    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
                    context.set_default_timeout(self.timeout_ms)
                    context.set_default_navigation_timeout(self.timeout_ms)
                    context.route("**/*", _skip_heavy)
                    page = context.new_page()
                    pages = 0
                    while url and pages < self.max_pages and len(cards) < wanted:
                        found, url = self._page(page, url)
                        cards.extend(c for c in found if c["sold"] and _condition_fits(c["condition"], condition))
                        pages += 1
                finally:
                    browser.close()
        except SourceError:
            raise
        except PlaywrightTimeout:
            raise SourceError("Mercari did not answer in time") from None
        except PlaywrightError as exc:
            raise SourceError(f"Mercari could not be read ({str(exc).splitlines()[0]})") from None
        return cards

    def _page(self, page, url: str) -> tuple[list[dict], str | None]:
        """One results page: its cards and the next page's URL (None on the last page)."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            host_throttle(urlparse(url).netloc)
        except ThrottleTimeout as exc:
            raise SourceError(f"Mercari: {exc}", retry_after=exc.retry_after) from None
        except redis.RedisError as exc:  # no shared clock: we cannot know that a request is polite now
            raise SourceError(f"Mercari: the politeness throttle is unavailable ({type(exc).__name__})") from None
        response = page.goto(url, wait_until="domcontentloaded")
        _check(response)
        self._refuse_sign_in(page)
        try:  # the results are rendered by Mercari's scripts after the document loads
            page.wait_for_selector(f'{SELECTORS["results"]}, {SELECTORS["sign_in_wall"]}', state="attached")
        except PlaywrightTimeout:
            raise SourceError(f"Mercari's page has no results container (at {urlparse(page.url).path})") from None
        self._refuse_sign_in(page)
        try:  # a sign-in dialog may come instead of the items, drawn by the same scripts
            page.wait_for_selector(f'{SELECTORS["card"]}, {SELECTORS["no_results"]}, {SELECTORS["sign_in_wall"]}',
                                   state="attached")
        except PlaywrightTimeout:
            raise SourceError("Mercari's results container stayed empty (neither items nor 'no results')") from None
        self._refuse_sign_in(page)
        read = page.evaluate(READ_CARDS, SELECTORS)
        if read is None:
            raise SourceError(f"Mercari's page has no results container (at {urlparse(page.url).path})")
        nxt = read["next"] if read["next"] and read["next"] != page.url else None
        return read["cards"], nxt

    @staticmethod
    def _refuse_sign_in(page) -> None:
        if urlparse(page.url).path.rstrip("/").startswith(SIGN_IN_PATHS) or page.locator(SELECTORS["sign_in_wall"]).count():
            raise SourceError("Mercari showed a sign-in wall instead of the sold search")

    # --- one card → Comp ----------------------------------------------------------------------
    def _comp(self, card: dict) -> Comp | None:
        match = ITEM_ID.search(card.get("href") or "")
        if not match or not card.get("title"):
            return None
        shipping, paid_by = _shipping(card.get("shipping"))
        flags = ("price_range",) if len(AMOUNT.findall(card.get("price") or "")) > 1 else ()
        return Comp(
            source=self.name, title=card["title"], price=_amount(card.get("price")), shipping=shipping,
            currency=self.currency, url=card["href"], item_id=match.group(1), sold_at=_sold_date(card.get("sold_date")),
            condition=card.get("condition") or "", kind="sold", flags=flags,
            extra={"shipping_paid_by": paid_by, "shipping_text": card.get("shipping") or ""},
        )


def _skip_heavy(route) -> None:
    if route.request.resource_type in BLOCKED_RESOURCES:
        route.abort()
    else:
        route.continue_()


def _check(response) -> None:
    if response is None:
        return
    if response.status == 429:
        raise SourceError("Mercari answered 429 (too many requests)",
                          retry_after=parse_retry_after(response.headers.get("retry-after")))
    if response.status >= 500:
        raise SourceError(f"Mercari answered {response.status}")
    if response.status >= 400 and response.status not in (401, 403):  # 401/403 pages are read as walls
        raise SourceError(f"Mercari answered {response.status} for the sold search")


def _condition_fits(card_condition: str | None, wanted: str) -> bool:
    if not card_condition or wanted not in ("new", "used"):
        return True
    is_new = card_condition.strip().lower() == "new"
    return is_new if wanted == "new" else not is_new


def _amount(text: str | None) -> Decimal | None:
    """"$1,234" → 1234; None without exactly one amount (no price, or a range)."""
    amounts = AMOUNT.findall(text or "")
    if len(amounts) != 1:
        return None
    try:
        return Decimal(amounts[0].replace(",", ""))
    except InvalidOperation:
        return None


def _shipping(text: str | None) -> tuple[Decimal | None, str]:
    """(cost to the buyer, who pays): free → (0, "seller"); "+$8.99 shipping" → (8.99, "buyer");
    nothing readable → (None, "unknown")."""
    if not text:
        return None, "unknown"
    if "free" in text.lower():
        return Decimal("0"), "seller"
    amount = _amount(text)
    return (amount, "buyer") if amount is not None else (None, "unknown")


def _sold_date(value: str | None) -> date | datetime | None:
    if not value:
        return None
    value = re.sub(r"^\s*sold\s*(on\s*)?", "", value, flags=re.IGNORECASE).strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if "T" in value else parsed.date()
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None

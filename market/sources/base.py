"""What every source of comparable sales gives the market app: `Comp`s for a `Query`.

A source reads one place (eBay's sold search in Chromium, eBay's Browse API, Mercari's sold
search, BOOMER's own and imported sales) and reports what it found as it found it; whether a
comp counts for the item (relevance, outliers) is decided later, with a reason kept per comp.
A source that cannot answer (captcha, sign-in wall, no results container, HTTP error) raises
SourceError: that is "try later", never "no comps".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Query:
    keywords: str  # what a buyer would type: brand + model, or the item's name
    gtin: str = ""  # UPC/EAN/ISBN when known
    category_id: str = ""  # the marketplace's category id when known
    condition: str = ""  # "new" | "used" | "" (any)
    limit: int = 60  # comps wanted, at most


@dataclass(frozen=True)
class Comp:
    source: str  # ebay_sold | ebay_active | mercari_sold | own_sales | imported
    title: str
    price: Decimal | None  # paid (sold) or asked (active); None when the card shows no single price
    shipping: Decimal | None  # None = not shown; 0 = free
    currency: str
    url: str = ""
    item_id: str = ""
    sold_at: date | datetime | None = None
    condition: str = ""  # the listing's own condition words ("Pre-Owned", "Brand New")
    kind: str = "sold"  # sold | active
    # "best_offer": the shown price is the asking price of an accepted offer (an upper bound);
    # "converted": shown converted from another currency; "price_range": a range, not a price;
    # "auction": sold by auction (see bids)
    flags: tuple[str, ...] = ()
    bids: int | None = None
    extra: dict = field(default_factory=dict)


class SourceError(Exception):
    """The source could not be read now (retry later); `permanent` if it never will be as configured."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.message, self.permanent, self.retry_after = message, permanent, retry_after


class Source:
    name = "base"

    def search(self, query: Query) -> list[Comp]:
        raise NotImplementedError

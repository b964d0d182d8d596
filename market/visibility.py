"""Who may read which comps of a product's research.

BOOMER's own sales are other sellers' business: a seller sees their own sales and the
marketplaces' public ones one by one, and other sellers' sales only as a count and a median.
Reviewers and staff see every comp (title, listing, price, date) to judge the price.
"""
from __future__ import annotations

from statistics import median

DATABASE_SOURCES = ("own_sales", "imported")  # comps read from this database, not from a marketplace
# Under this many, a median of other sellers' sales would be one of their prices (or close to it).
OTHERS_MEDIAN_MIN = 3


def comp_is_another_sellers(row: dict) -> bool:
    """Fails closed: a database comp that does not say it is the seller's own counts as another's
    (research stored before comps said whose they were hid another seller's listing id)."""
    if row.get("source") not in DATABASE_SOURCES:
        return False
    seller = (row.get("extra") or {}).get("seller")
    return seller != "own" if seller else not row.get("item_id")


def pricing_shown(*, pricing: dict, full: bool) -> dict:
    """`pricing` as the viewer may read it: every comp when `full`, else other sellers' comps
    folded into `other_sellers` (how many, and the median price of those kept once there are
    enough of them that the median is not one seller's price)."""
    comps = pricing.get("comps", [])
    others = [row for row in comps if comp_is_another_sellers(row)]
    prices = [row["price"] for row in others if row.get("kept") and row.get("price") is not None]
    shown_median = median(prices) if len(prices) >= OTHERS_MEDIAN_MIN else None
    summary = {"count": len(others), "kept": len(prices), "median": shown_median}
    shown = comps if full else [row for row in comps if not comp_is_another_sellers(row)]
    return {**pricing, "comps": shown, "other_sellers": summary}

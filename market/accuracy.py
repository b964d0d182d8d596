"""Recommendations measured against the prices items sold for: each sale with a recommended
price becomes a PriceOutcome, and the median absolute percentage error (MdAPE) is reported by
category and by source (`manage.py price_backtest`, the admin, /metrics)."""
from __future__ import annotations

import statistics
from collections import defaultdict

from listings.models import Listing, ListingStatus
from market.models import PriceOutcome


def _sources(pricing: dict) -> str:
    return ",".join(sorted({c["source"] for c in (pricing or {}).get("comps", []) if c.get("kept") and c.get("kind") == "sold"}))


def price_outcomes_record(limit: int = 500) -> int:
    """Sold listings of products that had a recommended price, not measured yet; how many were."""
    sold = (Listing.objects.filter(status=ListingStatus.SOLD, product__recommended_price__isnull=False,
                                   price_outcome__isnull=True)
            .exclude(sold_price__isnull=True).select_related("product")[:limit])
    made = 0
    for listing in sold:
        recommended, paid = listing.product.recommended_price, listing.sold_price
        if not paid:
            continue
        PriceOutcome.objects.get_or_create(listing=listing, defaults={
            "product": listing.product, "category": listing.product.category, "sources": _sources(listing.product.pricing),
            "recommended": recommended, "sold_price": paid, "abs_pct_error": float(abs(recommended - paid) / paid),
            "sold_at": listing.sold_at})
        made += 1
    return made


def mdape(groups: str = "category") -> dict:
    """{"all": {"mdape", "count"}, "<category or source>": {...}} over every outcome."""
    buckets: dict[str, list[float]] = defaultdict(list)
    for category, sources, error in PriceOutcome.objects.values_list("category", "sources", "abs_pct_error"):
        buckets["all"].append(error)
        if groups == "category":
            buckets[category or "(no category)"].append(error)
        else:
            for source in (sources or "(none)").split(","):
                buckets[source].append(error)
    return {name: {"mdape": round(statistics.median(errors), 4), "count": len(errors)} for name, errors in buckets.items()}

"""Statistics of the kept comps per platform and condition bucket, and the price recommendation:
the condition-matched median delivered price (price + shipping) of sold comps, less the seller's
shipping when known — never a price without at least BOOMER_MIN_COMPS sold comps behind it."""
from __future__ import annotations

import statistics
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from market.relevance import Judged
from market.sources.base import Comp

PLATFORM_OF = {"ebay_sold": "ebay", "ebay_active": "ebay", "mercari_sold": "mercari"}
NEW_WORDS = ("brand new", "new with tags", "new with box", "new in box", "sealed", "nwt", "new")
USED_WORDS = ("pre-owned", "preowned", "used", "open box", "refurbished", "like new", "good", "fair", "poor", "parts")


def platform_of(comp: Comp) -> str:
    return PLATFORM_OF.get(comp.source) or comp.extra.get("platform") or comp.source


def bucket_of(comp: Comp) -> str:
    """new | used | unknown, from the listing's own condition words (or BOOMER's grade for its sales)."""
    grade = comp.extra.get("grade")
    if grade:
        return "new" if grade == "NEW" else "used"
    words = (comp.condition or "").lower()
    if any(w in words for w in USED_WORDS):
        return "used"
    if any(w in words for w in NEW_WORDS):
        return "new"
    return "unknown"


def bucket_for_grade(grade: str | None) -> str | None:
    return None if not grade else ("new" if grade == "NEW" else "used")


def delivered(comp: Comp) -> Decimal:
    return comp.price + (comp.shipping or Decimal(0))


def _day(value) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def figures(comps: list[Comp], active: list[Comp] | None = None) -> dict:
    """count, median, p25, p75, low/high, delivered median, sell-through, newest/oldest sale."""
    if not comps:
        return {"count": 0}
    prices = sorted(float(c.price) for c in comps)
    p25, _, p75 = statistics.quantiles(prices, n=4, method="inclusive") if len(prices) > 1 else (prices[0],) * 3
    with_shipping = [float(delivered(c)) for c in comps if c.shipping is not None]
    days = [d for d in (_day(c.sold_at) for c in comps) if d]
    result = {"count": len(prices), "median": round(statistics.median(prices), 2), "p25": round(p25, 2),
              "p75": round(p75, 2), "low": prices[0], "high": prices[-1],
              "delivered_median": round(statistics.median(with_shipping), 2) if with_shipping else None,
              "shipping_known": len(with_shipping),
              "newest_sale": max(days).isoformat() if days else None, "oldest_sale": min(days).isoformat() if days else None}
    if active is not None:
        sold = sum(1 for c in comps if c.kind == "sold")
        result["sell_through"] = round(sold / (sold + len(active)), 2) if sold + len(active) else None
    return result


def stats_per_platform(judged: list[Judged]) -> dict:
    """{platform: {**figures of its kept sold comps, "active": n, "by_condition": {new, used}}}."""
    kept = [j.comp for j in judged if j.kept]
    result = {}
    for platform in sorted({platform_of(c) for c in kept}):
        sold = [c for c in kept if platform_of(c) == platform and c.kind == "sold"]
        active = [c for c in kept if platform_of(c) == platform and c.kind == "active"]
        entry = {"sell_through": None, **figures(sold, active if active else None), "active": len(active)}
        if active:
            entry["active_median"] = round(statistics.median(float(c.price) for c in active), 2)
        entry["by_condition"] = {b: figures([c for c in sold if bucket_of(c) == b]) for b in ("new", "used")}
        result[platform] = entry
    return result


def recommend(judged: list[Judged], *, grade: str | None, min_comps: int,
              seller_shipping: Decimal | None = None) -> tuple[Decimal | None, str, str]:
    """(price or None, reason, confidence low|medium|high)."""
    sold = [j.comp for j in judged if j.kept and j.comp.kind == "sold"]
    wanted = bucket_for_grade(grade)
    matched = [c for c in sold if wanted is None or bucket_of(c) in (wanted, "unknown" if wanted == "used" else "-")]
    where = f"in {wanted} condition" if wanted else "in any condition (the grade is unknown)"
    if len(matched) < min_comps:
        return None, (f"no price: {len(matched)} matching sold comp(s) {where}, at least {min_comps} needed"
                      + (f" ({len(sold)} sold in all)" if len(sold) != len(matched) else "")), "none"
    values = sorted(float(delivered(c)) for c in matched)
    median = statistics.median(values)
    p25, _, p75 = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else (median,) * 3
    price = Decimal(str(median)) - (seller_shipping or Decimal(0))
    spread = (p75 - p25) / median if median else 1
    confidence = "high" if len(values) >= 10 and spread < 0.25 else "medium" if len(values) >= 5 and spread < 0.5 else "low"
    sources = ", ".join(sorted({c.source for c in matched}))
    ids = ", ".join(c.item_id for c in matched[:6] if c.item_id)
    reason = (f"median delivered price (price + shipping) of {len(values)} sold comp(s) {where} from {sources}"
              + (f", less {seller_shipping} shipping" if seller_shipping else "")
              + f"; p25 {p25:.2f}, p75 {p75:.2f}" + (f"; e.g. {ids}" if ids else ""))
    return price.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), reason, confidence

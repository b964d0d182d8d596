"""Writes of the market app: a product's research kept on it, refreshed in bulk, and the L3 cleanup."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from market.models import MarketData
from market.research import market_research
from products.models import Product, Stage

REFRESHED_STAGES = (Stage.PENDING, Stage.PUBLISHED, Stage.ACTIVE)


def market_data_purge() -> int:
    """Drop market data past its expiry (the L3 cleanup); how many rows went."""
    deleted, _ = MarketData.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def product_research_refresh(*, product_id: int, sources: list[str] | None = None) -> dict:
    """Research the product again and keep the result, its price and the reason on it."""
    product = Product.objects.select_related("condition").get(pk=product_id)
    grade = getattr(getattr(product, "condition", None), "grade", "") or None
    pricing = market_research(product=product, sources=sources, grade=grade)
    price = Decimal(str(pricing["recommended"])).quantize(Decimal("0.01")) if pricing["recommended"] is not None else None
    Product.objects.filter(pk=product_id).update(pricing=pricing, recommended_price=price, price_reason=pricing["reason"])
    return pricing


def products_to_refresh(*, older_than: timedelta = timedelta(hours=24)) -> list[int]:
    """Items in review or live whose research is older than `older_than` (or missing)."""
    cutoff = (timezone.now() - older_than).isoformat()
    stale = []
    for pk, pricing in Product.objects.filter(stage__in=REFRESHED_STAGES).values_list("pk", "pricing").iterator():
        if not (pricing or {}).get("researched_at") or pricing["researched_at"] < cutoff:
            stale.append(pk)
    return stale


def products_refresh(*, product_ids: list[int], sources: list[str] | None = None,
                     on_each: Callable[[int, dict | Exception], None] | None = None) -> int:
    """Refresh each product (one failing does not stop the others); how many were refreshed."""
    done = 0
    for product_id in product_ids:
        try:
            outcome = product_research_refresh(product_id=product_id, sources=sources)
            done += 1
        except Exception as exc:  # reported per product: a bulk refresh goes on
            outcome = exc
        if on_each is not None:
            on_each(product_id, outcome)
    return done

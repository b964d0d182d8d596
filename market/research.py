"""Market research from what BOOMER itself knows: sold listings of comparable products in this
database, plus unexpired MarketData rows (imported or scraped figures). With nothing to go on it
says so and recommends no price."""
from __future__ import annotations

import hashlib
import statistics
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from listings.models import Listing, ListingStatus
from market.models import MarketData
from marketplaces.platforms import MARKETPLACES
from products.models import Product
from products.similarity import products_similar

NO_COMPS = "no comparable sales yet"
SIMILAR_MAX_DISTANCE = 0.12  # cosine distance under which an embedded product counts as the same item
MIN_SAME_GRADE = 3


def product_hash(*, barcode: str = "", brand: str = "", model: str = "") -> str | None:
    """Key for market data about this kind of item: its GTIN, else brand + model."""
    if barcode:
        key = f"gtin:{barcode}"
    elif brand and model:
        key = f"bm:{brand.strip().lower()}|{model.strip().lower()}"
    else:
        return None
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _comparable_listings(product: Product):
    match = Q()
    if product.barcode:
        match |= Q(product__barcode=product.barcode)
    if product.brand and product.model:
        match |= Q(product__brand__iexact=product.brand, product__model__iexact=product.model)
    ids: set[int] = set()
    if product.embedding is not None:
        ids = set(products_similar(product=product, limit=20, max_distance=SIMILAR_MAX_DISTANCE).values_list("pk", flat=True))
        if ids:
            match |= Q(product_id__in=ids)
    if not match:
        return Listing.objects.none()
    return (
        Listing.objects.filter(match).exclude(product=product)
        .filter(status__in=[ListingStatus.SOLD, ListingStatus.ENDED, ListingStatus.WITHDRAWN, ListingStatus.LIVE])
        .select_related("product", "product__condition")
    )


def _stats(prices: list[Decimal]) -> dict:
    values = sorted(float(p) for p in prices)
    if len(values) >= 2:
        p25, _, p75 = statistics.quantiles(values, n=4, method="inclusive")
    else:
        p25 = p75 = values[0]
    return {"count": len(values), "median": round(statistics.median(values), 2),
            "p25": round(p25, 2), "p75": round(p75, 2), "low": values[0], "high": values[-1]}


def market_research(*, product: Product) -> dict:
    listings = list(_comparable_listings(product))
    currency = settings.BOOMER_CURRENCY
    platforms: dict[str, dict] = {}
    by_grade: dict[str, list[Decimal]] = {}
    sold_all: list[Decimal] = []
    comparables = []
    for platform in MARKETPLACES:
        on_platform = [item for item in listings if item.platform == platform]
        sold = [item for item in on_platform if item.status == ListingStatus.SOLD]
        finished = [item for item in on_platform if item.status != ListingStatus.LIVE]
        prices = [item.sold_price or item.price for item in sold if (item.sold_price or item.price)]
        if prices:
            platforms[platform] = {**_stats(prices), "sell_through": round(len(sold) / len(finished), 2),
                                   "source": "boomer sales"}
        sold_all.extend(prices)
        for item in sold:
            grade = getattr(getattr(item.product, "condition", None), "grade", "") or "UNKNOWN"
            price = item.sold_price or item.price
            if price:
                by_grade.setdefault(grade, []).append(price)
                comparables.append({"product_id": item.product_id, "title": item.title, "platform": platform,
                                    "price": str(price), "grade": grade,
                                    "sold_at": item.sold_at.isoformat() if item.sold_at else None})
    key = product_hash(barcode=product.barcode, brand=product.brand, model=product.model)
    if key:
        for row in MarketData.objects.filter(product_hash=key, expires_at__gt=timezone.now()):
            stats = row.pricing_stats or {}
            if row.platform not in platforms and stats.get("count") and stats.get("median") is not None:
                platforms[row.platform] = {**stats, "source": row.source}
    result = {"currency": currency, "platforms": platforms, "product_hash": key,
              "by_grade": {g: _stats(p) for g, p in by_grade.items()},
              "comparables": sorted(comparables, key=lambda c: c["sold_at"] or "", reverse=True)[:10]}
    if sold_all:
        result["overall"] = _stats(sold_all)
    elif platforms:
        counts = sum(int(p["count"]) for p in platforms.values())
        weighted = sum(float(p["median"]) * int(p["count"]) for p in platforms.values()) / counts
        result["overall"] = {"count": counts, "median": round(weighted, 2), "source": "market data"}
    else:
        result["message"] = NO_COMPS
    return result


def price_recommend(*, pricing: dict, grade: str | None) -> tuple[Decimal | None, str]:
    """The price to suggest and why; None when nothing comparable has sold."""
    overall = pricing.get("overall")
    if not overall or not overall.get("count"):
        return None, NO_COMPS
    same = (pricing.get("by_grade") or {}).get(grade or "")
    if same and same["count"] >= MIN_SAME_GRADE:
        value, why = same["median"], f"median of {same['count']} sold comparable(s) in the same condition ({grade})"
    else:
        value = overall["median"]
        why = f"median of {overall['count']} comparable sale(s) across conditions"
        if grade:
            why += f"; fewer than {MIN_SAME_GRADE} in {grade} condition"
    spread = f" (p25 {overall['p25']}, p75 {overall['p75']})" if "p25" in overall else ""
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), why + spread

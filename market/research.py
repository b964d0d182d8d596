"""Market research: comparable sales from every configured source, each comp kept or dropped
with its reason, statistics per platform and condition, and a price only with comps behind it.

Sources (BOOMER_MARKET_SOURCES): `own_sales` (this database's sales and imports), `ebay_sold`
(eBay's sold search read in Chromium), `ebay_active` (eBay's Browse API: asking prices and
supply), `mercari_sold` (Mercari's sold search in Chromium). External answers are cached in the
layered cache (`market:{product_hash}:{source}:{condition}`). A source that cannot be read is
reported as such (`errors`), never as "no comps".
"""
from __future__ import annotations

import dataclasses
import hashlib
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from boomer_site.breakers import CircuitOpen, breaker_call
from boomer_site.layered_cache import LayeredCache
from market.models import MarketData
from market.relevance import Item, Judged, comps_judge
from market.sources.base import Comp, Query, SourceError
from market.sources.own_sales import OwnSalesSource
from market.stats import recommend, stats_per_platform

NO_COMPS = "no comparable sales yet"
EXTERNAL = {
    "ebay_sold": "market.sources.ebay_sold.EbaySoldSource",
    "ebay_active": "market.sources.ebay_active.EbayActiveSource",
    "mercari_sold": "market.sources.mercari_sold.MercariSoldSource",
}
SOURCES = ("own_sales", *EXTERNAL)
class MarketDataStore:
    """The market cache's third layer is MarketData: one row per `market:{product_hash}:{source}:{condition}`."""

    def get(self, key: str):
        _, product_hash, source, condition = key.split(":", 3)
        return (MarketData.objects.filter(product_hash=product_hash, platform=source, condition=condition[:10],
                                          expires_at__gt=timezone.now()).values_list("pricing_stats", flat=True).first())

    def set(self, key: str, value, expires_at) -> None:
        _, product_hash, source, condition = key.split(":", 3)
        try:
            with transaction.atomic():
                MarketData.objects.update_or_create(
                    product_hash=product_hash, platform=source, condition=condition[:10],
                    defaults={"pricing_stats": value, "source": source, "expires_at": expires_at})
        except IntegrityError:  # written by another worker a moment ago
            pass


answers = LayeredCache("market", store=MarketDataStore())


def product_hash(*, barcode: str = "", brand: str = "", model: str = "", name: str = "") -> str | None:
    """Key for market data about this kind of item: its GTIN, else brand + model, else its name."""
    if barcode:
        key = f"gtin:{barcode}"
    elif brand and model:
        key = f"bm:{brand.strip().lower()}|{model.strip().lower()}"
    elif name:
        key = f"name:{' '.join(name.lower().split())}"
    else:
        return None
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def sources_configured(names=None) -> list[str]:
    chosen = [n.strip() for n in (names or settings.BOOMER_MARKET_SOURCES) if n.strip()]
    unknown = [n for n in chosen if n not in SOURCES]
    if unknown:
        raise ValueError(f"unknown market source(s): {', '.join(unknown)} (known: {', '.join(SOURCES)})")
    return chosen


# --- comps as JSON ------------------------------------------------------------------------------
def comp_row(judged: Judged) -> dict:
    c = judged.comp
    return {"source": c.source, "title": c.title, "price": _num(c.price), "shipping": _num(c.shipping),
            "currency": c.currency, "sold_at": _when(c.sold_at), "url": c.url, "item_id": c.item_id,
            "condition": c.condition, "kind": c.kind, "flags": list(c.flags), "bids": c.bids,
            "extra": c.extra, "kept": judged.kept, "reason": judged.reason}


def comp_from_row(row: dict) -> Comp:
    sold_at = row.get("sold_at")
    if sold_at:
        sold_at = datetime.fromisoformat(sold_at) if "T" in sold_at else date.fromisoformat(sold_at)
    return Comp(source=row["source"], title=row["title"], price=_dec(row.get("price")), shipping=_dec(row.get("shipping")),
                currency=row.get("currency", ""), url=row.get("url", ""), item_id=row.get("item_id", ""), sold_at=sold_at,
                condition=row.get("condition", ""), kind=row.get("kind", "sold"), flags=tuple(row.get("flags", ())),
                bids=row.get("bids"), extra=row.get("extra") or {})


def _num(value):
    return float(value) if value is not None else None


def _dec(value):
    return Decimal(str(value)) if value is not None else None


def _when(value):
    return value.isoformat() if value is not None else None


# --- one search ---------------------------------------------------------------------------------
def _external(name: str, query: Query, key: str | None) -> list[Comp]:
    cache_key = f"market:{key}:{name}:{query.condition or 'any'}" if key else None
    if cache_key:
        cached = answers.get(cache_key)
        if cached is not None:
            return [comp_from_row(row) for row in cached]
    try:  # a breaker per source: an outage fails fast for every worker until it half-opens
        comps = breaker_call(f"market:{name}", import_string(EXTERNAL[name])().search, query)
    except CircuitOpen as exc:
        raise SourceError(f"{name} is unavailable (circuit open): retrying later", retry_after=exc.retry_after) from None
    if cache_key:
        answers.set(cache_key, [comp_row(Judged(c, True, "")) for c in comps])
    return comps


def research(*, query: Query, item: Item, sources: list[str], own: list[Comp] = (), key: str | None = None) -> dict:
    """Everything the desk, the API and `manage.py market_research --json` show."""
    comps, errors = list(own), {}
    for name in sources:
        if name == "own_sales":
            continue
        try:
            comps.extend(_external(name, query, key))
        except SourceError as exc:
            errors[name] = exc.message
    return summary(comps=comps, item=item, query=query, sources=sources, errors=errors)


def summary(*, comps: list[Comp], item: Item, query: Query, sources, errors: dict) -> dict:
    judged = comps_judge(comps, item)
    price, reason, confidence = recommend(judged, grade=item.grade or None, min_comps=settings.BOOMER_MIN_COMPS)
    if price is None and not any(j.kept for j in judged) and not errors:
        reason = f"{NO_COMPS}: {reason}" if comps else NO_COMPS
    return {"researched_at": timezone.now().isoformat(), "query": dataclasses.asdict(query),
            "item": dataclasses.asdict(item), "sources": list(sources),
            "errors": errors, "currency": item.currency, "comps": [comp_row(j) for j in judged], "stats": stats_per_platform(judged),
            "recommended": _num(price), "reason": reason, "confidence": confidence, "grade": item.grade or None}


# --- for a product ------------------------------------------------------------------------------
def product_query(product) -> Query:
    keywords = " ".join(p for p in (product.brand, product.model) if p) or product.name or product.barcode
    return Query(keywords=keywords, gtin=product.barcode or "", category_id=str((product.attributes or {}).get(
        "ebay_category_id", "")), condition="")


def product_item(product, grade: str | None) -> Item:
    return Item(brand=product.brand, model=product.model, gtin=product.barcode, name=product.name or product.title,
                grade=grade or "", currency=product.currency or settings.BOOMER_CURRENCY)


def market_research(*, product, sources: list[str] | None = None, grade: str | None = None) -> dict:
    """Research for a product (the pipeline's market step, `market_research --product`, re-runs)."""
    chosen = sources_configured(sources)
    own = OwnSalesSource().comps_for(product) if "own_sales" in chosen else []
    key = product_hash(barcode=product.barcode, brand=product.brand, model=product.model, name=product.name)
    return research(query=product_query(product), item=product_item(product, grade), sources=chosen, own=own, key=key)


def pricing_regrade(*, pricing: dict, grade: str | None) -> dict:
    """The research again once the grade is known (condition runs beside market): the same
    comps, judged and matched for that grade."""
    if "comps" not in pricing:
        return pricing
    item = Item(**{**(pricing.get("item") or {}), "grade": grade or ""})
    query = Query(**pricing["query"])
    return summary(comps=[comp_from_row(row) for row in pricing["comps"]], item=item, query=query,
                   sources=pricing.get("sources", []), errors=pricing.get("errors", {}))


def price_recommend(*, pricing: dict, grade: str | None) -> tuple[Decimal | None, str]:
    """The price to suggest for `grade`, and why (None: not enough comps, said why)."""
    regraded = pricing_regrade(pricing=pricing, grade=grade)
    value = regraded.get("recommended")
    return (Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else None,
            regraded.get("reason") or NO_COMPS)

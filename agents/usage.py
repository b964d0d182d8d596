"""What AI calls cost: tokens per item and step, dollars from the price table in settings
(BOOMER_AI_PRICES, USD per million tokens), and shared Prometheus counters per model."""
from __future__ import annotations

from django.conf import settings
from django.db import transaction

from agents.providers.base import Usage
from boomer_site.metrics import counter_add, counter_declare
from products.models import Product

TOKEN_KINDS = ("input_tokens", "output_tokens", "cache_write_tokens", "cache_read_tokens")
PRICE_KEYS = {"input_tokens": "input", "output_tokens": "output", "cache_write_tokens": "cache_write",
              "cache_read_tokens": "cache_read"}

counter_declare("boomer_ai_tokens", "AI tokens used, per provider, model and kind (input, output, cache_write, cache_read)")
counter_declare("boomer_ai_cost_usd", "AI spend in US dollars, per provider and model (models with a known price)")


def usage_cost(usage: Usage) -> float | None:
    """Dollars for one call; None when the model has no price in BOOMER_AI_PRICES."""
    prices = settings.BOOMER_AI_PRICES.get(usage.model)
    if not prices:
        return None
    return sum(getattr(usage, kind) * float(prices.get(PRICE_KEYS[kind], 0)) for kind in TOKEN_KINDS) / 1_000_000


@transaction.atomic
def usage_record(*, product_id: int, usages) -> None:
    """Add calls to the product's running totals (row-locked: steps run in parallel)."""
    usages = [u for u in usages if u is not None]
    if not usages:
        return
    product = Product.objects.select_for_update().only("ai_usage").get(pk=product_id)
    total = dict(product.ai_usage or {})
    steps = dict(total.get("steps") or {})
    for usage in usages:
        cost = usage_cost(usage)
        for bucket in (total, steps.setdefault(usage.step or "other", {})):
            bucket["provider"], bucket["model"] = usage.provider, usage.model
            for kind in TOKEN_KINDS:
                bucket[kind] = bucket.get(kind, 0) + getattr(usage, kind)
            bucket["calls"] = bucket.get("calls", 0) + 1
            if cost is None:
                bucket["cost_unknown"] = True
            bucket["cost_usd"] = round(bucket.get("cost_usd", 0.0) + (cost or 0.0), 6)
        for kind in TOKEN_KINDS:
            counter_add("boomer_ai_tokens", {"provider": usage.provider, "model": usage.model, "kind": kind},
                        getattr(usage, kind))
        if cost is not None:
            counter_add("boomer_ai_cost_usd", {"provider": usage.provider, "model": usage.model}, cost)
    total["steps"] = steps
    Product.objects.filter(pk=product_id).update(ai_usage=total)


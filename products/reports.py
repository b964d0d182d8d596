"""A product as one plain dict: what `process_images --json` prints and scripts read."""
from __future__ import annotations

from products.models import Product


def _money(value):
    return str(value) if value is not None else None


def ai_summary(product: Product) -> dict | None:
    """What the AI calls for this item cost, in all (None: no remote model was called)."""
    usage = product.ai_usage or {}
    if not usage:
        return None
    return {"provider": usage.get("provider"), "model": usage.get("model"),
            "input_tokens": usage.get("input_tokens", 0), "output_tokens": usage.get("output_tokens", 0),
            "cache_write_tokens": usage.get("cache_write_tokens", 0), "cache_read_tokens": usage.get("cache_read_tokens", 0),
            "cost_usd": None if usage.get("cost_unknown") else usage.get("cost_usd", 0.0)}


def product_report(product: Product) -> dict:
    condition = getattr(product, "condition", None)
    drafts = {d.platform: {"title": d.title, "description": d.description, "price": _money(d.price)}
              for d in product.drafts.all()}
    return {
        "id": product.pk,
        "sku": product.sku,
        "source": product.source,
        "stage": product.stage,
        "photos": product.images.count(),
        "identity": {"title": product.title if product.name or product.brand else None,
                     "brand": product.brand or None, "model": product.model or None,
                     "category": product.category or None, "barcode": product.barcode or None,
                     "unknowns": (product.analysis or {}).get("unknowns", []),
                     "evidence": (product.analysis or {}).get("evidence", {})},
        "condition": {"grade": (condition.grade or None) if condition else None,
                      "defects": condition.defects if condition else [],
                      "reason": condition.reason if condition else None},
        "price": {"recommended": _money(product.recommended_price), "currency": product.currency,
                  "reason": product.price_reason or None},
        "comps": (product.pricing or {}).get("comps", []), "stats": (product.pricing or {}).get("stats", {}),
        "recommended": (product.pricing or {}).get("recommended"),
        "drafts": drafts,
        "ai": ai_summary(product),
        "provider": (product.analysis or {}).get("provider"),
        "fallback": (product.analysis or {}).get("fallback"),
        "error": product.failure_reason or None,
    }

"""Embeddings of products and nearest neighbours by cosine distance (pgvector HNSW)."""
from __future__ import annotations

from django.db.models import QuerySet
from pgvector.django import CosineDistance

from products.embedding import embed_text
from products.models import Product


def product_embedding_text(*, name, brand, model, category, notes="", text_read=()) -> str:
    """The text a product is embedded from: identity first, then what was read on it."""
    parts = [name or "", brand or "", model or "", category or "", notes or "", " ".join(text_read or ())[:500]]
    return " | ".join(p.strip() for p in parts if p and p.strip())


def embed(text: str) -> list[float] | None:
    return embed_text(text) if text else None


def products_similar(*, product: Product, limit: int = 5, max_distance: float | None = None,
                     owner=None, with_category: bool = False) -> QuerySet[Product]:
    """Nearest products to `product` by embedding, closest first, annotated with `distance`."""
    if product.embedding is None:
        return Product.objects.none()
    qs = (
        Product.objects.exclude(pk=product.pk).exclude(embedding=None)
        .annotate(distance=CosineDistance("embedding", product.embedding))
    )
    if owner is not None:
        qs = qs.filter(owner=owner)
    if with_category:
        qs = qs.exclude(category="")
    if max_distance is not None:
        qs = qs.filter(distance__lte=max_distance)
    return qs.order_by("distance")[:limit]

"""Embeddings for products that have none (made before the embedding existed, imported, or
whose vision step failed), in batches. Resumable by nature: only NULL embeddings are read, and
each batch commits on its own, so a crash loses at most the batch in flight."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from products.embedding import embed_texts
from products.models import Product
from products.similarity import product_embedding_text

TEXT_FIELDS = ("pk", "sku", "name", "brand", "model", "category", "notes", "analysis")


@dataclass
class BackfillBatch:
    """What one batch did; `done` and `total` count products looked at in this run."""

    number: int
    batches: int
    done: int
    total: int
    filled: int
    skipped: list[str] = field(default_factory=list)  # SKUs with no text to embed


def _text(row: dict) -> str:
    analysis = row["analysis"] if isinstance(row["analysis"], dict) else {}
    text_read = analysis.get("text_read") or ()
    return product_embedding_text(name=row["name"], brand=row["brand"], model=row["model"],
                                  category=row["category"], notes=row["notes"],
                                  text_read=[str(t) for t in text_read] if isinstance(text_read, list) else ())


def _fill(rows: list[dict]) -> tuple[int, list[str]]:
    """Embed and store the rows that have text; returns (filled, SKUs skipped for lack of text)."""
    texts = {row["pk"]: _text(row) for row in rows}
    skipped = [row["sku"] for row in rows if not texts[row["pk"]]]
    todo = [pk for pk, text in texts.items() if text]
    vectors = embed_texts([texts[pk] for pk in todo])
    filled = 0
    with transaction.atomic():
        for pk, vector in zip(todo, vectors):
            # Only if still NULL: the vision agent may have stored a fresher one meanwhile.
            filled += Product.objects.filter(pk=pk, embedding__isnull=True).update(embedding=vector)
    return filled, skipped


def embeddings_fill(*, product_ids: list[int]) -> int:
    """Embed these products (those still without an embedding); returns how many were filled."""
    rows = list(Product.objects.filter(pk__in=product_ids, embedding__isnull=True).order_by("pk").values(*TEXT_FIELDS))
    return _fill(rows)[0] if rows else 0


def embeddings_backfill(*, batch_size: int = 100, limit: int | None = None,
                        on_batch: Callable[[BackfillBatch], None] | None = None) -> int:
    """Embed every product whose embedding is NULL, in primary-key order, `batch_size` at a time.

    Products with no text to embed are skipped and named in each `BackfillBatch`. `limit`
    caps how many products this run looks at. Returns how many embeddings were stored.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    pending = Product.objects.filter(embedding__isnull=True)
    total = pending.count() if limit is None else min(limit, pending.count())
    batches = math.ceil(total / batch_size)
    done = filled = number = 0
    last_pk = 0
    while done < total:
        # Keyset pagination: skipped products stay NULL and must not be read again.
        size = min(batch_size, total - done)
        rows = list(pending.filter(pk__gt=last_pk).order_by("pk").values(*TEXT_FIELDS)[:size])
        if not rows:
            break
        last_pk = rows[-1]["pk"]
        batch_filled, skipped = _fill(rows)
        number += 1
        done += len(rows)
        filled += batch_filled
        if on_batch is not None:
            on_batch(BackfillBatch(number=number, batches=max(batches, number), done=done, total=total,
                                   filled=batch_filled, skipped=skipped))
    return filled

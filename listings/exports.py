"""Listings out as CSV or JSON, or as Facebook Marketplace's bulk-upload sheet, streamed row by
row (never the whole table in memory)."""
from __future__ import annotations

import csv
import json
from collections.abc import Callable
from typing import Literal, TextIO

from django.db.models import QuerySet

from boomer_site.spreadsheets import formula_escaped
from listings.models import Listing
from listings.publishing import listing_data
from marketplaces.adapters import facebook_sheet

FORMATS = ("csv", "json", "facebook-bulk")
COLUMNS = ("id", "sku", "product_name", "platform", "status", "title", "price", "currency", "listing_url",
           "external_id", "sold_price", "sold_at", "created_at")
CHUNK = 500


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run (boomer_site/spreadsheets.py); missing is empty."""
    return "" if value is None else formula_escaped(value)


def _row(listing: Listing) -> dict:
    """One listing as plain values: decimals as strings (exact), times as ISO 8601, missing as None."""
    def text(value):
        return None if value is None else str(value)

    return {"id": listing.pk, "sku": listing.product.sku, "product_name": listing.product.name,
            "platform": listing.platform, "status": listing.status, "title": listing.title,
            "price": text(listing.price), "currency": listing.currency, "listing_url": listing.listing_url,
            "external_id": listing.external_id, "sold_price": text(listing.sold_price),
            "sold_at": listing.sold_at.isoformat() if listing.sold_at else None,
            "created_at": listing.created_at.isoformat()}


def listings_export(*, queryset: QuerySet[Listing], fmt: Literal["csv", "json", "facebook-bulk"], out: TextIO,
                    on_progress: Callable[[int], None] | None = None) -> int:
    """Write the listings of `queryset` to `out` (CSV with a header row, one JSON array, or the
    rows of Facebook Marketplace's bulk-upload sheet).

    `on_progress(written)` is called every CHUNK rows and at the end. Returns the row count.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
    listings = queryset.select_related("product", "product__condition").iterator(chunk_size=CHUNK)
    if fmt == "facebook-bulk":
        rows = (facebook_sheet.sheet_row(listing_data(listing, require_price=False)) for listing in listings)
    else:
        rows = (_row(listing) for listing in listings)
    count = 0
    if fmt != "json":
        writer = csv.DictWriter(out, fieldnames=facebook_sheet.COLUMNS if fmt == "facebook-bulk" else COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
            count += 1
            if on_progress is not None and count % CHUNK == 0:
                on_progress(count)
    else:
        out.write("[")
        for row in rows:
            out.write(("\n" if count == 0 else ",\n") + json.dumps(row, ensure_ascii=False))
            count += 1
            if on_progress is not None and count % CHUNK == 0:
                on_progress(count)
        out.write("\n]\n" if count else "]\n")
    if on_progress is not None and count % CHUNK:
        on_progress(count)
    return count

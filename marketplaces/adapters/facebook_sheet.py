"""Facebook Marketplace's bulk-upload spreadsheet, for sellers without a Commerce catalog.

Columns and values follow Marketplace's bulk-upload template (TITLE, PRICE, CONDITION,
DESCRIPTION, CATEGORY, OFFER SHIPPING). Facebook hands the template out as a spreadsheet
with an instructions row; we write the same columns as CSV, which the seller pastes into
(or imports in) that template.
"""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .base import ListingData

COLUMNS = ["TITLE", "PRICE", "CONDITION", "DESCRIPTION", "CATEGORY", "OFFER SHIPPING"]
CONDITIONS = {"NEW": "New", "LIKE_NEW": "Used - Like New", "GOOD": "Used - Good", "FAIR": "Used - Fair",
              "POOR": "Used - Fair"}
MAX_TITLE = 150


def _price(value: Decimal) -> str:
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.2f}"


def sheet_rows(listings, *, offer_shipping: bool = False) -> list[dict]:
    rows = []
    for listing in listings:
        data = ListingData.of(listing)
        rows.append({
            "TITLE": data.title[:MAX_TITLE], "PRICE": _price(data.price),
            "CONDITION": CONDITIONS.get(data.grade, ""), "DESCRIPTION": data.description,
            "CATEGORY": data.category, "OFFER SHIPPING": "Yes" if offer_shipping else "No",
        })
    return rows


def sheet_csv(listings, *, offer_shipping: bool = False) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(sheet_rows(listings, offer_shipping=offer_shipping))
    return out.getvalue()


def sheet_export(listings, *, offer_shipping: bool = False, storage=None) -> str:
    """Write the sheet to storage as exports/facebook/marketplace-bulk-{date}.csv; its name."""
    storage = storage or default_storage
    name = f"exports/facebook/marketplace-bulk-{date.today().isoformat()}.csv"
    content = sheet_csv(listings, offer_shipping=offer_shipping).encode("utf-8-sig")  # Excel-friendly
    if storage.exists(name):
        storage.delete(name)
    return storage.save(name, ContentFile(content))

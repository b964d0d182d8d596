"""Facebook Marketplace's bulk-upload spreadsheet, for sellers without a Commerce catalog.

Columns and values follow Marketplace's bulk-upload template (TITLE, PRICE, CONDITION,
DESCRIPTION, CATEGORY, OFFER SHIPPING). Facebook hands the template out as a spreadsheet with
an instructions row; `manage.py export_listings --format facebook-bulk` writes the same columns
as CSV, which the seller pastes into (or imports in) that template.
"""
from __future__ import annotations

from decimal import Decimal

from marketplaces.platforms import PLATFORMS

from .base import ListingData

COLUMNS = ["TITLE", "PRICE", "CONDITION", "DESCRIPTION", "CATEGORY", "OFFER SHIPPING"]
CONDITIONS = {"NEW": "New", "LIKE_NEW": "Used - Like New", "GOOD": "Used - Good", "FAIR": "Used - Fair",
              "POOR": "Used - Fair"}


def _price(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.2f}"


def sheet_row(data: ListingData, *, offer_shipping: bool = False) -> dict:
    """One listing as a row of the bulk-upload sheet."""
    return {
        "TITLE": data.title[:PLATFORMS["facebook"].title_max], "PRICE": _price(data.price),
        "CONDITION": CONDITIONS.get(data.grade, ""), "DESCRIPTION": data.description,
        "CATEGORY": data.category, "OFFER SHIPPING": "Yes" if offer_shipping else "No",
    }

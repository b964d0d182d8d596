"""The CSV export adapter and Facebook's bulk-upload sheet."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage

from marketplaces.adapters import adapter_for
from marketplaces.adapters.facebook_sheet import COLUMNS, sheet_csv, sheet_export

pytestmark = pytest.mark.django_db


def _rows(name: str) -> list[dict]:
    with default_storage.open(name, "rb") as handle:
        return list(csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig"))))


@pytest.fixture
def exporter():
    return adapter_for("file", credentials={})


def test_publish_appends_one_row_once(exporter, listing, media):
    first = exporter.publish(listing, media)
    second = exporter.publish(listing, media)

    assert first == second
    name = first.raw["file"]
    assert name.startswith("exports/file/") and name.endswith(".csv")
    mine = [r for r in _rows(name) if r["reference"] == str(listing.idempotency_key)]
    assert len(mine) == 1
    assert mine[0]["title"] == listing.title and mine[0]["price"] == "120.00"
    assert mine[0]["photo_urls"] == media[0].url
    assert first.listing_url.startswith(("file://", "http"))


def test_withdraw_marks_the_row_and_status_follows(exporter, listing, media):
    exporter.publish(listing, media)
    assert exporter.fetch_status(listing).status == "LIVE"
    exporter.withdraw(listing)
    exporter.withdraw(listing)
    assert exporter.fetch_status(listing).status == "ENDED"


def test_a_sale_typed_in_by_the_seller_is_read_back(exporter, listing, media):
    result = exporter.publish(listing, media)
    name = result.raw["file"]
    rows = _rows(name)
    for row in rows:
        if row["reference"] == str(listing.idempotency_key):
            row.update(status="sold", sold_price="$110", sold_at="2026-01-02T10:00:00")
    exporter._write(name, rows)

    state = exporter.fetch_status(listing)
    assert state.status == "SOLD" and state.sold_price == Decimal("110")


def test_registry_can_send_a_platform_to_the_export(settings, listing, media):
    settings.BOOMER_ADAPTERS = {"ebay": "marketplaces.adapters.file_export.FileExportAdapter"}
    adapter = adapter_for("ebay", credentials={})
    result = adapter.publish(listing, media)
    assert result.raw["file"].startswith("exports/ebay/")


def test_facebook_bulk_sheet_has_the_template_columns(listing):
    text = sheet_csv([listing], offer_shipping=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == COLUMNS
    assert rows[0] == {"TITLE": listing.title, "PRICE": "120", "CONDITION": "Used - Good",
                       "DESCRIPTION": listing.description, "CATEGORY": "Electronics > Audio", "OFFER SHIPPING": "Yes"}
    name = sheet_export([listing])
    assert default_storage.exists(name)

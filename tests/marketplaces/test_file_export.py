"""The CSV export adapter, and Facebook's bulk-upload sheet through `export_listings`."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from listings.models import Listing
from marketplaces.adapters import adapter_for
from marketplaces.adapters.facebook_sheet import COLUMNS
from tests.marketplaces.conftest import data

pytestmark = pytest.mark.django_db


def _rows(name: str) -> list[dict]:
    with default_storage.open(name, "rb") as handle:
        return list(csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig"))))


@pytest.fixture
def exporter():
    return adapter_for("file", credentials={})


def test_publish_appends_one_row_once(exporter, listing, media):
    first = exporter.publish(data(listing), media)
    second = exporter.publish(data(listing), media)

    assert first == second
    name = first.raw["file"]
    assert name.startswith("exports/file/") and name.endswith(".csv")
    mine = [r for r in _rows(name) if r["reference"] == str(listing.idempotency_key)]
    assert len(mine) == 1
    assert mine[0]["title"] == listing.title and mine[0]["price"] == "120.00"
    assert mine[0]["photo_urls"] == media[0].url
    assert first.listing_url.startswith(("file://", "http"))


def test_withdraw_marks_the_row_and_status_follows(exporter, listing, media):
    exporter.publish(data(listing), media)
    assert exporter.fetch_status(data(listing)).status == "LIVE"
    exporter.withdraw(data(listing))
    exporter.withdraw(data(listing))
    assert exporter.fetch_status(data(listing)).status == "ENDED"


def test_a_sale_typed_in_by_the_seller_is_read_back(exporter, listing, media):
    result = exporter.publish(data(listing), media)
    name = result.raw["file"]
    rows = _rows(name)
    for row in rows:
        if row["reference"] == str(listing.idempotency_key):
            row.update(status="sold", sold_price="$110", sold_at="2026-01-02T10:00:00")
    exporter._write(name, rows)

    state = exporter.fetch_status(data(listing))
    assert state.status == "SOLD" and state.sold_price == Decimal("110")


def test_registry_can_send_a_platform_to_the_export(settings, listing, media):
    settings.BOOMER_ADAPTERS = {"ebay": "marketplaces.adapters.file_export.FileExportAdapter"}
    adapter = adapter_for("ebay", credentials={})
    result = adapter.publish(data(listing), media)
    assert result.raw["file"].startswith("exports/ebay/")


def test_facebook_bulk_sheet_has_the_template_columns(listing, tmp_path):
    target = tmp_path / "facebook.csv"
    formula = '=HYPERLINK("http://evil")'  # a spreadsheet must not run it
    Listing.objects.filter(pk=listing.pk).update(description=formula)
    call_command("export_listings", "--format", "facebook-bulk", "--output", str(target), stderr=io.StringIO())
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert list(rows[0]) == COLUMNS
    assert rows == [{"TITLE": listing.title, "PRICE": "120", "CONDITION": "Used - Good",
                     "DESCRIPTION": "'" + formula, "CATEGORY": "Electronics > Audio",
                     "OFFER SHIPPING": "No"}]

"""`manage.py import_sales CSV`: good rows become sold listings that market research prices from,
bad rows are reported by their line in the file, and importing again creates nothing."""
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from boomer_site.models import AnalyticsEvent
from listings.imports import sales_import
from listings.models import Listing, ListingStatus
from market.research import market_research, price_recommend
from products.models import Product, Stage
from products.similarity import embed, product_embedding_text
from tests.operations.factories import product_make

pytestmark = [pytest.mark.django_db]

SALES = (
    "Platform,Title,Sold_Price,Sold_At,Brand,Model,Condition,External_ID\n"      # 1
    "ebay,Nintendo Switch Pro Controller,30.00,2024-05-01,Nintendo,HAC-013,like new,E1\n"  # 2
    "Mercari,Switch Pro controller black,40,2024-05-03T10:00:00Z,Nintendo,HAC-013,good,\n"  # 3
    "facebook,Pro Controller,abc,2024-05-04,Nintendo,HAC-013,,\n"                # 4
    "\n"                                                                         # 5
    'ebay,"Switch Pro Controller\n'                                              # 6
    'boxed",$55,2024-05-05,Nintendo,HAC-013,New,E2\n'                           # 7
    "craigslist,Controller,20,2024-05-06,,,,\n"                                  # 8
    "ebay,Controller,25,31/05/2024,,,,\n"                                        # 9
    "ebay,,25,2024-05-06,,,,\n"                                                  # 10
    "ebay,Controller\n"                                                          # 11
    "mercari,Controller,-3,2024-05-06,,,mint,\n"                                 # 12
)
ERRORS = [
    "line 4: sold_price 'abc' is not a number",
    "line 8: platform 'craigslist' is unknown (use ebay, facebook, mercari)",
    "line 9: sold_at '31/05/2024' is not an ISO date (2024-05-31) or date-time",
    "line 10: missing title",
    "line 11: missing sold_price; missing sold_at",
    "line 12: sold_price '-3' must be more than 0; condition 'mint' is unknown (use new, like new, good, fair or poor)",
]


def _import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_sales", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def sales_csv(tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text(SALES, encoding="utf-8")
    return path


def test_good_rows_kept_bad_rows_reported_by_line(owner, sales_csv):
    out, err = _import(sales_csv, "--owner", "seller")
    assert out.splitlines() == [*ERRORS, "3 sale(s) imported, 0 already imported, 6 bad row(s) (owner seller)"]
    assert err.splitlines() == ["9 of 9 rows: 3 imported, 0 already imported, 6 bad"]

    listings = Listing.objects.select_related("product", "product__condition").order_by("sold_at")
    assert [(row.platform, row.title, row.sold_price, row.price, row.external_id) for row in listings] == [
        ("ebay", "Nintendo Switch Pro Controller", Decimal("30.00"), Decimal("30.00"), "E1"),
        ("mercari", "Switch Pro controller black", Decimal("40.00"), Decimal("40.00"), ""),
        ("ebay", "Switch Pro Controller\nboxed", Decimal("55.00"), Decimal("55.00"), "E2"),
    ]
    assert {row.status for row in listings} == {ListingStatus.SOLD}
    assert [row.product.condition.grade for row in listings] == ["LIKE_NEW", "GOOD", "NEW"]
    assert listings[1].sold_at.isoformat() == "2024-05-03T10:00:00+00:00"
    for listing in listings:
        product = listing.product
        assert (product.owner, product.stage, product.source) == (owner, Stage.SOLD, "import:sales.csv")
        assert (product.brand, product.model, product.name) == ("Nintendo", "HAC-013", listing.title)
        assert product.embedding is not None
    assert AnalyticsEvent.objects.filter(event_type="product.imported").count() == 3


def test_importing_again_creates_nothing(owner, sales_csv):
    _import(sales_csv, "--owner", "seller")
    counts = (Product.objects.count(), Listing.objects.count(), AnalyticsEvent.objects.count())
    out, _ = _import(sales_csv, "--owner", "seller")
    assert out.splitlines()[-1] == "0 sale(s) imported, 3 already imported, 6 bad row(s) (owner seller)"
    assert (Product.objects.count(), Listing.objects.count(), AnalyticsEvent.objects.count()) == counts


def test_market_research_recommends_the_median_of_imported_sales(owner, sales_csv):
    new = product_make(owner=owner, name="Pro controller", brand="NINTENDO", model="hac-013")
    assert price_recommend(pricing=market_research(product=new), grade=None)[0] is None

    _import(sales_csv, "--owner", "seller")
    pricing = market_research(product=new)
    price, why = price_recommend(pricing=pricing, grade=None)
    assert price == Decimal("40.00")
    assert why.startswith("median delivered price (price + shipping) of 3 sold comp(s) in any condition")
    assert pricing["stats"]["ebay"]["count"] == 2 and pricing["stats"]["mercari"]["median"] == 40.0
    assert [c["kept"] for c in pricing["comps"]] == [True, True, True]


def test_research_finds_imported_sales_by_embedding(owner, tmp_path):
    path = tmp_path / "bowls.csv"
    path.write_text("platform,title,sold_price,sold_at\n"
                    "ebay,Vintage Pyrex mixing bowl set,24,2024-04-01\n"
                    "facebook,Vintage Pyrex mixing bowl set,36,2024-04-02\n"
                    "mercari,Vintage Pyrex mixing bowl set,30,2024-04-03\n", encoding="utf-8")
    _import(path, "--owner", "seller")
    text = product_embedding_text(name="Vintage Pyrex mixing bowl set", brand="", model="", category="")
    new = product_make(owner=owner, name="Vintage Pyrex mixing bowl set", embedding=embed(text))
    price, _ = price_recommend(pricing=market_research(product=new), grade=None)
    assert price == Decimal("30.00")


def test_default_owner_is_the_inbox_owner(settings, sales_csv):
    settings.BOOMER_INBOX_OWNER = "importer"
    out, _ = _import(sales_csv)
    assert out.splitlines()[-1].endswith("(owner importer)")
    assert set(Product.objects.values_list("owner__username", flat=True)) == {"importer"}


def test_missing_file_or_unusable_header_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        _import(tmp_path / "nope.csv")
    headless = tmp_path / "headless.csv"
    headless.write_text("ebay,Controller,30,2024-05-01\n", encoding="utf-8")
    with pytest.raises(CommandError, match="lacks required column"):
        _import(headless)
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(CommandError, match="empty"):
        _import(empty)


def test_service_takes_plain_dicts_counting_lines_from_two(owner):
    rows = [{"PLATFORM": "ebay", "title": "Lamp", "sold_price": "12", "sold_at": "2024-01-02", "currency": "eur"},
            {"platform": "ebay", "title": "Lamp", "sold_price": "1,2", "sold_at": "2024-01-02"}]
    report = sales_import(rows=rows, owner=owner, source_name="api")
    assert (report.created, report.skipped_duplicates) == (1, 0)
    assert report.errors == [(3, "sold_price '1,2' is not a number")]
    assert Listing.objects.get().currency == "EUR"

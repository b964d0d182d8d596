"""Comps and other sellers' sales (issue 13, item 2): a seller reads other sellers' sales in BOOMER
only as a count and a median; a reviewer reads them one by one; a price a seller typed in with
mark-sold is that seller's own comp, never another seller's."""
import pytest

from listings.models import Listing, ListingStatus, SaleSource
from market.services import product_research_refresh
from products.models import Stage
from tests.factories import listing_make, product_make

pytestmark = pytest.mark.django_db(transaction=True)


def _client(api, who):
    client = api()
    client.login(who)
    return client


def _sold(*, owner, title: str, price: str, source: str) -> Listing:
    listing = listing_make(product=product_make(owner=owner, stage=Stage.SOLD), status=ListingStatus.SOLD,
                           sold_price=price)
    Listing.objects.filter(pk=listing.pk).update(title=title, sale_source=source)
    return Listing.objects.get(pk=listing.pk)


@pytest.fixture
def market(api, people):
    a, b = people["seller_a"], people["seller_b"]
    mine = _sold(owner=a, title="Alice's Sony WH-1000XM4", price="110.00", source=SaleSource.SELLER)
    confirmed = _sold(owner=b, title="Bob's Sony WH-1000XM4 with case", price="130.00", source=SaleSource.PLATFORM)
    typed = listing_make(product=product_make(owner=b, stage=Stage.PUBLISHED), status=ListingStatus.LIVE)
    response = _client(api, "seller_b").post(f"/api/listings/{typed.pk}/mark-sold/", json={"price": "999.00"})
    assert response.status_code == 200, response.text
    item = product_make(owner=a, stage=Stage.PENDING, price=None)
    product_research_refresh(product_id=item.pk)
    return {"item": item, "mine": mine, "confirmed": confirmed, "typed": typed}


def _comps(api, who, product) -> dict:
    response = _client(api, who).get(f"/api/products/{product.pk}/")
    assert response.status_code == 200, response.text
    return response.json()["price"]


def test_a_seller_sees_other_sellers_sales_only_as_a_count_and_a_median(api, market):
    price = _comps(api, "seller_a", market["item"])
    assert [(c["title"], c["price"]) for c in price["comps"]] == [("Alice's Sony WH-1000XM4", 110.0)]
    # one other sale: its median would be its price, so only the count is shown
    assert price["other_sellers"] == {"count": 1, "kept": 1, "median": None}
    shown = str(price)
    assert "Bob" not in shown and f"L{market['confirmed'].pk}" not in shown and "130" not in str(price["comps"])


def test_other_sellers_median_is_shown_once_it_is_not_one_sellers_price(api, market, people):
    for price in ("120.00", "150.00"):
        _sold(owner=people["seller_b"], title="Sony WH-1000XM4", price=price, source=SaleSource.PLATFORM)
    product_research_refresh(product_id=market["item"].pk)
    price = _comps(api, "seller_a", market["item"])
    assert price["other_sellers"] == {"count": 3, "kept": 3, "median": 130.0}
    assert [c["title"] for c in price["comps"]] == ["Alice's Sony WH-1000XM4"]


def test_a_reviewer_sees_each_sale_with_its_title_and_listing(api, market):
    price = _comps(api, "reviewer", market["item"])
    comps = {c["item_id"]: c for c in price["comps"]}
    assert comps[f"L{market['confirmed'].pk}"]["title"] == "Bob's Sony WH-1000XM4 with case"
    assert comps[f"L{market['confirmed'].pk}"]["price"] == 130.0
    assert comps[f"L{market['mine'].pk}"]["title"] == "Alice's Sony WH-1000XM4"


def test_a_price_typed_in_with_mark_sold_stays_its_seller_s_own(api, market, people):
    typed = Listing.objects.get(pk=market["typed"].pk)
    assert (typed.sold_price, typed.sale_source) == (999, SaleSource.SELLER)
    reviewer_view = _comps(api, "reviewer", market["item"])
    assert 999.0 not in [c["price"] for c in reviewer_view["comps"]]  # not in A's research at all

    own = product_make(owner=people["seller_b"], stage=Stage.PENDING, price=None)
    product_research_refresh(product_id=own.pk)
    assert 999.0 in [c["price"] for c in _comps(api, "seller_b", own)["comps"]]  # B's own comp, shown to B

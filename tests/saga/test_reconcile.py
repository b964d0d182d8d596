"""Beat's reconcile job finds what a dead-lettered step left half done."""
import pytest

from listings.models import ListingStatus
from listings.selectors import copies_left_after_sale, products_to_settle
from products.models import Stage
from tests.factories import listing_make, product_make

pytestmark = pytest.mark.django_db


def test_live_copies_of_a_sold_product_and_settled_but_stuck_products_are_found(owner):
    sold = product_make(owner=owner, stage=Stage.SOLD)
    listing_make(product=sold, platform="ebay", status=ListingStatus.SOLD)
    left = listing_make(product=sold, platform="facebook", status=ListingStatus.LIVE)
    stuck = product_make(owner=owner, stage=Stage.PUBLISHING)
    listing_make(product=stuck, platform="ebay", status=ListingStatus.LIVE)
    busy = product_make(owner=owner, stage=Stage.PUBLISHING)
    listing_make(product=busy, platform="ebay", status=ListingStatus.PUBLISHING)
    assert copies_left_after_sale() == [left.pk]
    assert products_to_settle() == [stuck.pk]

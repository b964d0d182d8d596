"""The listing's own lifecycle: only these moves, each audited, illegal ones refused unchanged."""
import pytest

from boomer_site.models import AnalyticsEvent
from listings.models import ListingStatus
from listings.moves import IllegalListingMove, listing_transition
from tests.factories import listing_make, product_make

S = ListingStatus
ALLOWED = {
    ("start_publishing", S.DRAFT): S.PUBLISHING,
    ("start_publishing", S.FAILED): S.PUBLISHING,
    ("start_publishing", S.WITHDRAWN): S.PUBLISHING,
    ("go_live", S.PUBLISHING): S.LIVE,
    ("fail", S.PUBLISHING): S.FAILED,
    ("mark_sold", S.LIVE): S.SOLD,
    ("end", S.LIVE): S.ENDED,
    ("withdraw", S.LIVE): S.WITHDRAWN,
}
MOVES = sorted({name for name, _ in ALLOWED})


@pytest.mark.django_db
@pytest.mark.parametrize("status", [s.value for s in ListingStatus])
def test_every_move_from_every_status(owner, status):
    product = product_make(owner=owner)
    for name in MOVES:
        listing = listing_make(product=product, platform="ebay", status=status)
        expected = ALLOWED.get((name, status))
        if expected is None:
            with pytest.raises(IllegalListingMove) as refused:
                listing_transition(listing_id=listing.pk, transition=name, reason="x")
            assert refused.value.status == status
            listing.refresh_from_db()
            assert listing.status == status
            assert not AnalyticsEvent.objects.filter(listing=listing).exists()
        else:
            moved = listing_transition(listing_id=listing.pk, transition=name, reason="because")
            assert moved.status == expected
            event = AnalyticsEvent.objects.get(listing=listing)
            assert (event.event_type, event.product_id) == ("listing.status", product.pk)
            assert event.event_data == {"transition": name, "from": status, "to": expected, "reason": "because"}
        listing.delete()

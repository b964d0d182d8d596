"""The product after its publishes: the chord's callback decides its stage per the approval's
policy — `best_effort` keeps what went live (back to review only if nothing did);
`all_or_nothing` returns the product to review, then withdraws what went live. The seller is
told once per event and approval round."""
from __future__ import annotations

from boomer_site.models import AnalyticsEvent
from listings.delisting import listing_withdraw
from listings.models import Listing, ListingStatus, Policy
from listings.moves import product_move
from listings.notify import Kind, product_notify
from listings.publishing import LIVE_STAGES
from products.models import Product, Stage


def product_publish_settle(*, product_id: int) -> str:
    """Decide the product's stage from its listings, once none is still being published."""
    product = Product.objects.get(pk=product_id)
    listings = _this_round(list(product.listings.all()))
    if not listings or any(item.status in (ListingStatus.DRAFT, ListingStatus.PUBLISHING) for item in listings):
        return "unsettled"
    live = [item for item in listings if item.status == ListingStatus.LIVE]
    failed = [item for item in listings if item.status == ListingStatus.FAILED]
    policy = listings[0].policy
    compensate = failed and (policy == Policy.ALL_OR_NOTHING or not live)
    # PENDING with live copies left: a compensation interrupted by a withdraw that failed.
    if compensate and (product.stage == Stage.PUBLISHING or (product.stage == Stage.PENDING and live)):
        names = ", ".join(item.get_platform_display() for item in failed)
        # Back to review first: a late publish for this product then does nothing.
        product_move(product_id=product_id, transition="return_to_review",
                     reason=f"not published: {names} failed"
                     + ("; its live copies are withdrawn (all or nothing)" if live else ""))
        for item in live:
            listing_withdraw(listing_id=item.pk, outcome="withdraw", reason="all or nothing: compensating")
        product_notify(product=product, kind=Kind.PARTLY_FAILED,
                       event_key=f"partly_failed:{product_id}:{_round(product_id)}:{_stamp(listings)}")
        return "returned to review"
    if product.stage == Stage.PUBLISHING and live:
        product_move(product_id=product_id, transition="mark_published",
                     reason=f"live on {', '.join(i.get_platform_display() for i in live)}")
    product.refresh_from_db()
    if product.stage == Stage.PUBLISHED and not failed:
        product_move(product_id=product_id, transition="activate", reason="live on every chosen platform")
    if live and product.stage in LIVE_STAGES:
        kind = Kind.PARTLY_FAILED if failed else Kind.PUBLISHED
        product_notify(product=product, kind=kind, event_key=f"{kind}:{product_id}:{_round(product_id)}:{_stamp(live)}")
    return "settled"


def _this_round(listings: list[Listing]) -> list[Listing]:
    """The listings of the latest approval: rows an earlier approval left for platforms not
    chosen this time do not count."""
    stamps = [item.approved_at for item in listings if item.approved_at]
    return [item for item in listings if item.approved_at == max(stamps)] if stamps else listings


def _stamp(listings) -> str:
    return "-".join(f"{item.platform}{item.pk}" for item in sorted(listings, key=lambda i: i.pk))


def _round(product_id: int) -> str:
    """Which approval this is (a product sent back to review can be approved again)."""
    approval = (AnalyticsEvent.objects.filter(product_id=product_id, event_type="product.stage",
                                              event_data__transition="approve")
                .order_by("-id").values_list("pk", flat=True).first())
    return f"a{approval or 0}"

"""Reads on listings: the export's filter and what the beat jobs look for."""
from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone

from listings.models import Listing, ListingStatus
from listings.publishing import LIVE_STAGES
from marketplaces.models import MarketplaceAccount
from products.models import Product, Stage


def listings_filter(*, platform: str | None = None, status: str | None = None, owner=None,
                    since=None, until=None):
    """Listings matching every filter given, with their product and owner loaded.

    `since`/`until` bound `created_at`, both inclusive: a `date` covers the whole day, a
    `datetime` is exact.
    """
    qs = Listing.objects.select_related("product", "product__owner").defer("product__embedding")
    if platform:
        qs = qs.filter(platform=platform)
    if status:
        qs = qs.filter(status=status)
    if owner is not None:
        qs = qs.filter(product__owner=owner)
    if since is not None:
        qs = qs.filter(created_at__gte=since) if isinstance(since, datetime) else qs.filter(created_at__date__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lte=until) if isinstance(until, datetime) else qs.filter(created_at__date__lte=until)
    return qs


def accounts_with_live_listings(platforms) -> list[tuple[int, str]]:
    """(id, platform) of each seller's account on `platforms` that has listings live there."""
    live = Listing.objects.filter(status=ListingStatus.LIVE, platform=OuterRef("platform"),
                                  product__owner=OuterRef("owner"))
    return list(MarketplaceAccount.objects.filter(platform__in=list(platforms)).filter(Exists(live))
                .order_by("pk").values_list("pk", "platform"))


def listings_due_to_expire(limit: int = 500) -> list[int]:
    return list(Listing.objects.filter(status=ListingStatus.LIVE, ends_at__lte=timezone.now())
                .values_list("pk", flat=True)[:limit])


def listings_to_retry(limit: int = 200) -> list[int]:
    """FAILED listings a retry can still help (not refused), of products still publishing or live."""
    return list(Listing.objects.filter(status=ListingStatus.FAILED, failure_permanent=False,
                                       product__stage__in=[Stage.PUBLISHING, *LIVE_STAGES])
                .values_list("pk", flat=True)[:limit])


def copies_left_after_sale(limit: int = 200) -> list[int]:
    """LIVE copies of products already SOLD: a delist that failed for good, to be tried again."""
    return list(Listing.objects.filter(status=ListingStatus.LIVE, product__stage=Stage.SOLD)
                .values_list("pk", flat=True)[:limit])


def copies_live_off_sale(limit: int = 200) -> list[int]:
    """LIVE copies of products neither publishing, live nor sold (back in review after an
    all-or-nothing rollback whose withdraw failed, a publish that landed after it, rejected,
    expired): nothing may stay for sale there."""
    return list(Listing.objects.filter(status=ListingStatus.LIVE)
                .exclude(product__stage__in=[Stage.PUBLISHING, *LIVE_STAGES, Stage.SOLD])
                .values_list("pk", flat=True)[:limit])


def listings_stuck(*, status: str, before: datetime, limit: int = 200) -> list[int]:
    """Listings in `status` (DRAFT or PUBLISHING) untouched since `before`. DRAFT ones only of
    their product's latest approval while it is publishing (a platform an earlier approval
    chose, left out this time, stays DRAFT on purpose)."""
    qs = Listing.objects.filter(status=status, updated_at__lt=before)
    if status == ListingStatus.DRAFT:
        latest = (Listing.objects.filter(product=OuterRef("product"))
                  .order_by(F("approved_at").desc(nulls_last=True)).values("approved_at")[:1])
        qs = (qs.filter(product__stage=Stage.PUBLISHING, approved_at__isnull=False)
              .annotate(latest=Subquery(latest)).filter(approved_at=F("latest")))
    return list(qs.order_by("updated_at").values_list("pk", flat=True)[:limit])


def products_to_settle(limit: int = 200) -> list[int]:
    """Products still PUBLISHING although none of their listings is being published."""
    busy = Listing.objects.filter(status__in=[ListingStatus.DRAFT, ListingStatus.PUBLISHING],
                                  updated_at__gt=timezone.now() - timedelta(minutes=15))
    return list(Product.objects.filter(stage=Stage.PUBLISHING).exclude(listings__in=busy)
                .values_list("pk", flat=True)[:limit])

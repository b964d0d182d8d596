"""Reads on listings."""
from __future__ import annotations


def listings_visible(*, user):
    """Listings this user may see: all for reviewers and staff, those of their own products otherwise."""
    from boomer_site.api import is_reviewer
    from listings.models import Listing

    qs = Listing.objects.select_related("product")
    return qs if is_reviewer(user) else qs.filter(product__owner=user)


def listings_filter(*, platform: str | None = None, status: str | None = None, owner=None,
                    since=None, until=None):
    """Listings matching every filter given, with their product and owner loaded.

    `since`/`until` bound `created_at`, both inclusive: a `date` covers the whole day, a
    `datetime` is exact.
    """
    from datetime import datetime

    from listings.models import Listing

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

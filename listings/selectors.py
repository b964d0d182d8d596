"""Reads on listings."""
from __future__ import annotations


def listings_visible(*, user):
    """Listings this user may see: all for reviewers and staff, those of their own products otherwise."""
    from boomer_site.api import is_reviewer
    from listings.models import Listing

    qs = Listing.objects.select_related("product")
    return qs if is_reviewer(user) else qs.filter(product__owner=user)

"""What a user may see through the API, with what the API shows loaded up front (a page costs
the same few queries at any size)."""
from __future__ import annotations

from django.db.models import Prefetch

from desk.permissions import is_reviewer
from listings.models import Listing, ListingDraft
from products.models import Product, ProductImage


def products_visible(*, user):
    """All products for reviewers and staff, their own for everyone else."""
    qs = Product.objects.select_related("condition").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("position")),
        Prefetch("drafts", queryset=ListingDraft.objects.order_by("platform")),
        Prefetch("listings", queryset=Listing.objects.order_by("platform")),
    ).defer("embedding")
    return qs if is_reviewer(user) else qs.filter(owner=user)


def listings_visible(*, user):
    """All listings for reviewers and staff, those of their own products otherwise."""
    qs = Listing.objects.select_related("product")
    return qs if is_reviewer(user) else qs.filter(product__owner=user)

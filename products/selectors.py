"""Reads on products."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model


def inbox_owner():
    """The account that owns what is dropped in the inbox (BOOMER_INBOX_OWNER)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=settings.BOOMER_INBOX_OWNER, defaults={"is_active": True})
    if created:
        user.set_unusable_password()  # `make run` gives the admin account its password
        user.save(update_fields=["password"])
    return user


def products_visible(*, user):
    """Products this user may see: all for reviewers and staff, their own for everyone else.

    Prefetches what the API shows, so a page costs the same few queries at any size.
    """
    from django.db.models import Prefetch

    from boomer_site.api import is_reviewer
    from listings.models import Listing, ListingDraft
    from products.models import Product, ProductImage

    qs = Product.objects.select_related("condition").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("position")),
        Prefetch("drafts", queryset=ListingDraft.objects.order_by("platform")),
        Prefetch("listings", queryset=Listing.objects.order_by("platform")),
    ).defer("embedding")
    return qs if is_reviewer(user) else qs.filter(owner=user)

"""Test data made directly in the database (no worker needed): users by role, products at a stage."""
from __future__ import annotations

import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from listings.models import Listing, ListingDraft, ListingStatus
from products.models import Product, ProductCondition, ProductImage, Stage
from products.samples import make_product_photo

_seq = itertools.count(1)
# What the describe step maps the Sony headphones to on Facebook and Mercari (marketplaces/categories.py).
CATEGORIES = {"facebook": "Electronics > Audio > Audio Components > Headphones & Headsets > Headphones",
              "mercari": "Electronics > Headphones"}


def platform_fields(platform: str) -> dict:
    """A Facebook or Mercari draft's or listing's category, as BOOMER fills it; {} for the others."""
    return {"category": {"path": CATEGORIES[platform], "chosen_by": "boomer"}} if platform in CATEGORIES else {}


def user_make(username: str, *, role: str | None = "seller", password: str = "pw-Boomer-2026", staff=False):
    user = get_user_model().objects.create_user(username, password=password, is_staff=staff)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])  # transactional tests flush the data migration's rows
    return user


def product_make(*, owner, stage: str = Stage.PENDING, brand="Sony", model="WH-1000XM4", price="120.00",
                 with_photo=False, embedding=None, **fields) -> Product:
    n = next(_seq)
    product = Product.objects.create(owner=owner, sku=f"TEST-{n:05d}", name=f"{brand} {model}", brand=brand,
                                     model=model, category="Electronics > Audio", embedding=embedding,
                                     recommended_price=Decimal(price) if price else None, **fields)
    Product.objects.filter(pk=product.pk).update(stage=stage)
    ProductCondition.objects.create(product=product, grade="GOOD", defects=[], confidence=0.8, reason="notes")
    for platform in ("ebay", "facebook", "mercari"):
        ListingDraft.objects.create(product=product, platform=platform, title=f"{brand} {model} ({platform})",
                                    description="Used – good.", price=Decimal(price) if price else None,
                                    platform_fields=platform_fields(platform))
    if with_photo:
        data = make_product_photo(None, label=f"{brand} {model} {n}", ean13=None, size=(640, 480), seed=n)
        import hashlib

        image = ProductImage(product=product, owner=owner, sha256=hashlib.sha256(data).hexdigest(), format="jpg",
                             width=640, height=480, original_name=f"{n}.jpg")
        image.image.save(f"{n}.jpg", ContentFile(data), save=False)
        image.save()
    return Product.objects.get(pk=product.pk)


def listing_make(*, product, platform="ebay", status=ListingStatus.LIVE, price="100.00", sold_price=None) -> Listing:
    listing = Listing.objects.create(product=product, platform=platform, title=product.name,
                                     price=Decimal(price), sold_price=Decimal(sold_price) if sold_price else None,
                                     platform_fields=platform_fields(platform))
    Listing.objects.filter(pk=listing.pk).update(status=status)
    return Listing.objects.get(pk=listing.pk)

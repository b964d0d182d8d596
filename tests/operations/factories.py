"""Products and listings for the operations tests, made directly (the FSM fields are protected:
states are set with a queryset update, as an import would)."""
from __future__ import annotations

from decimal import Decimal

from listings.models import Listing
from products.models import Product
from products.services import product_sku_new


def product_make(*, owner, name="", brand="", model="", category="", notes="", embedding=None, **fields) -> Product:
    return Product.objects.create(owner=owner, sku=product_sku_new(), name=name, brand=brand, model=model,
                                  category=category, notes=notes, embedding=embedding, **fields)


def listing_make(*, product, platform="ebay", status="DRAFT", price="10.00", **fields) -> Listing:
    listing = Listing.objects.create(product=product, platform=platform, title=fields.pop("title", product.title),
                                     price=Decimal(price), **fields)
    Listing.objects.filter(pk=listing.pk).update(status=status)
    listing.refresh_from_db()
    return listing

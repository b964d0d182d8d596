"""BOOMER's own sales and imported ones: SOLD listings of the same item in this database (by
GTIN, brand + model, or a product whose embedding is nearly the same).

Another seller's sale counts only when a platform confirmed it or staff imported it: a price a
seller typed in with `mark-sold` is that seller's own comp, never anyone else's. Each comp says
whose it is (`extra["seller"]`: "own" or "other"); who may read another seller's title, link
and listing is decided where comps are shown (market/visibility.py)."""
from __future__ import annotations

from django.db.models import Q

from listings.models import Listing, ListingStatus, SaleSource
from market.sources.base import Comp
from products.models import Product
from products.similarity import products_similar

SIMILAR_MAX_DISTANCE = 0.12  # cosine distance under which an embedded product counts as the same item
SHARED_SALES = (SaleSource.PLATFORM, SaleSource.IMPORT)  # the sales that feed every seller's comps


class OwnSalesSource:
    name = "own_sales"

    def comps_for(self, product: Product) -> list[Comp]:
        match, how = Q(), {}
        if product.barcode:
            match |= Q(product__barcode=product.barcode)
        if product.brand and product.model:
            match |= Q(product__brand__iexact=product.brand, product__model__iexact=product.model)
        similar = set()
        if product.embedding is not None:
            similar = set(products_similar(product=product, limit=20, max_distance=SIMILAR_MAX_DISTANCE)
                          .values_list("pk", flat=True))
            if similar:
                match |= Q(product_id__in=similar)
        if not match:
            return []
        trusted = Q(product__owner_id=product.owner_id) | Q(sale_source__in=SHARED_SALES)
        sold = (Listing.objects.filter(match, trusted, status=ListingStatus.SOLD).exclude(product=product)
                .select_related("product", "product__condition"))
        comps = []
        for listing in sold:
            price = listing.sold_price or listing.price
            other = listing.product.owner_id != product.owner_id
            imported = listing.product.source.startswith("import:")
            if product.barcode and listing.product.barcode == product.barcode:
                how = "same GTIN"
            elif listing.product_id in similar:
                how = "a product that looks the same (embedding)"
            else:
                how = "same brand and model"
            grade = getattr(getattr(listing.product, "condition", None), "grade", "") or ""
            comps.append(Comp(
                source="imported" if imported else "own_sales",
                title=listing.title, price=price, shipping=None, currency=listing.currency, sold_at=listing.sold_at,
                url=listing.listing_url, item_id=listing.external_id or f"L{listing.pk}",
                condition=grade.replace("_", " ").lower(), kind="sold",
                extra={"platform": listing.platform, "grade": grade, "matched": how,
                       "seller": "other" if other else "own", "sale_source": listing.sale_source},
            ))
        return comps

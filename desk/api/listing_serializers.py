"""Shapes only: the rules live in the services."""
from decimal import Decimal

from rest_framework import serializers

from listings.models import Listing


class ListingOut(serializers.ModelSerializer):
    product_id = serializers.IntegerField()
    product_sku = serializers.CharField(source="product.sku")

    class Meta:
        model = Listing
        fields = ["id", "product_id", "product_sku", "platform", "status", "title", "description", "price",
                  "currency", "policy", "listing_url", "external_id", "last_error", "sold_price", "sold_at",
                  "created_at", "updated_at"]


class MarkSoldIn(serializers.Serializer):
    price = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True,
                                     min_value=Decimal("0.01"), help_text="What it sold for; the listing price if omitted.")

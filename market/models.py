from django.db import models


class MarketData(models.Model):
    """Pricing research for one kind of product on one platform, kept until `expires_at`: the
    market app's stored cache (the table keeps its name from when it lived in `marketplaces`)."""

    product_hash = models.CharField(max_length=64)
    platform = models.CharField(max_length=20)
    condition = models.CharField(max_length=10, blank=True)
    pricing_stats = models.JSONField(default=dict)
    source = models.CharField(max_length=50, default="boomer", help_text="Where the figures came from.")
    fetched_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "marketplaces_marketdata"
        verbose_name_plural = "market data"
        indexes = [models.Index(fields=["product_hash", "platform"], name="marketdata_hash_platform")]
        constraints = [
            models.UniqueConstraint(fields=["product_hash", "platform", "condition"], name="marketdata_unique")
        ]

    def __str__(self):
        return f"{self.platform} {self.product_hash[:10]} {self.condition}"


class PriceOutcome(models.Model):
    """How far the price BOOMER recommended was from what the item sold for: |recommended − sold| / sold."""

    listing = models.OneToOneField("listings.Listing", on_delete=models.CASCADE, related_name="price_outcome")
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="price_outcomes")
    category = models.CharField(max_length=200, blank=True, db_index=True)
    sources = models.CharField(max_length=200, blank=True, help_text="The sources whose comps the price rested on.")
    recommended = models.DecimalField(max_digits=10, decimal_places=2)
    sold_price = models.DecimalField(max_digits=10, decimal_places=2)
    abs_pct_error = models.FloatField()
    sold_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sold_at"]

    def __str__(self):
        return f"{self.product_id}: {self.recommended} vs {self.sold_price} ({self.abs_pct_error:.0%})"

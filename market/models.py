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

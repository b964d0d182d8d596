"""A seller's notification settings and the messages BOOMER sent them.

The tables keep the names they had when these models lived in `listings` (the move changed
no row)."""
from django.conf import settings
from django.db import models


class SellerProfile(models.Model):
    """How a seller wants to hear from BOOMER besides email."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seller_profile")
    webhook_url = models.URLField(blank=True, help_text="POSTed a JSON body signed with HMAC-SHA256.")
    webhook_secret = models.CharField(max_length=128, blank=True)
    # Where the seller ships from: marketplaces need it (eBay's inventory location).
    address_line1 = models.CharField(max_length=180, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state_or_province = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="Two-letter ISO code, e.g. US.")

    class Meta:
        db_table = "listings_sellerprofile"

    def __str__(self):
        return f"profile of {self.user}"


class Notification(models.Model):
    """One message to a seller about one event; `event_key` is unique, so never sent twice."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", "Published"
        PARTLY_FAILED = "partly_failed", "Partly failed"
        SOLD = "sold", "Sold"
        EXPIRED = "expired", "Expired"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    event_key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    payload = models.JSONField(default=dict)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    webhook_sent_at = models.DateTimeField(null=True, blank=True)
    webhook_status = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "listings_notification"
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

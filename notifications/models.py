"""A seller's notification settings and the messages BOOMER sent them.

The tables keep the names they had when these models lived in `listings` (the move changed
no row)."""
from django.conf import settings
from django.db import models

from notifications.webhook_sealing import EMPTY, webhook_seal, webhook_unseal


class SellerProfile(models.Model):
    """How a seller wants to hear from BOOMER besides email.

    The webhook (a URL POSTed a JSON body signed with HMAC-SHA256, and the signing secret) is
    stored sealed; `webhook_url` and `webhook_secret` read and write it in the clear in memory."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seller_profile")
    webhook_sealed = models.BinaryField(blank=True, default=b"", editable=False)
    webhook_key_id = models.CharField(max_length=16, blank=True, editable=False)
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

    _webhook_open: dict | None = None

    @property
    def webhook(self) -> dict:
        """{"url", "secret"}, opened once per instance."""
        if self._webhook_open is None:
            self._webhook_open = webhook_unseal(user_id=self.user_id, blob=self.webhook_sealed)
        return self._webhook_open

    def _webhook_change(self, **values) -> None:
        if self.user_id is None:
            raise ValueError("a profile's user comes before its webhook (the seal is bound to the user)")
        opened = {**(dict(self.webhook) if self.webhook_sealed or self._webhook_open else dict(EMPTY)), **values}
        self.webhook_sealed, self.webhook_key_id = webhook_seal(user_id=self.user_id, **opened)
        self._webhook_open = opened

    @property
    def webhook_url(self) -> str:
        return self.webhook["url"]

    @webhook_url.setter
    def webhook_url(self, value: str) -> None:
        self._webhook_change(url=value or "")

    @property
    def webhook_secret(self) -> str:
        return self.webhook["secret"]

    @webhook_secret.setter
    def webhook_secret(self, value: str) -> None:
        self._webhook_change(secret=value or "")


class Notification(models.Model):
    """One message to a seller about one event; `event_key` is unique, so never sent twice."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", "Published"
        PARTLY_FAILED = "partly_failed", "Partly failed"
        SOLD = "sold", "Sold"
        EXPIRED = "expired", "Expired"
        ACCOUNT_ATTENTION = "account_attention", "Account needs attention"

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

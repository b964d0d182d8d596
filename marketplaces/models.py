from django.conf import settings
from django.db import models


class MarketplaceAccount(models.Model):
    """A seller's connection to one marketplace. `secret` is AES-256-GCM ciphertext (see
    marketplaces/credentials.py); it is never shown, logged or serialised in the clear."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="marketplace_accounts")
    platform = models.CharField(max_length=20)
    label = models.CharField(max_length=100, blank=True)
    secret = models.BinaryField(editable=False)
    key_id = models.CharField(max_length=32, db_index=True, editable=False,
                              help_text="Which encryption key sealed `secret` (a fingerprint, not the key).")
    external_user_id = models.CharField(
        max_length=100, blank=True, db_index=True, editable=False,
        help_text="The seller's id on the platform (eBay's userId), read at connect time: eBay's account-deletion "
                  "notifications name it.")
    token_expires_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="When the stored refresh token stops working (eBay: about 18 months after consent).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the platform refused the seller's own connection (revoked token, bad login, keys
    # that no longer open the secrets); cleared by a call that works or by reconnecting.
    attention_since = models.DateTimeField(null=True, blank=True, editable=False,
                                           help_text="Since when this account needs the seller's attention.")
    attention_reason = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["owner_id", "platform"]
        constraints = [models.UniqueConstraint(fields=["owner", "platform"], name="marketplace_account_per_owner")]

    def __str__(self):
        return f"{self.platform} account of user {self.owner_id}" + (f" ({self.label})" if self.label else "")

    def __repr__(self):
        return f"<MarketplaceAccount id={self.pk} owner={self.owner_id} platform={self.platform} key_id={self.key_id}>"

    @property
    def needs_attention(self) -> bool:
        return self.attention_since is not None

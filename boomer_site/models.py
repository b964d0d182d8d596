from django.conf import settings
from django.db import models


class DeadLetter(models.Model):
    """A task that failed for good after its retries: kept whole so it can be replayed."""

    task_name = models.CharField(max_length=200, db_index=True)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    queue = models.CharField(max_length=50, blank=True)
    error = models.TextField()
    traceback = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=1)
    replay_task = models.CharField(max_length=200, blank=True,
                                   help_text="The task a replay sends with the same arguments (blank: this one).")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    requeued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)}: {self.error[:60]}"


class AnalyticsEvent(models.Model):
    """One thing that happened: every state change of a product or listing, and more.

    The audit trail every app writes to; it points at the product and listing by foreign key
    (the table keeps the name it had when it lived in `listings`)."""

    event_type = models.CharField(max_length=60)
    product = models.ForeignKey("products.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    listing = models.ForeignKey("listings.Listing", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    event_data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "listings_analyticsevent"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["event_type", "created_at"], name="event_type_created")]

    def __str__(self):
        return f"{self.event_type} {self.event_data}"


class CacheEntry(models.Model):
    """The third layer of the layered cache (boomer_site/layered_cache.py): a value kept in
    PostgreSQL until `expires_at`; a daily beat job deletes the expired."""

    key = models.CharField(max_length=255, unique=True)
    value = models.JSONField()
    expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "cache entries"

    def __str__(self):
        return self.key

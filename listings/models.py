from __future__ import annotations

import uuid

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from marketplaces.platforms import MARKETPLACES, PLATFORMS

# The marketplaces a listing can be on, from the one platform registry.
Platform = models.TextChoices("Platform", {code.upper(): (code, PLATFORMS[code].label) for code in MARKETPLACES})


class Policy(models.TextChoices):
    BEST_EFFORT = "best_effort", "Best effort (keep what went live)"
    ALL_OR_NOTHING = "all_or_nothing", "All or nothing (withdraw if any platform fails)"


class ListingDraft(models.Model):
    """What the describe agent wrote for one platform; the reviewer edits it before approval."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="drafts")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    edited = models.BooleanField(default=False, help_text="A person changed it: the agent will not overwrite it.")
    platform_fields = models.JSONField(
        default=dict, blank=True,
        help_text="What the platform itself asks for: eBay's category, item specifics, condition, identifiers, "
                  "and the last preflight's problems.")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["product_id", "platform"]
        constraints = [models.UniqueConstraint(fields=["product", "platform"], name="draft_per_platform")]

    def __str__(self):
        return f"{self.get_platform_display()}: {self.title}"


class ListingStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    PUBLISHING = "PUBLISHING", "Publishing"
    LIVE = "LIVE", "Live"
    SOLD = "SOLD", "Sold"
    ENDED = "ENDED", "Ended"
    FAILED = "FAILED", "Failed"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"


class SaleSource(models.TextChoices):
    """Who says a listing sold: only a platform's word or a staff import feeds other sellers' comps."""
    PLATFORM = "platform", "Confirmed by the platform"
    SELLER = "seller", "Marked sold by a person"
    IMPORT = "import", "Imported by staff"


class Listing(ConcurrentTransitionMixin, models.Model):
    """One product on one platform."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="listings")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    policy = models.CharField(max_length=20, choices=Policy.choices, default=Policy.BEST_EFFORT)
    listing_url = models.URLField(blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    status = FSMField(default=ListingStatus.DRAFT, choices=ListingStatus.choices, protected=True)
    last_error = models.TextField(blank=True, help_text="Why it is waiting or failed, for the reviewer.")
    platform_fields = models.JSONField(
        default=dict, blank=True,
        help_text="The draft's platform fields as approved, and the platform's refusals per field (problems).")
    failure_permanent = models.BooleanField(default=False, help_text="The platform refused it: retrying cannot help.")
    attempts = models.PositiveIntegerField(default=0)
    screenshot = models.FileField(upload_to="listing-failures/", blank=True,
                                  help_text="What the browser showed when an automated listing failed.")
    sold_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    sold_at = models.DateTimeField(null=True, blank=True)
    sale_source = models.CharField(max_length=10, choices=SaleSource.choices, blank=True,
                                   help_text="Who says it sold; a person's word stays the seller's own comp.")
    ends_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True,
                                       help_text="The approval this listing belongs to (a product can be re-approved).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["product", "platform", "status"], name="listing_prod_platform_status")]
        constraints = [models.UniqueConstraint(fields=["product", "platform"], name="listing_per_platform")]

    def __str__(self):
        return f"{self.get_platform_display()}: {self.title}"

    def audit_refs(self) -> dict:
        """What an AnalyticsEvent of this listing's moves points at (boomer_site/audit.py)."""
        return {"product_id": self.product_id, "listing_id": self.pk}

    @transition(field=status, source=[ListingStatus.DRAFT, ListingStatus.FAILED, ListingStatus.WITHDRAWN],
                target=ListingStatus.PUBLISHING)
    def start_publishing(self, by=None, reason=""):
        pass

    @transition(field=status, source=ListingStatus.PUBLISHING, target=ListingStatus.LIVE)
    def go_live(self, by=None, reason=""):
        pass

    @transition(field=status, source=ListingStatus.PUBLISHING, target=ListingStatus.FAILED)
    def fail(self, by=None, reason=""):
        self.last_error = reason

    @transition(field=status, source=ListingStatus.LIVE, target=ListingStatus.SOLD)
    def mark_sold(self, by=None, reason=""):
        pass

    @transition(field=status, source=ListingStatus.LIVE, target=ListingStatus.ENDED)
    def end(self, by=None, reason=""):
        pass

    @transition(field=status, source=ListingStatus.LIVE, target=ListingStatus.WITHDRAWN)
    def withdraw(self, by=None, reason=""):
        pass

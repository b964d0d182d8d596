from __future__ import annotations

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from pgvector.django import HnswIndex, VectorField

from products.embedding import EMBEDDING_DIM
from products.photos import photo_warnings


class Stage(models.TextChoices):
    DROPPED = "DROPPED", "Dropped"
    ANALYZING = "ANALYZING", "Analyzing"
    ANALYZED = "ANALYZED", "Analyzed"
    FAILED = "FAILED", "Failed"
    RESEARCHING = "RESEARCHING", "Researching"
    OPTIMIZING = "OPTIMIZING", "Optimizing"
    PENDING = "PENDING", "Pending review"
    PUBLISHING = "PUBLISHING", "Publishing"
    REJECTED = "REJECTED", "Rejected"
    PUBLISHED = "PUBLISHED", "Published"
    ACTIVE = "ACTIVE", "Active"
    SOLD = "SOLD", "Sold"
    EXPIRED = "EXPIRED", "Expired"


IN_PIPELINE = (Stage.DROPPED, Stage.ANALYZING, Stage.ANALYZED, Stage.RESEARCHING, Stage.OPTIMIZING)


class Product(ConcurrentTransitionMixin, models.Model):
    """One item for sale. `stage` moves only through the transitions below.

    Each transition takes `by` (the user, if a person did it) and `reason`; the
    post_transition signal turns them into an AnalyticsEvent (boomer_site/audit.py).
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="products")
    sku = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=255, blank=True)
    brand = models.CharField(max_length=100, blank=True, db_index=True)
    model = models.CharField(max_length=100, blank=True)
    category = models.CharField(max_length=200, blank=True, db_index=True)
    attributes = models.JSONField(default=dict, blank=True)
    barcode = models.CharField(max_length=64, blank=True, db_index=True)
    notes = models.TextField(blank=True, help_text="The seller's notes (notes.txt or the upload's notes).")
    source = models.CharField(max_length=500, blank=True, help_text="Where the photos came from.")
    embedding = VectorField(dimensions=EMBEDDING_DIM, null=True, blank=True)
    stage = FSMField(default=Stage.DROPPED, choices=Stage.choices, protected=True, db_index=True)
    failure_reason = models.TextField(blank=True)
    analysis = models.JSONField(default=dict, blank=True, help_text="What the agents saw and could not determine.")
    pricing = models.JSONField(default=dict, blank=True, help_text="Comparable sales per platform.")
    recommended_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    price_reason = models.TextField(blank=True)
    ai_usage = models.JSONField(default=dict, blank=True,
                                help_text="What the AI calls for this item cost: tokens and dollars, in all and per step.")
    trace_id = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            HnswIndex(
                name="product_embedding_hnsw", fields=["embedding"], m=16, ef_construction=64,
                opclasses=["vector_cosine_ops"],
            ),
            models.Index(fields=["owner", "stage"], name="product_owner_stage"),
        ]

    def __str__(self):
        return self.name or self.sku

    def audit_refs(self) -> dict:
        """What an AnalyticsEvent of this product's moves points at (boomer_site/audit.py)."""
        return {"product_id": self.pk}

    def contradicted_fields(self) -> list[str]:
        """Identity fields a deterministic read disagrees with (see agents/evidence.py), still
        holding the value that was contradicted: the reviewer must edit or confirm them."""
        contradicted = []
        for name, item in ((self.analysis or {}).get("evidence") or {}).items():
            if isinstance(item, dict) and item.get("status") == "contradicted":
                current = getattr(self, name, None) if name in ("name", "brand", "model", "category", "barcode") else None
                if current is None or str(current) == str(item.get("value")):
                    contradicted.append(name)
        return contradicted

    def photo_warnings(self) -> list[str]:
        """Photos accepted at intake that a marketplace may refuse (too small for eBay)."""
        return [warning for image in self.images.all()
                for warning in photo_warnings(name=image.original_name or f"photo {image.position + 1}",
                                              width=image.width, height=image.height)]

    @property
    def title(self) -> str:
        return self.name or " ".join(part for part in (self.brand, self.model) if part) or self.sku

    # --- lifecycle -----------------------------------------------------------------------
    @transition(field=stage, source=Stage.DROPPED, target=Stage.ANALYZING)
    def start_analysis(self, by=None, reason=""):
        pass

    @transition(field=stage, source=Stage.ANALYZING, target=Stage.ANALYZED)
    def finish_analysis(self, by=None, reason=""):
        pass

    @transition(field=stage, source=list(IN_PIPELINE), target=Stage.FAILED)
    def fail(self, by=None, reason=""):
        self.failure_reason = reason

    @transition(field=stage, source=Stage.FAILED, target=Stage.DROPPED)
    def retry(self, by=None, reason=""):
        self.failure_reason = ""

    @transition(field=stage, source=Stage.ANALYZED, target=Stage.RESEARCHING)
    def start_research(self, by=None, reason=""):
        pass

    @transition(field=stage, source=Stage.RESEARCHING, target=Stage.OPTIMIZING)
    def start_optimizing(self, by=None, reason=""):
        pass

    @transition(field=stage, source=Stage.OPTIMIZING, target=Stage.PENDING)
    def ready_for_review(self, by=None, reason=""):
        pass

    @transition(field=stage, source=Stage.PENDING, target=Stage.PUBLISHING)
    def approve(self, by=None, reason=""):
        pass

    @transition(field=stage, source=Stage.PENDING, target=Stage.REJECTED)
    def reject(self, by=None, reason=""):
        pass

    @transition(field=stage, source=Stage.PUBLISHING, target=Stage.PENDING)
    def return_to_review(self, by=None, reason=""):
        """Nothing stayed live (all-or-nothing compensated, or every platform refused)."""

    @transition(field=stage, source=Stage.PUBLISHING, target=Stage.PUBLISHED)
    def mark_published(self, by=None, reason=""):
        pass

    @transition(field=stage, source=Stage.PUBLISHED, target=Stage.ACTIVE)
    def activate(self, by=None, reason=""):
        pass

    @transition(field=stage, source=[Stage.PUBLISHED, Stage.ACTIVE], target=Stage.SOLD)
    def mark_sold(self, by=None, reason=""):
        pass

    @transition(field=stage, source=[Stage.PUBLISHED, Stage.ACTIVE], target=Stage.EXPIRED)
    def expire(self, by=None, reason=""):
        pass


def product_image_path(instance: ProductImage, filename: str) -> str:
    """Content-addressed: the client's file name is never used as a path."""
    return f"products/{instance.owner_id}/{instance.sha256[:2]}/{instance.sha256}.{instance.format.lower()}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    image = models.ImageField(upload_to=product_image_path)  # width/height are set from the intake check
    sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=10)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    original_name = models.CharField(max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product_id", "position"]
        constraints = [models.UniqueConstraint(fields=["owner", "sha256"], name="image_unique_per_owner")]

    def __str__(self):
        return self.original_name or self.sha256[:12]


class Grade(models.TextChoices):
    NEW = "NEW", "New"
    LIKE_NEW = "LIKE_NEW", "Like new"
    GOOD = "GOOD", "Good"
    FAIR = "FAIR", "Fair"
    POOR = "POOR", "Poor"


class ProductCondition(models.Model):
    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="condition")
    grade = models.CharField(
        max_length=10, choices=Grade.choices, blank=True,
        help_text="Blank when it could not be determined; the reviewer sets it.",
    )
    defects = models.JSONField(default=list, blank=True)
    confidence = models.FloatField(default=0.0)
    reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.get_grade_display() or "not assessed"

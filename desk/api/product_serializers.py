"""Shapes only: the rules live in the services."""
from decimal import Decimal

from django.conf import settings
from rest_framework import serializers

from boomer_site.media_urls import media_url
from desk.permissions import is_reviewer
from listings.models import ListingDraft, Platform, Policy
from market.visibility import pricing_shown
from products.models import Product, ProductCondition, ProductImage
from products.reports import ai_summary


class ImageOut(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ProductImage
        fields = ["url", "width", "height", "original_name"]

    def get_url(self, obj) -> str:
        """A link that opens the photo without signing in, for BOOMER_MEDIA_URL_SECONDS."""
        url = media_url(obj.image.name, seconds=settings.BOOMER_MEDIA_URL_SECONDS)
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ConditionOut(serializers.ModelSerializer):
    class Meta:
        model = ProductCondition
        fields = ["grade", "defects", "confidence", "reason"]


class DraftOut(serializers.ModelSerializer):
    platform_fields = serializers.SerializerMethodField()

    class Meta:
        model = ListingDraft
        fields = ["platform", "title", "description", "price", "edited", "platform_fields"]

    def get_platform_fields(self, obj) -> dict:
        """eBay: category (id, path, suggestions), aspects, condition, identifiers, and preflight
        (checked, problems [{field, message}])."""
        return obj.platform_fields or {}


class ListingBrief(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.CharField()
    status = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    listing_url = serializers.CharField(allow_blank=True)


class CompOut(serializers.Serializer):
    source = serializers.CharField()
    title = serializers.CharField()
    price = serializers.FloatField(allow_null=True)
    shipping = serializers.FloatField(allow_null=True, help_text="null: not shown; 0: free")
    currency = serializers.CharField(allow_blank=True)
    sold_at = serializers.CharField(allow_null=True)
    url = serializers.CharField(allow_blank=True)
    item_id = serializers.CharField(allow_blank=True)
    condition = serializers.CharField(allow_blank=True, required=False)
    kind = serializers.CharField(required=False, help_text="sold or active")
    kept = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True, help_text="why it counts, or why it was dropped")


class OtherSellersOut(serializers.Serializer):
    count = serializers.IntegerField(help_text="Other sellers' sales of this item in BOOMER")
    kept = serializers.IntegerField(help_text="How many of them count for the price")
    median = serializers.FloatField(allow_null=True, help_text=(
        "Their median price (of those kept); null under three, where it would be one seller's price"))


class PriceOut(serializers.Serializer):
    recommended = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    confidence = serializers.CharField(allow_null=True)
    comps = CompOut(many=True, help_text="One by one: the marketplaces' sales, your own, and (reviewers only) "
                                         "other sellers' sales in BOOMER")
    other_sellers = OtherSellersOut(help_text="Other sellers' sales in BOOMER, as a count and a median")
    stats = serializers.DictField(help_text="Per platform: count, median, p25, p75, delivered_median, sell_through…")
    errors = serializers.DictField(child=serializers.CharField(), help_text="Sources that could not be read, and why.")


class EvidenceOut(serializers.Serializer):
    value = serializers.CharField()
    source = serializers.CharField()
    status = serializers.ChoiceField(choices=["verified", "seen", "contradicted"])
    conflict = serializers.CharField(required=False, help_text="What the deterministic read says instead.")


class IdentityOut(serializers.Serializer):
    unknowns = serializers.ListField(child=serializers.CharField())
    evidence = serializers.DictField(child=EvidenceOut(), help_text="Per field: where it came from, whether verified.")
    contradicted = serializers.ListField(child=serializers.CharField(),
                                         help_text="Fields to edit or confirm before approving.")
    provider = serializers.CharField(allow_null=True)
    fallback = serializers.CharField(allow_null=True, help_text="Why the offline provider was used instead.")


class AiUsageOut(serializers.Serializer):
    provider = serializers.CharField(allow_null=True)
    model = serializers.CharField(allow_null=True)
    input_tokens = serializers.IntegerField()
    output_tokens = serializers.IntegerField()
    cache_write_tokens = serializers.IntegerField()
    cache_read_tokens = serializers.IntegerField()
    cost_usd = serializers.FloatField(allow_null=True, help_text="null when the model has no price in BOOMER_AI_PRICES")


class ProductOut(serializers.ModelSerializer):
    images = ImageOut(many=True)
    condition = serializers.SerializerMethodField()
    price = serializers.SerializerMethodField()
    drafts = DraftOut(many=True)
    listings = ListingBrief(many=True)
    unknowns = serializers.SerializerMethodField()
    identity = serializers.SerializerMethodField()
    ai = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = ["id", "sku", "stage", "failure_reason", "name", "brand", "model", "category", "barcode",
                  "attributes", "notes", "unknowns", "identity", "condition", "price", "drafts", "listings", "images",
                  "warnings", "ai", "created_at", "updated_at"]

    def get_condition(self, obj) -> ConditionOut(allow_null=True):
        condition = getattr(obj, "condition", None)
        return ConditionOut(condition).data if condition else None

    def get_price(self, obj) -> PriceOut:
        request = self.context.get("request")
        pricing = pricing_shown(pricing=obj.pricing or {}, full=bool(request) and is_reviewer(request.user))
        return PriceOut({"recommended": obj.recommended_price, "currency": obj.currency, "reason": obj.price_reason,
                         "confidence": pricing.get("confidence"), "comps": pricing["comps"],
                         "other_sellers": pricing["other_sellers"],
                         "stats": pricing.get("stats", {}), "errors": pricing.get("errors", {})}).data

    def get_unknowns(self, obj) -> list[str]:
        return (obj.analysis or {}).get("unknowns", [])

    def get_identity(self, obj) -> IdentityOut:
        analysis = obj.analysis or {}
        evidence = {name: item for name, item in (analysis.get("evidence") or {}).items() if isinstance(item, dict)}
        return IdentityOut({"unknowns": analysis.get("unknowns", []), "evidence": evidence,
                            "contradicted": obj.contradicted_fields(), "provider": analysis.get("provider"),
                            "fallback": analysis.get("fallback")}).data

    def get_warnings(self, obj) -> list[str]:
        """What the reviewer should know before publishing, e.g. a photo under eBay's minimum."""
        return obj.photo_warnings()

    def get_ai(self, obj) -> AiUsageOut(allow_null=True):
        summary = ai_summary(obj)
        return AiUsageOut(summary).data if summary else None


class ProductCreateIn(serializers.Serializer):
    images = serializers.ListField(child=serializers.FileField(allow_empty_file=True), min_length=1,
                                   help_text="One or several photos of one item.")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000,
                                  help_text='The seller\'s notes, e.g. "like new, small scratch on the back".')

    def validate_images(self, files):
        limit = settings.BOOMER_MAX_PHOTOS_PER_ITEM
        if len(files) > limit:
            raise serializers.ValidationError(f"too many files: {len(files)}, at most {limit} photos per item")
        return files


class ApproveIn(serializers.Serializer):
    platforms = serializers.ListField(child=serializers.ChoiceField(choices=Platform.choices), min_length=1)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True,
                                     min_value=Decimal("0.01"), help_text="Overrides every draft's price.")
    policy = serializers.ChoiceField(choices=Policy.choices, default=Policy.BEST_EFFORT)
    confirm = serializers.ListField(child=serializers.ChoiceField(choices=["name", "brand", "model", "category", "barcode"]),
                                    required=False, default=list,
                                    help_text="Contradicted identity fields the reviewer confirms as they are.")
    item_specifics = serializers.DictField(
        child=serializers.DictField(child=serializers.JSONField()), required=False, default=dict,
        help_text='Per platform, item specifics the reviewer supplies: {"ebay": {"Type": "Over the Ear (Full-Size)"}}; '
                  "a value is a string or a list of strings (\"\" or [] clears an optional aspect). Checked against "
                  "the eBay category's aspects and kept on "
                  "the draft even if the approval is then refused.")
    categories = serializers.DictField(
        child=serializers.CharField(max_length=300), required=False, default=dict,
        help_text='Per platform, the category the reviewer picks: {"mercari": "Men > Jeans", "facebook": "Apparel & '
                  'Accessories > Clothing > Pants", "ebay": "11483"} — a path of the platform\'s vocabulary (the '
                  "preflight's message lists them), an eBay category id. Kept on the draft even if the approval is "
                  "then refused.")
    conditions = serializers.DictField(
        child=serializers.CharField(max_length=40), required=False, default=dict,
        help_text='Per platform, the condition the reviewer picks when none the category allows is near the grade: '
                  '{"ebay": "USED_GOOD"} — one of eBay\'s ConditionEnum values the eBay category allows (the '
                  "preflight's message lists them; Facebook and Mercari follow the grade). Kept on the draft as the "
                  "reviewer's even if the approval is then refused.")


class ApproveConflictOut(serializers.Serializer):
    detail = serializers.CharField()
    stage = serializers.CharField(required=False, help_text="The product's current stage (a stage conflict).")
    missing = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False,
                                    help_text='A platform would refuse the item: per platform, the fields it would '
                                              'refuse, e.g. {"ebay": ["Type"]}.')


class RejectIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class SimilarOut(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    title = serializers.CharField()
    stage = serializers.CharField()
    distance = serializers.FloatField()
    sold_prices = serializers.ListField(child=serializers.DecimalField(max_digits=10, decimal_places=2))


class EventOut(serializers.Serializer):
    id = serializers.IntegerField()
    event_type = serializers.CharField()
    created_at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    listing_id = serializers.IntegerField(allow_null=True)
    data = serializers.DictField()

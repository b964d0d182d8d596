from django.contrib import admin

from listings.models import AnalyticsEvent, Listing


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["product", "platform", "status", "price", "currency", "policy", "listing_url", "updated_at"]
    list_filter = ["platform", "status", "policy"]
    search_fields = ["title", "product__sku", "external_id"]
    list_select_related = ["product"]
    raw_id_fields = ["product"]
    readonly_fields = ["status", "idempotency_key", "external_id", "listing_url", "last_error", "sold_price", "sold_at"]


@admin.register(AnalyticsEvent)
class AnalyticsEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event_type", "product", "listing", "actor", "event_data"]
    list_filter = ["event_type"]
    search_fields = ["product__sku"]
    list_select_related = ["product", "listing", "actor"]
    raw_id_fields = ["product", "listing", "actor"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

from django.contrib import admin

from marketplaces.models import MarketData
from marketplaces.models_credentials import MarketplaceAccount


@admin.register(MarketplaceAccount)
class MarketplaceAccountAdmin(admin.ModelAdmin):
    """Which sellers are connected where. The secrets never show here: they are set with
    `manage.py connect_marketplace` and stored encrypted."""

    list_display = ["owner", "platform", "label", "key_id", "updated_at"]
    list_filter = ["platform"]
    raw_id_fields = ["owner"]
    readonly_fields = ["owner", "platform", "key_id", "created_at", "updated_at"]
    fields = ["owner", "platform", "label", "key_id", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False


@admin.register(MarketData)
class MarketDataAdmin(admin.ModelAdmin):
    list_display = ["product_hash", "platform", "condition", "source", "fetched_at", "expires_at"]
    list_filter = ["platform", "source"]
    search_fields = ["product_hash"]

from django.contrib import admin

from market.models import MarketData


@admin.register(MarketData)
class MarketDataAdmin(admin.ModelAdmin):
    list_display = ["product_hash", "platform", "condition", "source", "fetched_at", "expires_at"]
    list_filter = ["platform", "source"]
    search_fields = ["product_hash"]

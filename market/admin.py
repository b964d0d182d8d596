from django.contrib import admin

from market.accuracy import mdape
from market.models import MarketData, PriceOutcome


@admin.register(MarketData)
class MarketDataAdmin(admin.ModelAdmin):
    list_display = ["product_hash", "platform", "condition", "source", "fetched_at", "expires_at"]
    list_filter = ["platform", "source"]
    search_fields = ["product_hash"]


@admin.register(PriceOutcome)
class PriceOutcomeAdmin(admin.ModelAdmin):
    """Recommended against sold prices; the list's header shows the MdAPE by category and source."""

    list_display = ["sold_at", "product", "category", "sources", "recommended", "sold_price", "error"]
    list_filter = ["category", "sources"]
    list_select_related = ["product"]
    raw_id_fields = ["product", "listing"]

    @admin.display(description="error", ordering="abs_pct_error")
    def error(self, obj):
        return f"{obj.abs_pct_error:.1%}"

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        for title, rows in (("category", mdape("category")), ("source", mdape("source"))):
            if rows:
                self.message_user(request, f"MdAPE by {title}: " + "; ".join(
                    f"{name} {figures['mdape']:.1%} ({figures['count']})" for name, figures in sorted(rows.items())))
        return super().changelist_view(request, extra_context)

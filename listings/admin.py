from django.contrib import admin, messages
from django.db import transaction
from django.utils.html import format_html

from listings.models import Listing, ListingStatus
from listings.tasks import republish_task


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["product", "platform", "status", "price", "currency", "policy", "link", "waiting_or_failed",
                    "updated_at"]
    list_filter = ["platform", "status", "policy", "failure_permanent"]
    search_fields = ["title", "product__sku", "external_id"]
    list_select_related = ["product"]
    raw_id_fields = ["product"]
    readonly_fields = ["status", "idempotency_key", "external_id", "listing_url", "last_error", "failure_permanent",
                       "attempts", "failure_screenshot", "sold_price", "sold_at", "ends_at"]
    exclude = ["screenshot"]
    actions = ["publish_again"]

    @admin.display(description="listing")
    def link(self, obj):
        return format_html('<a href="{0}" target="_blank">{0}</a>', obj.listing_url) if obj.listing_url else "—"

    @admin.display(description="why it is waiting / failed")
    def waiting_or_failed(self, obj):
        return obj.last_error[:100] or "—"

    @admin.display(description="what the browser showed")
    def failure_screenshot(self, obj):
        if not obj.screenshot:
            return "—"
        return format_html('<a href="{0}" target="_blank"><img src="{0}" style="max-width:640px"></a>', obj.screenshot.url)

    @admin.action(description="Publish the selected failed listings again", permissions=["change"])
    def publish_again(self, request, queryset):
        ids = list(queryset.filter(status=ListingStatus.FAILED).values_list("pk", flat=True))
        for listing_id in ids:
            transaction.on_commit(lambda listing_id=listing_id: republish_task.delay(listing_id))
        self.message_user(request, f"{len(ids)} listing(s) queued to publish again", messages.INFO)

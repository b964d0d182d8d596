from django.contrib import admin, messages
from django.utils.html import format_html

from listings.models import (
    AnalyticsEvent,
    Listing,
    ListingStatus,
    Notification,
    SellerProfile,
)


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

    @admin.action(description="Publish the selected failed listings again")
    def publish_again(self, request, queryset):
        from django.db import transaction

        from marketplaces.tasks import republish_task

        ids = list(queryset.filter(status=ListingStatus.FAILED).values_list("pk", flat=True))
        for listing_id in ids:
            transaction.on_commit(lambda listing_id=listing_id: republish_task.delay(listing_id))
        self.message_user(request, f"{len(ids)} listing(s) queued to publish again", messages.INFO)


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


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "owner", "product", "subject", "email_sent_at", "webhook_status"]
    list_filter = ["kind"]
    list_select_related = ["owner", "product"]
    raw_id_fields = ["owner", "product"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SellerProfile)
class SellerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "webhook_url"]
    raw_id_fields = ["user"]

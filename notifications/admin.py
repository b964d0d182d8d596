from django.contrib import admin

from notifications.models import Notification, SellerProfile


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

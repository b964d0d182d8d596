from django.contrib import admin, messages

from boomer_site.deadletters import deadletter_requeue
from boomer_site.models import AnalyticsEvent, DeadLetter


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    list_display = ["created_at", "task_name", "args", "attempts", "error", "requeued_at"]
    list_filter = ["task_name", "requeued_at"]
    readonly_fields = ["task_name", "args", "kwargs", "queue", "error", "traceback", "attempts", "created_at", "requeued_at"]
    actions = ["requeue"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Replay selected dead letters", permissions=["change"])
    def requeue(self, request, queryset):
        for letter in queryset:
            self.message_user(request, f"#{letter.pk}: {deadletter_requeue(dead_letter=letter)}", messages.INFO)


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

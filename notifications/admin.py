from django import forms
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


class SellerProfileForm(forms.ModelForm):
    """The webhook goes in, never comes out: its fields are always shown empty (the URL often
    carries a token, the secret signs every POST) and are stored sealed."""

    new_webhook_url = forms.URLField(required=False, label="Webhook URL", assume_scheme="https",
                                     widget=forms.URLInput(attrs={"autocomplete": "off", "size": 70}),
                                     help_text="POSTed a JSON body signed with HMAC-SHA256. Leave empty to keep the stored one.")
    new_webhook_secret = forms.CharField(required=False, max_length=128, label="Webhook secret",
                                         widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                                         help_text="Signs the POSTs (X-Boomer-Signature). Leave empty to keep the stored one.")
    webhook_remove = forms.BooleanField(required=False, label="Remove the webhook")

    class Meta:
        model = SellerProfile
        fields = ["user", "address_line1", "city", "state_or_province", "postal_code", "country"]

    def save(self, commit=True):
        profile = super().save(commit=False)
        data = self.cleaned_data
        if data.get("webhook_remove"):
            profile.webhook_url, profile.webhook_secret = "", ""
        else:
            if data.get("new_webhook_url"):
                profile.webhook_url = data["new_webhook_url"]
            if data.get("new_webhook_secret"):
                profile.webhook_secret = data["new_webhook_secret"]
        if commit:
            profile.save()
        return profile


@admin.register(SellerProfile)
class SellerProfileAdmin(admin.ModelAdmin):
    form = SellerProfileForm
    list_display = ["user", "webhook"]
    raw_id_fields = ["user"]
    readonly_fields = ["webhook", "webhook_key_id"]

    @admin.display(description="webhook")
    def webhook(self, obj):
        return "set (sealed)" if obj.webhook_sealed else "—"

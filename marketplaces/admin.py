import json

from django import forms
from django.contrib import admin, messages

from marketplaces.credentials import account_save
from marketplaces.models import MarketplaceAccount
from marketplaces.platforms import PLATFORMS


class AccountForm(forms.ModelForm):
    """Secrets go in, never come out: the field is always shown empty and is stored encrypted."""

    platform = forms.ChoiceField(choices=[(code, p.label) for code, p in PLATFORMS.items()])
    secrets = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}), required=False,
        help_text='JSON, e.g. {"client_id": "…", "client_secret": "…", "refresh_token": "…"}. '
                  "Leave empty to keep the stored secrets.")

    class Meta:
        model = MarketplaceAccount
        fields = ["owner", "platform", "label"]

    def clean_secrets(self):
        raw = self.cleaned_data["secrets"].strip()
        if not raw:
            if not self.instance.pk:
                raise forms.ValidationError("a new account needs its secrets")
            return None
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError(f"not valid JSON: {exc}")
        if not isinstance(value, dict) or not value:
            raise forms.ValidationError("a JSON object of name → value")
        return {str(k): str(v) for k, v in value.items()}


@admin.register(MarketplaceAccount)
class MarketplaceAccountAdmin(admin.ModelAdmin):
    """Which sellers are connected where (also `manage.py connect_marketplace`)."""

    form = AccountForm
    list_display = ["owner", "platform", "label", "key_id", "updated_at"]
    list_filter = ["platform"]
    raw_id_fields = ["owner"]
    readonly_fields = ["key_id", "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "owner", "platform"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        secrets = form.cleaned_data.get("secrets")
        if secrets is None:  # unchanged secrets: only the label
            obj.save(update_fields=["label", "updated_at"])
            return
        saved = account_save(owner=obj.owner, platform=obj.platform, secrets=secrets, label=obj.label)
        obj.pk, obj.key_id = saved.pk, saved.key_id
        self.message_user(request, f"{obj.platform} credentials stored encrypted", messages.SUCCESS)

import json
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html

from marketplaces.adapters.base import AdapterError
from marketplaces.credentials import account_save, account_secrets
from marketplaces.ebay_account import POLICY_KINDS
from marketplaces.ebay_setup import ebay_account_refresh, ebay_policies_choose, ebay_policies_read
from marketplaces.models import MarketplaceAccount
from marketplaces.platforms import PLATFORMS

TOKEN_WARN_DAYS = 30


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


def ebay_policy_form(base: type[forms.ModelForm], policies: dict, current: dict) -> type[forms.ModelForm]:
    """The account form plus one choice per policy kind, from the seller's policies on eBay."""
    fields = {}
    for kind in POLICY_KINDS:
        choices = [("", "— choose —")] + [
            (p.id, p.name + (" (calculated shipping)" if p.calculated_shipping else "")) for p in policies[kind]]
        fields[f"{kind}_policy"] = forms.ChoiceField(
            choices=choices, required=False, initial=current.get(f"{kind}_policy_id", ""),
            label=f"eBay {kind} policy", help_text=f"The seller's {kind} policies on eBay ({len(policies[kind])}).")
    return type("EbayAccountForm", (base,), fields)


@admin.register(MarketplaceAccount)
class MarketplaceAccountAdmin(admin.ModelAdmin):
    """Which sellers are connected where. eBay accounts are connected with the "Connect eBay"
    button (eBay's consent page) or `manage.py connect_marketplace`; their business policies are
    chosen here among the seller's own."""

    form = AccountForm
    change_list_template = "admin/marketplaces/marketplaceaccount/change_list.html"
    list_display = ["owner", "platform", "label", "attention", "token_expiry", "key_id", "updated_at"]
    list_filter = ["platform", ("attention_since", admin.EmptyFieldListFilter)]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    readonly_fields = ["attention", "attention_since", "token_expiry", "external_user_id", "key_id", "created_at",
                       "updated_at"]
    actions = ["ebay_refresh"]

    @admin.display(description="needs attention", ordering="attention_since")
    def attention(self, obj):
        """Set when the platform refused the seller's own connection (marketplaces/breakers.py)."""
        if not obj.needs_attention:
            return "—"
        return format_html('<strong style="color:#ba2121">needs attention</strong> since {}: {}',
                           obj.attention_since.strftime("%Y-%m-%d %H:%M"), obj.attention_reason)

    @admin.display(description="refresh token expires", ordering="token_expires_at")
    def token_expiry(self, obj):
        if not obj.token_expires_at:
            return "—"
        days = (obj.token_expires_at - timezone.now()).days
        if days < TOKEN_WARN_DAYS:
            return format_html('<strong style="color:#ba2121">{} — {}: connect again</strong>',
                               obj.token_expires_at.date(), "expired" if days < 0 else f"in {days} days")
        return f"{obj.token_expires_at.date()} (in {days} days)"

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "owner", "platform"] if obj else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["fields"] = None  # the form's own Meta fields; the policy choices are not model fields
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or obj.platform != "ebay":
            return form
        try:  # read once per request (the admin asks for the form more than once)
            if not hasattr(request, "_ebay_policies"):
                request._ebay_policies = ebay_policies_read(account=obj)
        except AdapterError as exc:
            self.message_user(request, f"eBay's policies could not be read: {exc.message}", messages.WARNING)
            return form
        return ebay_policy_form(form, request._ebay_policies, account_secrets(obj))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj and obj.token_expires_at and obj.token_expires_at - timezone.now() < timedelta(days=TOKEN_WARN_DAYS):
            self.message_user(request, f"The {obj.platform} refresh token expires on {obj.token_expires_at.date()}: "
                                       "the seller must connect again before then.", messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        secrets = form.cleaned_data.get("secrets")
        if secrets is None:  # unchanged secrets: only the label
            obj.save(update_fields=["label", "updated_at"])
        else:
            saved = account_save(owner=obj.owner, platform=obj.platform, secrets=secrets, label=obj.label)
            obj.pk, obj.key_id = saved.pk, saved.key_id
            self.message_user(request, f"{obj.platform} credentials stored encrypted", messages.SUCCESS)
        policies = getattr(request, "_ebay_policies", None)
        if policies is not None and obj.platform == "ebay":
            chosen = {kind: form.cleaned_data.get(f"{kind}_policy", "") for kind in POLICY_KINDS}
            ebay_policies_choose(account=MarketplaceAccount.objects.get(pk=obj.pk), chosen=chosen, policies=policies)

    @admin.action(description="Read eBay policies again and make sure the inventory location exists",
                  permissions=["change"])
    def ebay_refresh(self, request, queryset):
        for account in queryset.filter(platform="ebay").select_related("owner"):
            try:
                report = ebay_account_refresh(account=account)
            except AdapterError as exc:
                self.message_user(request, f"{account}: {exc.message}", messages.ERROR)
                continue
            self.message_user(request, f"{account}: policies {report.chosen or 'none chosen'}, location "
                                       f"{report.location_key or 'missing'}", messages.SUCCESS)
            for item in report.todo:
                self.message_user(request, f"{account}: still to do: {item}", messages.WARNING)

"""The review desk: products by stage, every photo large, what the agents found, the drafts per
platform editable inline, and approve / reject / retry calling the same services as the API."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from agents.services import product_retry
from boomer_site.tasking import task_send
from desk.ebay_desk import ebay_edit_view, ebay_panel, preflight_panel
from listings.models import Listing, ListingDraft, Platform, Policy
from listings.platform_categories import category_choices
from listings.services import (
    ApprovalError,
    draft_categories_set,
    draft_update,
    product_approve,
    product_drafts_refresh,
    product_reject,
)
from marketplaces.platforms import PLATFORMS
from products.models import Product, ProductCondition
from products.reports import ai_summary
from products.services import IllegalTransition
from products.similarity import products_similar

# Edits of these (or of the grade) fill the eBay draft's specifics, condition and identifiers again.
IDENTITY_FIELDS = {"name", "brand", "model", "category", "barcode", "attributes"}


class ApproveForm(forms.Form):
    platforms = forms.MultipleChoiceField(choices=Platform.choices, widget=forms.CheckboxSelectMultiple,
                                          initial=[p.value for p in Platform])
    price = forms.DecimalField(required=False, min_value=0.01, decimal_places=2,
                               help_text="Leave empty to use each draft's price.")
    policy = forms.ChoiceField(choices=Policy.choices, initial=Policy.BEST_EFFORT)
    confirm = forms.MultipleChoiceField(
        choices=[(name, name) for name in ("name", "brand", "model", "category", "barcode")], required=False,
        widget=forms.CheckboxSelectMultiple, label="Confirm as they are",
        help_text="Fields a deterministic read contradicts (marked ✗ on the item): tick to keep them, or edit them first.")


class RejectForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class DraftForm(forms.ModelForm):
    category = forms.ChoiceField(required=False, choices=[("", "—")],
                                 help_text="Facebook and Mercari: the platform's category (eBay's: the eBay page).")

    class Meta:
        model = ListingDraft
        fields = ["platform", "title", "description", "price"]
        widgets = {"description": forms.Textarea(attrs={"rows": 8, "cols": 60}),
                   "title": forms.TextInput(attrs={"size": 70})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = category_choices(self.instance.platform) if self.instance.pk else []
        if choices:
            self.fields["category"].choices = [("", "— none: the platform would refuse it —"),
                                               *((path, path) for path in choices)]
            self.fields["category"].initial = ((self.instance.platform_fields or {}).get("category") or {}).get("path")
        else:
            self.fields["category"].disabled = True

    def clean(self):
        data = super().clean()
        platform = PLATFORMS.get(data.get("platform"))
        if platform is not None:
            for name, limit in (("title", platform.title_max), ("description", platform.description_max)):
                if len(data.get(name) or "") > limit:
                    self.add_error(name, f"{len(data[name])} characters: {platform.label} allows {limit}")
        return data


class DraftInline(admin.StackedInline):
    model = ListingDraft
    form = DraftForm
    extra = 0
    can_delete = False
    readonly_fields = ["edited", "version"]
    verbose_name_plural = "Drafts per platform"


class ConditionInline(admin.StackedInline):
    model = ProductCondition
    extra = 0
    can_delete = False
    fields = ["grade", "defects", "confidence", "reason"]
    readonly_fields = ["confidence", "reason"]


class ListingInline(admin.TabularInline):
    model = Listing
    extra = 0
    can_delete = False
    fields = ["platform", "status", "price", "listing_url", "last_error", "refused_fields"]
    readonly_fields = fields

    @admin.display(description="refused by the platform")
    def refused_fields(self, obj):
        problems = (obj.platform_fields or {}).get("problems") or []
        return format_html_join("", "<p class='boomer-refused'><b>{}</b>: {}</p>",
                                ((p.get("field") or "listing", p.get("message", "")) for p in problems)) or "—"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "sku", "title_display", "stage", "brand", "category", "grade",
                    "recommended_price", "ai_cost", "failure_reason_short", "created_at"]
    list_display_links = ["thumbnail", "sku", "title_display"]
    list_filter = ["stage", "brand", "category"]
    search_fields = ["sku", "name", "brand", "model", "barcode", "category"]
    list_select_related = ["condition", "owner"]
    list_per_page = 50
    raw_id_fields = ["owner"]
    readonly_fields = ["sku", "stage", "failure_reason", "source", "trace_link", "photos", "photo_warnings", "found",
                       "ai_spend", "comps", "recommended_price", "price_reason", "similar", "ebay", "preflight",
                       "history", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["sku", "stage", "failure_reason", "owner", "source", "trace_link", "photos",
                           "photo_warnings"]}),
        ("Identity", {"fields": ["name", "brand", "model", "category", "barcode", "attributes", "notes", "found",
                                 "ai_spend"]}),
        ("Price", {"fields": ["recommended_price", "price_reason", "comps", "similar"]}),
        ("Before publishing", {"fields": ["ebay", "preflight"]}),
        ("History", {"fields": ["history"]}),
        ("Dates", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [ConditionInline, DraftInline, ListingInline]
    actions = ["approve_selected", "reject_selected", "retry_selected", "research_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("images")

    # --- columns and panels ----------------------------------------------------------------
    @admin.display(description="")
    def thumbnail(self, obj):
        first = next(iter(obj.images.all()), None)
        if not first:
            return "—"
        return format_html('<img src="{}" style="height:56px;width:56px;object-fit:cover;border-radius:4px">', first.image.url)

    @admin.display(description="title", ordering="name")
    def title_display(self, obj):
        return obj.title

    @admin.display(description="grade")
    def grade(self, obj):
        condition = getattr(obj, "condition", None)
        return condition.get_grade_display() if condition and condition.grade else "—"

    @admin.display(description="why it failed")
    def failure_reason_short(self, obj):
        return (obj.failure_reason[:80] + "…") if len(obj.failure_reason) > 80 else obj.failure_reason

    @admin.display(description="photo warnings")
    def photo_warnings(self, obj):
        return format_html_join("", "<p class='boomer-warning'>⚠ {}</p>", ((w,) for w in obj.photo_warnings())) or "—"

    @admin.display(description="photos")
    def photos(self, obj):
        return format_html_join(
            "", '<a href="{0}" target="_blank"><img src="{0}" alt="{1}" class="boomer-photo" '
            'style="max-height:420px;max-width:100%;margin:0 8px 8px 0;border:1px solid #ccc"></a>',
            ((img.image.url, img.original_name) for img in obj.images.all()),
        ) or "—"

    @admin.display(description="trace")
    def trace_link(self, obj):
        template = settings.BOOMER_TRACE_URL_TEMPLATE
        if not (obj.trace_id and template):
            return obj.trace_id or "—"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', template.format(trace_id=obj.trace_id),
                           obj.trace_id)

    @admin.display(description="AI cost")
    def ai_cost(self, obj):
        summary = ai_summary(obj)
        if not summary:
            return "—"
        return "price unknown" if summary["cost_usd"] is None else f"${summary['cost_usd']:.4f}"

    @admin.display(description="AI calls")
    def ai_spend(self, obj):
        summary = ai_summary(obj)
        if not summary:
            return "none (offline provider)"
        steps = (obj.ai_usage or {}).get("steps", {})
        rows = [(step, u.get("calls", 0), u.get("input_tokens", 0), u.get("output_tokens", 0),
                 u.get("cache_write_tokens", 0), u.get("cache_read_tokens", 0),
                 "unknown" if u.get("cost_unknown") else f"${u.get('cost_usd', 0):.4f}") for step, u in steps.items()]
        rows.append(("all", sum(r[1] for r in rows), summary["input_tokens"], summary["output_tokens"],
                     summary["cache_write_tokens"], summary["cache_read_tokens"],
                     "unknown" if summary["cost_usd"] is None else f"${summary['cost_usd']:.4f}"))
        return format_html(
            "<p>{} {}</p><table><tr><th>step</th><th>calls</th><th>input</th><th>output</th><th>cache write</th>"
            "<th>cache read</th><th>cost</th></tr>{}</table>", summary["provider"], summary["model"],
            format_html_join("", "<tr>" + "<td>{}</td>" * 7 + "</tr>", rows))

    @admin.display(description="what the agents found")
    def found(self, obj):
        analysis = obj.analysis or {}
        marks = {"verified": "✓ verified", "seen": "· seen", "contradicted": "✗ contradicted"}
        evidence = [(name, item.get("value", ""), marks.get(item.get("status"), item.get("status", "")),
                     item.get("source", "") + (f" — {item['conflict']}" if item.get("conflict") else ""))
                    for name, item in (analysis.get("evidence") or {}).items() if isinstance(item, dict)]
        rows = [("Could not determine", ", ".join(analysis.get("unknowns", [])) or "—"),
                ("Where each fact came from", format_html(
                    "<table class='boomer-evidence'>{}</table>",
                    format_html_join("", "<tr class='evidence-{2}'><td>{0}</td><td>{1}</td><td>{2}</td><td>{3}</td></tr>",
                                     evidence)) if evidence else "—"),
                ("Provider", analysis.get("provider") or "—"),
                ("Fell back to the offline provider", analysis.get("fallback") or "no"),
                ("Drafts", analysis.get("drafts_note") or "as the agent wrote them"),
                ("Barcodes", ", ".join(b["text"] for b in analysis.get("barcodes", [])) or "none found"),
                ("Text read on the item", " · ".join(analysis.get("text_read", [])[:30]) or "none"),
                ("Photo quality", "; ".join(f"{q['photo']}: {', '.join(q['issues']) or 'ok'}"
                                            for q in analysis.get("photo_quality", [])) or "—")]
        return format_html("<table>{}</table>", format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows))

    @admin.display(description="comparable sales")
    def comps(self, obj):
        pricing = obj.pricing or {}
        if "comps" not in pricing:
            return pricing.get("message") or "—"
        stats = ((platform, f.get("count", 0), f.get("median", "—"), f.get("p25", "—"), f.get("p75", "—"),
                  f.get("delivered_median") or "—", "—" if f.get("sell_through") is None else f"{f['sell_through']:.0%}",
                  f.get("active", 0)) for platform, f in pricing.get("stats", {}).items())
        comps = ((("✓" if c["kept"] else "✗"), c["source"], c["url"] or "#", c["title"][:90],
                  "—" if c["price"] is None else f"{c['price']:.2f}", "—" if c["shipping"] is None else f"{c['shipping']:.2f}",
                  (c.get("sold_at") or "")[:10], c["reason"]) for c in pricing["comps"][:80])
        errors = format_html_join("", "<li>{}: could not be read — {}</li>", pricing.get("errors", {}).items())
        return format_html(
            "<p><b>{}</b> ({} confidence)</p><ul>{}</ul>"
            "<table><tr><th>platform</th><th>sold</th><th>median</th><th>p25</th><th>p75</th><th>delivered</th>"
            "<th>sell-through</th><th>active</th></tr>{}</table>"
            "<table class='boomer-comps'><tr><th></th><th>source</th><th>title</th><th>price</th><th>shipping</th>"
            "<th>sold</th><th>why</th></tr>{}</table>",
            pricing.get("reason") or "", pricing.get("confidence") or "no", errors,
            format_html_join("", "<tr>" + "<td>{}</td>" * 8 + "</tr>", stats),
            format_html_join("", '<tr><td>{}</td><td>{}</td><td><a href="{}" target="_blank">{}</a></td>'
                                 "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", comps))

    @admin.display(description="similar past products")
    def similar(self, obj):
        neighbours = list(products_similar(product=obj, limit=5).defer("embedding").prefetch_related("listings"))
        if not neighbours:
            return "none yet"
        rows = []
        for n in neighbours:
            sold = [str(item.sold_price or item.price) for item in n.listings.all() if item.status == "SOLD"]
            rows.append((reverse("admin:products_product_change", args=[n.pk]), n.title, n.stage,
                         f"{1 - float(n.distance):.0%}", ", ".join(sold) or "—"))
        return format_html("<table><tr><th>product</th><th>stage</th><th>similarity</th><th>sold for</th></tr>{}</table>",
                           format_html_join("", '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>', rows))

    @admin.display(description="eBay")
    def ebay(self, obj):
        return ebay_panel(obj)

    @admin.display(description="what each platform would refuse")
    def preflight(self, obj):
        return preflight_panel(obj)

    @admin.display(description="history")
    def history(self, obj):
        events = obj.events.select_related("actor").order_by("created_at", "id")
        rows = [(e.created_at.strftime("%Y-%m-%d %H:%M:%S"), e.event_type,
                 f"{e.event_data.get('from', '')} → {e.event_data.get('to', '')}" if "to" in e.event_data
                 else ", ".join(f"{k}: {v}" for k, v in e.event_data.items()),
                 e.actor.get_username() if e.actor else "BOOMER", e.event_data.get("reason", ""))
                for e in events]
        return format_html("<table class='boomer-history'><tr><th>when</th><th>what</th><th>change</th><th>who</th>"
                           "<th>why</th></tr>{}</table>",
                           format_html_join("", "<tr>" + "<td>{}</td>" * 5 + "</tr>", rows)) if rows else "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        grade_changed = any(fs.model is ProductCondition and fs.has_changed() for fs in formsets)
        if change and (grade_changed or set(form.changed_data) & IDENTITY_FIELDS):
            product_drafts_refresh(product=form.instance)  # what eBay will be sent follows the edit

    def save_formset(self, request, form, formset, change):
        if formset.model is not ListingDraft:
            return super().save_formset(request, form, formset, change)
        # Through the service, so an edited draft is marked as a person's and kept.
        formset.new_objects, formset.deleted_objects, formset.changed_objects = [], [], []
        for draft_form in formset.forms:
            if draft_form.instance.pk and draft_form.has_changed():
                data, changed = draft_form.cleaned_data, set(draft_form.changed_data)
                if changed - {"category"}:
                    draft_update(draft=draft_form.instance, title=data["title"], description=data["description"],
                                 price=data["price"])
                if "category" in changed and data.get("category"):  # after the edit, which saves the whole draft
                    draft_categories_set(product_id=form.instance.pk,
                                         categories={draft_form.instance.platform: data["category"]})
                formset.changed_objects.append((draft_form.instance, draft_form.changed_data))

    # --- one product: buttons on its page -------------------------------------------------
    def get_urls(self):
        return [
            path("<int:pk>/approve/", self._change_view_guarded(self.approve_view), name="products_product_approve"),
            path("<int:pk>/reject/", self._change_view_guarded(self.reject_view), name="products_product_reject"),
            path("<int:pk>/retry/", self._change_view_guarded(self.retry_view), name="products_product_retry"),
            path("<int:pk>/ebay/", self._change_view_guarded(lambda request, pk: ebay_edit_view(self, request, pk)),
                 name="products_product_ebay"),
        ] + super().get_urls()

    def _change_view_guarded(self, view):
        """A page that changes a product: staff is not enough, it takes the change permission."""
        def guarded(request, pk):
            if not self.has_change_permission(request, Product.objects.filter(pk=pk).first()):
                raise PermissionDenied
            return view(request, pk)
        return self.admin_site.admin_view(guarded)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        product = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "product_stage": product.stage if product else None}
        return super().change_view(request, object_id, form_url, extra_context)

    def approve_view(self, request, pk):
        return self._decide(request, Product.objects.filter(pk=pk), ApproveForm, "approve")

    def reject_view(self, request, pk):
        return self._decide(request, Product.objects.filter(pk=pk), RejectForm, "reject")

    def retry_view(self, request, pk):
        if request.method == "POST":
            self._apply(request, Product.objects.filter(pk=pk), "retry", {})
        return redirect(reverse("admin:products_product_change", args=[pk]))

    # --- bulk actions ----------------------------------------------------------------------
    @admin.action(description="Approve selected items…", permissions=["change"])
    def approve_selected(self, request, queryset):
        return self._decide(request, queryset, ApproveForm, "approve", bulk=True)

    @admin.action(description="Reject selected items…", permissions=["change"])
    def reject_selected(self, request, queryset):
        return self._decide(request, queryset, RejectForm, "reject", bulk=True)

    @admin.action(description="Research comparable sales again", permissions=["change"])
    def research_selected(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        for product_id in ids:
            transaction.on_commit(lambda product_id=product_id: task_send("market.research_product", product_id))
        self.message_user(request, f"{len(ids)} item(s) queued for fresh comparable sales.", messages.SUCCESS)

    @admin.action(description="Retry selected failed items", permissions=["change"])
    def retry_selected(self, request, queryset):
        self._apply(request, queryset, "retry", {})

    def _decide(self, request, queryset, form_class, verb, bulk=False):
        if request.method == "POST" and "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                self._apply(request, queryset, verb, form.cleaned_data)
                if not bulk and queryset.count() == 1:
                    return redirect(reverse("admin:products_product_change", args=[queryset.first().pk]))
                return None if bulk else redirect(reverse("admin:products_product_changelist"))
        else:
            form = form_class()
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "products": queryset, "verb": verb, "bulk": bulk,
                   "action_name": f"{verb}_selected", "title": f"{verb.capitalize()} {queryset.count()} item(s)"}
        return TemplateResponse(request, "admin/products/product/decide.html", context)

    def _apply(self, request, queryset, verb, data):
        done = 0
        for product in queryset:
            try:
                if verb == "approve":
                    product_approve(product_id=product.pk, by=request.user, platforms=data["platforms"],
                                    price=data.get("price"), policy=data["policy"], confirm=data.get("confirm") or ())
                elif verb == "reject":
                    product_reject(product_id=product.pk, by=request.user, reason=data["reason"])
                else:
                    product_retry(product_id=product.pk, by=request.user)
                done += 1
            except (IllegalTransition, ApprovalError) as exc:
                self.message_user(request, f"{product.sku}: {exc}", messages.ERROR)
        if done:
            past = {"approve": "approved", "reject": "rejected", "retry": "sent back to the agents"}[verb]
            self.message_user(request, f"{done} item(s) {past}.", messages.SUCCESS)

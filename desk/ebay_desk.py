"""The review desk's eBay part: the category BOOMER chose (with its path; changeable), the item
specifics eBay requires and recommends with their values, the condition as eBay will show it,
and each platform's preflight problems in plain words; and the page where the reviewer picks
another category and supplies the missing specifics (the same services as the API)."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from listings.ebay_fields import catalog_kwargs
from listings.models import ListingDraft
from listings.preflight import account_credentials, draft_preflight_now
from listings.services import (
    PACKAGE_FIELDS,
    ApprovalError,
    draft_conditions_set,
    draft_ebay_category_set,
    draft_item_specifics_set,
    draft_package_set,
)
from marketplaces import ebay_catalog, ebay_rules
from marketplaces.adapters.base import AdapterError
from marketplaces.platforms import platform_label
from products.models import Product

OTHER = "__other__"


def condition_shown(condition: dict) -> str:
    """eBay's condition as its buyers read it, with its id: USED_EXCELLENT → "Used (3000)"."""
    enum = (condition or {}).get("enum")
    if not enum:
        return ""
    return f"{ebay_rules.condition_label(enum)} ({condition.get('id') or ebay_rules.CONDITION_IDS.get(enum, '?')})"


def ebay_aspects(draft: ListingDraft) -> tuple[list, str]:
    """The chosen category's required and recommended aspects, or why they could not be read."""
    category_id = ((draft.platform_fields or {}).get("category") or {}).get("id")
    if not category_id:
        return [], ""
    credentials = account_credentials(owner=draft.product.owner, platform="ebay")
    try:
        aspects = ebay_catalog.item_aspects(category_id, **catalog_kwargs(credentials))
    except AdapterError as exc:
        return [], f"eBay's item specifics could not be read: {exc.message}"
    return [a for a in aspects if a.required or a.recommended], ""


def ebay_conditions(draft: ListingDraft) -> list[str]:
    """The conditions the chosen category allows ([] when unknown or unreadable: the preflight says why)."""
    category = (draft.platform_fields or {}).get("category") or {}
    if not category.get("id") or category.get("leaf") is False:
        return []
    credentials = account_credentials(owner=draft.product.owner, platform="ebay")
    try:
        return ebay_catalog.allowed_conditions(category["id"], **catalog_kwargs(credentials))
    except AdapterError:
        return []


def preflight_panel(product: Product) -> str:
    rows = []
    for draft in product.drafts.all():
        check = draft_preflight_now(draft=draft)  # the seller's side (policies, location) as it is now
        if not check.get("checked"):
            verdict = format_html("<i>not checked: no {} account connected</i>", platform_label(draft.platform))
        elif check.get("problems"):
            verdict = format_html("<ul class='boomer-problems'>{}</ul>", format_html_join(
                "", "<li data-field='{}'>{}</li>", ((p["field"], p["message"]) for p in check["problems"])))
        else:
            verdict = format_html("<span class='boomer-ok'>✓ nothing {} would refuse</span>",
                                  platform_label(draft.platform))
        rows.append((platform_label(draft.platform), verdict))
    if not rows:
        return "—"
    return format_html("<table class='boomer-preflight'>{}</table>",
                       format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows))


def ebay_panel(product: Product) -> str:
    draft = product.drafts.filter(platform="ebay").first()
    if draft is None:
        return "no eBay draft"
    fields = draft.platform_fields or {}
    category = fields.get("category") or {}
    if category.get("id"):
        chosen = format_html("<b class='boomer-ebay-path'>{}</b> ({}; chosen by {}){}", category.get("path") or "?",
                             category["id"], category.get("chosen_by") or "BOOMER",
                             format_html(" — <span class='boomer-warning'>{}</span>", category["error"])
                             if category.get("error") else "")
    else:
        chosen = format_html("<span class='boomer-warning'>unknown — {}</span>",
                             category.get("error") or "not chosen yet")
    aspects, error = ebay_aspects(draft)
    values = fields.get("aspects") or {}
    rows = [(a.name, "required" if a.required else "recommended",
             ", ".join(values.get(a.name) or []) or format_html("<span class='boomer-missing'>missing{}</span>",
                                                               " — needed" if a.required else ""))
            for a in aspects]
    specifics = format_html("<table class='boomer-specifics'><tr><th>item specific</th><th></th><th>value</th></tr>"
                            "{}</table>", format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows)) \
        if rows else (error or "—")
    identifiers = ", ".join(f"{k.upper()} {v}" for k, v in (fields.get("identifiers") or {}).items()) or "none"
    table = [("Category", chosen),
             ("Other suggestions", ", ".join(f"{s['path']} ({s['id']})" for s in category.get("suggestions") or []
                                             if s.get("id") != category.get("id")) or "—"),
             ("Item specifics", specifics),
             *([("Your values the category does not take (dropped)",
                 format_html("<ul class='boomer-dropped'>{}</ul>", format_html_join(
                     "", "<li>{}</li>", ((text,) for text in fields["aspects_dropped"]))))]
               if fields.get("aspects_dropped") else []),
             ("Condition as eBay shows it", (condition_shown(fields.get("condition")) +
                                             (" — chosen by the reviewer" if (fields.get("condition") or {}).get(
                                                 "chosen_by") == "reviewer" else "")) or
              format_html("<span class='boomer-missing'>{}</span>", "none the category allows for this grade: "
                                                                    "choose one on the eBay page")),
             ("Condition description", fields.get("condition_description") or "—"),
             ("Identifiers", identifiers),
             ("Package", ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in (fields.get("package") or {}).items())
              or "—")]
    return format_html("<table class='boomer-ebay'>{}</table><p><a class='button boomer-ebay-edit' href='{}'>"
                       "Change the eBay category or item specifics…</a></p>",
                       format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", table),
                       reverse("admin:products_product_ebay", args=[product.pk]))


class EbayFieldsForm(forms.Form):
    """The category (a suggestion or a typed id) and one field per required/recommended aspect:
    a select of eBay's values for a SELECTION_ONLY aspect, free text otherwise."""

    def __init__(self, *args, draft: ListingDraft, aspects: list, calculated_shipping: bool = False,
                 conditions: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        fields = draft.platform_fields or {}
        category = fields.get("category") or {}
        choices = [(s["id"], f"{s['path']} ({s['id']})") for s in category.get("suggestions") or []]
        if category.get("id") and category["id"] not in dict(choices):
            choices.insert(0, (category["id"], f"{category.get('path') or '?'} ({category['id']})"))
        self.fields["category"] = forms.ChoiceField(choices=[*choices, (OTHER, "another category id…")],
                                                    initial=category.get("id") or OTHER, required=True)
        self.fields["category_id"] = forms.CharField(required=False, label="Category id",
                                                     help_text="Used when “another category id” is chosen.")
        if conditions:  # the category's allowed conditions, as eBay shows them
            self.fields["condition"] = forms.ChoiceField(
                label="Condition as eBay shows it", required=False,
                initial=(fields.get("condition") or {}).get("enum", ""),
                choices=[("", "— choose one —"), *((c, f"{ebay_rules.condition_label(c)} "
                                                       f"({ebay_rules.CONDITION_IDS.get(c, '?')})")
                                                   for c in conditions)])
        self.aspect_names = {}
        values = fields.get("aspects") or {}
        for n, aspect in enumerate(aspects):
            key = f"aspect_{n}"
            self.aspect_names[key] = aspect.name
            label = f"{aspect.name}{' (required)' if aspect.required else ''}"
            current = (values.get(aspect.name) or [""])[0]
            if aspect.selection_only:
                self.fields[key] = forms.ChoiceField(label=label, required=False, initial=current,
                                                     choices=[("", "—"), *((v, v) for v in aspect.values)])
            else:
                self.fields[key] = forms.CharField(label=label, required=False, initial=current,
                                                   max_length=aspect.max_length or None)
        if calculated_shipping:  # the seller's shipping policy is calculated: eBay needs the package
            package = fields.get("package") or {}
            for name, label in zip(PACKAGE_FIELDS, ("Package weight (oz)", "Package length (in)", "Package width (in)",
                                                    "Package height (in)"), strict=True):
                self.fields[f"package_{name}"] = forms.DecimalField(label=label, required=False, min_value=0.01,
                                                                   decimal_places=2, initial=package.get(name))

    def package(self) -> dict | None:
        keys = [f"package_{name}" for name in PACKAGE_FIELDS]
        if not any(key in self.changed_data for key in keys):
            return None
        return {name: self.cleaned_data.get(f"package_{name}") for name in PACKAGE_FIELDS}

    def chosen_category(self) -> str:
        data = self.cleaned_data
        return (data.get("category_id") or "").strip() if data["category"] == OTHER else data["category"]

    def specifics(self) -> dict[str, str]:
        """The aspects the reviewer changed; "—" or an emptied field ("") clears an optional one (a field
        not posted at all is left as it is)."""
        return {name: self.cleaned_data.get(key) or "" for key, name in self.aspect_names.items()
                if key in self.changed_data and key in self.data}

    def condition(self) -> str:
        return self.cleaned_data.get("condition") or "" if "condition" in self.changed_data else ""


def ebay_edit_view(model_admin, request, pk):
    product = get_object_or_404(Product, pk=pk)
    draft = product.drafts.filter(platform="ebay").first()
    if draft is None:
        model_admin.message_user(request, "this item has no eBay draft", messages.ERROR)
        return redirect(reverse("admin:products_product_change", args=[pk]))
    aspects, error = ebay_aspects(draft)
    credentials = account_credentials(owner=product.owner, platform="ebay") or {}
    form = EbayFieldsForm(request.POST or None, draft=draft, aspects=aspects, conditions=ebay_conditions(draft),
                          calculated_shipping=bool(credentials.get("calculated_shipping")))
    if request.method == "POST" and form.is_valid():
        try:
            chosen = form.chosen_category()
            if not chosen:
                raise ApprovalError("type the eBay category id")
            if chosen != ((draft.platform_fields or {}).get("category") or {}).get("id"):
                draft_ebay_category_set(product_id=product.pk, category_id=chosen)
                if form.package() is not None:  # the package does not depend on the category
                    draft_package_set(product_id=product.pk, package=form.package())
                dropped = (ListingDraft.objects.get(pk=draft.pk).platform_fields or {}).get("aspects_dropped")
                model_admin.message_user(request, "eBay category changed: choose the item specifics and condition it "
                                         "asks for (those entered with the old category were not applied)."
                                         + (f" Dropped: {'; '.join(dropped)}." if dropped else ""), messages.SUCCESS)
            else:
                if form.specifics():
                    draft_item_specifics_set(product_id=product.pk, specifics={"ebay": form.specifics()})
                if form.condition():
                    draft_conditions_set(product_id=product.pk, conditions={"ebay": form.condition()})
                if form.package() is not None:
                    draft_package_set(product_id=product.pk, package=form.package())
                model_admin.message_user(request, "eBay item specifics saved.", messages.SUCCESS)
            return redirect(reverse("admin:products_product_change", args=[pk]))
        except ApprovalError as exc:
            model_admin.message_user(request, str(exc), messages.ERROR)
    context = {**model_admin.admin_site.each_context(request), "opts": Product._meta, "form": form,
               "product": product, "error": error, "panel": ebay_panel(product),
               "title": f"eBay category and item specifics: {product.title}"}
    return TemplateResponse(request, "admin/products/product/ebay.html", context)

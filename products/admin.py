from django.contrib import admin

from products.models import ProductImage


@admin.register(ProductImage)
class ProductImageAdmin(admin.ModelAdmin):
    list_display = ["original_name", "product", "width", "height", "sha256"]
    raw_id_fields = ["product", "owner"]
    search_fields = ["original_name", "sha256", "product__sku"]
    list_select_related = ["product"]

"""The whole URL map: probes, metrics, the review desk (admin) and the API."""
from django.contrib import admin
from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from boomer_site import views
from desk import ebay_views
from desk.api.common import DocsAccess, IdConverter
from desk.media_views import media_file

register_converter(IdConverter, "id")

admin.site.site_header = "BOOMER review desk"
admin.site.site_title = "BOOMER"
admin.site.index_title = "Review and operations"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="prometheus-django-metrics"),
    path("admin/", admin.site.urls),
    path("ebay/connect/", ebay_views.ebay_connect_start, name="ebay-connect"),
    path("ebay/connect/callback/", ebay_views.ebay_connect_callback, name="ebay-connect-callback"),
    path("ebay/notifications/", ebay_views.ebay_notifications_receive, name="ebay-notifications"),
    path("api/", include("desk.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[DocsAccess]), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema", permission_classes=[DocsAccess]),
         name="api-docs"),
    re_path(r"^media/(?P<path>.+)$", media_file, name="media"),  # owner-checked or signed (desk/media_views.py)
]

handler404 = "boomer_site.views.not_found"
handler500 = "boomer_site.views.server_error"

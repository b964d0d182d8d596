from django.urls import path

from products.api import views

urlpatterns = [
    path("products/", views.ProductListCreateApi.as_view(), name="product-list"),
    path("products/<int:pk>/", views.ProductDetailApi.as_view(), name="product-detail"),
    path("products/<int:pk>/approve/", views.ProductApproveApi.as_view(), name="product-approve"),
    path("products/<int:pk>/reject/", views.ProductRejectApi.as_view(), name="product-reject"),
    path("products/<int:pk>/retry/", views.ProductRetryApi.as_view(), name="product-retry"),
    path("products/<int:pk>/similar/", views.ProductSimilarApi.as_view(), name="product-similar"),
    path("products/<int:pk>/events/", views.ProductEventsApi.as_view(), name="product-events"),
]

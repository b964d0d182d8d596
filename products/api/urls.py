from django.urls import path

from products.api import views

urlpatterns = [
    path("products/", views.ProductListCreateApi.as_view(), name="product-list"),
    path("products/<id:pk>/", views.ProductDetailApi.as_view(), name="product-detail"),
    path("products/<id:pk>/approve/", views.ProductApproveApi.as_view(), name="product-approve"),
    path("products/<id:pk>/reject/", views.ProductRejectApi.as_view(), name="product-reject"),
    path("products/<id:pk>/retry/", views.ProductRetryApi.as_view(), name="product-retry"),
    path("products/<id:pk>/similar/", views.ProductSimilarApi.as_view(), name="product-similar"),
    path("products/<id:pk>/events/", views.ProductEventsApi.as_view(), name="product-events"),
]

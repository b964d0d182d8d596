from django.urls import path

from desk.api import listing_views, product_views
from desk.api.auth import TokenObtainApi, TokenRefreshApi

urlpatterns = [
    path("auth/token/", TokenObtainApi.as_view(), name="token_obtain_pair"),
    path("auth/token/refresh/", TokenRefreshApi.as_view(), name="token_refresh"),
    path("products/", product_views.ProductListCreateApi.as_view(), name="product-list"),
    path("products/<id:pk>/", product_views.ProductDetailApi.as_view(), name="product-detail"),
    path("products/<id:pk>/approve/", product_views.ProductApproveApi.as_view(), name="product-approve"),
    path("products/<id:pk>/reject/", product_views.ProductRejectApi.as_view(), name="product-reject"),
    path("products/<id:pk>/retry/", product_views.ProductRetryApi.as_view(), name="product-retry"),
    path("products/<id:pk>/similar/", product_views.ProductSimilarApi.as_view(), name="product-similar"),
    path("products/<id:pk>/events/", product_views.ProductEventsApi.as_view(), name="product-events"),
    path("products/<id:pk>/market-research/", product_views.ProductMarketResearchApi.as_view(), name="product-market-research"),
    path("listings/", listing_views.ListingListApi.as_view(), name="listing-list"),
    path("listings/<id:pk>/", listing_views.ListingDetailApi.as_view(), name="listing-detail"),
    path("listings/<id:pk>/mark-sold/", listing_views.ListingMarkSoldApi.as_view(), name="listing-mark-sold"),
]

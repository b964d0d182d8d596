from django.urls import path

from listings.api import views

urlpatterns = [
    path("listings/", views.ListingListApi.as_view(), name="listing-list"),
    path("listings/<int:pk>/", views.ListingDetailApi.as_view(), name="listing-detail"),
    path("listings/<int:pk>/mark-sold/", views.ListingMarkSoldApi.as_view(), name="listing-mark-sold"),
]

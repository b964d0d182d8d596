from django.urls import path

from listings.api import views

urlpatterns = [
    path("listings/", views.ListingListApi.as_view(), name="listing-list"),
    path("listings/<id:pk>/", views.ListingDetailApi.as_view(), name="listing-detail"),
    path("listings/<id:pk>/mark-sold/", views.ListingMarkSoldApi.as_view(), name="listing-mark-sold"),
]

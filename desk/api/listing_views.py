"""Listings API: one small view per operation, each calling one service."""
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from desk.api.common import ListingConflictSerializer, ThrottleFirstMixin, errors
from desk.api.listing_serializers import ListingOut, MarkSoldIn
from desk.selectors import listings_visible
from listings.delisting import listing_sold
from listings.models import Listing, ListingStatus, Platform


class ListingFilter(filters.FilterSet):
    platform = filters.ChoiceFilter(choices=Platform.choices)
    status = filters.ChoiceFilter(choices=ListingStatus.choices)
    product = filters.NumberFilter(field_name="product_id")

    class Meta:
        model = Listing
        fields = ["platform", "status", "product"]


class ListingListApi(ThrottleFirstMixin, generics.ListAPIView):
    serializer_class = ListingOut
    filterset_class = ListingFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Listing.objects.none()
        return listings_visible(user=self.request.user).order_by("-created_at", "-id")

    @extend_schema(summary="List listings", responses={200: ListingOut(many=True), **errors(400, 401, 404, 429)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ListingDetailApi(ThrottleFirstMixin, APIView):
    @extend_schema(summary="One listing", responses={200: ListingOut, **errors(401, 404, 429)})
    def get(self, request, pk: int):
        return Response(ListingOut(get_object_or_404(listings_visible(user=request.user), pk=pk)).data)


class ListingMarkSoldApi(ThrottleFirstMixin, APIView):
    @extend_schema(summary="Record a sale: the listing and its product become SOLD, every other copy is ended", request=MarkSoldIn,
                   responses={200: ListingOut, **errors(400, 401, 404, 409, 429, conflict=ListingConflictSerializer)})
    def post(self, request, pk: int):
        listing = get_object_or_404(listings_visible(user=request.user), pk=pk)
        data = MarkSoldIn(data=request.data)
        data.is_valid(raise_exception=True)
        listing_sold(listing_id=listing.pk, by=request.user, price=data.validated_data.get("price"))
        return Response(ListingOut(listings_visible(user=request.user).get(pk=pk)).data)

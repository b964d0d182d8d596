"""Products API: one small view per operation, each calling one service."""
from django.db import transaction
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from agents.services import product_retry
from boomer_site.tasking import task_send
from desk.api import product_serializers as s
from desk.api.common import ErrorSerializer, ThrottleFirstMixin, UtcDateTimeFilter, errors
from desk.permissions import is_reviewer
from desk.selectors import products_visible
from listings.models import ListingStatus
from listings.services import (
    approval_stage_check,
    draft_categories_set,
    draft_conditions_set,
    draft_item_specifics_set,
    product_approve,
    product_reject,
)
from products.models import Product, Stage
from products.services import product_create_from_upload
from products.similarity import products_similar


class ProductFilter(filters.FilterSet):
    stage = filters.ChoiceFilter(choices=Stage.choices)
    brand = filters.CharFilter(lookup_expr="iexact")
    category = filters.CharFilter(lookup_expr="icontains")
    barcode = filters.CharFilter()
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Product
        fields = ["stage", "brand", "category", "barcode"]


def _visible_product(request, pk) -> Product:
    """Another seller's product answers 404, exactly like one that does not exist."""
    return get_object_or_404(products_visible(user=request.user), pk=pk)


def _out(request, product_id: int) -> dict:
    return s.ProductOut(_visible_product(request, product_id), context={"request": request}).data


class ProductListCreateApi(ThrottleFirstMixin, generics.ListAPIView):
    serializer_class = s.ProductOut
    filterset_class = ProductFilter
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Product.objects.none()
        return products_visible(user=self.request.user).order_by("-created_at", "-id")

    @extend_schema(summary="List products", responses={200: s.ProductOut(many=True), **errors(400, 401, 404, 429)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Upload photos of one item: a new product, its pipeline started",
        request={"multipart/form-data": s.ProductCreateIn},
        responses={201: s.ProductOut, 200: OpenApiResponse(s.ProductOut, description="Already known: the same photo"),
                   **errors(400, 401, 415, 429)},
    )
    def post(self, request):
        data = s.ProductCreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        result = product_create_from_upload(owner=request.user, files=data.validated_data["images"],
                                            notes=data.validated_data.get("notes", ""))
        product = result.product or result.duplicate_of
        code = status.HTTP_201_CREATED if result.product else status.HTTP_200_OK
        return Response(_out(request, product.pk), status=code)


class ProductDetailApi(ThrottleFirstMixin, APIView):
    @extend_schema(summary="One product", responses={200: s.ProductOut, **errors(401, 404, 429)})
    def get(self, request, pk: int):
        return Response(_out(request, pk))


class ProductApproveApi(ThrottleFirstMixin, APIView):
    @extend_schema(summary="Approve for platforms: one Listing each, product → PUBLISHING", request=s.ApproveIn,
                   responses={200: s.ProductOut, **errors(400, 401, 404, 409, 429, conflict=s.ApproveConflictOut),
                              503: OpenApiResponse(ErrorSerializer,
                                                   description="eBay's catalog could not be read: try again")})
    def post(self, request, pk: int):
        product = _visible_product(request, pk)
        data = s.ApproveIn(data=request.data)
        data.is_valid(raise_exception=True)
        approval_stage_check(product=product)  # 409 before anything the approval carries is kept
        categories = data.validated_data.pop("categories", None) or {}
        if categories:
            draft_categories_set(product_id=product.pk, categories=categories)
        specifics = data.validated_data.pop("item_specifics", None) or {}
        if specifics:
            draft_item_specifics_set(product_id=product.pk, specifics=specifics)
        conditions = data.validated_data.pop("conditions", None) or {}
        if conditions:
            draft_conditions_set(product_id=product.pk, conditions=conditions)
        product_approve(product_id=product.pk, by=request.user, **data.validated_data)
        return Response(_out(request, product.pk))


class ProductRejectApi(ThrottleFirstMixin, APIView):
    @extend_schema(summary="Reject with a reason", request=s.RejectIn,
                   responses={200: s.ProductOut, **errors(400, 401, 404, 409, 429)})
    def post(self, request, pk: int):
        product = _visible_product(request, pk)
        data = s.RejectIn(data=request.data)
        data.is_valid(raise_exception=True)
        product_reject(product_id=product.pk, by=request.user, reason=data.validated_data["reason"])
        return Response(_out(request, product.pk))


class ProductRetryApi(ThrottleFirstMixin, APIView):
    @extend_schema(summary="Send a FAILED product through the pipeline again", request=None,
                   responses={200: s.ProductOut, **errors(401, 404, 409, 429)})
    def post(self, request, pk: int):
        product = _visible_product(request, pk)
        product_retry(product_id=product.pk, by=request.user)
        return Response(_out(request, product.pk))


class ProductSimilarApi(ThrottleFirstMixin, APIView):
    @extend_schema(summary="Nearest products by embedding, with what they sold for",
                   responses={200: s.SimilarOut(many=True), **errors(401, 404, 429)})
    def get(self, request, pk: int):
        product = _visible_product(request, pk)
        owner = None if is_reviewer(request.user) else request.user
        neighbours = list(products_similar(product=product, limit=10, owner=owner).defer("embedding")
                          .prefetch_related("listings"))
        return Response(s.SimilarOut([
            {"id": n.pk, "sku": n.sku, "title": n.title, "stage": n.stage, "distance": round(float(n.distance), 4),
             "sold_prices": [item.sold_price or item.price for item in n.listings.all()
                             if item.status == ListingStatus.SOLD and (item.sold_price or item.price)]}
            for n in neighbours], many=True).data)


class ProductEventsApi(ThrottleFirstMixin, APIView):
    @extend_schema(summary="The product's history: every state change with who, when and why",
                   responses={200: s.EventOut(many=True), **errors(401, 404, 429)})
    def get(self, request, pk: int):
        product = _visible_product(request, pk)
        events = product.events.select_related("actor").order_by("created_at", "id")
        return Response(s.EventOut([
            {"id": e.pk, "event_type": e.event_type, "created_at": e.created_at,
             "actor": e.actor.get_username() if e.actor else None, "listing_id": e.listing_id, "data": e.event_data}
            for e in events], many=True).data)


class ProductMarketResearchApi(ThrottleFirstMixin, APIView):
    @extend_schema(summary="Research comparable sales again (queued): the product's comps and price are replaced",
                   request=None, responses={202: s.ProductOut, **errors(401, 404, 429)})
    def post(self, request, pk: int):
        product = _visible_product(request, pk)
        transaction.on_commit(lambda: task_send("market.research_product", product.pk))
        return Response(_out(request, product.pk), status=status.HTTP_202_ACCEPTED)

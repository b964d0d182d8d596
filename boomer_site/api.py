"""What every API endpoint shares: paging, roles, and errors as 4xx JSON `{"detail": …}`."""
from __future__ import annotations

from datetime import timezone as dt_timezone

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

REVIEWER_GROUP, SELLER_GROUP = "reviewer", "seller"


class IdConverter:
    """A database id in a URL: at most 18 digits, so no client can push a value past bigint
    into a query (that would be a 500, not the 404 it deserves)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


def is_reviewer(user) -> bool:
    """Staff and the reviewer group see and decide on every seller's items."""
    if not user or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    cached = getattr(user, "_boomer_is_reviewer", None)
    if cached is None:
        cached = user.groups.filter(name=REVIEWER_GROUP).exists()
        user._boomer_is_reviewer = cached
    return cached


def exception_handler(exc, context):
    """DRF's handler, plus BOOMER's domain errors mapped to 4xx; the body always has `detail`."""
    from listings.services import ApprovalError, IllegalListingMove
    from products.photos import PhotoRejected
    from products.services import IllegalTransition

    if isinstance(exc, (IllegalTransition, IllegalListingMove)):
        return Response({"detail": str(exc), "stage": exc.stage}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, (ApprovalError, PhotoRejected)):
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DataError):
        # A value the database cannot hold (out of range, bad offset): the client's to fix.
        return Response({"detail": f"a value is out of range: {str(exc).splitlines()[0]}"},
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": "; ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, (dict, list)) and "detail" not in response.data:
        fields = response.data
        response.data = {"detail": _summary(fields), "fields": fields}
    return response


def _summary(fields) -> str:
    if isinstance(fields, list):
        return "; ".join(str(item) for item in fields) or "invalid input"
    parts = []
    for name, errors in fields.items():
        first = errors[0] if isinstance(errors, list) and errors else errors
        parts.append(f"{name}: {first}")
    return "invalid input — " + "; ".join(parts)


ErrorSerializer = inline_serializer("Error", {
    "detail": serializers.CharField(),
    "fields": serializers.DictField(required=False, help_text="Errors per field, where they apply."),
})
ConflictSerializer = inline_serializer("Conflict", {
    "detail": serializers.CharField(),
    "stage": serializers.CharField(help_text="The product's current stage."),
})


def errors(*codes: int) -> dict:
    """OpenAPI responses for the error codes an endpoint can answer."""
    text = {400: "Invalid input", 401: "Not authenticated", 403: "Not allowed for this role",
            404: "Not found (or not yours)", 409: "Not allowed in the current stage",
            415: "Unsupported media type", 429: "Too many requests"}
    return {code: OpenApiResponse(ConflictSerializer if code == 409 else ErrorSerializer, description=text[code])
            for code in codes}


class ThrottleFirstMixin:
    """Count the request before refusing it: DRF checks permissions first, so without this an
    anonymous client could hammer every endpoint with 401s and never be throttled."""

    def initial(self, request, *args, **kwargs):
        self.format_kwarg = self.get_format_suffix(**kwargs)
        neg = self.perform_content_negotiation(request)
        request.accepted_renderer, request.accepted_media_type = neg
        version, scheme = self.determine_version(request, *args, **kwargs)
        request.version, request.versioning_scheme = version, scheme
        self.perform_authentication(request)
        self.check_throttles(request)
        self.check_permissions(request)


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO date-time filter that hands PostgreSQL UTC: it refuses offsets past ±15:59."""

    def filter(self, qs, value):
        if value is not None:
            try:
                value = value.astimezone(dt_timezone.utc)
            except (OverflowError, ValueError) as exc:
                raise DjangoValidationError(f"{self.field_name}: date out of range") from exc
        return super().filter(qs, value)

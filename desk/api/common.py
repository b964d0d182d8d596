"""What every API endpoint shares: ids in URLs, paging, throttling first, date filters, and the
OpenAPI description of its errors."""
from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import exceptions, permissions, serializers
from rest_framework.pagination import PageNumberPagination


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


ErrorSerializer = inline_serializer("Error", {
    "detail": serializers.CharField(),
    "fields": serializers.DictField(required=False, help_text="Errors per field, where they apply."),
})
ConflictSerializer = inline_serializer("Conflict", {
    "detail": serializers.CharField(),
    "stage": serializers.CharField(help_text="The product's current stage."),
})
ListingConflictSerializer = inline_serializer("ListingConflict", {
    "detail": serializers.CharField(),
    "status": serializers.CharField(help_text="The listing's current status."),
})


def errors(*codes: int, conflict=ConflictSerializer) -> dict:
    """OpenAPI responses for the error codes an endpoint can answer (409: `conflict`'s shape)."""
    text = {400: "Invalid input", 401: "Not authenticated", 403: "Not allowed for this role",
            404: "Not found (or not yours)", 409: "Not allowed in the current stage",
            415: "Unsupported media type", 429: "Too many requests"}
    return {code: OpenApiResponse(conflict if code == 409 else ErrorSerializer, description=text[code])
            for code in codes}


class DocsAccess(permissions.BasePermission):
    """/api/schema/ and /api/docs/: anyone on a developer's machine (BOOMER_OPS_ENDPOINTS_OPEN),
    a logged-in user (JWT or session) in production."""

    def has_permission(self, request, view):
        return settings.BOOMER_OPS_ENDPOINTS_OPEN or bool(request.user and request.user.is_authenticated)


class ThrottleFirstMixin:
    """Count the request before refusing it: DRF checks permissions first, so without this an
    anonymous client could hammer every endpoint with 401s and never be throttled. A bad or
    expired JWT is refused only after it is counted too (as an anonymous request of its address)."""

    def initial(self, request, *args, **kwargs):
        self.format_kwarg = self.get_format_suffix(**kwargs)
        neg = self.perform_content_negotiation(request)
        request.accepted_renderer, request.accepted_media_type = neg
        version, scheme = self.determine_version(request, *args, **kwargs)
        request.version, request.versioning_scheme = version, scheme
        try:
            self.perform_authentication(request)
        except exceptions.AuthenticationFailed:
            self.check_throttles(request)  # the request is anonymous now; a 429 wins over the 401
            raise
        self.check_throttles(request)
        self.check_permissions(request)


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO date-time filter that hands PostgreSQL UTC: it refuses offsets past ±15:59."""

    def filter(self, qs, value):
        if value is not None:
            try:
                value = value.astimezone(UTC)
            except (OverflowError, ValueError) as exc:
                raise DjangoValidationError(f"{self.field_name}: date out of range") from exc
        return super().filter(qs, value)

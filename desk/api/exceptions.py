"""The API's errors: DRF's, plus BOOMER's domain errors mapped to 4xx; the body always has
`detail` (and `fields` for field errors), never a 500 for the client's mistake."""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from listings.moves import IllegalListingMove
from listings.services import ApprovalError, CatalogUnavailable, PreflightRefused
from products.photos import PhotoRejected
from products.services import IllegalTransition


def exception_handler(exc, context):
    if isinstance(exc, IllegalTransition):
        return Response({"detail": str(exc), "stage": exc.stage}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, IllegalListingMove):
        return Response({"detail": str(exc), "status": exc.status}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, PreflightRefused):
        return Response({"detail": str(exc), "missing": exc.missing}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, CatalogUnavailable):
        return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
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

"""Probes: /healthz says the process is up, /readyz that its database and Redis answer; and
/metrics, for Prometheus (with its token) and staff, or anyone on a developer's machine."""
import hmac

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django_prometheus.exports import ExportToDjangoView
from redis import Redis


def healthz(request):
    return JsonResponse({"status": "ok"})


def readyz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure means not ready; the message says which
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"error: {exc.__class__.__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503)


def _metrics_allowed(request) -> bool:
    if settings.BOOMER_OPS_ENDPOINTS_OPEN:
        return True
    token = settings.BOOMER_METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    user = getattr(request, "user", None)
    return bool(user and user.is_active and user.is_staff)


def metrics(request):
    if not _metrics_allowed(request):
        return HttpResponse("/metrics needs the metrics token (Authorization: Bearer …) or a staff login.\n",
                            status=401, content_type="text/plain", headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    return ExportToDjangoView(request)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    """API paths get JSON 404s like the rest of the API; everything else Django's page."""
    if _wants_json(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def server_error(request):
    if _wants_json(request):
        return JsonResponse({"detail": "Server error: the operators have been told."}, status=500)
    from django.views.defaults import server_error as page

    return page(request)

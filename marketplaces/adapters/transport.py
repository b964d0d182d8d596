"""HTTP for the API adapters: one place that turns transport failures and status codes into
`AdapterError` with the right `permanent` flag and `retry_after`."""
from __future__ import annotations

import email.utils
import time
from collections.abc import Callable

import requests
from django.conf import settings

from .base import AdapterError

USER_AGENT = "BOOMER/1.0 (+marketplace publisher)"


def timeout() -> tuple[float, float]:
    """(connect, read) seconds; BOOMER_MARKETPLACE_TIMEOUT sets the read part."""
    read = float(settings.BOOMER_MARKETPLACE_TIMEOUT)
    return (min(5.0, read), read)


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def session() -> requests.Session:
    s = requests.Session()
    s.headers["User-Agent"] = USER_AGENT
    return s


def send(http: requests.Session, method: str, url: str, *, service: str,
         describe: Callable[[requests.Response], str],
         classify: Callable[[requests.Response], tuple[bool, float | None] | None] | None = None,
         **kwargs) -> requests.Response:
    """Send one request; return the response for 2xx and 401 (the caller refreshes its token),
    raise AdapterError for everything else. `classify(response)` may return
    (permanent, retry_after) for platforms whose error codes say more than the HTTP status."""
    kwargs.setdefault("timeout", timeout())
    try:
        response = http.request(method, url, **kwargs)
    except requests.Timeout:
        raise AdapterError(f"{service} did not answer in time", permanent=False) from None
    except requests.RequestException as exc:
        raise AdapterError(f"{service} could not be reached ({type(exc).__name__})", permanent=False) from None
    code = response.status_code
    if code < 400 or code == 401:
        return response
    message = f"{service} answered {code}: {describe(response)}"
    verdict = classify(response) if classify else None
    if verdict is not None:
        raise AdapterError(message, permanent=verdict[0], retry_after=verdict[1], status=code)
    if code == 429:
        raise AdapterError(message, permanent=False, status=code,
                           retry_after=parse_retry_after(response.headers.get("Retry-After")))
    if code >= 500 or code == 408:
        raise AdapterError(message, permanent=False, status=code,
                           retry_after=parse_retry_after(response.headers.get("Retry-After")))
    raise AdapterError(message, permanent=True, status=code)


def json_or_empty(response: requests.Response) -> dict:
    try:
        value = response.json()
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {"data": value}
